"""Migrations run to head on both databases, and the migrated schema is exactly the tables' metadata."""

from __future__ import annotations

from typing import TYPE_CHECKING

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine

from hezhang.store import migrate
from hezhang.store.tables import metadata

if TYPE_CHECKING:
    from integration.conftest import StoreDb


def test_migrated_to_head(store_db: StoreDb) -> None:
    newest = max(path.name.split("_", 1)[0] for path in (migrate.MIGRATIONS / "versions").glob("[0-9]*.py"))
    assert migrate.head() == newest
    assert migrate.current(store_db.admin_url) == migrate.head()


def test_schema_matches_the_tables(admin_engine: Engine) -> None:
    with admin_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []


def test_upgrading_again_changes_nothing(store_db: StoreDb) -> None:
    migrate.upgrade(store_db.admin_url)
    assert migrate.current(store_db.admin_url) == migrate.head()
