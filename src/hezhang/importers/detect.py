"""Which format a file is in, decided from its content (the file name is only a tie-breaker)."""

from __future__ import annotations

from hezhang.importers.grid import head_text
from hezhang.importers.registry import Format
from hezhang.importers.result import Kind


def all_formats() -> list[Format]:
    """Every format, most specific first (the generic bank table comes last)."""
    from hezhang.importers import (
        camt053,
        cn_bank,
        journal_kingdee,
        journal_standard,
        mt940,
        ofx,
        payment_bills,
        standard,
    )

    return [
        *standard.FORMATS,
        *journal_standard.FORMATS,
        *journal_kingdee.FORMATS,
        *payment_bills.FORMATS,
        *mt940.FORMATS,
        *camt053.FORMATS,
        *ofx.FORMATS,
        *cn_bank.FORMATS,
    ]


def formats(kind: Kind) -> list[Format]:
    return [f for f in all_formats() if f.kind == kind]


def format_named(name: str, kind: Kind) -> Format | None:
    return next((f for f in formats(kind) if f.name == name), None)


def detect(data: bytes, kind: Kind) -> Format | None:
    """The first format of `kind` whose sniffer recognises the file, or None."""
    head = head_text(data)
    for fmt in formats(kind):
        try:
            if fmt.sniff(data, head):
                return fmt
        except Exception:  # a sniffer must never decide the outcome by crashing
            continue
    return None
