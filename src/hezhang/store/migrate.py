"""Run the Alembic migrations programmatically (no alembic.ini at runtime).

On PostgreSQL, run them with an administrator's URL (a role that may create roles and tables); the first
migration creates the owner and application roles and the row-level security policies.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from uuid import UUID

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text

from hezhang.store.engine import database_url, make_engine
from hezhang.store.sealing import Sealer

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


#: Makes the sealer a migration needs to seal or fingerprint stored values, on the migration's connection.
SealerFactory = Callable[[Connection], Sealer]


def upgrade(url: str, revision: str = "head", *, sealer: SealerFactory | None = None) -> None:
    """Migrate the database at `url` to `revision` in one transaction. A migration that must seal values already
    stored asks for `sealer` (`hezhang init` gives one made from the keyring) and refuses without it."""
    _run(url, lambda config: command.upgrade(config, revision), sealer)


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


def holds_data(url: str) -> bool:
    """Whether the store at `url` already holds users, client keys or audit events (it was in use)."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            if current_on(connection) is None:
                return False
            found = connection.execute(text(
                "SELECT EXISTS (SELECT 1 FROM users) OR EXISTS (SELECT 1 FROM client_keys) "
                "OR EXISTS (SELECT 1 FROM audit_events)"
            )).scalar()  # fmt: skip
            return bool(found)
    finally:
        engine.dispose()


def all_client_ids(connection: Connection) -> list[UUID]:
    """Every client's id (a migration that seals works for all of them, as the administrator)."""
    return [row[0] if isinstance(row[0], UUID) else UUID(str(row[0]))
            for row in connection.execute(text("SELECT id FROM clients"))]  # fmt: skip


def current_on(connection: Connection) -> str | None:
    """The revision, read on an open connection (inside a transaction that holds SQLite's write lock)."""
    return MigrationContext.configure(connection).get_current_revision()


def _run(url: str, action: object, sealer: SealerFactory | None = None) -> None:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            if sqlite:
                # SQLite changes a table by copying it, dropping the old one and renaming the copy; with foreign keys
                # on, the drop would delete (ON DELETE CASCADE) every row referring to it. The pragma only takes
                # effect outside a transaction, so it is set on the driver's connection before the migration begins.
                _sqlite_foreign_keys(connection, on=False)
            try:
                with connection.begin():
                    config = alembic_config()
                    config.attributes["connection"] = connection
                    config.attributes["sealer"] = sealer
                    action(config)  # type: ignore[operator]
                    if sqlite:
                        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                        if broken:
                            raise RuntimeError(f"migration left rows without the rows they refer to: {broken[:5]}")
            finally:
                if sqlite:
                    _sqlite_foreign_keys(connection, on=True)
    finally:
        engine.dispose()


def _sqlite_foreign_keys(connection: Connection, *, on: bool) -> None:
    driver = connection.connection.driver_connection
    assert driver is not None
    driver.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def init(url: str | None = None) -> str:
    """Create (SQLite: the file and its directory) and migrate the store at `url` or the configured one.

    Returns the URL migrated. For PostgreSQL pass an administrator's URL, not the application role's.
    """
    url = url or database_url()
    upgrade(url)
    return url
