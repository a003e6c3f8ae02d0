"""Finding a statement's header row and mapping its columns to line fields by name, never by position."""

from __future__ import annotations

from dataclasses import dataclass, field

from hezhang.importers.profiles import Profiles, profiles
from hezhang.importers.text import header_key

#: How far down a file the header may stand (title rows and preamble cells come first).
HEADER_SEARCH_ROWS = 80
#: Fields resolved one column each, in this order (a column serves one field).
_SINGLE_FIELDS = (
    "date", "time", "value_date", "amount_in", "amount_out", "amount", "balance", "currency",
    "counterparty_name", "counterparty_account", "counterparty_bank",
    "payer_name", "payer_account", "payer_bank", "payee_name", "payee_account", "payee_bank",
    "bank_ref", "instrument_no", "account", "account_name",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ColumnMap:
    """Which column (0-based) holds which field; `memo` may span several columns."""

    row_index: int
    headers: tuple[str, ...]
    columns: dict[str, int]
    memo: tuple[int, ...] = ()
    #: Columns that might say the direction; settled once the data is seen (see `settle_direction`).
    direction_candidates: tuple[int, ...] = ()
    settlement_candidates: tuple[int, ...] = field(default=())

    @property
    def amount_mode(self) -> str:
        if "amount_in" in self.columns and "amount_out" in self.columns:
            return "split"
        return "single"

    def header(self, name: str) -> str:
        return self.headers[self.columns[name]].strip()


def map_columns(cells: list[str], row_index: int, prof: Profiles | None = None) -> ColumnMap | None:
    """Map one candidate header row; None unless it has a date and a way to read amounts."""
    prof = prof or profiles()
    keys = [header_key(c) for c in cells]
    taken: set[int] = set()
    columns: dict[str, int] = {}
    for name in _SINGLE_FIELDS:
        for synonym in prof.fields[name]:
            hits = [i for i, k in enumerate(keys) if k == synonym and i not in taken]
            if hits:
                columns[name] = hits[0]
                taken.add(hits[0])
                break
    if "amount_in" in columns and "amount_out" in columns:
        taken.discard(columns.pop("amount", -1))
    elif "amount" in columns:
        for lone in ("amount_in", "amount_out"):
            taken.discard(columns.pop(lone, -1))
    has_date = "date" in columns or "time" in columns
    has_amount = "amount" in columns or ("amount_in" in columns and "amount_out" in columns)
    if not (has_date and has_amount):
        return None
    memo = tuple(i for i, k in enumerate(keys) if k in prof.fields["memo"] and i not in taken)
    taken.update(memo)
    directions = tuple(i for s in prof.fields["direction"] for i, k in enumerate(keys) if k == s and i not in taken)
    settlement = tuple(
        i for s in prof.fields["settlement_method"] for i, k in enumerate(keys) if k == s and i not in taken
    )
    return ColumnMap(row_index, tuple(cells), columns, memo, directions, settlement)


def find_header(rows: list[list[str]]) -> ColumnMap | None:
    """The first row, within `HEADER_SEARCH_ROWS`, that maps as a statement header (most fields wins ties)."""
    best: ColumnMap | None = None
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        mapped = map_columns(row, i)
        if mapped is not None and (best is None or len(mapped.columns) > len(best.columns)):
            best = mapped
            break
    return best


def likely_header(rows: list[list[str]]) -> list[str]:
    """For error messages: the row that looks most like a header (most non-empty text cells)."""
    candidates = rows[:HEADER_SEARCH_ROWS]
    if not candidates:
        return []
    best = max(candidates, key=lambda r: sum(1 for c in r if c.strip() and not c.strip()[:1].isdigit()))
    return [c.strip() for c in best if c.strip()]


def settle_direction(cmap: ColumnMap, values: dict[int, list[str]], prof: Profiles | None = None) -> ColumnMap:
    """Choose the direction column: the first candidate whose every non-empty value is a direction word."""
    prof = prof or profiles()
    columns = dict(cmap.columns)
    chosen = None
    if cmap.amount_mode == "single":
        for i in cmap.direction_candidates:
            seen = [v for v in values.get(i, []) if v.strip(" \t\u3000-/")]
            if seen and all(prof.direction_of(v) for v in seen):
                chosen = i
                break
    if chosen is not None:
        columns["direction"] = chosen
    settlement = [i for i in (*cmap.settlement_candidates, *cmap.direction_candidates) if i != chosen]
    if settlement:
        columns["settlement_method"] = settlement[0]
    return ColumnMap(cmap.row_index, cmap.headers, columns, cmap.memo)
