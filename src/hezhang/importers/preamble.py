"""What the rows above (or below) a statement's table say: own account, holder, period, currency, balances.

Banks write these as "账号：123" in one cell, as a label cell followed by a value cell ("账号" | "123"),
or several in one cell ("账号：123  户名：某公司"). Labels are data (`[preamble]` in `profiles/banks.toml`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache

from hezhang.domain.money import MoneyError, parse_fen
from hezhang.domain.period import Period
from hezhang.importers.profiles import Profiles, profiles
from hezhang.importers.text import clean_cell, header_key

_GLOSS = r"(?:\s*[\[［(（][^\]］)）]*[\]］)）])?"
_ACCOUNT = re.compile(r"[0-9][0-9 *\-]{5,}[0-9*]")
_COUNT = re.compile(r"(\d+)\s*笔?$")
_MONTH = re.compile(r"(?<!\d)(\d{4})\s*年\s*(\d{1,2})\s*月(?!\s*\d{1,2}\s*日)")
_DATE = re.compile(r"(?<!\d)(?:(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})|(\d{4})(\d{2})(\d{2}))")


@dataclass(frozen=True, slots=True)
class Preamble:
    """Fields are None when the rows do not say."""

    account: str | None = None
    account_name: str | None = None
    period: Period | None = None
    currency: str | None = None
    opening_fen: int | None = None
    closing_fen: int | None = None
    #: the bank named in the title or preamble rows (a code of `profiles().banks`)
    bank: str | None = None
    #: (year, month) of a bill that names its month and no period ("信用卡账单(2026年01月)")
    month: tuple[int, int] | None = None
    #: the number of lines in and out a footer states ("收入笔数：1")
    in_count: int | None = None
    out_count: int | None = None


@cache
def _label_pattern(labels: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[re.Pattern[str], dict[str, str]]:
    """One regex for "label：" (spaces between characters and an English gloss allowed) and label -> item."""
    item_of = {label: item for item, names in labels for label in names}
    ordered = sorted(item_of, key=len, reverse=True)
    alternatives = "|".join(r"\s*".join(re.escape(ch) for ch in label) for label in ordered)
    return re.compile(rf"(?<!\w)(?P<label>{alternatives}){_GLOSS}\s*[:：]", re.IGNORECASE), item_of


def label_values(rows: Sequence[Sequence[str]], prof: Profiles | None = None) -> list[tuple[str, str]]:
    """(item, value) pairs in reading order, e.g. ("account", "6222 0000 1234")."""
    prof = prof or profiles()
    pattern, item_of = _label_pattern(tuple(prof.labels.items()))
    pairs: list[tuple[str, str]] = []
    for row in rows:
        cells = [c for c in (clean_cell(c) for c in row) if c]
        i = 0
        while i < len(cells):
            cell = cells[i]
            found = list(pattern.finditer(cell))
            if found:
                for k, m in enumerate(found):
                    end = found[k + 1].start() if k + 1 < len(found) else len(cell)
                    value = cell[m.end() : end].strip(" \t\u3000,，;；")
                    if not value and k == len(found) - 1 and i + 1 < len(cells) and not pattern.search(cells[i + 1]):
                        i += 1
                        value = cells[i]
                    pairs.append((item_of[header_key(m.group("label"))], value))
            elif (item := item_of.get(header_key(cell))) is not None and i + 1 < len(cells):
                i += 1
                pairs.append((item, cells[i]))
            i += 1
    return pairs


def _dates(text: str) -> list[date]:
    found = []
    for m in _DATE.finditer(text):
        y, mo, d = (m.group(1), m.group(2), m.group(3)) if m.group(1) else (m.group(4), m.group(5), m.group(6))
        try:
            found.append(date(int(y), int(mo), int(d)))
        except ValueError:
            continue
    return found


def _fen(text: str) -> int | None:
    try:
        return parse_fen(text)
    except MoneyError:
        return None


def read_preamble(rows: Sequence[Sequence[str]], prof: Profiles | None = None) -> Preamble:
    """Read the rows outside the table; the first readable value for each item wins."""
    prof = prof or profiles()
    account = name = currency = None
    start = end = None
    span: tuple[date, date] | None = None
    opening = closing = None
    counts: dict[str, int] = {}
    for item, value in label_values(rows, prof):
        if item == "account" and account is None and (m := _ACCOUNT.match(value)):
            account = re.sub(r"[\s-]", "", m.group(0))
        elif item == "account_name" and name is None:
            name = value or None
        elif item == "start" and start is None:
            start = next(iter(_dates(value)), None)
        elif item == "end" and end is None:
            end = next(iter(_dates(value)), None)
        elif item == "range" and span is None and len(days := _dates(value)) >= 2:
            span = (days[0], days[1])
        elif item == "currency" and currency is None:
            currency = prof.currency_of(re.split(r"[\s(（/]", value, maxsplit=1)[0])
        elif item == "opening" and opening is None:
            opening = _fen(value)
        elif item == "closing" and closing is None:
            closing = _fen(value)
        elif item in ("in_count", "out_count") and item not in counts and (m := _COUNT.match(value)):
            counts[item] = int(m.group(1))
    if (start is None or end is None) and span is not None:
        start, end = span
    period = Period(start, end) if start is not None and end is not None and start <= end else None
    text = "\n".join(" ".join(row) for row in rows)
    month = _MONTH.search(text)
    named = (int(month.group(1)), int(month.group(2))) if month and 1 <= int(month.group(2)) <= 12 else None
    return Preamble(
        account,
        name,
        period,
        currency,
        opening,
        closing,
        prof.bank_named_in(text),
        named,
        counts.get("in_count"),
        counts.get("out_count"),
    )
