"""The 银行存款余额调节表 as an XLSX workbook: the `reconciliation.xlsx` written by `hezhang reconcile`.

Sheet 1 "余额调节表" is the statement as a Chinese accountant prints it (book side left, bank side right, items
listed under their heading, the two adjusted balances, whether they agree, signature lines; A4 portrait).
Sheet 2 "勾对明细" lists the matches, sheet 3 "未达账项" the outstanding items.

Amounts are written as exact `Decimal` values (fen / 100) with the number format ``#,##0.00``, never floats;
Excel stores 16 significant digits, so amounts are exact up to 99,999,999,999,999.99. Text that starts with
"=" is written as text, never as a formula; characters XML cannot hold are dropped.

`matches_rows`: mappings with the keys of `Match` (`dataclasses.asdict(match)` and the rows of
`MatchResult.frame.iter_rows(named=True)` are valid rows): ``match_id``, ``status``, ``bank_rows``,
``ledger_rows``, ``rule``, ``confidence``, ``difference_fen``, and ``explanation_zh`` (text; when empty, the ``zh``
of each ``evidence`` entry is shown).
`outstanding_rows`: mappings with the keys of `OutstandingItem` (`dataclasses.asdict(item)` is a valid row):
``kind``, ``amount_fen``, ``date``, ``memo``, ``counterparty``, one of ``bank_row`` / ``ledger_row`` /
``match_id``, ``carried`` and ``since``. Services hand both already masked.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped,unused-ignore]
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # type: ignore[import-untyped,unused-ignore]
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side  # type: ignore[import-untyped,unused-ignore]
from openpyxl.worksheet.properties import PageSetupProperties  # type: ignore[import-untyped,unused-ignore]
from openpyxl.worksheet.worksheet import Worksheet  # type: ignore[import-untyped,unused-ignore]

from hezhang.domain.money import format_fen
from hezhang.reconciliation.model import BalanceReconciliation, Cause, OutstandingItem, OutstandingKind
from hezhang.reports.matches_csv import row_ref, row_refs

MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
BLANK = "____________"
STATUS_ZH = {"auto": "自动勾对", "suggested": "建议（待确认）"}
MATCH_HEADER = ("match_id", "状态", "银行行号", "账簿行号", "规则", "置信度", "差额", "说明")
OUTSTANDING_HEADER = ("类型", "日期", "摘要", "对方", "金额", "来源行", "是否上期结转")

#: What a cell may hold here: text, a number (money as Decimal), a date, or nothing.
CellValue = str | int | float | Decimal | date | None

_FONT = "宋体"
_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_TOTAL = Border(left=_THIN, right=_THIN, top=_THIN, bottom=Side(style="double"))
_HEAD_FILL = PatternFill("solid", fgColor="EEEEEE")


def fen_decimal(fen: int) -> Decimal:
    """Fen as an exact Decimal of yuan: 123456 -> Decimal("1234.56"). Refuses anything but an int."""
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise TypeError(f"amounts must be integer fen, got {type(fen).__name__}")
    return Decimal(fen).scaleb(-2)


@cache
def _font(bold: bool, size: int) -> Font:
    return Font(name=_FONT, bold=bold, size=size)


def _put(
    ws: Worksheet, row: int, col: int, value: CellValue, *, bold: bool = False, size: int = 11, font: bool = True
) -> None:
    """Write one cell: Decimal as money, date as date, float (a confidence) with three decimals, text always as
    text (never a formula). `font=False` keeps the default font (cheaper for long tables)."""
    cell = ws.cell(row=row, column=col)
    if font:
        cell.font = _font(bold, size)
    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.data_type = "s"
    else:
        cell.value = value
    if isinstance(value, Decimal):
        cell.number_format = MONEY_FORMAT
    elif isinstance(value, date):
        cell.number_format = DATE_FORMAT
    elif isinstance(value, float):
        cell.number_format = "0.000"


def _print_setup(ws: Worksheet, widths: Sequence[float]) -> None:
    for n, width in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + n)].width = width
    ws.page_setup.orientation = "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True


def _item_cells(item: OutstandingItem | None) -> tuple[CellValue, CellValue, CellValue]:
    if item is None:
        return None, None, None
    memo = item.memo or ""
    if item.counterparty:
        memo = f"{memo}（{item.counterparty}）" if memo else item.counterparty
    if item.carried:
        memo = f"[上期结转] {memo}"
    return item.date, memo, fen_decimal(item.amount_fen)


def _section(
    ws: Worksheet, row: int, heads: tuple[str, str], left: Sequence[OutstandingItem], right: Sequence[OutstandingItem]
) -> int:
    """A 加/减 heading with its subtotal on each side, then the items side by side. Returns the next row."""
    for col, head, items in ((1, heads[0], left), (5, heads[1], right)):
        _put(ws, row, col + 1, head, bold=True)
        _put(ws, row, col + 2, fen_decimal(sum(i.amount_fen for i in items)), bold=True)
    for n in range(max(len(left), len(right))):
        row += 1
        for col, items in ((1, left), (5, right)):
            for offset, value in enumerate(_item_cells(items[n] if n < len(items) else None)):
                _put(ws, row, col + offset, value)
            ws.cell(row=row, column=col + 1).alignment = Alignment(indent=1, wrap_text=True)
    return row + 1


def _line_ref(side: str, row: int | None) -> str:
    """Where a line stands, for a person: "银行第 12 行", or "账簿上期未达 P1" for a carried item."""
    if row is None:
        return ""
    return f"{side}上期未达 {row_ref(row)}" if row < 0 else f"{side}第 {row} 行"


def _cause_text(cause: Cause) -> str:
    refs = "，".join(r for r in (_line_ref("银行", cause.bank_row), _line_ref("账簿", cause.ledger_row)) if r)
    return f"{cause.zh}（{refs}）" if refs else cause.zh


def _statement_sheet(
    ws: Worksheet, rec: BalanceReconciliation, client_name: str | None, preparer: str | None, reviewer: str | None
) -> None:
    ws.title = "余额调节表"
    _put(ws, 1, 1, "银行存款余额调节表", bold=True, size=16)
    ws.merge_cells("A1:G1")
    ws["A1"].alignment = Alignment(horizontal="center")
    head = (
        (2, 1, f"单位名称：{client_name or ''}"),
        (2, 5, f"账号：{rec.account}"),
        (3, 1, f"期间：{rec.period}（截至 {rec.period.end.isoformat()}）"),
        (3, 5, f"币种：{rec.currency}　金额单位：元"),
    )
    for row, col, text in head:
        _put(ws, row, col, text)
        ws.merge_cells(start_row=row, start_column=col, end_row=row, end_column=col + 2)
    for col in (1, 5):
        for offset, text in enumerate(("日期", "项目", "金额")):
            _put(ws, 5, col + offset, text, bold=True)
            ws.cell(row=5, column=col + offset).fill = _HEAD_FILL
            ws.cell(row=5, column=col + offset).alignment = Alignment(horizontal="center")
    _put(ws, 6, 2, "企业银行存款日记账余额", bold=True)
    _put(ws, 6, 3, fen_decimal(rec.book_balance_fen), bold=True)
    _put(ws, 6, 6, "银行对账单余额", bold=True)
    _put(ws, 6, 7, fen_decimal(rec.bank_balance_fen), bold=True)
    kind = OutstandingKind
    row = _section(
        ws, 7, ("加：银行已收、企业未收", "加：企业已收、银行未收"),
        rec.of_kind(kind.BANK_RECEIVED_BOOK_NOT), rec.of_kind(kind.BOOK_RECEIVED_BANK_NOT),
    )  # fmt: skip
    row = _section(
        ws, row, ("减：银行已付、企业未付", "减：企业已付、银行未付"),
        rec.of_kind(kind.BANK_PAID_BOOK_NOT), rec.of_kind(kind.BOOK_PAID_BANK_NOT),
    )  # fmt: skip
    for col, fen in ((2, rec.adjusted_book_fen), (6, rec.adjusted_bank_fen)):
        _put(ws, row, col, "调节后余额", bold=True)
        _put(ws, row, col + 1, fen_decimal(fen), bold=True)
    for r in range(5, row + 1):
        for col in (1, 2, 3, 5, 6, 7):
            ws.cell(row=r, column=col).border = _TOTAL if r == row else _BOX
    row += 2
    if rec.balanced:
        _put(ws, row, 1, "结论：调节后余额相等，账实相符。", bold=True)
    else:
        diff = format_fen(rec.difference_fen, grouping=True)
        _put(ws, row, 1, f"结论：调节后余额不相等，差额 {diff} 元（企业方 − 银行方），须查明原因。", bold=True)
        _put(ws, row, 7, fen_decimal(rec.difference_fen), bold=True)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=6)
    notes = [f"可能原因 {n}：{_cause_text(c)}" for n, c in enumerate(rec.causes, 1)]
    if not rec.balanced and not rec.causes:
        notes.append("未找到可能原因，请逐笔核对。")
    if rec.book_opening_assumed:
        opening = format_fen(rec.book_opening_fen, grouping=True)
        notes.append(f"注：未提供企业日记账期初余额，已由银行对账单推定为 {opening} 元。")
    if rec.bank_balance_assumed:
        notes.append("注：银行对账单未给出余额，银行对账单余额由企业方推算，仅供参考。")
    for note in notes:
        row += 1
        _put(ws, row, 1, note)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=7)
        ws.cell(row=row, column=1).alignment = Alignment(wrap_text=True)
    row += 2
    for col, end, text in (
        (1, 2, f"制表：{preparer or BLANK}"),
        (3, 5, f"复核：{reviewer or BLANK}"),
        (6, 7, f"日期：{BLANK}"),
    ):
        _put(ws, row, col, text)
        ws.merge_cells(start_row=row, start_column=col, end_row=row, end_column=end)
    _print_setup(ws, (11, 30, 16, 2, 11, 30, 16))
    ws.print_area = f"A1:G{row}"


def _table(
    ws: Worksheet, title: str, header: Sequence[str], rows: Iterable[Sequence[CellValue]], widths: Sequence[float]
) -> None:
    ws.title = title
    for col, text in enumerate(header, 1):
        _put(ws, 1, col, text, bold=True)
        ws.cell(row=1, column=col).fill = _HEAD_FILL
        ws.cell(row=1, column=col).border = _BOX
    last = 1
    for last, values in enumerate(rows, 2):
        for col, value in enumerate(values, 1):
            _put(ws, last, col, value, font=False)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{chr(ord('A') + len(header) - 1)}{last}"
    _print_setup(ws, widths)
    ws.print_title_rows = "1:1"


def _explanation(r: Mapping[str, Any]) -> str:
    """`explanation_zh` when given, else the evidence texts (mappings or records with `zh`, or bare codes)."""
    if r.get("explanation_zh"):
        return str(r["explanation_zh"])
    texts = (e.get("zh", "") if isinstance(e, Mapping) else getattr(e, "zh", e) for e in r.get("evidence") or ())
    return "；".join(str(t) for t in texts if t)


def _match_values(r: Mapping[str, Any]) -> tuple[CellValue, ...]:
    status = str(getattr(r["status"], "value", r["status"]))
    return (
        int(r["match_id"]), STATUS_ZH.get(status, status), row_refs(r["bank_rows"]), row_refs(r["ledger_rows"]),
        str(r["rule"]), float(r["confidence"]), fen_decimal(r["difference_fen"]), _explanation(r),
    )  # fmt: skip


def _source(r: Mapping[str, Any]) -> str:
    if r.get("bank_row") is not None:
        return f"银行 {row_ref(r['bank_row'])}"
    if r.get("ledger_row") is not None:
        return f"账簿 {row_ref(r['ledger_row'])}"
    return f"勾对 #{r['match_id']}" if r.get("match_id") is not None else ""


def _outstanding_values(r: Mapping[str, Any]) -> tuple[CellValue, ...]:
    carried = f"是（{r['since']}起）" if r.get("carried") and r.get("since") else "是" if r.get("carried") else "否"
    return (
        OutstandingKind(r["kind"]).title_zh, r["date"], r.get("memo") or "", r.get("counterparty") or "",
        fen_decimal(r["amount_fen"]), _source(r), carried,
    )  # fmt: skip


def render_reconciliation_xlsx(
    rec: BalanceReconciliation,
    matches_rows: Iterable[Mapping[str, Any]],
    outstanding_rows: Iterable[Mapping[str, Any]],
    *,
    client_name: str | None = None,
    preparer: str | None = None,
    reviewer: str | None = None,
) -> bytes:
    """The workbook as XLSX bytes: the statement, the matches, the outstanding items."""
    wb = Workbook()
    wb.properties.creator = "hezhang"
    wb.properties.title = f"银行存款余额调节表 {rec.account} {rec.period}"
    statement = wb.active
    assert isinstance(statement, Worksheet)
    _statement_sheet(statement, rec, client_name, preparer, reviewer)
    matches = wb.create_sheet()
    _table(matches, "勾对明细", MATCH_HEADER, map(_match_values, matches_rows), (10, 14, 18, 18, 16, 9, 14, 48))
    outstanding = wb.create_sheet()
    _table(
        outstanding,
        "未达账项",
        OUTSTANDING_HEADER,
        map(_outstanding_values, outstanding_rows),
        (20, 12, 30, 22, 16, 12, 16),
    )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
