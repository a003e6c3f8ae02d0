"""The vectorized cell readers agree with the one definition of money and dates."""

from datetime import date, time

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from hezhang.domain.money import MoneyError, parse_fen
from hezhang.importers import cells
from hezhang.importers.text import PAD

_AMOUNTISH = st.one_of(
    st.text(alphabet="0123456789,.-+()¥ xX*元\u00a0\u3000\u200b\ufeff\u2003\t", max_size=14),
    st.decimals(min_value=-(10**11), max_value=10**11, places=2, allow_nan=False).map(str),
    st.integers(min_value=0, max_value=10**12).map(lambda n: f"{n:,}.{n % 100:02d}"),
)


def _reference(text: str) -> int | None:
    cleaned = text.strip(PAD)
    if cells.is_empty(cleaned):
        return None
    try:
        fen = parse_fen(cleaned)
    except MoneyError:
        return None
    return fen if abs(fen) < 2**62 else None


@settings(max_examples=300)
@given(st.lists(_AMOUNTISH, min_size=1, max_size=20))
def test_amount_column_agrees_with_parse_fen(texts: list[str]) -> None:
    fen, bad = cells.amount(pl.Series("a", texts))
    for text, got, is_bad in zip(texts, fen.to_list(), bad.to_list(), strict=True):
        expected = _reference(text)
        assert got == expected, text
        empty = cells.is_empty(text.strip(PAD))
        assert is_bad == (expected is None and not empty), text


def test_masked_balances_are_not_errors_when_allowed() -> None:
    fen, bad = cells.amount(pl.Series("b", ["xx,yyyy.zz", "***.**", "12.00"]), allow_masked=True)
    assert fen.to_list() == [None, None, 1200]
    assert bad.to_list() == [False, False, False]
    _, bad_strict = cells.amount(pl.Series("b", ["xx,yyyy.zz"]))
    assert bad_strict.to_list() == [True]


def test_dates_in_every_written_form() -> None:
    texts = [
        "2026-10-01",
        "20261001",
        "2026/10/01",
        "2026.10.01",
        "2026年10月1日",
        "2026-10-01 08:30:15",
        "2023-05-02     \t",
        "2026-02-30",
        "01/10/2026",
        "",
        "-",
    ]
    dates, times, bad = cells.date_time(pl.Series("d", texts))
    assert dates.to_list()[:7] == [date(2026, 10, 1)] * 6 + [date(2023, 5, 2)]
    assert times.to_list()[5] == time(8, 30, 15)
    assert bad.to_list() == [False] * 7 + [True, True, False, False]


def test_times() -> None:
    parsed, bad = cells.time_of_day(pl.Series("t", ["14:21:07", "142107", "9:05", "2026-10-01 09:01:02", "25:00", "x"]))
    assert parsed.to_list()[:4] == [time(14, 21, 7), time(14, 21, 7), time(9, 5), time(9, 1, 2)]
    assert bad.to_list() == [False, False, False, False, True, True]


def test_cells_padded_with_any_white_space_or_invisible_mark_are_read() -> None:
    """Exports made from web pages pad cells with NBSP, em spaces or zero-width spaces; none of it is content."""
    padded = ["\u00a02026-10-01\u00a0", "\u200b2026-10-02", "2026-10-03\ufeff", "\u20032026-10-04\u3000"]
    dates, _, bad = cells.date_time(pl.Series("d", padded))
    assert dates.to_list() == [date(2026, 10, d) for d in (1, 2, 3, 4)] and not bad.any()
    fen, bad = cells.amount(pl.Series("a", ["\u00a01,234.50", "12.00\u200b", "\u3000-\u3000"]))
    assert fen.to_list() == [123450, 1200, None] and not bad.any()
    assert cells.text(pl.Series("t", ["张三\u00a0", "\u200b\u00a0"])).to_list() == ["张三", None]


def test_text_strips_padding_and_empty_marks() -> None:
    assert cells.text(pl.Series("x", ["  a\t", "-", "/", "", "\u3000b", None])).to_list() == [
        "a",
        None,
        None,
        None,
        "b",
        None,
    ]


def test_excel_forced_text_cells_are_unwrapped_and_runs_of_dashes_are_empty() -> None:
    raw = ['="6222000011112222"', '="2026-10-01"', ' ="0012" ', '="-"', "-------------------", "——", "//", '="']
    assert cells.text(pl.Series("t", raw)).to_list() == [
        "6222000011112222", "2026-10-01", "0012", None, None, None, "//", '="']  # fmt: skip
    dates, _, bad = cells.date_time(pl.Series("d", ['="2026-10-01"', '="20261002"']))
    assert dates.to_list() == [date(2026, 10, 1), date(2026, 10, 2)] and not bad.any()
    fen, bad = cells.amount(pl.Series("a", ['="1,234.50"', '="-12.00"']))
    assert fen.to_list() == [123450, -1200] and not bad.any()


def test_a_date_without_a_year_takes_the_year_of_the_bill() -> None:
    dates, ok = cells.month_day(pl.Series("d", ["12/29", "01/02", "1月5日", "02/30", "x"]), 2026, 1)
    assert dates.to_list() == [date(2025, 12, 29), date(2026, 1, 2), date(2026, 1, 5), None, None]
    assert ok.to_list() == [True, True, True, False, False]
