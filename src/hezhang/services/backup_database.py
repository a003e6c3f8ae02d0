"""Dumping and restoring the store's database: SQLite through the online backup API, PostgreSQL through
pg_dump / pg_restore (custom format) as the administrator. Row counts come from the same snapshot as the dump."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import Connection, make_url, text

from hezhang.services.backup_archive import BackupError, Fault
from hezhang.store import rls
from hezhang.store.engine import make_engine, normalize_url

#: Tables that say which schema a database has, not what data it holds (an empty store may have them filled).
BOOKKEEPING_TABLES = frozenset({"alembic_version"})


def database_kind(url: str) -> str:
    backend = make_url(normalize_url(url)).get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise BackupError(Fault.DUMP, f"不支持的数据库：{backend}", f"unsupported database: {backend}")
    return backend


def shown_url(url: str) -> str:
    """The URL with any password hidden (for messages and results)."""
    return make_url(normalize_url(url)).render_as_string(hide_password=True)


def sqlite_path(url: str) -> Path:
    database = make_url(normalize_url(url)).database
    if not database or database == ":memory:":
        raise BackupError(Fault.DUMP, "SQLite 库须是文件", "the SQLite store must be a file")
    return Path(database).expanduser()


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sqlite_counts(connection: sqlite3.Connection) -> dict[str, int]:
    names = [
        r[0]
        for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    ]
    return {n: int(connection.execute(f"SELECT count(*) FROM {_quote(n)}").fetchone()[0]) for n in sorted(names)}


def _pg_counts(connection: Connection) -> dict[str, int]:
    names = connection.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars().all()
    return {
        str(n): int(connection.execute(text(f"SELECT count(*) FROM {_quote(str(n))}")).scalar_one())
        for n in sorted(names)
    }


def row_counts(url: str) -> dict[str, int]:
    """Rows per table of the database at `url` (an administrator's URL on PostgreSQL: no row-level filter)."""
    if database_kind(url) == "sqlite":
        path = sqlite_path(url)
        if not path.exists():
            return {}
        return sqlite_file_counts(path)
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return _pg_counts(connection)
    finally:
        engine.dispose()


def sqlite_file_counts(path: Path) -> dict[str, int]:
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
        return _sqlite_counts(connection)


def sqlite_integrity(path: Path) -> str:
    """`ok`, or what SQLite's integrity check found."""
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
        return "; ".join(str(r[0]) for r in connection.execute("PRAGMA integrity_check"))


def holds_data(counts: dict[str, int]) -> list[str]:
    """Tables with rows, other than the schema's bookkeeping."""
    return [name for name, n in counts.items() if n and name not in BOOKKEEPING_TABLES]


# -- dump -----------------------------------------------------------------------------------------------------


def dump_sqlite(url: str, dest: Path) -> dict[str, int]:
    """Copy the live SQLite file with the online backup API (consistent while in use) into a self-contained file;
    return the copy's row counts."""
    source_path = sqlite_path(url)
    if not source_path.exists():
        raise BackupError(Fault.DUMP, f"找不到库文件：{source_path}", f"no store file at {source_path}")
    with (
        contextlib.closing(sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)) as source,
        contextlib.closing(sqlite3.connect(dest)) as target,
    ):
        source.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")  # one file, no WAL beside it
        target.commit()
    return sqlite_file_counts(dest)


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection URL without the password, and the environment carrying it (not on the command line)."""
    parsed = make_url(normalize_url(url))
    env = dict(os.environ)
    if parsed.password is not None:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(command: list[str], env: dict[str, str], what_zh: str, what_en: str) -> str:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise BackupError(
            Fault.DUMP, f"找不到 {command[0]}，请安装 PostgreSQL 客户端", f"{command[0]} not found: install the client"
        ) from None
    if done.returncode != 0:
        detail = done.stderr.strip()[-2000:]
        raise BackupError(Fault.DUMP, f"{what_zh}失败：{detail}", f"{what_en} failed: {detail}")
    return done.stdout


def dump_postgresql(admin_url: str, dest: Path) -> dict[str, int]:
    """pg_dump (custom format) as the administrator, from an exported snapshot the row counts are read in."""
    conninfo, env = _libpq(admin_url)
    engine = make_engine(admin_url)
    try:
        with engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection:
            connection.execute(text("SET TRANSACTION READ ONLY"))
            snapshot = str(connection.execute(text("SELECT pg_export_snapshot()")).scalar_one())
            counts = _pg_counts(connection)
            command = ["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={dest}", f"--dbname={conninfo}"]
            _run(command, env, "pg_dump 导出", "pg_dump")
            connection.rollback()
    finally:
        engine.dispose()
    return counts


def list_postgresql_dump(dump: Path) -> str:
    """The dump's table of contents (`pg_restore --list`): reading it checks the dump is a whole custom archive."""
    return _run(["pg_restore", "--list", str(dump)], dict(os.environ), "读取 pg_dump 文件", "reading the pg_dump file")


# -- restore --------------------------------------------------------------------------------------------------


def refuse_unless_empty(url: str) -> dict[str, int]:
    """The target's row counts; raise when it holds any data (a restore never overwrites a store in use)."""
    counts = row_counts(url)
    full = holds_data(counts)
    if full:
        raise BackupError(
            Fault.TARGET_NOT_EMPTY,
            f"目标库不是空的（{', '.join(full[:5])} 中有数据），拒绝恢复：请恢复到一个新的空库 {shown_url(url)}",
            f"the target store is not empty ({', '.join(full[:5])} hold rows); refusing to restore over it: "
            f"restore into a new empty database instead of {shown_url(url)}",
        )
    return counts


def restore_sqlite(dump: Path, url: str) -> None:
    """Write the dumped file as the store's file: a temporary copy beside it, fsynced, then moved into place."""
    target = sqlite_path(url)
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = target.with_name(f".{target.name}.restore")
    with dump.open("rb") as source, open(temporary, "wb", opener=lambda p, f: os.open(p, f, 0o600)) as out:
        while block := source.read(1 << 20):
            out.write(block)
        out.flush()
        os.fsync(out.fileno())
    for stale in (target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm")):
        stale.unlink(missing_ok=True)  # a WAL of the old (empty) file must never be applied to the restored one
    os.replace(temporary, target)


def restore_postgresql(dump: Path, admin_url: str, *, has_schema: bool) -> None:
    """pg_restore into an empty database as the administrator, in one transaction (all or nothing).

    The owner and application roles are cluster-wide: they are made first when missing (a new cluster). A migrated
    but empty target has its objects replaced (`--clean`)."""
    engine = make_engine(admin_url)
    try:
        with engine.begin() as connection:
            for statement in rls.role_statements():
                connection.execute(text(statement))
    finally:
        engine.dispose()
    conninfo, env = _libpq(admin_url)
    command = ["pg_restore", "--exit-on-error", "--single-transaction", f"--dbname={conninfo}"]
    if has_schema:
        command += ["--clean", "--if-exists"]
    _run([*command, str(dump)], env, "pg_restore 恢复", "pg_restore")
