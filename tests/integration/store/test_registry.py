"""The field registry: every column has a data class; S2 columns hold only ciphertext; every table is scoped."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from sqlalchemy import LargeBinary

from hezhang.privacy.classes import DataClass
from hezhang.store.migrate import MIGRATIONS
from hezhang.store.registry import blind_indexes, client_scoped, data_class_of, sealed_columns, unclassified
from hezhang.store.retention import TABLE_ARCHIVE_TYPES
from hezhang.store.tables import metadata


def _migration(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"migration_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_column_has_a_data_class() -> None:
    assert unclassified(metadata) == []


def test_every_data_class_value_is_a_data_class() -> None:
    for table in metadata.sorted_tables:
        for column in table.columns:
            assert isinstance(data_class_of(column), DataClass), f"{table.name}.{column.name}"


def test_sealed_columns_hold_bytes_only() -> None:
    for table in metadata.sorted_tables:
        for name in sealed_columns(table):
            assert isinstance(table.c[name].type, LargeBinary), f"{table.name}.{name} must be ciphertext bytes"


def test_blind_indexes_index_sealed_columns() -> None:
    found = set()
    for table in metadata.sorted_tables:
        for index, (source, _domain) in blind_indexes(table).items():
            assert source in sealed_columns(table), f"{table.name}.{index} indexes a column that is not S2"
            found.add(f"{table.name}.{source}")
    assert {
        "bank_lines.counterparty_account",
        "bank_lines.counterparty_name",
        "ledger_lines.counterparty_name",
    } <= found


def test_sensitive_fields_are_sealed() -> None:
    expected = {
        "clients": {"contact_name", "contact_phone", "contact_email"},
        "bank_accounts": {"account_number"},
        "statement_imports": {"raw_file", "file_name"},
        "journal_imports": {"raw_file", "file_name"},
        "bank_lines": {"counterparty_name", "counterparty_account", "counterparty_bank", "memo"},
        "ledger_lines": {"memo", "counterparty_name", "contra_accounts"},
        "outstanding_items": {"memo"},
        "aliases": {"core_name", "alias"},
    }
    for name, columns in expected.items():
        assert columns <= set(sealed_columns(metadata.tables[name])), name
    assert data_class_of(metadata.tables["client_keys"].c.wrapped_key) is DataClass.S3


def _firm_level() -> set[str]:
    """Tables a migration declares firm-level (`FIRM_LEVEL`): staff identity and the like, not client data."""
    tables: set[str] = set()
    for path in sorted((MIGRATIONS / "versions").glob("[0-9]*.py")):
        tables |= set(getattr(_migration(path), "FIRM_LEVEL", {}))
    return tables


def test_every_table_is_client_scoped_by_a_client_column() -> None:
    scoped = client_scoped(metadata)
    firm_level = _firm_level()
    assert not set(scoped) & firm_level
    assert set(scoped) | firm_level == set(metadata.tables)
    for name, column in scoped.items():
        assert column in metadata.tables[name].c, name
        assert column == "client_id" or name == "clients"


def test_the_migrations_protect_every_client_scoped_table() -> None:
    protected: dict[str, str] = {}
    for path in sorted((MIGRATIONS / "versions").glob("[0-9]*.py")):
        protected |= getattr(_migration(path), "CLIENT_SCOPED", {})
    assert client_scoped(metadata) == protected


def test_kept_records_carry_archive_type_and_retention() -> None:
    with_retention = {t.name for t in metadata.sorted_tables if {"archive_type", "retain_until"} <= set(t.c.keys())}
    assert with_retention == set(TABLE_ARCHIVE_TYPES)
