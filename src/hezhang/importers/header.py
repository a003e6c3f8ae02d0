"""Finding a statement's header row and mapping its columns to line fields by name, never by position."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Literal

from hezhang.importers.profiles import Profiles, profiles
from hezhang.importers.text import clean_cell, header_key

#: How far down a file the header may stand (title rows and preamble cells come first).
HEADER_SEARCH_ROWS = 80
#: Fields resolved one column each, in this order (a column serves one field).
_SINGLE_FIELDS = (
    "date", "time", "value_date", "amount_in", "amount_out", "amount", "balance", "currency",
    "counterparty_name", "counterparty_account", "counterparty_bank",
    "payer_name", "payer_account", "payer_bank", "payee_name", "payee_account", "payee_bank",
    "bank_ref", "instrument_no", "account", "account_name",
)  # fmt: skip
_key = lru_cache(maxsize=8192)(header_key)
#: What a header must offer, for messages.
NEEDED = (
    "交易日期或交易时间，收入金额与支出金额（或交易金额）",
    "a date (交易日期 or 交易时间) and in/out amount columns (收入金额 and 支出金额) or one amount column (交易金额)",
)


@dataclass(frozen=True, slots=True)
class ColumnMap:
    """Which column (0-based) holds which field; `memo` may span several columns.

    `direction_candidates` and `settlement_candidates` are columns whose meaning depends on their values
    (交易类型 says 来账/往账 at one bank and 转账/汇兑 at another); `settle` decides once the data is seen.
    """

    row_index: int
    headers: tuple[str, ...]
    columns: Mapping[str, int]
    memo: tuple[int, ...] = ()
    direction_candidates: tuple[int, ...] = ()
    settlement_candidates: tuple[int, ...] = ()

    @property
    def amount_mode(self) -> Literal["split", "single"]:
        return "split" if "amount_in" in self.columns and "amount_out" in self.columns else "single"

    @property
    def date_field(self) -> Literal["date", "time"]:
        """The column dates are read from: 交易日期, or 交易时间 when it is the only one (it then holds both)."""
        return "date" if "date" in self.columns else "time"

    def header(self, name: str) -> str:
        """The header of a field's column as written in the file (padding removed)."""
        return clean_cell(self.headers[self.columns[name]])


def map_columns(cells: Sequence[str], row_index: int, prof: Profiles | None = None) -> ColumnMap | None:
    """Map one candidate header row; None unless it has a date and a way to read amounts."""
    prof = prof or profiles()
    keys = [_key(c) if len(c) < 200 else header_key(c) for c in cells]
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

    def candidates(field: str) -> tuple[int, ...]:
        return tuple(i for s in prof.fields[field] for i, k in enumerate(keys) if k == s and i not in taken)

    return ColumnMap(row_index, tuple(cells), columns, memo, candidates("direction"), candidates("settlement_method"))


def find_header(rows: Sequence[Sequence[str]], prof: Profiles | None = None) -> ColumnMap | None:
    """The first row, within `HEADER_SEARCH_ROWS`, that maps as a statement header."""
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if (mapped := map_columns(row, i, prof)) is not None:
            return mapped
    return None


def likely_header(rows: Sequence[Sequence[str]]) -> list[str]:
    """For error messages: the row that looks most like a header (most non-empty text cells)."""
    candidates = rows[:HEADER_SEARCH_ROWS]
    if not candidates:
        return []
    best = max(candidates, key=lambda r: sum(1 for c in r if c.strip() and not c.strip()[:1].isdigit()))
    return [c.strip() for c in best if c.strip()]


def settle(cmap: ColumnMap, values: Mapping[int, Sequence[str]], prof: Profiles | None = None) -> ColumnMap:
    """Decide the direction and settlement-method columns from a sample of their (cleaned, non-empty) values.

    A candidate is a direction column when most of its values are direction words (借/贷, 来账/往账, 借 Dr);
    it is used as one only with a single amount column (a stray value there is then a problem, not a guess).
    The settlement method is the first other candidate.
    """
    prof = prof or profiles()

    def mostly_directions(i: int) -> bool:
        seen = values.get(i, [])
        return 2 * sum(1 for v in seen if prof.direction_of(v)) > len(seen)

    columns = dict(cmap.columns)
    candidates = dict.fromkeys((*cmap.direction_candidates, *cmap.settlement_candidates))
    wordy = [i for i in candidates if mostly_directions(i)]
    if cmap.amount_mode == "single" and wordy:
        columns["direction"] = wordy[0]
    settlement = [i for i in cmap.settlement_candidates if i not in wordy]
    if settlement:
        columns["settlement_method"] = settlement[0]
    return replace(cmap, columns=columns)
