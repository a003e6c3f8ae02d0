"""Bank layouts as data: header synonyms, direction words, currency names, preamble labels, bank signatures.

Loaded from `profiles/banks.toml`; nothing here is specific to one bank except what that file says.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from hezhang.importers.text import header_key


@dataclass(frozen=True, slots=True)
class BankSignature:
    """How to recognise one bank's export: headers only it uses, and names of the bank in title rows."""

    code: str
    name: str
    headers: frozenset[str]
    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Platform:
    """A payment-platform bill hezhang does not read: words of its title or preamble, and its own headers."""

    code: str
    name: str
    name_en: str
    preamble: tuple[str, ...]
    headers: frozenset[str]


@dataclass(frozen=True, slots=True)
class Profiles:
    #: field -> header keys in order of preference
    fields: dict[str, tuple[str, ...]]
    #: normalized cell value -> "in" / "out"
    directions: dict[str, str]
    #: normalized cell value -> ISO currency code
    currencies: dict[str, str]
    #: preamble item ("account", "start", ...) -> label keys, longest first
    labels: dict[str, tuple[str, ...]]
    banks: tuple[BankSignature, ...]
    #: header keys, title words and memo prefixes that mark a credit-card bill (spend-positive)
    card_headers: frozenset[str] = frozenset()
    card_titles: tuple[str, ...] = ()
    card_prefixes: tuple[str, ...] = ()
    #: "in" / "out" -> words a memo may start with that say the direction
    memo_words: dict[str, tuple[str, ...]] | None = None
    #: of `memo_words`, those whose direction depends on whether the file is a card bill (还款, 利息 …)
    card_only_words: frozenset[str] = frozenset()
    platforms: tuple[Platform, ...] = ()
    #: words that begin a totals row below the table (合计, 小计, 笔数, total …)
    footer_words: tuple[str, ...] = ()

    def direction_of(self, value: str) -> str | None:
        return self.directions.get(header_key(value))

    def currency_of(self, value: str) -> str | None:
        key = header_key(value)
        return self.currencies.get(key) or (key.upper() if len(key) == 3 and key.isascii() and key.isalpha() else None)

    def bank_named_in(self, text: str) -> str | None:
        """The bank whose name appears in `text` (the longest name found wins: 中国农业银行 over 中国银行)."""
        folded = text.lower()
        found = [(len(name), bank.code) for bank in self.banks for name in bank.names if name.lower() in folded]
        return max(found)[1] if found else None

    def bank_by_headers(self, keys: set[str]) -> str | None:
        """The bank with the most of its own headers among `keys` (at least two, and no tie)."""
        scores = sorted(((len(bank.headers & keys), bank.code) for bank in self.banks), reverse=True)
        if not scores or scores[0][0] < 2 or (len(scores) > 1 and scores[1][0] == scores[0][0]):
            return None
        return scores[0][1]


@cache
def profiles() -> Profiles:
    """The layouts shipped with hezhang (read once)."""
    raw = tomllib.loads(resources.files("hezhang.importers").joinpath("profiles/banks.toml").read_text("utf-8"))
    fields = {name: tuple(header_key(s) for s in names) for name, names in raw["fields"].items()}
    directions = {header_key(v): d for d, values in raw["directions"].items() for v in values}
    currencies = {header_key(v): code for code, values in raw["currencies"].items() for v in values}
    labels = {
        item: tuple(sorted((header_key(s) for s in names), key=len, reverse=True))
        for item, names in raw["preamble"].items()
    }
    banks = tuple(
        BankSignature(code, b["name"], frozenset(header_key(h) for h in b["headers"]), tuple(b["preamble"]))
        for code, b in raw["banks"].items()
    )
    card = raw["card_bill"]
    platforms = tuple(
        Platform(code, p["name"], p["name_en"], tuple(p["preamble"]), frozenset(header_key(h) for h in p["headers"]))
        for code, p in raw["platforms"].items()
    )
    return Profiles(
        fields,
        directions,
        currencies,
        labels,
        banks,
        card_headers=frozenset(header_key(h) for h in card["headers"]),
        card_titles=tuple(card["titles"]),
        card_prefixes=tuple(card["prefixes"]),
        memo_words={d: tuple(raw["memo_directions"][d]) for d in ("in", "out")},
        card_only_words=frozenset(raw["memo_directions"].get("card_only", ())),
        platforms=platforms,
        footer_words=tuple(raw["footer"]["words"]),
    )
