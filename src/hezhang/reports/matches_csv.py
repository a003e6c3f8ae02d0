"""Matches as CSV: the `matches.csv` written by `hezhang reconcile`.

A row is a mapping with the keys of `hezhang.matching.model.Match` (`dataclasses.asdict(match)` and the rows of
`MatchResult.frame.iter_rows(named=True)` are valid rows):
`match_id` (int), `status` ("auto" / "suggested"), `bank_rows` and `ledger_rows` (sequences of int), `rule` (str),
`confidence` (float in 0..1), `difference_fen` (int, ledger minus bank). Other keys are ignored.

Columns, exactly: ``match_id,status,bank_rows,ledger_rows,rule,confidence,difference,alternatives,explanation``.
Rows of one side are joined by ``;``. A negative row is an item carried forward from the previous period's
statement (see `hezhang.reconciliation.carry.carried_lines`): it is written ``P<n>``, n = -row, the item's
position (1-based) among the carried items of that side, in the order of the previous reconciliation.json. So
``P1`` in `bank_rows` is the first carried bank-side item, ``P1`` in `ledger_rows` the first carried ledger-side
item. `confidence` has three decimals; `difference` is a decimal string with two decimals ("15.00", "-0.05").
`alternatives` lists, for a suggestion, the match ids of the other suggestions sharing one of its lines, joined by
``;`` (empty for an automatic match); `explanation` is the Chinese explanation: why an automatic match has no rival,
or what a suggestion shares with its alternatives (a row without them writes both as empty).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import polars as pl

from hezhang.domain.money import format_fen

HEADER = (
    "match_id", "status", "bank_rows", "ledger_rows", "rule", "confidence", "difference", "alternatives", "explanation",
)  # fmt: skip


def row_ref(row: int) -> str:
    """A line's row as written in reports: "12" for a line of this period's file, "P3" for a carried item."""
    return f"P{-row}" if row < 0 else str(row)


def row_refs(rows: Sequence[int]) -> str:
    """Several rows of one side joined by ";": (3, 4, -1) -> "3;4;P1"."""
    return ";".join(row_ref(r) for r in rows)


def _fen(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"difference_fen must be integer fen, got {type(value).__name__}")
    return value


def render_matches_csv(rows: Iterable[Mapping[str, Any]]) -> str:
    """The matches as CSV text (``\\n`` line ends, header first, quotes only where needed), in the order given."""
    columns: dict[str, list[str | None]] = {name: [] for name in HEADER}
    for r in rows:
        status = r["status"]
        values = (
            str(int(r["match_id"])),
            str(getattr(status, "value", status)),
            row_refs(r["bank_rows"]),
            row_refs(r["ledger_rows"]),
            str(r["rule"]),
            f"{float(r['confidence']):.3f}",
            format_fen(_fen(r["difference_fen"])),
            ";".join(str(int(m)) for m in r.get("alternatives") or ()) or None,
            str(r.get("explanation_zh") or "") or None,
        )
        for name, value in zip(HEADER, values, strict=True):
            columns[name].append(value)
    return pl.DataFrame(columns, schema=dict.fromkeys(HEADER, pl.String)).write_csv()
