"""Realistic journals (序时账) of a small trading company, and writers for each journal layout hezhang reads.

`generate_journal` makes a month of balanced vouchers: receipts from customers (银行存款 / 应收账款 with the
customer as 核算项目), payments to suppliers (应付账款), payroll (应付职工薪酬 with 个人所得税 and social
insurance withheld), taxes (应交税费, one debit line per tax type), bank fees and interest (财务费用), transfers
between the company's two bank accounts, and vouchers that never touch the bank (depreciation).
`render_standard_journal` and `render_kingdee` write any `LedgerLine`s into the two journal layouts.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal

from openpyxl import Workbook  # type: ignore[import-untyped,unused-ignore]

from hezhang.domain.lines import Direction, LedgerLine
from hezhang.domain.money import Money, format_fen
from hezhang.domain.period import Period
from hezhang.importers.journal_kingdee import COLUMNS as KINGDEE_COLUMNS
from hezhang.importers.journal_standard import HEADER as STANDARD_HEADER
from hezhang.importers.journal_standard import OPTIONAL as STANDARD_OPTIONAL

BANKS = (("100201", "银行存款-工商银行"), ("100202", "银行存款-招商银行"))
CUSTOMERS = ("上海开发区世创商贸有限公司", "杭州恒远电子科技有限公司", "苏州新纪元包装材料有限公司",
             "南京瑞丰食品有限公司", "宁波海曙区明达五金经营部", "无锡市鼎盛机械配件厂")  # fmt: skip
SUPPLIERS = ("嘉兴华联纸业有限公司", "上海申通物流有限公司", "常州金源塑胶制品有限公司", "合肥长江电器批发部")
PREPARERS = ("王芳", "李娜", "陈静")
#: 核算项目 category of the party on a line, by account code.
_CATEGORIES = (("1122", "客户"), ("2203", "客户"), ("2202", "供应商"), ("1123", "供应商"), ("2211", "职员"))
_TAXES = (("222102", "应交税费-未交增值税"), ("222108", "应交税费-应交城市维护建设税"),
          ("222109", "应交税费-应交教育费附加"), ("222110", "应交税费-应交地方教育附加"))  # fmt: skip

Entry = tuple[str, str, Direction, int, str | None]  # account code, name, direction, fen, counterparty


def generate_journal(period: Period | None = None, vouchers: int = 40, seed: int = 0) -> list[LedgerLine]:
    """`vouchers` balanced vouchers dated inside `period` (default 2026-10), numbered 记-0001.. in date order."""
    rng = random.Random(seed)
    period = period or Period.month(2026, 10)
    days = (period.end - period.start).days
    dates = sorted(date.fromordinal(period.start.toordinal() + rng.randint(0, days)) for _ in range(vouchers))
    kinds: list[tuple[Callable[[random.Random], tuple[str, list[Entry]]], int]] = [
        (_receipt, 30), (_receipts, 5), (_payment, 20), (_payroll, 6), (_taxes, 6), (_fee, 12), (_interest, 3),
        (_transfer, 4), (_depreciation, 8),
    ]  # fmt: skip
    lines: list[LedgerLine] = []
    for number, day in enumerate(dates, start=1):
        make = rng.choices([k for k, _ in kinds], weights=[w for _, w in kinds])[0]
        memo, entries = make(rng)
        preparer = rng.choice(PREPARERS)
        method = rng.choice(("电汇", "网银", "转账支票"))
        for entry_no, (code, name, direction, fen, party) in enumerate(entries, start=1):
            bank = code.startswith("1002")
            lines.append(
                LedgerLine(
                    row=len(lines) + 1, date=day, voucher_no=f"记-{number:04d}", account_code=code,
                    direction=direction, amount=Money(fen), entry_no=entry_no, account_name=name, memo=memo,
                    counterparty_name=party, settlement_method=method if bank else None,
                    settlement_no=str(rng.randint(10**7, 10**8 - 1)) if bank else None, preparer=preparer,
                )
            )  # fmt: skip
    return lines


def _fen(rng: random.Random, low: int, high: int) -> int:
    """An amount in yuan between low and high, often round, as fen."""
    yuan = rng.randint(low, high)
    return yuan * 100 if rng.random() < 0.4 else yuan * 100 + rng.randint(0, 99)


def _receipt(rng: random.Random) -> tuple[str, list[Entry]]:
    customer, (code, name), fen = rng.choice(CUSTOMERS), rng.choice(BANKS), _fen(rng, 800, 180_000)
    return f"收到{customer}货款", [(code, name, Direction.IN, fen, None),
                                   ("1122", "应收账款", Direction.OUT, fen, customer)]  # fmt: skip


def _receipts(rng: random.Random) -> tuple[str, list[Entry]]:
    first, second = rng.sample(CUSTOMERS, 2)
    a, b = _fen(rng, 500, 50_000), _fen(rng, 500, 50_000)
    code, name = BANKS[0]
    return "收到货款", [
        (code, name, Direction.IN, a, None), (code, name, Direction.IN, b, None),
        ("1122", "应收账款", Direction.OUT, a, first), ("1122", "应收账款", Direction.OUT, b, second),
    ]  # fmt: skip


def _payment(rng: random.Random) -> tuple[str, list[Entry]]:
    supplier, (code, name), fen = rng.choice(SUPPLIERS), rng.choice(BANKS), _fen(rng, 300, 120_000)
    return f"支付{supplier}货款", [("2202", "应付账款", Direction.IN, fen, supplier),
                                   (code, name, Direction.OUT, fen, None)]  # fmt: skip


def _payroll(rng: random.Random) -> tuple[str, list[Entry]]:
    gross = _fen(rng, 30_000, 160_000)
    income_tax, insurance = gross * rng.randint(1, 3) // 100, gross * 105 // 1000
    return "发放本月工资", [
        ("221101", "应付职工薪酬-工资", Direction.IN, gross, None),
        (*BANKS[0], Direction.OUT, gross - income_tax - insurance, None),
        ("222112", "应交税费-应交个人所得税", Direction.OUT, income_tax, None),
        ("224101", "其他应付款-社会保险费(个人)", Direction.OUT, insurance, None),
    ]


def _taxes(rng: random.Random) -> tuple[str, list[Entry]]:
    vat = _fen(rng, 2_000, 60_000)
    amounts = [vat, vat * 7 // 100, vat * 3 // 100, vat * 2 // 100]
    debits: list[Entry] = [
        (code, name, Direction.IN, fen, None) for (code, name), fen in zip(_TAXES, amounts, strict=True)
    ]
    return "缴纳上月增值税及附加税", [*debits, (*BANKS[0], Direction.OUT, sum(amounts), None)]


def _fee(rng: random.Random) -> tuple[str, list[Entry]]:
    fen = rng.choice((500, 1000, 1500, 2000, 5000)) + rng.randint(0, 1) * 50
    return "银行手续费", [("660302", "财务费用-手续费", Direction.IN, fen, None),
                          (*rng.choice(BANKS), Direction.OUT, fen, None)]  # fmt: skip


def _interest(rng: random.Random) -> tuple[str, list[Entry]]:
    fen = rng.randint(100, 99_999)
    return "结息", [(*rng.choice(BANKS), Direction.IN, fen, None),
                    ("660301", "财务费用-利息收入", Direction.OUT, fen, None)]  # fmt: skip


def _transfer(rng: random.Random) -> tuple[str, list[Entry]]:
    fen = _fen(rng, 10_000, 300_000)
    return "工行转招行备用金", [(*BANKS[1], Direction.IN, fen, None), (*BANKS[0], Direction.OUT, fen, None)]


def _depreciation(rng: random.Random) -> tuple[str, list[Entry]]:
    fen = _fen(rng, 200, 9_000)
    return "计提本月折旧", [("660206", "管理费用-折旧费", Direction.IN, fen, None),
                            ("1602", "累计折旧", Direction.OUT, fen, None)]  # fmt: skip


def party_item(line: LedgerLine, code: str | None = None) -> str:
    """The 核算项目 cell of a line with a counterparty: "客户---世创商贸" (or "客户---01.002---世创商贸")."""
    if not line.counterparty_name:
        return ""
    category = next((c for prefix, c in _CATEGORIES if line.account_code.startswith(prefix)), "往来单位")
    return "---".join(p for p in (category, code, line.counterparty_name) if p)


def render_standard_journal(lines: Sequence[LedgerLine], encoding: str = "utf-8-sig", file_type: str = "csv") -> bytes:
    """The lines as a hezhang standard journal: CSV in `encoding` ("utf-8-sig", "utf-8", "gb18030") or XLSX."""
    xlsx = file_type == "xlsx"
    rows: list[list[object]] = [[*STANDARD_HEADER, *STANDARD_OPTIONAL]]
    for line in lines:
        debit, credit = _sides(line, xlsx, "")
        rows.append([
            line.date if xlsx else line.date.isoformat(), line.voucher_no, line.entry_no, line.memo or "",
            line.account_code, line.account_name or "", debit, credit, party_item(line),
            line.settlement_method or "", line.settlement_no or "", line.amount.currency, line.preparer or "",
        ])  # fmt: skip
    return _xlsx(rows) if xlsx else _csv(rows, encoding)


def render_kingdee(
    lines: Sequence[LedgerLine], encoding: str = "gb18030", file_type: str = "csv", *, title: str | None = None
) -> bytes:
    """The lines as a Kingdee K/3 voucher export (all 37 columns), CSV in `encoding` or XLSX.

    With `title`, a title row and an empty row stand above the header, as in a report saved from K/3.
    """
    xlsx = file_type == "xlsx"
    rows: list[list[object]] = [[title], []] if title else []
    rows.append(list(KINGDEE_COLUMNS))
    codes: dict[str, str] = {}
    serials: dict[str, int] = {}
    for line in lines:
        word, _, number = line.voucher_no.rpartition("-")
        serial = serials.setdefault(line.voucher_no, len(serials) + 1)
        party = line.counterparty_name or ""
        code = codes.setdefault(party, f"01.{len(codes) + 1:03d}") if party else None
        debit, credit = _sides(line, xlsx, "0")
        day = line.date if xlsx else f"{line.date.year}/{line.date.month}/{line.date.day}"
        amount = _number(line.amount.fen, xlsx)
        values = {
            "凭证日期": day, "会计年度": line.date.year, "会计期间": line.date.month, "凭证字": word,
            "凭证号": int(number), "科目代码": line.account_code, "科目名称": line.account_name or "",
            "币别代码": "RMB", "币别名称": "人民币", "原币金额": amount, "借方": debit, "贷方": credit,
            "制单": line.preparer or "", "结算方式": line.settlement_method or "", "结算号": line.settlement_no or "",
            "凭证摘要": line.memo or "", "数量": 0, "单价": 0, "业务日期": day, "附件数": 1, "序号": serial,
            "系统模块": "总账系统", "汇率类型": "公司汇率", "汇率": 1, "分录序号": line.entry_no,
            "核算项目": party_item(line, code), "过账": 0,
        }  # fmt: skip
        rows.append([values.get(name, "") for name in KINGDEE_COLUMNS])
    return _xlsx(rows) if xlsx else _csv(rows, encoding)


def _number(fen: int, xlsx: bool) -> object:
    return Decimal(fen).scaleb(-2) if xlsx else format_fen(fen)


def _sides(line: LedgerLine, xlsx: bool, empty: str) -> tuple[object, object]:
    """(debit, credit) cells: the amount on its side, `empty` (or 0 in a workbook) on the other."""
    amount = _number(line.amount.fen, xlsx)
    other: object = (0 if empty else None) if xlsx else empty
    return (amount, other) if line.direction is Direction.IN else (other, amount)


def _csv(rows: list[list[object]], encoding: str) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(["" if v is None else v for v in row] for row in rows)
    return out.getvalue().encode(encoding)


def _xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("凭证")
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
