"""A small invented world of one client's bank account and books, September to December 2026, for flow tests.

Every name, phone number, account number and memo here is made up in this file on purpose: the flow tests check
that none of them reaches the database in the clear, so they must not come from the code under test (its
samples or its privacy lists), which could hide a name the masking or sealing code was written against.

    books = generate_books(seed)
    books.bank_csv(date(2026, 10, 1), date(2026, 10, 31))      # a standard statement CSV of those days
    books.journal_csv(date(2026, 10, 16), date(2026, 11, 15))  # a standard journal CSV (whole vouchers)
    books.secrets                                              # every personal or financial text to look for

A bank line is known by its 流水号 (`BankEntry.ref`), a journal line by (凭证字号, 分录号) (`JournalEntry.key`);
the running balance runs over the whole world, so any slice of days is a consistent export.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

#: Invented personal names (two with compound surnames).
PEOPLE = (
    "王晓岚", "李秋萍", "张德润", "刘雅楠", "陈嘉禾", "杨思远", "赵梓萱", "黄立群", "周文博", "吴海燕", "徐振邦",
    "孙婉清", "胡宗翰", "朱楚怡", "高鹏程", "林诗涵", "何俊熙", "郭晴川", "马骁骐", "罗雨桐", "梁景行", "宋知微",
    "郑怀瑾", "谢安澜", "韩若曦", "唐修远", "冯舒窈", "于承泽", "董沁柔", "萧逸尘", "欧阳明澈", "司马清扬",
    "程蔓菁", "曹砚秋",
)  # fmt: skip
#: Invented company names.
COMPANIES = (
    "上海澜锦贸易有限公司", "杭州青禾农业科技有限公司", "苏州恒昱精密机械有限公司", "南京栖霞远舟物流有限公司",
    "宁波甬舟海产品有限公司", "成都锦官印务有限公司", "武汉楚天汇通建材有限公司", "深圳前海麦田网络科技有限公司",
    "厦门鹭岛茶语餐饮管理有限公司", "合肥庐州晨光文具有限公司", "天津海河隆昶机电设备有限公司",
    "青岛崂山泉韵饮品有限公司", "西安曲江墨香文化传媒有限公司", "长沙岳麓星火教育咨询有限公司",
    "无锡太湖明珠纺织有限公司", "佛山南海金瓯陶瓷有限公司",
)  # fmt: skip

#: The months of the world, and the last day any line may have.
MONTHS = (9, 10, 11, 12)
YEAR = 2026
LAST_DAY = date(YEAR, 12, 31)
BANK_CODE, BANK_NAME = "100201", "银行存款"

BANK_HEADER = "交易日期,交易时间,流水号,摘要,对方户名,对方账号,收入金额,支出金额,余额,币种"
JOURNAL_HEADER = "日期,凭证字号,分录号,摘要,科目代码,科目名称,借方金额,贷方金额,核算项目,制单"


@dataclass(frozen=True)
class BankEntry:
    ref: str  # 流水号: the line's identity
    day: date
    time: str
    memo: str
    counterparty: str
    counterparty_account: str
    signed_fen: int
    balance_fen: int


@dataclass(frozen=True)
class JournalEntry:
    day: date
    voucher: str
    entry_no: int
    memo: str
    code: str
    name: str
    debit_fen: int
    credit_fen: int
    auxiliary: str = ""
    preparer: str = ""

    @property
    def key(self) -> tuple[str, int]:
        return (self.voucher, self.entry_no)


@dataclass
class Books:
    """The world: every bank line and journal line, and the texts that must never be stored in the clear."""

    bank: list[BankEntry] = field(default_factory=list)
    journal: list[JournalEntry] = field(default_factory=list)
    own_account: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    secrets: set[str] = field(default_factory=set)

    def bank_in(self, start: date, end: date) -> list[BankEntry]:
        return [b for b in self.bank if start <= b.day <= end]

    def journal_in(self, start: date, end: date) -> list[JournalEntry]:
        return [j for j in self.journal if start <= j.day <= end]

    def bank_csv(self, start: date, end: date) -> bytes:
        rows = [BANK_HEADER]
        for b in self.bank_in(start, end):
            money_in = _yuan(b.signed_fen) if b.signed_fen > 0 else ""
            money_out = _yuan(-b.signed_fen) if b.signed_fen < 0 else ""
            rows.append(",".join([b.day.isoformat(), b.time, b.ref, b.memo, b.counterparty, b.counterparty_account,
                                  money_in, money_out, _yuan(b.balance_fen), "CNY"]))  # fmt: skip
        return ("\n".join(rows) + "\n").encode("utf-8")

    def journal_csv(self, start: date, end: date) -> bytes:
        rows = [JOURNAL_HEADER]
        for j in self.journal_in(start, end):
            debit = _yuan(j.debit_fen) if j.debit_fen else ""
            credit = _yuan(j.credit_fen) if j.credit_fen else ""
            rows.append(",".join([j.day.isoformat(), j.voucher, str(j.entry_no), j.memo, j.code, j.name, debit, credit,
                                  j.auxiliary, j.preparer]))  # fmt: skip
        return ("\n".join(rows) + "\n").encode("utf-8")


def _yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


class _Writer:
    """Builds the world month by month: vouchers numbered per month, bank serials per day."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.books = Books()
        self.vouchers: dict[int, int] = {}
        self.pending_bank: list[tuple[date, str, str, str, int]] = []
        self.clerks = rng.sample(PEOPLE, 2)

    def phone(self) -> str:
        number = f"1{self.rng.choice('35789')}{self.rng.randrange(10**9):09d}"
        self.books.secrets.add(number)
        return number

    def account(self) -> str:
        number = f"6222{self.rng.randrange(10**15):015d}"
        self.books.secrets.add(number)
        return number

    def amount(self) -> int:
        return self.rng.randrange(1_000, 60_000) * 100 + self.rng.choice((0, 0, 50, self.rng.randrange(1, 100)))

    def bank(self, day: date, memo: str, party: str, signed_fen: int) -> None:
        if day <= LAST_DAY:
            self.pending_bank.append((day, memo, party, self.account(), signed_fen))
            self.books.secrets.update((memo, party))

    def voucher(self, day: date, memo: str, lines: list[tuple[str, str, int, int, str]]) -> None:
        """One voucher of `day`: lines of (code, name, debit, credit, 核算项目); debits equal credits."""
        n = self.vouchers[day.month] = self.vouchers.get(day.month, 0) + 1
        number = f"{day.month:02d}-{n:02d}"  # renumbered in date order by `finish`
        preparer = self.rng.choice(self.clerks)
        for entry_no, (code, name, debit, credit, auxiliary) in enumerate(lines, start=1):
            self.books.journal.append(JournalEntry(day, number, entry_no, memo, code, name, debit, credit, auxiliary,
                                                   preparer))  # fmt: skip
            self.books.secrets.update(s for s in (memo, auxiliary) if s)

    def transaction(self, kind: str, day: date) -> None:
        rng, amount = self.rng, self.amount()
        booked = min(day + timedelta(days=rng.choice((0, 0, 1))), day.replace(day=28))
        person, company = rng.choice(PEOPLE), rng.choice(COMPANIES)
        if kind == "sale":  # a customer pays an invoice: named by 核算项目
            self.bank(day, f"{company}货款", company, amount)
            self.voucher(booked, f"收{company}货款", [(BANK_CODE, BANK_NAME, amount, 0, ""),
                                                   ("1122", "应收账款", 0, amount, f"客户---{company}")])  # fmt: skip
        elif kind == "wage":  # a wage paid to a person
            self.bank(day, f"代发{person}工资", person, -amount)
            self.voucher(booked, f"代付{person}工资", [("2211", "应付职工薪酬", amount, 0, f"职员---{person}"),
                                                    (BANK_CODE, BANK_NAME, 0, amount, "")])  # fmt: skip
        elif kind == "loan-back":  # a person repays: the receivable's account is named after them
            self.bank(day, f"{person}还借款", person, amount)
            self.books.secrets.add(f"应收账款-{person}")
            self.voucher(booked, f"收{person}还款", [(BANK_CODE, BANK_NAME, amount, 0, ""),
                                                  ("1122", f"应收账款-{person}", 0, amount, "")])  # fmt: skip
        elif kind == "expenses":  # travel expenses paid back, with the person's phone in the memo
            phone = self.phone()
            self.bank(day, f"{person}报销款", person, -amount)
            self.voucher(booked, f"报销{person}差旅费 电话{phone}", [("6602", "管理费用-差旅费", amount, 0, ""),
                                                                 (BANK_CODE, BANK_NAME, 0, amount, "")])  # fmt: skip
        elif kind == "bank-only":  # the bank received it, the books did not yet (银收企未收)
            self.bank(day, f"{company}预付款", company, amount)
        elif kind == "late":  # booked at month end, paid by the bank early next month (企付银未付)
            end = day.replace(day=28)
            self.voucher(end, f"付{company}材料款", [("2202", "应付账款", amount, 0, f"供应商---{company}"),
                                                  (BANK_CODE, BANK_NAME, 0, amount, "")])  # fmt: skip
            self.bank(end + timedelta(days=rng.randint(4, 7)), f"支付{company}材料款", company, -amount)
        elif kind == "typo":  # the books mistyped the amount: nothing matches it, a person matches it by hand
            wrong = amount + self.rng.choice((9, 90, 900, -9, -90)) * 100
            self.bank(day, f"{company}服务费", company, amount)
            lines = [(BANK_CODE, BANK_NAME, wrong, 0, ""), ("6001", "主营业务收入", 0, wrong, f"客户---{company}")]
            self.voucher(booked, f"收{company}服务费", lines)
        elif kind == "rent":  # two tenants pay the same rent the same day; the books tell them apart by nothing
            tenants = rng.sample(PEOPLE, 2)
            for tenant in tenants:
                self.bank(day, f"{tenant}交房租", tenant, amount)
            for _ in tenants:
                lines = [(BANK_CODE, BANK_NAME, amount, 0, ""), ("6051", "其他业务收入", 0, amount, "")]
                self.voucher(booked, f"收房租 联系电话{self.phone()}", lines)

    def finish(self, opening_fen: int) -> Books:
        balance = opening_fen
        serial: dict[date, int] = {}
        for day, memo, party, account, signed in sorted(self.pending_bank, key=lambda b: b[0]):
            n = serial[day] = serial.get(day, 0) + 1
            balance += signed
            self.books.bank.append(BankEntry(f"HZ{day:%Y%m%d}{n:03d}", day, f"{9 + n:02d}:{n * 7 % 60:02d}:00", memo,
                                             party, account, signed, balance))  # fmt: skip
        # vouchers numbered in date order within each month (记-1001, 记-1002...)
        self.books.journal.sort(key=lambda j: (j.day, j.voucher, j.entry_no))
        numbers: dict[str, str] = {}
        per_month: dict[int, int] = {}
        for j in self.books.journal:
            if j.voucher not in numbers:
                n = per_month[j.day.month] = per_month.get(j.day.month, 0) + 1
                numbers[j.voucher] = f"记-{j.day.month:02d}{n:02d}"
        self.books.journal = [replace(j, voucher=numbers[j.voucher]) for j in self.books.journal]
        self.books.secrets.update(PEOPLE + COMPANIES)
        self.books.secrets.update(self.clerks)
        return self.books


KINDS = ("sale", "wage", "loan-back", "expenses", "bank-only", "late", "typo", "rent")


def generate_books(seed: int) -> Books:
    """Four to seven transactions a month from September to December 2026; each half of a month has lines on both
    sides (a sale before the 13th, a wage after the 16th), so an export of any half month is never empty."""
    rng = random.Random(seed)
    writer = _Writer(rng)
    for month in MONTHS:
        writer.transaction("sale", date(YEAR, month, rng.randint(2, 12)))
        writer.transaction("wage", date(YEAR, month, rng.randint(17, 25)))
        for kind in rng.sample(KINDS, rng.randint(2, 5)):
            writer.transaction(kind, date(YEAR, month, rng.randint(2, 26)))
    books = writer.finish(opening_fen=rng.randrange(300_000, 900_000) * 100)
    books.own_account = f"3105{rng.randrange(10**16):016d}"
    books.contact_name, books.contact_phone = rng.choice(PEOPLE), writer.phone()
    books.secrets.update((books.own_account, books.contact_name))
    return books
