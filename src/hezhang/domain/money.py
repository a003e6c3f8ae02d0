"""Money as integer fen (分) with a currency. Never a float.

`parse_fen` is the one definition of how an amount written by a bank or a bookkeeping system is read;
the vectorized reader in `hezhang.importers.cells` is tested against it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Currency symbols and words that may stand before or after an amount.
_CURRENCY_MARKS = ("CNY", "RMB", "USD", "EUR", "HKD", "¥", "￥", "$", "€", "元")
_FULLWIDTH = str.maketrans("０１２３４５６７８９，．－＋（）", "0123456789,.-+()")
_NUMBER = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d*))?$|^\.(\d+)$")


class MoneyError(ValueError):
    """An amount that cannot be read exactly. The message says why, in Chinese and English."""


def parse_fen(text: str) -> int:
    """Read an amount such as "1,234.56", "-1234.5", "¥28.16", "+10000.00" or "(1,234.00)" as fen.

    Accepted: a sign (+, -, or parentheses for negative, or a trailing minus), currency marks, thousands
    separators in their proper places, full-width digits, up to two decimals (more only if they are zeros).
    Raises `MoneyError` otherwise: an amount is never rounded or guessed.
    """
    s = text.translate(_FULLWIDTH).strip()
    if not s:
        raise MoneyError("金额为空 / amount is empty")
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1].strip()
    if s[:1] and s[:1] in "+-":
        negative, s = negative ^ (s[0] == "-"), s[1:].strip()
    elif s.endswith("-"):
        negative, s = True, s[:-1].strip()
    for mark in _CURRENCY_MARKS:
        if s.startswith(mark):
            s = s[len(mark) :].strip()
        if s.endswith(mark):
            s = s[: -len(mark)].strip()
    if s[:1] and s[:1] in "+-" and not negative:
        negative, s = s[0] == "-", s[1:].strip()
    m = _NUMBER.match(s)
    if m is None:
        raise MoneyError(f"不是金额：{text!r} / not an amount: {text!r}")
    decimals = m.group(1) if m.group(1) is not None else (m.group(2) or "")
    whole = s.split(".", 1)[0].replace(",", "") or "0"
    if len(decimals) > 2 and decimals[2:].strip("0"):
        raise MoneyError(f"金额精度超过分：{text!r} / more precise than a fen: {text!r}")
    fen = int(whole) * 100 + int((decimals[:2] + "00")[:2])
    return -fen if negative else fen


def format_fen(fen: int, *, grouping: bool = False) -> str:
    """Write fen as a decimal string with two decimals: 123456 -> "1234.56" ("1,234.56" with grouping)."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole:,}.{cents:02d}" if grouping else f"{sign}{whole}.{cents:02d}"


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in integer fen with an ISO 4217 currency code."""

    fen: int
    currency: str = "CNY"

    def __post_init__(self) -> None:
        if isinstance(self.fen, bool) or not isinstance(self.fen, int):
            raise TypeError(f"Money needs integer fen, got {type(self.fen).__name__}")

    @classmethod
    def parse(cls, text: str, currency: str = "CNY") -> Money:
        return cls(parse_fen(text), currency)

    def __str__(self) -> str:
        return format_fen(self.fen)

    def format(self, *, grouping: bool = True, symbol: bool = False) -> str:
        text = format_fen(self.fen, grouping=grouping)
        return f"¥{text}" if symbol and self.currency == "CNY" else text

    def _same(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise TypeError(f"cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise ValueError(f"币种不同 / currencies differ: {self.currency} vs {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.fen + other.fen, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.fen - other.fen, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.fen, self.currency)

    def __abs__(self) -> Money:
        return Money(abs(self.fen), self.currency)

    def __mul__(self, factor: int) -> Money:
        if isinstance(factor, bool) or not isinstance(factor, int):
            raise TypeError("Money can only be multiplied by an integer")
        return Money(self.fen * factor, self.currency)

    __rmul__ = __mul__

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.fen < other.fen

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.fen <= other.fen

    def __bool__(self) -> bool:
        return self.fen != 0

    @classmethod
    def zero(cls, currency: str = "CNY") -> Money:
        return cls(0, currency)
