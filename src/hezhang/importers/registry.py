"""The formats hezhang reads, in the order detection tries them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from hezhang.importers.result import ImportResult, Kind, Sign

#: `sniff(data, head)` gets the file's bytes and its first ~64 KiB decoded as text (None for binary files)
#: and says whether the format is this one. `parse(data, filename)` reads it.
Sniff = Callable[[bytes, str | None], bool]
Parse = Callable[[bytes, str], ImportResult]
#: `parse_signed(data, filename, sign)`: the same, for formats that may hold one signed amount column; `sign` is
#: a person's answer on which way it points (None: establish it from the file, or ask).
ParseSigned = Callable[[bytes, str, Sign | None], ImportResult]


@dataclass(frozen=True, slots=True)
class Format:
    name: str
    kind: Kind
    title: str  # shown to people: Chinese / English
    sniff: Sniff
    parse: Parse
    parse_signed: ParseSigned | None = None
