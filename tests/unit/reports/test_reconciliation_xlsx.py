import io
import zipfile
from dataclasses import asdict
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from hezhang.domain.period import Period
from hezhang.matching.model import Evidence, Match, Status
from hezhang.reconciliation.model import BalanceReconciliation, Cause, OutstandingItem, OutstandingKind
from hezhang.reports.reconciliation_xlsx import render_reconciliation_xlsx

K = OutstandingKind
OCTOBER = Period.month(2026, 10)
ITEMS = (
    OutstandingItem(K.BANK_RECEIVED_BOOK_NOT, 500000, date(2026, 10, 30), "货款", "恒远电子有限公司", bank_row=41),
    OutstandingItem(K.BANK_PAID_BOOK_NOT, 1500, date(2026, 10, 12), "手续费", match_id=7),
    OutstandingItem(K.BANK_PAID_BOOK_NOT, 2816, date(2026, 10, 31), "短信服务费", bank_row=44),
    OutstandingItem(K.BOOK_RECEIVED_BANK_NOT, 20000, date(2026, 10, 31), "存入现金", ledger_row=88),
    OutstandingItem(K.BOOK_PAID_BANK_NOT, 123456, date(2026, 9, 28), "支票 0012", ledger_row=3, carried=True,
                    since="2026-09"),
)  # fmt: skip
BOOK = 10_000_000
BANK = BOOK + 500000 - 1500 - 2816 - 20000 + 123456
MATCHES = (
    Match(1, Status.AUTO, (3,), (7,), "exact", 0.98765, 0, (Evidence("amount", 1.0, "金额相等", "same amount"),)),
    Match(2, Status.SUGGESTED, (-1, 5), (8, 9), "group", 0.5, -1500, (Evidence("fee", 0.5, "含手续费", "fee"),)),
)


def _statement(**changes: Any) -> BalanceReconciliation:
    fields: dict[str, Any] = {"account": "**** **** **** 1234", "period": OCTOBER, "currency": "CNY",
                              "book_balance_fen": BOOK, "bank_balance_fen": BANK, "items": ITEMS,
                              "book_opening_fen": 8_000_000}  # fmt: skip
    return BalanceReconciliation(**(fields | changes))


def _render(rec: BalanceReconciliation | None = None, **names: str) -> bytes:
    rec = rec or _statement()
    return render_reconciliation_xlsx(
        rec, [asdict(m) for m in MATCHES], [asdict(i) for i in rec.items], client_name="上海世创商贸有限公司", **names
    )


def _sheet(data: bytes, title: str) -> Worksheet:
    ws = load_workbook(io.BytesIO(data))[title]
    assert isinstance(ws, Worksheet)
    return ws


def _find(ws: Worksheet, text: str) -> list[tuple[int, int]]:
    return [(c.row, c.column) for row in ws.iter_rows() for c in row if isinstance(c.value, str) and text in c.value]


def _amount_beside(ws: Worksheet, label: str) -> list[object]:
    """The amounts in the column right of each cell that reads exactly `label`."""
    return [ws.cell(r, c + 1).value for r, c in _find(ws, label) if ws.cell(r, c).value == label]


def _yuan(fen: int) -> float:
    return fen / 100  # the double nearest to the exact decimal, as Excel stores "1234.56"


def test_the_workbook_has_the_three_sheets() -> None:
    assert load_workbook(io.BytesIO(_render())).sheetnames == ["余额调节表", "勾对明细", "未达账项"]


def test_the_statement_has_its_title_and_heading_line() -> None:
    ws = _sheet(_render(), "余额调节表")
    assert ws["A1"].value == "银行存款余额调节表"
    heading = " ".join(str(c.value) for row in ws.iter_rows(min_row=2, max_row=3) for c in row if c.value)
    for part in ("单位名称：上海世创商贸有限公司", "账号：**** **** **** 1234", "期间：2026-10", "币种：CNY"):
        assert part in heading


def test_book_side_is_left_and_bank_side_is_right_with_exact_amounts() -> None:
    rec = _statement()
    ws = _sheet(_render(rec), "余额调节表")
    left = {"企业银行存款日记账余额": BOOK, "加：银行已收、企业未收": 500000, "减：银行已付、企业未付": 4316}
    right = {"银行对账单余额": BANK, "加：企业已收、银行未收": 20000, "减：企业已付、银行未付": 123456}
    for labels, column in ((left, 2), (right, 6)):
        for label, fen in labels.items():
            ((row, col),) = _find(ws, label)
            assert col == column, label
            amount = ws.cell(row, col + 1)
            assert amount.value == _yuan(fen)
            assert amount.number_format == "#,##0.00"
    assert rec.balanced
    assert _amount_beside(ws, "调节后余额") == [_yuan(rec.adjusted_book_fen)] * 2
    # 银收企未收 stays on the book side (DOMAIN.md): under the book heading, never under the bank one.
    (received,) = _find(ws, "货款")
    (book_heading,) = _find(ws, "加：银行已收、企业未收")
    assert received[1] == book_heading[1] and received[0] > book_heading[0]


def test_each_item_is_listed_with_date_memo_and_amount() -> None:
    ws = _sheet(_render(), "余额调节表")
    for item in ITEMS:
        ((row, col),) = _find(ws, item.memo or "")
        assert ws.cell(row, col - 1).value.date() == item.date
        assert ws.cell(row, col + 1).value == _yuan(item.amount_fen)
    ((row, col),) = _find(ws, "支票 0012")
    assert "上期结转" in ws.cell(row, col).value
    assert "恒远电子有限公司" in ws.cell(*_find(ws, "货款")[0]).value


def test_amounts_are_written_as_exact_decimals_not_binary_floats() -> None:
    rec = _statement(book_balance_fen=1_234_567_890_123, bank_balance_fen=1_234_567_890_123, items=(
        OutstandingItem(K.BANK_PAID_BOOK_NOT, 10, date(2026, 10, 1), "利息", bank_row=1),
        OutstandingItem(K.BOOK_PAID_BANK_NOT, 10, date(2026, 10, 1), "利息", ledger_row=1),
    ))  # fmt: skip
    with zipfile.ZipFile(io.BytesIO(_render(rec))) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<v>12345678901.23</v>" in xml
    assert "<v>0.1</v>" in xml  # 0.10 exactly, not 0.1000000000000000055511151231257827


def test_a_balanced_statement_says_so() -> None:
    ws = _sheet(_render(), "余额调节表")
    assert _find(ws, "调节后余额相等")
    assert not _find(ws, "不相等")


def test_an_unbalanced_statement_shows_the_difference_and_the_likely_causes() -> None:
    causes = (
        Cause("transposition", "疑似数字错位：4,536.00 记为 4,563.00", "digits transposed", bank_row=12, ledger_row=30),
        Cause("opening_balance", "期初余额不一致", "opening balances differ"),
    )
    ws = _sheet(_render(_statement(book_balance_fen=BOOK + 2700, causes=causes)), "余额调节表")
    ((row, col),) = _find(ws, "调节后余额不相等")
    assert "27.00" in ws.cell(row, col).value
    assert ws.cell(row, 7).value == _yuan(2700)
    assert _find(ws, "疑似数字错位：4,536.00 记为 4,563.00（银行第 12 行，账簿第 30 行）")
    assert _find(ws, "期初余额不一致")


def test_assumed_balances_are_noted() -> None:
    ws = _sheet(_render(), "余额调节表")
    assert not _find(ws, "推定") and not _find(ws, "推算")
    ws = _sheet(_render(_statement(book_opening_assumed=True, bank_balance_assumed=True)), "余额调节表")
    assert _find(ws, "未提供企业日记账期初余额，已由银行对账单推定为 80,000.00 元")
    assert _find(ws, "银行对账单余额由企业方推算")


def test_signature_lines_are_blank_or_carry_the_names() -> None:
    ws = _sheet(_render(), "余额调节表")
    for label in ("制表：", "复核：", "日期："):
        ((row, col),) = _find(ws, label)
        assert ws.cell(row, col).value.endswith("____")
    named = _sheet(_render(preparer="王芳", reviewer="李娜"), "余额调节表")
    assert _find(named, "制表：王芳") and _find(named, "复核：李娜")
    assert _find(named, "日期：")[0][0] == _find(named, "制表：王芳")[0][0]


def test_it_prints_on_a4_portrait_fit_to_width() -> None:
    data = _render()
    for title in ("余额调节表", "勾对明细", "未达账项"):
        ws = _sheet(data, title)
        assert ws.page_setup.orientation == "portrait"
        assert int(ws.page_setup.paperSize) == int(Worksheet.PAPERSIZE_A4)
        assert ws.page_setup.fitToWidth == 1
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    ws = _sheet(data, "余额调节表")
    assert ws.column_dimensions["B"].width >= 20
    assert ws.cell(*_find(ws, "企业银行存款日记账余额")[0]).border.left.style == "thin"


def test_the_matches_sheet_lists_every_match() -> None:
    ws = _sheet(_render(), "勾对明细")
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("match_id", "状态", "银行行号", "账簿行号", "规则", "置信度", "差额", "说明")
    assert rows[1] == (1, "自动勾对", "3", "7", "exact", 0.98765, 0, "金额相等")
    assert rows[2][:4] == (2, "建议（待确认）", "P1;5", "8;9")
    assert rows[2][6] == _yuan(-1500)
    assert ws["F2"].number_format == "0.000" and ws["G3"].number_format == "#,##0.00"


def test_the_outstanding_sheet_lists_every_item() -> None:
    ws = _sheet(_render(), "未达账项")
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("类型", "日期", "摘要", "对方", "金额", "来源行", "是否上期结转")
    assert len(rows) == 1 + len(ITEMS)
    first, fee, *_, cheque = rows[1:]
    assert first[0] == "银行已收、企业未收" and first[3] == "恒远电子有限公司" and first[5] == "银行 41"
    assert first[4] == _yuan(500000) and first[6] == "否"
    assert fee[5] == "勾对 #7"
    assert cheque[1].date() == date(2026, 9, 28)
    assert cheque[5] == "账簿 3" and cheque[6].startswith("是")


def test_text_that_looks_like_a_formula_stays_text() -> None:
    item = OutstandingItem(K.BANK_PAID_BOOK_NOT, 100, date(2026, 10, 1), '=HYPERLINK("http://x","点我")', bank_row=1)
    data = _render(_statement(items=(item,), bank_balance_fen=BOOK - 100))
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert all("<f>" not in z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))
    ws = _sheet(data, "未达账项")
    assert ws["C2"].value == '=HYPERLINK("http://x","点我")' and ws["C2"].data_type == "s"


def test_control_characters_in_memos_do_not_break_the_file() -> None:
    item = OutstandingItem(K.BANK_PAID_BOOK_NOT, 100, date(2026, 10, 1), "手续\x00费\x1b", bank_row=1)
    ws = _sheet(_render(_statement(items=(item,), bank_balance_fen=BOOK - 100)), "未达账项")
    assert ws["C2"].value == "手续费"


def test_float_amounts_are_refused() -> None:
    row = asdict(MATCHES[0]) | {"difference_fen": 0.5}
    with pytest.raises(TypeError):
        render_reconciliation_xlsx(_statement(), [row], [])


items = st.builds(
    OutstandingItem,
    kind=st.sampled_from(K),
    amount_fen=st.integers(min_value=1, max_value=10**13),
    date=st.dates(min_value=date(2020, 1, 1), max_value=date(2026, 10, 31)),
    memo=st.text(st.characters(categories=["L", "N"]), min_size=1, max_size=12).map(lambda s: "摘要" + s),
    ledger_row=st.integers(min_value=1, max_value=10**6),
)


@settings(max_examples=25, deadline=None)
@given(st.lists(items, max_size=6), st.integers(-(10**13), 10**13), st.integers(-(10**13), 10**13))
def test_every_amount_on_the_statement_is_exact(given_items: list[OutstandingItem], book: int, bank: int) -> None:
    rec = _statement(items=tuple(given_items), book_balance_fen=book, bank_balance_fen=bank)
    ws = _sheet(render_reconciliation_xlsx(rec, [], []), "余额调节表")
    assert _amount_beside(ws, "企业银行存款日记账余额") == [_yuan(book)]
    assert _amount_beside(ws, "银行对账单余额") == [_yuan(bank)]
    assert _amount_beside(ws, "调节后余额") == [_yuan(rec.adjusted_book_fen), _yuan(rec.adjusted_bank_fen)]
    listed = [ws.cell(r, c + 1).value for r, c in _find(ws, "摘要")]
    assert sorted(Decimal(str(v)) for v in listed) == sorted(Decimal(i.amount_fen).scaleb(-2) for i in given_items)
    assert bool(_find(ws, "调节后余额相等")) is rec.balanced


def test_rows_of_the_match_frame_work_and_fall_back_to_the_evidence() -> None:
    frame_row = {"match_id": 3, "status": "auto", "bank_rows": [4, 5], "ledger_rows": [-2], "rule": "group",
                 "confidence": 0.7, "difference_fen": 0, "evidence": ["amount", "group"],
                 "explanation_zh": ""}  # fmt: skip
    record_row = asdict(MATCHES[1]) | {"explanation_zh": ""}
    ws = _sheet(render_reconciliation_xlsx(_statement(), [frame_row, record_row], []), "勾对明细")
    assert [c.value for c in ws[2]][2:4] == ["4;5", "P2"]
    assert ws["H2"].value == "amount；group"
    assert ws["H3"].value == "含手续费"
