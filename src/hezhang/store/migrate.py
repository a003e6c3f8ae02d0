"""Run the Alembic migrations programmatically (no alembic.ini at runtime).

On PostgreSQL, run them with an administrator's URL (a role that may create roles and tables); the first
migration creates the owner and application roles and the row-level security policies.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

from hezhang.store.engine import database_url, make_engine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Migrate the database at `url` to `revision` in one transaction."""
    _run(url, lambda config: command.upgrade(config, revision))


def downgrade(url: str, revision: str) -> None:
    _run(url, lambda config: command.downgrade(config, revision))


def head() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current(url: str) -> str | None:
    """The revision the database at `url` is at (None: not migrated)."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return current_on(connection)
    finally:
        engine.dispose()


def current_on(connection: Connection) -> str | None:
    """The revision, read on an open connection (inside a transaction that holds SQLite's write lock)."""
    return MigrationContext.configure(connection).get_current_revision()


def _run(url: str, action: object) -> None:
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            action(config)  # type: ignore[operator]
    finally:
        engine.dispose()


def init(url: str | None = None) -> str:
    """Create (SQLite: the file and its directory) and migrate the store at `url` or the configured one.

    Returns the URL migrated. For PostgreSQL pass an administrator's URL, not the application role's.
    """
    url = url or database_url()
    upgrade(url)
    return url
