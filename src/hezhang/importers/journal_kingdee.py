"""Kingdee K/3 voucher export (金蝶 K/3 凭证引出), CSV (often GBK) or XLSX, one voucher line per row.

The full export has 37 columns (`COLUMNS`, the list K/3 and tools that feed it use):
凭证日期,会计年度,会计期间,凭证字,凭证号,科目代码,科目名称,币别代码,币别名称,原币金额,借方,贷方,制单,审核,核准,
出纳,经办,结算方式,结算号,凭证摘要,数量,数量单位,单价,参考信息,业务日期,往来业务编号,附件数,序号,系统模块,
业务描述,汇率类型,汇率,分录序号,核算项目,过账,机制凭证,现金流量.

Columns are found by name, never by position: title rows above the header, extra or missing optional
columns and full-width header text are fine. voucher_no is 凭证字 + "-" + 凭证号 padded to four digits
("记-0012"); entry_no is 分录序号; memo is 凭证摘要 (or 摘要). Amounts are the 借方/贷方 columns, which K/3
keeps in the base currency (本位币, CNY), so every line is CNY; foreign-currency lines (币别代码 not RMB/CNY)
are counted in a notice, their 原币金额 is not kept. 核算项目 looks like "客户---01.002---世创商贸".
"""

from __future__ import annotations

from hezhang.importers.journal import BANK_PREFIX, JournalLayout, parse_journal, sniff_layout
from hezhang.importers.registry import Format
from hezhang.importers.result import ImportResult

NAME = "journal-kingdee"
TITLE = "金蝶 K/3 凭证引出 / Kingdee K/3 voucher export"
COLUMNS = (
    "凭证日期", "会计年度", "会计期间", "凭证字", "凭证号", "科目代码", "科目名称", "币别代码", "币别名称", "原币金额",
    "借方", "贷方", "制单", "审核", "核准", "出纳", "经办", "结算方式", "结算号", "凭证摘要",
    "数量", "数量单位", "单价", "参考信息", "业务日期", "往来业务编号", "附件数", "序号", "系统模块", "业务描述",
    "汇率类型", "汇率", "分录序号", "核算项目", "过账", "机制凭证", "现金流量",
)  # fmt: skip

LAYOUT = JournalLayout(
    name=NAME,
    title=TITLE,
    columns={
        "date": ("凭证日期", "日期"),
        "voucher_word": ("凭证字",),
        "voucher_num": ("凭证号",),
        "entry_no": ("分录序号", "分录号"),
        "memo": ("凭证摘要", "摘要"),
        "account_code": ("科目代码",),
        "account_name": ("科目名称",),
        "debit": ("借方", "借方金额"),
        "credit": ("贷方", "贷方金额"),
        "auxiliary": ("核算项目",),
        "settlement_method": ("结算方式",),
        "settlement_no": ("结算号",),
        "preparer": ("制单", "制单人"),
        "original_currency": ("币别代码", "币别名称", "币别"),
    },
    required=("date", "voucher_word", "voucher_num", "account_code", "debit", "credit"),
)


def sniff(data: bytes, head: str | None) -> bool:
    return sniff_layout(data, head, LAYOUT)


def parse(data: bytes, filename: str, account_prefix: str = BANK_PREFIX) -> ImportResult:
    """Read a K/3 voucher export: bank lines (account code under `account_prefix`) in `lines`, the rest in `context`."""
    return parse_journal(data, filename, LAYOUT, account_prefix)


FORMATS: list[Format] = [Format(name=NAME, kind="journal", title=TITLE, sniff=sniff, parse=parse)]
