"""Small statement and journal files for store tests, written here from the README's column lists (not with
hezhang's own sample writers), so a store test does not lean on the code it checks.

    bank = bank_csv([Txn(date(2026, 10, 3), 1_500_00, "in", "上海甲公司", "货款")], opening=0)
    journal = journal_csv([Txn(date(2026, 10, 3), 1_500_00, "in", "上海甲公司", "收甲公司货款")])

A bank file carries a running balance from `opening`; each journal transaction is a balanced voucher: the bank
account (100201 银行存款) against 1122 应收账款 (money in) or 2202 应付账款 (money out), with the counterparty as
the auxiliary account name (应收账款-<name>).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

BANK_HEADER = ["交易日期", "交易时间", "流水号", "摘要", "对方户名", "对方账号", "收入金额", "支出金额", "余额", "币种"]
JOURNAL_HEADER = ["日期", "凭证字号", "分录号", "摘要", "科目代码", "科目名称", "借方金额", "贷方金额"]


@dataclass(frozen=True)
class Txn:
    day: date
    fen: int
    direction: str  # "in" or "out"
    counterparty: str
    memo: str
    ref: str = ""
    account: str = ""


def yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def _csv(header: list[str], rows: Iterable[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def bank_csv(txns: Iterable[Txn], opening: int = 0) -> bytes:
    balance, rows = opening, []
    for i, t in enumerate(sorted(txns, key=lambda t: t.day), start=1):
        balance += t.fen if t.direction == "in" else -t.fen
        rows.append([t.day.isoformat(), f"{9 + i % 8:02d}:{i % 60:02d}:00", t.ref or f"B{t.day:%Y%m%d}{i:04d}", t.memo,
                     t.counterparty, t.account, yuan(t.fen) if t.direction == "in" else "",
                     yuan(t.fen) if t.direction == "out" else "", yuan(balance), "CNY"])  # fmt: skip
    return _csv(BANK_HEADER, rows)


def journal_csv(txns: Iterable[Txn], *, first_voucher: int = 1) -> bytes:
    rows = []
    for n, t in enumerate(sorted(txns, key=lambda t: t.day), start=first_voucher):
        voucher = f"记-{t.day:%m}{n:04d}"
        other = (
            ("1122", f"应收账款-{t.counterparty}") if t.direction == "in" else ("2202", f"应付账款-{t.counterparty}")
        )
        bank_debit, bank_credit = (yuan(t.fen), "") if t.direction == "in" else ("", yuan(t.fen))
        rows.append([t.day.isoformat(), voucher, "1", t.memo, "100201", "银行存款-工商银行", bank_debit, bank_credit])
        rows.append([t.day.isoformat(), voucher, "2", t.memo, other[0], other[1], bank_credit, bank_debit])
    return _csv(JOURNAL_HEADER, rows)
