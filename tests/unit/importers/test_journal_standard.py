"""The hezhang standard journal: what hezhang writes it reads back exactly, and bad cells are named."""

from __future__ import annotations

import csv
import io

import pytest
import xlwt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hezhang.domain.frames import ledger_lines
from hezhang.domain.lines import Direction, LedgerLine
from hezhang.domain.problem import Severity
from hezhang.importers import journal_standard
from hezhang.importers.journal_standard import parse, sniff
from hezhang.importers.result import ImportResult
from hezhang.samples.journal import generate_journal, render_kingdee, render_standard_journal

KINDS = {"csv-utf-8-sig": ("utf-8-sig", "csv"), "csv-gb18030": ("gb18030", "csv"), "csv-utf-8": ("utf-8", "csv"),
         "xlsx": ("utf-8", "xlsx")}  # fmt: skip
ROUND_TRIP = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def view(lines: list[LedgerLine]) -> list[tuple[object, ...]]:
    return [
        (line.row, line.date, line.voucher_no, line.entry_no, line.account_code, line.account_name, line.direction,
         line.amount, line.memo, line.settlement_method, line.settlement_no, line.preparer)
        for line in lines
    ]  # fmt: skip


def parsed(result: ImportResult) -> list[LedgerLine]:
    """Bank lines and context lines together, in file order."""
    context = ledger_lines(result.context) if result.context is not None else []
    return sorted([*result.ledger_lines(), *context], key=lambda line: line.row)


def all_lines(data: bytes, **kwargs: str) -> list[LedgerLine]:
    return parsed(parse(data, "journal.csv", **kwargs))


def edit(data: bytes, change: dict[tuple[int, str], str], encoding: str = "utf-8-sig") -> bytes:
    """The CSV with cells replaced: {(data row 1-based, header): new text}."""
    rows = list(csv.reader(io.StringIO(data.decode(encoding))))
    for (row, header), value in change.items():
        rows[row][rows[0].index(header)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)


@pytest.mark.parametrize("kind", KINDS)
@ROUND_TRIP
@given(seed=st.integers(0, 10**6), vouchers=st.integers(1, 25))
def test_what_hezhang_writes_reads_back_exactly(kind: str, seed: int, vouchers: int) -> None:
    lines = generate_journal(vouchers=vouchers, seed=seed)
    encoding, file_type = KINDS[kind]
    data = render_standard_journal(lines, encoding=encoding, file_type=file_type)

    result = parse(data, f"journal.{file_type}")

    assert result.problems == ()
    assert result.meta.format == "journal-standard"
    assert result.meta.currency == "CNY"
    assert view(all_lines(data)) == view(lines)
    assert view(list(result.ledger_lines())) == view([line for line in lines if line.account_code.startswith("1002")])


def test_the_meta_says_what_the_file_covers() -> None:
    lines = generate_journal(vouchers=30, seed=3)
    result = parse(render_standard_journal(lines, encoding="gb18030"), "j.csv")

    assert result.meta.period is not None
    assert (result.meta.period.start, result.meta.period.end) == (lines[0].date, lines[-1].date)
    assert result.meta.encoding == "gb18030"
    assert journal_standard.FORMATS[0].kind == "journal"


@pytest.mark.parametrize("written", ["20261005", "2026/10/05", "2026/10/5", "2026-10-05"])
def test_dates_are_read_in_the_usual_spellings(written: str) -> None:
    data = render_standard_journal(generate_journal(vouchers=1, seed=1))
    rows = len(data.decode("utf-8-sig").splitlines()) - 1
    edited = edit(data, {(r, "日期"): written for r in range(1, rows + 1)})

    assert {line.date.isoformat() for line in all_lines(edited)} == {"2026-10-05"}


def test_a_bad_amount_is_named_by_row_column_and_value() -> None:
    lines = generate_journal(vouchers=3, seed=2)
    row = next(line.row for line in lines if line.direction is Direction.IN)  # the file's row is row + 1

    result = parse(edit(render_standard_journal(lines), {(row, "借方金额"): "12,34.5x"}), "j.csv")

    [problem] = result.problems
    assert (problem.row, problem.column, problem.value) == (row + 1, "借方金额", "12,34.5x")
    assert problem.message_zh == "借方金额无法识别"
    assert row not in {line.row for line in parsed(result)}


def test_a_bad_date_is_named_and_the_voucher_is_not_called_unbalanced() -> None:
    data = render_standard_journal(generate_journal(vouchers=3, seed=2))
    result = parse(edit(data, {(2, "日期"): "2026-10-32"}), "j.csv")

    assert [(p.row, p.column, p.value) for p in result.problems] == [(3, "日期", "2026-10-32")]


def test_a_missing_column_is_named_with_the_header_row() -> None:
    rows = list(csv.reader(io.StringIO(render_standard_journal(generate_journal(vouchers=2)).decode("utf-8-sig"))))
    at = rows[0].index("贷方金额")
    text = "\r\n".join(",".join(c for i, c in enumerate(r) if i != at) for r in rows)

    result = parse(text.encode(), "j.csv")

    assert [(p.row, p.column) for p in result.problems] == [(1, "贷方金额")]
    assert result.lines.is_empty()


def test_an_unknown_layout_says_which_headers_it_saw_and_which_it_needed() -> None:
    result = parse("交易日期,金额,对方户名\n2026-10-01,1.00,某公司\n".encode(), "bank.csv")

    [problem] = result.problems
    assert "交易日期" in problem.message_zh
    assert "凭证字号" in problem.message_zh
    assert "贷方金额" in problem.message_en


def test_sniff_knows_its_own_layout_only() -> None:
    lines = generate_journal(vouchers=2)
    own = render_standard_journal(lines)
    kingdee = render_kingdee(lines, encoding="utf-8")

    assert sniff(own, own.decode("utf-8-sig"))
    assert sniff(render_standard_journal(lines, file_type="xlsx"), None)
    assert not sniff(kingdee, kingdee.decode("utf-8"))
    assert not sniff(b"\x00\x01garbage", None)
    assert not sniff(b"PK\x03\x04broken zip", None)


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=2000))
def test_random_bytes_never_raise_and_never_make_lines(data: bytes) -> None:
    result = parse(data, "random.bin")

    assert result.lines.is_empty()
    assert result.context is None or result.context.is_empty()
    assert all("internal" not in p.message_en for p in result.problems)
    sniff(data, None)


@pytest.mark.parametrize("kind", ["csv-utf-8-sig", "csv-gb18030", "xlsx"])
@settings(max_examples=60, deadline=None)
@given(cut=st.floats(0, 1))
def test_a_truncated_file_never_raises_and_never_invents_lines(kind: str, cut: float) -> None:
    lines = generate_journal(vouchers=8, seed=11)
    encoding, file_type = KINDS[kind]
    data = render_standard_journal(lines, encoding=encoding, file_type=file_type)

    result = parse(data[: int(len(data) * cut)], "cut.csv")

    assert all("internal" not in p.message_en for p in result.problems)
    found = parsed(result)
    original = {line.row: line for line in lines}
    last = max((line.row for line in found), default=0)
    whole = [line for line in found if line.row < last]
    assert view(whole) == view([original[line.row] for line in whole])
    # the last row may be cut inside a cell: what is read of it is still what the file says
    assert all(original[line.row].account_code.startswith(line.account_code) for line in found)


def test_notices_are_not_problems() -> None:
    result = parse(render_standard_journal(generate_journal(vouchers=5, seed=5)), "j.csv", account_prefix="1001")

    assert result.problems == ()
    assert [n.severity for n in result.notices] == [Severity.NOTICE]
    assert "1001" in result.notices[0].message_zh


def old_excel(lines: list[LedgerLine]) -> bytes:
    """The lines as an .xls workbook (Excel 97-2003), as older bookkeeping tools still save."""
    book = xlwt.Workbook()
    sheet = book.add_sheet("序时账")
    for col, name in enumerate(journal_standard.HEADER):
        sheet.write(0, col, name)
    for row, line in enumerate(lines, start=1):
        amount = line.amount.fen / 100
        cells = [line.date.isoformat(), line.voucher_no, line.entry_no, line.memo, line.account_code,
                 line.account_name, amount if line.direction is Direction.IN else "",
                 amount if line.direction is Direction.OUT else ""]  # fmt: skip
        for col, value in enumerate(cells):
            sheet.write(row, col, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_xls_workbook_reads_too_and_a_truncated_one_never_raises() -> None:
    lines = generate_journal(vouchers=5, seed=21)
    data = old_excel(lines)

    assert [v[:9] for v in view(all_lines(data))] == [v[:9] for v in view(lines)]
    for cut in range(0, len(data), 23):
        result = parse(data[:cut], "cut.xls")
        assert result.problems or cut == 0 or len(parsed(result)) == len(lines)
        assert all("internal" not in p.message_en for p in result.problems)
        sniff(data[:cut], None)


def test_a_voucher_booking_several_bank_lines_gives_none_of_them_the_one_party_it_names() -> None:
    """Month-end booking: one voucher receives two payers' money; only one line names a 核算项目. That party is not
    every bank line's counterparty (it was, and the matcher then paired another payer's receipt by that name)."""
    rows = [
        ["2026-10-31", "记-0040", "1", "收货款", "100201", "银行存款", "300.00", "", ""],
        ["2026-10-31", "记-0040", "2", "收货款", "100201", "银行存款", "500.00", "", ""],
        ["2026-10-31", "记-0040", "3", "收货款", "1122", "应收账款", "", "800.00", "客户:上海诚川贸易有限公司"],
        ["2026-10-31", "记-0041", "1", "收款", "100201", "银行存款", "70.00", "", ""],
        ["2026-10-31", "记-0041", "2", "收款", "1122", "应收账款", "", "70.00", "客户:杭州拓达科技有限公司"],
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["日期", "凭证字号", "分录号", "摘要", "科目代码", "科目名称", "借方金额", "贷方金额", "核算项目"])
    writer.writerows(rows)
    result = parse(buffer.getvalue().encode("utf-8"), "month-end.csv")
    assert result.ok, result.problems
    parties = {line.amount.fen: line.counterparty_name for line in result.ledger_lines()}
    assert parties == {30000: None, 50000: None, 7000: "杭州拓达科技有限公司"}
