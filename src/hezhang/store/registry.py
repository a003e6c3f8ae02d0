"""The field registry: every column's data class (S0–S3) and mask, read from the tables' column `info`."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from types import MappingProxyType

from sqlalchemy import Column, MetaData, Table

from hezhang.privacy.classes import DataClass
from hezhang.store.tables.base import CLIENT_COLUMN


def data_class_of(column: Column[object]) -> DataClass | None:
    value = column.info.get("data_class")
    return value if isinstance(value, DataClass) else None


def mask_of(column: Column[object]) -> str | None:
    value = column.info.get("mask")
    return value if isinstance(value, str) else None


def unclassified(metadata: MetaData) -> list[str]:
    """ "table.column" of every column without a data class (the registry test wants none)."""
    return [f"{t.name}.{c.name}" for t in metadata.sorted_tables for c in t.columns if data_class_of(c) is None]


@cache
def sealed_columns(table: Table) -> tuple[str, ...]:
    """Names of the table's S2 columns: they hold ciphertext only. (Tables are defined once, at import; the answer
    is kept per table: importing asks it for every row.)"""
    return tuple(c.name for c in table.columns if data_class_of(c) is DataClass.S2)


@cache
def blind_indexes(table: Table) -> Mapping[str, tuple[str, str]]:
    """Blind-index column -> (the S2 column it indexes, its domain: the `column` argument of the HMAC)."""
    return MappingProxyType(
        {
            c.name: (str(c.info["blind_index_of"]), str(c.info["blind_index_domain"]))
            for c in table.columns
            if "blind_index_of" in c.info
        }
    )


def client_column_of(table: Table) -> str | None:
    """The column holding the owning client's id, or None for a table that is not client scoped."""
    value = table.info.get(CLIENT_COLUMN)
    return value if isinstance(value, str) else None


def client_scoped(metadata: MetaData) -> dict[str, str]:
    """Client-scoped table name -> its client column (row-level security and repositories filter on it)."""
    return {t.name: c for t in metadata.sorted_tables if (c := client_column_of(t)) is not None}
