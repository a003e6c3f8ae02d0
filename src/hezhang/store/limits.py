"""Text that does not fit its column, found before anything is written, the same way on every database.

PostgreSQL refuses a value longer than a VARCHAR's length (StringDataRightTruncation, with the SQL in its
message); SQLite keeps it whole. Checking the lengths here gives one answer everywhere, with a message a person can
act on, and keeps SQL out of messages and audit reasons.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import polars as pl
from sqlalchemy import Engine, Insert, String, Table, Update, event


@dataclass(frozen=True, slots=True)
class TooLong:
    """Row `index` (0-based, in the given order) has `length` characters in `column`, which holds `limit`."""

    index: int
    column: str
    limit: int
    length: int


class ValueTooLongError(ValueError):
    def __init__(self, table: str, found: TooLong) -> None:
        self.table, self.found = table, found
        super().__init__(
            f"{table}.{found.column} 最多 {found.limit} 个字符，给出的值有 {found.length} 个 / "
            f"{table}.{found.column} holds at most {found.limit} characters; the value has {found.length}"
        )


@cache
def text_limits(table: Table) -> dict[str, int]:
    """Column -> the most characters it holds, for the table's bounded text columns."""
    return {c.name: c.type.length for c in table.columns if isinstance(c.type, String) and c.type.length}


def too_long_in_frame(table: Table, frame: pl.DataFrame) -> Iterator[TooLong]:
    """Every cell of `frame` longer than its column of `table` allows (columns the table bounds)."""
    for column, limit in text_limits(table).items():
        if column not in frame.columns or frame.schema[column] != pl.String:
            continue
        lengths = frame[column].str.len_chars()
        for index in (lengths > limit).arg_true().to_list():
            yield TooLong(index, column, limit, int(lengths[index]))


def check_row(table: Table, row: Mapping[str, Any]) -> None:
    """Raise `ValueTooLongError` when a text value of `row` is longer than its column of `table` allows."""
    for column, limit in text_limits(table).items():
        value = row.get(column)
        if isinstance(value, str) and len(value) > limit:
            raise ValueTooLongError(table.name, TooLong(0, column, limit, len(value)))


def guard(engine: Engine) -> None:
    """Check every INSERT and UPDATE of a table on `engine` before it runs (parameters and `.values()` alike)."""
    event.listen(engine, "before_execute", _before_execute)


def _before_execute(
    _conn: Any, statement: Any, multiparams: Any, params: Any, _options: Any
) -> None:  # SQLAlchemy's event signature
    if not isinstance(statement, Insert | Update) or not isinstance(statement.table, Table):
        return
    table = statement.table
    if not text_limits(table):
        return
    rows: list[Mapping[str, Any]] = [p for p in (multiparams or ()) if isinstance(p, Mapping)]
    if isinstance(params, Mapping):
        rows.append(params)
    if getattr(statement, "_values", None):
        rows.append(statement.compile().params)
    for row in rows:
        check_row(table, row)
