"""Looking for texts in the raw database, as someone holding a copy of it would: every text, JSON and blob column of
every table, read with the administrator's engine (past row-level security), each value as the database holds it.

A text is looked for in three forms: as it is; as JSON writes it with `\\uXXXX` escapes (what SQLAlchemy stores in a
JSON column, and what pg_dump shows, so a plain grep misses it); and as UTF-8 bytes (and escaped bytes) inside
blobs. Only the rows of one client, and rows that name no client and were not there when the scan was set up, are
read, so one test's leftovers never count against another.

    scan = RawTextScan(admin_engine, ["王晓岚", "13912345678"])
    ...
    assert not scan.hits(client_id)
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import Engine, inspect
from sqlalchemy import types as sqltypes

#: The column that says which client a row belongs to; `clients` rows are their own client.
CLIENT_COLUMN = "client_id"


@dataclass(frozen=True)
class Hit:
    table: str
    column: str
    row: str
    text: str  # the text that was found
    form: str  # "plain", "json-escaped", "utf-8 in blob", "json-escaped in blob"
    context: str  # a little of the value around it

    def __str__(self) -> str:
        return f"{self.text!r} ({self.form}) in {self.table}.{self.column}, row {self.row}: …{self.context}…"


@dataclass(frozen=True)
class _Table:
    name: str
    key: str  # a column naming the row in messages
    client: str | None  # the client column, if any
    columns: tuple[tuple[str, str], ...]  # (name, "text" | "json" | "blob")


def _kind(column_type: Any) -> str | None:
    if isinstance(column_type, sqltypes.JSON):
        return "json"
    if isinstance(column_type, sqltypes._Binary):
        return "blob"
    if isinstance(column_type, (sqltypes.String, sqltypes.NullType)):
        return "text"
    return None


def _escaped(text: str) -> set[str]:
    """JSON's `\\uXXXX` forms of the text (lower- and upper-case hex); empty for plain ASCII."""
    low = json.dumps(text)[1:-1]
    if low == text:
        return set()
    return {low, re.sub(r"\\u([0-9a-f]{4})", lambda m: "\\u" + m.group(1).upper(), low)}


class RawTextScan:
    """Finds any of `texts` in the raw database of `engine` (the administrator's)."""

    def __init__(self, engine: Engine, texts: Iterable[str]) -> None:
        self.engine = engine
        self.postgres = engine.dialect.name == "postgresql"
        forms: dict[str, tuple[str, str]] = {}
        for text in {t for t in texts if t}:
            forms[text] = (text, "plain")
            forms.update({e: (text, "json-escaped") for e in _escaped(text)})
        ordered = sorted(forms, key=len, reverse=True)
        self._text_forms = forms
        self._text_pattern = re.compile("|".join(map(re.escape, ordered)))
        blob_forms = {f.encode("utf-8"): (t, "utf-8 in blob" if kind == "plain" else f"{kind} in blob")
                      for f, (t, kind) in forms.items()}  # fmt: skip
        self._blob_forms = blob_forms
        self._blob_pattern = re.compile(b"|".join(map(re.escape, sorted(blob_forms, key=len, reverse=True))))
        self.tables = self._reflect()
        self._baseline = {t.name: self._fingerprints(t) for t in self.tables}

    def _reflect(self) -> list[_Table]:
        found = []
        inspector = inspect(self.engine)
        for name in sorted(inspector.get_table_names()):
            reflected = inspector.get_columns(name)
            names = [c["name"] for c in reflected]
            columns = tuple((c["name"], k) for c in reflected if (k := _kind(c["type"])) is not None)
            client = CLIENT_COLUMN if CLIENT_COLUMN in names else ("id" if name == "clients" else None)
            key = "id" if "id" in names else names[0]
            if columns:
                found.append(_Table(name, key, client, columns))
        return found

    def _select(self, table: _Table, where: str) -> str:
        def shown(column: str, kind: str) -> str:
            quoted = f'"{column}"'
            return f"CAST({quoted} AS TEXT)" if kind == "json" and self.postgres else quoted

        columns = ", ".join([f'"{table.key}"'] + [shown(c, k) for c, k in table.columns])
        return f'SELECT {columns} FROM "{table.name}" {where}'

    def _unowned_rows(self, table: _Table) -> list[tuple[Any, ...]]:
        where = "" if table.client is None else f'WHERE "{table.client}" IS NULL'
        with self.engine.connect() as connection:
            return [tuple(r) for r in connection.exec_driver_sql(self._select(table, where))]

    def _fingerprints(self, table: _Table) -> set[str]:
        return {hashlib.sha256(repr(row).encode()).hexdigest() for row in self._unowned_rows(table)}

    def _rows(self, table: _Table, client_id: UUID) -> list[tuple[Any, ...]]:
        """The client's rows, and the rows naming no client that are new or changed since the scan was set up."""
        baseline = self._baseline[table.name]
        rows = [r for r in self._unowned_rows(table) if hashlib.sha256(repr(r).encode()).hexdigest() not in baseline]
        if table.client is not None:
            key: Any = client_id if self.postgres else client_id.hex
            where = f'WHERE "{table.client}" = ' + ("%(c)s" if self.postgres else ":c")
            with self.engine.connect() as connection:
                rows += [tuple(r) for r in connection.exec_driver_sql(self._select(table, where), {"c": key})]
        return rows

    def hits(self, client_id: UUID) -> list[Hit]:
        """Every place one of the texts stands in the clear in the client's rows (first hit per value)."""
        found: list[Hit] = []
        for table in self.tables:
            for row in self._rows(table, client_id):
                row_name = str(row[0])
                for (column, _), value in zip(table.columns, row[1:], strict=True):
                    hit = self._hit(value)
                    if hit is not None:
                        text, form, context = hit
                        found.append(Hit(table.name, column, row_name, text, form, context))
        return found

    def _hit(self, value: Any) -> tuple[str, str, str] | None:
        if isinstance(value, str):
            m = self._text_pattern.search(value)
            if m is None:
                return None
            text, form = self._text_forms[m.group()]
            return text, form, value[max(0, m.start() - 30) : m.end() + 30]
        if isinstance(value, (bytes, bytearray, memoryview)):
            data = bytes(value)
            b = self._blob_pattern.search(data)
            if b is None:
                return None
            text, form = self._blob_forms[b.group()]
            return text, form, data[max(0, b.start() - 30) : b.end() + 30].decode("utf-8", "replace")
        return None
