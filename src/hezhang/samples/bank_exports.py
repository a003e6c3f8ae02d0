"""Chinese corporate online-banking exports as the banks write them: one layout per bank, as data, and a writer.

`LAYOUTS` describes, for ICBC, CCB, ABC, BOC, CMB (企业银行), BOCOM, SPDB and Minsheng, the title and preamble
rows above the table, the bank's own header, what each column holds, and its quirks: amounts in two columns,
signed, or unsigned with a direction word; `-` for empty; cells padded with spaces and a trailing tab;
thousands separators; newest line first; a 合计 footer. `render_bank_export` writes any `BankLine`s that way
(CSV or XLSX; the tests write XLS from the same rows with `bank_rows`). `render_standard_csv` writes the hezhang
standard CSV. The layouts are modelled on public descriptions of the exports; the data is always invented.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from openpyxl import Workbook  # type: ignore[import-untyped,unused-ignore]

from hezhang.domain.lines import BankLine, Direction
from hezhang.domain.money import format_fen
from hezhang.domain.period import Period
from hezhang.importers.standard import STANDARD_HEADER

#: A cell: text, or in a spreadsheet a number or a date.
Cell = str | int | Decimal | date | None
#: What a column spec puts in a cell; specs beginning with "=" are constants ("=" alone: always empty).
_CARRIES = {
    "date": ("date",), "datetime": ("date", "time"), "time": ("time",), "value_date": ("value_date",),
    "in": ("direction", "amount"), "out": ("direction", "amount"), "signed": ("direction", "amount"),
    "unsigned": ("direction", "amount"), "direction": ("direction",), "balance": ("balance",),
    "counterparty_name": ("counterparty_name",), "counterparty_account": ("counterparty_account",),
    "counterparty_bank": ("counterparty_bank",), "memo": ("memo",), "bank_ref": ("bank_ref",),
    "instrument_no": ("instrument_no",), "settlement_method": ("settlement_method",), "account": ("account",),
    "payer_name": ("counterparty_name",), "payee_name": ("counterparty_name",),
    "payer_account": ("counterparty_account", "account"), "payee_account": ("counterparty_account", "account"),
    "payer_bank": ("counterparty_bank",), "payee_bank": ("counterparty_bank",),
    "currency": ("currency",), "account_name": (), "seq": (),
}  # fmt: skip
_CURRENCY_WORDS = {"CNY": "人民币", "USD": "美元", "HKD": "港币", "EUR": "欧元", "JPY": "日元", "GBP": "英镑"}


@dataclass(frozen=True, slots=True)
class BankLayout:
    """How one bank's corporate online banking writes a statement.

    Templates in `title`, `preamble` and `after` may use {account}, {account_name}, {start}, {end},
    {opening} and {closing}. `columns` pairs each header, as the bank writes it, with a column spec
    (a key of `_CARRIES`, or a constant "=text").
    """

    code: str
    bank: str
    title: tuple[tuple[str, ...], ...]
    preamble: tuple[tuple[str, ...], ...]
    columns: tuple[tuple[str, str], ...]
    date_format: str = "%Y-%m-%d"
    datetime_format: str = "%Y-%m-%d %H:%M:%S"
    time_format: str = "%H:%M:%S"
    period_format: str = "%Y-%m-%d"
    grouping: bool = False  # thousands separators
    empty: str = ""  # what an empty cell holds ("-" at some banks)
    unused: str | None = None  # the idle side of two amount columns, when not `empty` ("0.00")
    pad: bool = False  # text cells padded with spaces and a trailing tab
    out_negative: bool = False  # money out written as a negative number in its own column
    words: tuple[str, str] = ("贷", "借")  # direction words for money in, money out
    own_branch: str = ""  # the own account's branch, where a payer/payee layout names both banks
    footer: str | None = None  # the label of a totals row ("合计")
    after: tuple[tuple[str, ...], ...] = ()  # rows below the footer
    descending: bool = False  # newest line first
    blank_rows: bool = False  # an empty row above the header and above the footer
    typed_cells: bool = False  # spreadsheets hold amounts as numbers and dates as dates
    currency_names: bool = True  # 人民币 rather than CNY in a currency column

    @property
    def header(self) -> tuple[str, ...]:
        return tuple(h for h, _ in self.columns)

    def carries(self) -> frozenset[str]:
        """The `BankLine` fields a round trip through this layout keeps."""
        return frozenset(f for _, spec in self.columns if not spec.startswith("=") for f in _CARRIES[spec])


_CMB_REST = ("流程实例号", "业务名称", "用途", "业务参考号", "业务摘要", "其它摘要")
_CMB_OTHER = ("收/付方地址", "母/子公司帐号分行名", "母/子公司帐号", "母/子公司名称", "信息标志", "有否附件信息",
              "冲帐标志", "扩展摘要", "交易分析码")  # fmt: skip
_BOC = (
    ("交易类型[ Transaction Type ]", "direction"), ("业务类型[ Business type ]", "settlement_method"),
    ("付款人开户行号[ Payer account bank ]", "="), ("付款人开户行名[ Payer account bank ]", "payer_bank"),
    ("付款人账号[ Debit Account No. ]", "payer_account"), ("付款人名称[ Payer's Name ]", "payer_name"),
    ("收款人开户行行号[ Beneficiary account bank ]", "="), ("收款人开户行名[ Payee account bank ]", "payee_bank"),
    ("收款人账号[ Payee's Account Number ]", "payee_account"), ("收款人名称[ Payee's Name ]", "payee_name"),
    ("交易日期[ Transaction Date ]", "date"), ("交易时间[ Transaction time ]", "time"),
    ("交易货币[ Trade Currency ]", "currency"), ("交易金额[ Trade Amount ]", "signed"),
    ("交易后余额[ After-transaction balance ]", "balance"), ("起息日期[ Value Date ]", "value_date"),
    ("交易流水号[ Transaction reference number ]", "bank_ref"), ("凭证号码[ Vouchers Number ]", "instrument_no"),
    ("摘要[ Reference ]", "memo"), ("用途[ Purpose ]", "="), ("交易附言[ Remark ]", "="), ("备注[ Remarks ]", "="),
)  # fmt: skip
_BOCOM_PREAMBLE = (("账号：{account}", "户名：{account_name}"), ("查询日期：{start}至{end}", "币种：人民币"))

LAYOUTS: dict[tuple[str, str | None], BankLayout] = {
    ("icbc", None): BankLayout(
        "icbc", "中国工商银行", (("中国工商银行企业网上银行 账户历史明细",),),
        (("账号：{account}", "户名：{account_name}"), ("币种：人民币", "查询日期：{start} 至 {end}")),
        (("凭证号", "instrument_no"), ("本方账号", "account"), ("对方账号", "counterparty_account"),
         ("交易时间", "datetime"), ("借/贷", "direction"), ("借方发生额", "out"), ("贷方发生额", "in"),
         ("对方行号", "="), ("摘要", "memo"), ("用途", "="), ("对方单位名称", "counterparty_name"),
         ("余额", "balance"), ("个性化信息", "=")),
        grouping=True, empty="-", pad=True, footer="人民币合计", after=(("期末余额：{closing}",),),
        descending=True, blank_rows=True,
    ),
    ("ccb", None): BankLayout(
        "ccb", "中国建设银行", (("中国建设银行单位客户账户交易明细",),),
        (("账号", "{account}", "账户名称", "{account_name}"), ("起始日期", "{start}", "终止日期", "{end}"),
         ("币种", "人民币")),
        (("账号", "account"), ("账户名称", "account_name"), ("交易时间", "datetime"), ("借方发生额（支取）", "out"),
         ("贷方发生额（收入）", "in"), ("余额", "balance"), ("币种", "currency"), ("对方户名", "counterparty_name"),
         ("对方账号", "counterparty_account"), ("对方开户机构", "counterparty_bank"), ("记账日期", "date"),
         ("摘要", "memo"), ("备注", "="), ("账户明细编号-交易流水号", "bank_ref")),
        date_format="%Y%m%d", period_format="%Y%m%d", grouping=True, typed_cells=True,
    ),
    ("abc", None): BankLayout(
        "abc", "中国农业银行", (("中国农业银行 账户明细查询",),),
        (("账户名称：{account_name}", "账号：{account}"), ("起止日期：{start}-{end}",), ("币种：人民币",)),
        (("交易时间", "datetime"), ("收入金额", "in"), ("支出金额", "out"), ("本次余额", "balance"),
         ("手续费总额", "=0.00"), ("交易方式", "settlement_method"), ("交易行名", "=中国农业银行上海分行营业部"),
         ("交易类别", "=转账"), ("对方省市", "="), ("对方账号", "counterparty_account"),
         ("对方户名", "counterparty_name"), ("交易说明", "="), ("交易摘要", "="), ("交易附言", "memo")),
        datetime_format="%Y%m%d %H:%M:%S", period_format="%Y%m%d", out_negative=True, footer="合计",
    ),
    ("boc", None): BankLayout(
        "boc", "中国银行", (("中国银行 交易明细 [ Transaction Details ]",),),
        (("账号[ Account No. ]", "{account}"), ("账户名称[ Account Name ]", "{account_name}"),
         ("币种[ Currency ]", "人民币"), ("起始日期[ Start Date ]", "{start}"), ("结束日期[ End Date ]", "{end}")),
        _BOC, date_format="%Y%m%d", period_format="%Y/%m/%d", words=("来账", "往账"), own_branch="中国银行上海市分行",
        typed_cells=True, currency_names=False,
    ),
    ("cmb", None): BankLayout(
        "cmb", "招商银行", (("招商银行企业银行 账务明细",),),
        (("账号：{account}",), ("账户名称：{account_name}",), ("币种：人民币",),
         ("起始日期：{start}", "终止日期：{end}"), ("期初余额：{opening}",)),
        (("交易日", "date"), ("交易时间", "time"), ("起息日", "value_date"), ("交易类型", "settlement_method"),
         ("借方金额", "out"), ("贷方金额", "in"), ("余额", "balance"), ("摘要", "memo"), ("流水号", "bank_ref"),
         *((h, "=") for h in _CMB_REST), ("收/付方分行名", "counterparty_bank"), ("收/付方名称", "counterparty_name"),
         ("收/付方帐号", "counterparty_account"), *((h, "=") for h in _CMB_OTHER), ("票据号", "instrument_no"),
         ("商务支付订单号", "="), ("企业识别码", "=")),
        date_format="%Y%m%d", typed_cells=True,
    ),
    ("bocom", None): BankLayout(
        "bocom", "交通银行", (("交通银行 账户交易明细查询",),), _BOCOM_PREAMBLE,
        (("交易时间", "datetime"), ("借方发生额（支出）", "out"), ("贷方发生额（收入）", "in"), ("账户余额", "balance"),
         ("对方账号", "counterparty_account"), ("对方户名", "counterparty_name"), ("摘要", "memo")),
        grouping=True, footer="合计", blank_rows=True,
    ),
    ("bocom", "dc"): BankLayout(
        "bocom", "交通银行", (("交通银行 账户交易明细查询",),), _BOCOM_PREAMBLE,
        (("交易时间", "datetime"), ("借贷", "direction"), ("交易金额", "unsigned"), ("账户余额", "balance"),
         ("对方账号", "counterparty_account"), ("对方户名", "counterparty_name"), ("摘要", "memo")),
        grouping=True, words=("贷 Cr", "借 Dr"),
    ),
    ("spdb", None): BankLayout(
        "spdb", "上海浦东发展银行", (("上海浦东发展银行 账户明细",),),
        (("账号", "{account}"), ("户名", "{account_name}"), ("开始日期", "{start}"), ("结束日期", "{end}"),
         ("币种", "人民币")),
        (("顺序号", "seq"), ("交易日期", "date"), ("交易类型", "settlement_method"), ("存入金额", "in"),
         ("取出金额", "out"), ("余 额", "balance"), ("交易对手名称", "counterparty_name"),
         ("交易对手账号", "counterparty_account"), ("附言", "memo")),
        date_format="%Y%m%d", period_format="%Y%m%d", grouping=True, unused="0.00",
    ),
    ("cmbc", None): BankLayout(
        "cmbc", "中国民生银行", (("中国民生银行 对公账户交易明细",),),
        (("账号:{account}", "账户名称:{account_name}"), ("起止日期:{start}--{end}",), ("币种:人民币",)),
        (("交易日期", "date"), ("主机交易流水号", "bank_ref"), ("借方发生额", "out"), ("贷方发生额", "in"),
         ("账户余额", "balance"), ("凭证号", "instrument_no"), ("摘要", "memo"), ("对方账号", "counterparty_account"),
         ("对方账号名称", "counterparty_name"), ("对方开户行", "counterparty_bank"), ("交易时间", "datetime")),
        date_format="%Y%m%d", typed_cells=True,
    ),
}  # fmt: skip
BANKS = tuple(dict.fromkeys(code for code, _ in LAYOUTS))


def layout(bank: str, variant: str | None = None) -> BankLayout:
    try:
        return LAYOUTS[(bank, variant)]
    except KeyError:
        known = ", ".join(f"{b}/{v}" if v else b for b, v in LAYOUTS)
        raise ValueError(f"no layout {bank!r} variant {variant!r}; known: {known}") from None


def file_order(bank: str, lines: Sequence[BankLine], variant: str | None = None) -> list[BankLine]:
    """The lines in the order the bank's file holds them (given in date order)."""
    return list(reversed(lines)) if layout(bank, variant).descending else list(lines)


def bank_rows(
    bank: str, lines: Sequence[BankLine], *, account: str, account_name: str, period: Period,
    variant: str | None = None, spreadsheet: bool = False,
) -> list[list[Cell]]:  # fmt: skip
    """Every row of the export, top to bottom: title, preamble, header, lines in file order, footer."""
    lay = layout(bank, variant)
    values = {
        "account": account, "account_name": account_name, "start": period.start.strftime(lay.period_format),
        "end": period.end.strftime(lay.period_format), "opening": _opening(lines), "closing": _closing(lines),
    }  # fmt: skip
    rows: list[list[Cell]] = [[t.format(**values) for t in row] for row in (*lay.title, *lay.preamble)]
    rows += [[]] if lay.blank_rows else []
    rows.append(list(lay.header))
    ordered = file_order(bank, lines, variant)
    cell = _Writer(lay, account, account_name, spreadsheet and lay.typed_cells)
    rows += [[cell(spec, line, n) for _, spec in lay.columns] for n, line in enumerate(ordered, start=1)]
    if lay.footer:
        rows += [[]] if lay.blank_rows else []
        rows.append(_footer(lay, lines))
    rows += [[t.format(**values) for t in row] for row in lay.after]
    return rows


def render_bank_export(
    bank: str, lines: Sequence[BankLine], *, account: str, account_name: str, period: Period,
    encoding: str = "gb18030", file_type: str = "csv", variant: str | None = None,
) -> bytes:  # fmt: skip
    """`lines` (in date order) as `bank`'s corporate online banking exports them: "csv" in `encoding`, or "xlsx"."""
    if file_type not in ("csv", "xlsx"):
        raise ValueError(f"file_type must be 'csv' or 'xlsx' (XLS: tests/factories/xls.py), not {file_type!r}")
    spreadsheet = file_type == "xlsx"
    rows = bank_rows(
        bank, lines, account=account, account_name=account_name, period=period, variant=variant,
        spreadsheet=spreadsheet,
    )  # fmt: skip
    return xlsx_bytes(rows) if spreadsheet else csv_bytes(rows, encoding)


def render_standard_csv(
    lines: Sequence[BankLine], encoding: str = "utf-8", *, columns: Sequence[str] = STANDARD_HEADER,
    date_format: str = "%Y-%m-%d",
) -> bytes:  # fmt: skip
    """The lines as the hezhang standard CSV (`columns` may leave out 交易时间 and 币种, or reorder)."""
    rows: list[list[Cell]] = [list(columns)]
    for line in lines:
        fen = format_fen(line.amount.fen)
        cells = {
            "交易日期": line.date.strftime(date_format),
            "交易时间": line.time.strftime("%H:%M:%S") if line.time is not None else "",
            "流水号": line.bank_ref, "摘要": line.memo, "对方户名": line.counterparty_name,
            "对方账号": line.counterparty_account, "收入金额": fen if line.direction is Direction.IN else "",
            "支出金额": fen if line.direction is Direction.OUT else "",
            "余额": format_fen(line.balance.fen) if line.balance is not None else "", "币种": line.amount.currency,
        }  # fmt: skip
        rows.append([cells[c] for c in columns])
    return csv_bytes(rows, encoding)


class _Writer:
    """Writes one cell of a line by its column spec, with the layout's quirks."""

    def __init__(self, lay: BankLayout, account: str, account_name: str, typed: bool) -> None:
        self.lay, self.typed = lay, typed
        self.own = {"name": account_name, "account": account, "bank": lay.own_branch}

    def __call__(self, spec: str, line: BankLine, n: int) -> Cell:
        out = line.direction is Direction.OUT
        if spec in ("in", "out"):
            if (spec == "out") != out:
                return self.text(self.lay.unused)
            return self.money(-line.amount.fen if out and self.lay.out_negative else line.amount.fen)
        if spec == "signed":
            return self.money(line.signed_fen)
        if spec == "unsigned":
            return self.money(line.amount.fen)
        if spec == "balance":
            return self.money(None if line.balance is None else line.balance.fen)
        if spec in ("date", "value_date"):
            day = line.date if spec == "date" else line.value_date
            if day is None or not self.typed:
                return self.text(day.strftime(self.lay.date_format) if day is not None else None)
            return day
        return self.text(self.plain(spec, line, n))

    def plain(self, spec: str, line: BankLine, n: int) -> str | None:
        lay = self.lay
        side, _, what = spec.partition("_")
        if side in ("payer", "payee"):  # the own account pays money out and receives money in
            own = (side == "payer") == (line.direction is Direction.OUT)
            value = self.own[what] if own else getattr(line, f"counterparty_{what}")
            return value if isinstance(value, str) else None
        if spec == "datetime":
            day_format, _, time_format = lay.datetime_format.partition(" ")
            stamp = line.date.strftime(day_format)
            return f"{stamp} {line.time.strftime(time_format)}" if line.time is not None else stamp
        if spec == "time":
            return line.time.strftime(lay.time_format) if line.time is not None else None
        if spec == "direction":
            return lay.words[0] if line.direction is Direction.IN else lay.words[1]
        if spec == "currency":
            code = line.amount.currency
            return _CURRENCY_WORDS.get(code, code) if lay.currency_names else code
        if spec in ("account", "account_name"):
            return self.own["account" if spec == "account" else "name"]
        if spec == "seq":
            return str(n)
        if spec.startswith("="):
            return spec[1:] or None
        value = getattr(line, spec)
        return None if value is None else str(value)

    def money(self, fen: int | None) -> Cell:
        if fen is None:
            return self.text(None)
        if self.typed:
            return Decimal(fen).scaleb(-2)
        return self.text(format_fen(fen, grouping=self.lay.grouping))

    def text(self, value: str | None) -> str:
        value = value or self.lay.empty
        return f"{value:<20}\t" if self.lay.pad else value


def _opening(lines: Sequence[BankLine]) -> str:
    first = lines[0] if lines else None
    if first is None or first.balance is None:
        return ""
    return format_fen(first.balance.fen - first.signed_fen, grouping=True)


def _closing(lines: Sequence[BankLine]) -> str:
    last = lines[-1] if lines else None
    return "" if last is None or last.balance is None else format_fen(last.balance.fen, grouping=True)


def _footer(lay: BankLayout, lines: Sequence[BankLine]) -> list[Cell]:
    """The totals row: the label in the first column, sums under the amount columns, the count beside."""
    total_in = sum(line.amount.fen for line in lines if line.direction is Direction.IN)
    total_out = sum(line.amount.fen for line in lines if line.direction is Direction.OUT)
    sums = {"in": total_in, "out": -total_out if lay.out_negative else total_out}
    row: list[Cell] = [""] * len(lay.columns)
    for i, (_, spec) in enumerate(lay.columns):
        if spec in sums:
            row[i] = format_fen(sums[spec], grouping=lay.grouping)
    row[0] = lay.footer
    row[1] = f"共{len(lines)}笔" if not row[1] else row[1]
    return row


def csv_bytes(rows: Sequence[Sequence[Cell]], encoding: str) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(["" if v is None else v for v in row] for row in rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows: Sequence[Sequence[Cell]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is None or value == "":
                continue
            cell = sheet.cell(row=r, column=c, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # text that looks like a formula stays text
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
