"""Bank layouts as data: header synonyms, direction words, currency names and bank signatures.

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
    code: str
    name: str
    headers: frozenset[str]
    preamble: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Profiles:
    #: field -> header keys in order of preference
    fields: dict[str, tuple[str, ...]]
    #: normalized cell value -> "in" / "out"
    directions: dict[str, str]
    #: normalized cell value -> ISO currency code
    currencies: dict[str, str]
    banks: tuple[BankSignature, ...]

    def direction_of(self, value: str) -> str | None:
        return self.directions.get(header_key(value))

    def currency_of(self, value: str) -> str | None:
        key = header_key(value)
        return self.currencies.get(key) or (value.strip().upper() if len(key) == 3 and key.isalpha() else None)


@cache
def profiles() -> Profiles:
    """The layouts shipped with hezhang (read once)."""
    raw = tomllib.loads(resources.files("hezhang.importers").joinpath("profiles/banks.toml").read_text("utf-8"))
    fields = {name: tuple(header_key(s) for s in names) for name, names in raw["fields"].items()}
    directions = {header_key(v): d for d, values in raw["directions"].items() for v in values}
    currencies = {header_key(v): code for code, values in raw["currencies"].items() for v in values}
    banks = tuple(
        BankSignature(code, b["name"], frozenset(header_key(h) for h in b["headers"]), tuple(b["preamble"]))
        for code, b in raw["banks"].items()
    )
    return Profiles(fields, directions, currencies, banks)
