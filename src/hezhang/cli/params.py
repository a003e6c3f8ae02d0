"""How the command line reads what people type: ids, dates, periods, amounts, whole numbers and row lists.

Every command reads these through the parsers here (`typer.Option(..., parser=params.client_id)`), so a malformed
value always gets the same kind of answer before anything runs: a usage error (exit 2) naming the option or
argument, the value as typed (shortened), and what was expected, in Chinese and then English. Ids are parsed by
`parse_id` alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from uuid import UUID

import typer

from hezhang.domain.money import MoneyError, parse_fen
from hezhang.domain.period import Period

SHOWN_LIMIT = 40
EXAMPLE_ID = "1b4e28ba-2fa1-41d2-883f-0016d3cca427"


class BadValue(typer.BadParameter):
    """A value that cannot be read: "<option> <why in Chinese> / <option> <why in English>" (the option is named
    by the parser's caller, Typer)."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh, self.en = zh, en

    def format_message(self) -> str:
        hint = self.param_hint if isinstance(self.param_hint, str) else None
        if hint is None and self.param is not None:
            hint = self.param.get_error_hint()
        where = f"{hint} " if hint else ""
        return f"{where}{self.zh} / {where}{self.en}"


def shown(text: str) -> str:
    """The value as typed, quoted and shortened, safe to print (odd characters escaped)."""
    cut = text if len(text) <= SHOWN_LIMIT else text[:SHOWN_LIMIT] + "…"
    return ascii(cut) if any(not ch.isprintable() for ch in cut) else repr(cut)


def parse_id(text: str, zh: str, en: str) -> UUID:
    """The one reading of an id typed by a person (a UUID as hezhang prints it)."""
    try:
        return UUID(text.strip())
    except ValueError:
        pass
    raise BadValue(f"须为{zh} id（如 {EXAMPLE_ID}），而不是 {shown(text)}",
                   f"must be {en} id (such as {EXAMPLE_ID}), not {shown(text)}")  # fmt: skip


def _id(zh: str, en: str) -> Callable[[str], UUID]:
    def parse(text: str) -> UUID:
        return parse_id(text, zh, en)

    return parse


client_id = _id("客户", "a client")
account_id = _id("银行账户", "a bank account")
reconciliation_id = _id("调节表", "a reconciliation")
alert_id = _id("告警", "an alert")
record_id = _id("记录", "a record")
request_id = _id("销毁申请", "a destruction request")


def day(text: str) -> date:
    """A date written YYYY-MM-DD."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise BadValue(f"须为日期 YYYY-MM-DD，而不是 {shown(text)}",
                       f"must be a date YYYY-MM-DD, not {shown(text)}") from None  # fmt: skip


def period(text: str) -> Period:
    """A period: a month "2026-10", or "2026-10-01..2026-10-31"."""
    try:
        return Period.parse(text)
    except ValueError:
        raise BadValue(f"须为期间，如 2026-10，而不是 {shown(text)}",
                       f"must be a period such as 2026-10, not {shown(text)}") from None  # fmt: skip


def amount(text: str) -> str:
    """An amount in yuan such as 12345.67 (checked here; the service reads it again as fen)."""
    try:
        parse_fen(text)
    except MoneyError as e:
        raise BadValue(f"须为金额，如 12345.67，而不是 {shown(text)}（{e}）",
                       f"must be an amount such as 12345.67, not {shown(text)}") from None  # fmt: skip
    return text


def whole(low: int, high: int) -> Callable[[str], int]:
    """A whole number from `low` to `high`."""

    def parse(text: str) -> int:
        value = text.strip()
        if value.lstrip("+-").isascii() and value.lstrip("+-").isdigit() and len(value) <= 12:
            number = int(value)
            if low <= number <= high:
                return number
        raise BadValue(f"须为 {low} 到 {high} 之间的整数，而不是 {shown(text)}",
                       f"must be a whole number from {low} to {high}, not {shown(text)}")  # fmt: skip

    return parse


match_number = whole(1, 10**9)
key_version = whole(1, 10**6)
score = whole(0, 100)


@dataclass(frozen=True, slots=True)
class Rows:
    """Line numbers of one side of a statement, as typed: "3;7" or "3,7"."""

    numbers: tuple[int, ...]


def rows(text: str) -> Rows:
    parts = [part.strip() for part in text.replace(",", ";").replace("；", ";").split(";") if part.strip()]
    read = whole(1, 10**9)
    try:
        numbers = tuple(read(part) for part in parts)
    except BadValue:
        numbers = ()
    if not numbers:
        raise BadValue(f"须为行号，以分号分隔，如 3;7，而不是 {shown(text)}",
                       f"must be line numbers separated by semicolons, such as 3;7, not {shown(text)}")  # fmt: skip
    return Rows(numbers)
