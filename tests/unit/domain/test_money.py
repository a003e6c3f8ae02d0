from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hezhang.domain.money import Money, MoneyError, format_fen, parse_fen


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("1,234.56", 123456),
        ("-1234.5", -123450),
        ("¥28.16", 2816),
        ("￥28.16", 2816),
        ("+10000.00", 1000000),
        ("(1,234.00)", -123400),
        ("0", 0),
        ("0.05", 5),
        (".5", 50),
        ("12.", 1200),
        ("1,234.00-", -123400),
        ("１２３．４５", 12345),
        ("  88.80\t", 8880),
        ("28.160", 2816),
        ("-¥5.00", -500),
        ("¥-5.00", -500),
        ("CNY 1,000.00", 100000),
        ("1000元", 100000),
    ],
)
def test_reads_what_banks_write(text: str, fen: int) -> None:
    assert parse_fen(text) == fen
    assert Money.parse(text).fen == fen


@pytest.mark.parametrize(
    "text", ["", "abc", "1.234", "1,23", "12,34.00", "1.2.3", "--5", "(5", "xx,yyyy.zz", "1e5", "NaN", "inf", "¥"]
)
def test_refuses_what_is_not_exact_money(text: str) -> None:
    with pytest.raises(MoneyError) as err:
        parse_fen(text)
    assert " / " in str(err.value)  # Chinese first, English second


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_format_then_parse_is_identity(fen: int) -> None:
    assert parse_fen(format_fen(fen)) == fen
    assert parse_fen(format_fen(fen, grouping=True)) == fen


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False, allow_infinity=False))
def test_agrees_with_decimal(d: Decimal) -> None:
    assert parse_fen(str(d)) == int(d * 100)


def test_arithmetic_stays_in_fen_and_currency() -> None:
    a, b = Money(1000), Money(15)
    assert a - b == Money(985)
    assert a + b == Money(1015)
    assert -a == Money(-1000)
    assert a * 3 == Money(3000)
    assert str(Money(-5)) == "-0.05"
    assert Money(123456).format() == "1,234.56"
    with pytest.raises(ValueError, match="currencies differ"):
        _ = Money(1, "CNY") + Money(1, "USD")
    with pytest.raises(TypeError):
        Money(1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        _ = a * 1.5  # type: ignore[operator]
