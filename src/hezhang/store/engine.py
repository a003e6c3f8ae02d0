"""The engine: PostgreSQL from `HEZHANG_DATABASE_URL` (the application role's URL) or the embedded SQLite file.

SQLite runs with WAL, foreign keys on, a busy timeout, and real transactions (BEGIN at the start of each
SQLAlchemy transaction, so reads and writes of one unit of work see one snapshot).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url

from hezhang.store.limits import guard

ENV_URL = "HEZHANG_DATABASE_URL"
#: How long a SQLite writer waits for another writer (an import of 100,000 lines) before giving up, in ms.
BUSY_TIMEOUT_MS = 30_000


def default_sqlite_path(env: Mapping[str, str] | None = None) -> Path:
    """`$XDG_DATA_HOME/hezhang/hezhang.db`, by default `~/.local/share/hezhang/hezhang.db`."""
    env = os.environ if env is None else env
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "hezhang" / "hezhang.db"


def database_url(env: Mapping[str, str] | None = None) -> str:
    """The store's URL from the environment, or the embedded SQLite file's."""
    env = os.environ if env is None else env
    return env.get(ENV_URL) or sqlite_url(default_sqlite_path(env))


def sqlite_url(path: Path) -> str:
    return f"sqlite+pysqlite:///{path}"


def normalize_url(url: str) -> str:
    """`postgresql://…` and `postgres://…` use psycopg 3."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def is_postgresql(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for `url`. A SQLite file is created (0600, with its parent directory) when missing."""
    url = normalize_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        engine = create_engine(url, pool_pre_ping=True, **kwargs)
        guard(engine)
        return engine
    if parsed.database and parsed.database != ":memory:":
        _private_file(Path(parsed.database).expanduser())
    engine = create_engine(url, **kwargs)
    _configure_sqlite(engine)
    guard(engine)
    return engine


def _private_file(path: Path) -> None:
    """Create the database file readable by its owner only (0600; its folder 0700 when made here): SQLite would
    make it with the process's umask, typically 0644, and its -wal and -shm files take the database file's mode."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        return


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide where transactions begin (see the "begin" listener).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
