"""The hezhang standard journal (核账标准序时账): one voucher line per row, CSV or XLSX.

Header (row 1): 日期,凭证字号,分录号,摘要,科目代码,科目名称,借方金额,贷方金额 and, optionally,
核算项目,结算方式,结算号,币种,制单 (any order; other columns are ignored). Text in UTF-8 with or without BOM,
or GBK/GB18030; dates as 2026-10-01, 20261001 or 2026/10/01; amounts positive (a negative amount is a
红字冲销 and is read on the other side, with a notice). 币种 is the currency of the amounts (CNY when empty).
"""

from __future__ import annotations

from hezhang.importers.journal import BANK_PREFIX, JournalLayout, parse_journal, sniff_layout
from hezhang.importers.registry import Format
from hezhang.importers.result import ImportResult

NAME = "journal-standard"
TITLE = "核账标准序时账 / hezhang standard journal"
#: The header, in the order hezhang writes it.
HEADER = ("日期", "凭证字号", "分录号", "摘要", "科目代码", "科目名称", "借方金额", "贷方金额")
OPTIONAL = ("核算项目", "结算方式", "结算号", "币种", "制单")

LAYOUT = JournalLayout(
    name=NAME,
    title=TITLE,
    columns={
        "date": ("日期",),
        "voucher": ("凭证字号",),
        "entry_no": ("分录号",),
        "memo": ("摘要",),
        "account_code": ("科目代码",),
        "account_name": ("科目名称",),
        "debit": ("借方金额",),
        "credit": ("贷方金额",),
        "auxiliary": ("核算项目",),
        "settlement_method": ("结算方式",),
        "settlement_no": ("结算号",),
        "currency": ("币种",),
        "preparer": ("制单",),
    },
    required=("date", "voucher", "entry_no", "memo", "account_code", "account_name", "debit", "credit"),
)


def sniff(data: bytes, head: str | None) -> bool:
    return sniff_layout(data, head, LAYOUT)


def parse(data: bytes, filename: str, account_prefix: str = BANK_PREFIX) -> ImportResult:
    """Read a standard journal: bank lines (account code under `account_prefix`) in `lines`, the rest in `context`."""
    return parse_journal(data, filename, LAYOUT, account_prefix)


FORMATS: list[Format] = [Format(name=NAME, kind="journal", title=TITLE, sniff=sniff, parse=parse)]
