"""Finding personal and financial numbers in free text (DOMAIN.md, "Data classes").

Only checksums decide: a resident ID number counts when its ISO 7064 check character is right (stdnum ``cn.ric``
checksum; its region and birth-date checks are skipped on purpose, the region table misses codes), a card or
account number when it is Luhn-valid, a USCC when its check character is right. A mobile number is ``1[3-9]`` and
nine more digits standing alone. Amounts and dates are never findings: a digit group touching a decimal point or a
thousands separator belongs to an amount, a 14 or 17 digit run that reads as a timestamp is not a card, nor is a
run after "+" (an international phone number).

Full-width digits and letters (``１３８…``) are read as their ASCII forms; offsets always refer to the given text.
Overlapping candidates are resolved deterministically: the longest first, then the leftmost, then by kind in the
order of ``KINDS``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal

from stdnum import luhn
from stdnum.cn import ric, uscc

PiiKind = Literal["id_number", "uscc", "card", "mobile", "email"]

#: Every kind, in the order that breaks ties between candidates of the same span.
KINDS: Final[tuple[PiiKind, ...]] = ("id_number", "uscc", "card", "mobile", "email")
_PRIORITY: Final = {kind: rank for rank, kind in enumerate(KINDS)}


@dataclass(frozen=True, slots=True)
class Finding:
    """One number or address found in a text: ``text[start:end] == value``."""

    kind: PiiKind
    start: int
    end: int
    value: str


#: Full-width digits, letters and the few signs that appear in these numbers, mapped one to one to ASCII.
FOLD: Final = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        **{chr(0xFF21 + i): chr(ord("A") + i) for i in range(26)},
        **{chr(0xFF41 + i): chr(ord("a") + i) for i in range(26)},
        "＠": "@",
        "．": ".",
        "－": "-",
        "＋": "+",
        "＿": "_",
        "\u3000": " ",
    }
)

_ID = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")
_USCC = re.compile(r"(?<![0-9A-Za-z])[0-9]{8}[0-9A-HJ-NP-RTUWXY]{10}(?![0-9A-Za-z])")
_MOBILE = re.compile(
    r"(?:(?<=\+86)|(?<![0-9]))1[3-9][0-9]{9}(?![0-9])"
    r"|(?:(?<=\+86)|(?<=\+86[ -])|(?<![0-9])(?<![0-9][ -]))"
    r"1[3-9][0-9]([ -])[0-9]{4}\1[0-9]{4}(?![0-9])(?![ -][0-9])"
)
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![A-Za-z0-9-])"
)
_GROUP = re.compile(r"[0-9]+")
_DIGITS = frozenset("0123456789")
_CARD_MIN, _CARD_MAX = 13, 19


def find_pii(text: str | None) -> list[Finding]:
    """Every ID, card, mobile, USCC number and e-mail address in ``text``, in text order, none overlapping."""
    if not text:
        return []
    folded = text.translate(FOLD)
    candidates = [*_ids(folded), *_usccs(folded), *_cards(folded), *_mobiles(folded), *_emails(folded)]
    candidates.sort(key=lambda c: (c[1] - c[2], c[1], _PRIORITY[c[0]]))
    chosen: list[tuple[PiiKind, int, int]] = []
    for kind, start, end in candidates:
        if all(end <= s or start >= e for _, s, e in chosen):
            chosen.append((kind, start, end))
    chosen.sort(key=lambda c: c[1])
    return [Finding(kind, start, end, text[start:end]) for kind, start, end in chosen]


_Candidate = tuple[PiiKind, int, int]


def _in_amount(s: str, start: int, end: int) -> bool:
    """Whether the digits ``s[start:end]`` are part of a written amount such as 1,234.56."""
    before = start >= 2 and s[start - 1] in ".," and s[start - 2] in _DIGITS
    after = end + 1 < len(s) and s[end] in ".," and s[end + 1] in _DIGITS
    return before or after


def _ids(s: str) -> Iterator[_Candidate]:
    for m in _ID.finditer(s):
        number = m.group().upper()
        if not _in_amount(s, m.start(), m.end()) and ric.calc_check_digit(number) == number[-1]:
            yield "id_number", m.start(), m.end()


def _usccs(s: str) -> Iterator[_Candidate]:
    for m in _USCC.finditer(s):
        number = m.group()
        if not _in_amount(s, m.start(), m.end()) and uscc.calc_check_digit(number) == number[-1]:
            yield "uscc", m.start(), m.end()


def _mobiles(s: str) -> Iterator[_Candidate]:
    for m in _MOBILE.finditer(s):
        if not _in_amount(s, m.start(), m.end()):
            yield "mobile", m.start(), m.end()


def _emails(s: str) -> Iterator[_Candidate]:
    for m in _EMAIL.finditer(s):
        yield "email", m.start(), m.end()


def _cards(s: str) -> Iterator[_Candidate]:
    """Luhn-valid runs of 13-19 digits: one group, or groups joined by single spaces or dashes (4-4-4-4, 4-6-5)."""
    chain: list[tuple[int, int]] = []
    sep = ""
    for m in _GROUP.finditer(s):
        group = (m.start(), m.end())
        if _in_amount(s, *group) or s[group[0] - 1 : group[0]] == "+":  # an amount, or a phone number "+86..."
            yield from _chain_cards(s, chain)
            chain, sep = [], ""
            continue
        gap = s[chain[-1][1] : group[0]] if chain else ""
        if chain and gap in (" ", "-") and sep in ("", gap):
            chain.append(group)
            sep = gap
        else:
            yield from _chain_cards(s, chain)
            chain, sep = ([chain[-1], group], gap) if gap in (" ", "-") else ([group], "")
    yield from _chain_cards(s, chain)


def _chain_cards(s: str, chain: list[tuple[int, int]]) -> Iterator[_Candidate]:
    for i, (start, end) in enumerate(chain):
        digits = s[start:end]
        if _CARD_MIN <= len(digits) <= _CARD_MAX and luhn.is_valid(digits) and not _timestamp(digits):
            yield "card", start, end
        lengths = [end - start]
        for j in range(i + 1, len(chain)):
            lengths.append(chain[j][1] - chain[j][0])
            digits += s[chain[j][0] : chain[j][1]]
            if len(digits) > _CARD_MAX:
                break
            if len(digits) >= _CARD_MIN and _card_layout(lengths) and luhn.is_valid(digits):
                yield "card", start, chain[j][1]


def _card_layout(lengths: list[int]) -> bool:
    """Groups as cards are printed: fours with a shorter last group, or the 4-6-5 of fifteen digit cards."""
    return lengths == [4, 6, 5] or (all(n == 4 for n in lengths[:-1]) and 1 <= lengths[-1] <= 4)


def _timestamp(digits: str) -> bool:
    """Whether a 14 or 17 digit run reads as yyyymmddHHMMSS[fff] (a date and time, never a card)."""
    if len(digits) not in (14, 17):
        return False
    try:
        year = datetime.strptime(digits[:14], "%Y%m%d%H%M%S").year
    except ValueError:
        return False
    return 1900 <= year <= 2099
