"""Integration fixtures: a fresh, migrated store per test module, on SQLite and on PostgreSQL.

PostgreSQL: `HEZHANG_TEST_PG_ADMIN_URL` (default postgresql+psycopg://postgres@127.0.0.1:5432/test) is the
administrator; each module gets `CREATE DATABASE hz_test_<random>`, migrated to head as the administrator, and
the tests connect as the application role `hezhang_app`. Unreachable PostgreSQL skips with the reason, except
when CI=true: then it fails.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.exc import OperationalError

from hezhang.store import migrate
from hezhang.store.engine import make_engine
from hezhang.store.rls import APP_ROLE

PG_ADMIN_URL = os.environ.get("HEZHANG_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@dataclass(frozen=True)
class StoreDb:
    kind: str  # "sqlite" or "postgresql"
    admin_url: str  # migrations and checks (the file itself for SQLite)
    url: str  # what the application uses (the app role on PostgreSQL)


def _postgres_unavailable(admin: Engine) -> str | None:
    try:
        with admin.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as error:
        return f"PostgreSQL unreachable at {make_url(PG_ADMIN_URL).render_as_string()}: {error.orig}"
    return None


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[StoreDb]:
    if request.param == "sqlite":
        url = f"sqlite+pysqlite:///{tmp_path_factory.mktemp('store') / 'hezhang.db'}"
        migrate.upgrade(url)
        yield StoreDb("sqlite", url, url)
        return
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})
    reason = _postgres_unavailable(admin)
    if reason is not None:
        admin.dispose()
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (CI=true: PostgreSQL is required)")
        pytest.skip(reason)
    name = f"hz_test_{secrets.token_hex(6)}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    base = make_url(PG_ADMIN_URL).set(database=name)
    admin_url = base.render_as_string(hide_password=False)
    app_url = base.set(username=APP_ROLE, password=None).render_as_string(hide_password=False)
    try:
        migrate.upgrade(admin_url)
        yield StoreDb("postgresql", admin_url, app_url)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="module")
def store_url(store_db: StoreDb) -> str:
    """The application's URL of a fresh, migrated store (SQLite file or PostgreSQL as `hezhang_app`)."""
    return store_db.url


@pytest.fixture
def engine(store_db: StoreDb) -> Iterator[Engine]:
    """An engine on the store as the application connects to it."""
    engine = make_engine(store_db.url)
    yield engine
    engine.dispose()


@pytest.fixture
def admin_engine(store_db: StoreDb) -> Iterator[Engine]:
    """An engine as the administrator (bypasses row-level security on PostgreSQL): for checks only."""
    engine = make_engine(store_db.admin_url)
    yield engine
    engine.dispose()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `postgres_only` are not generated for the SQLite store, nor tests marked `sqlite_only` for
    PostgreSQL (deselected, not skipped: a skip on CI would look like a PostgreSQL test that did not run)."""
    keep: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        kind = params.get("store_db")
        if (item.get_closest_marker("postgres_only") and kind == "sqlite") or (
            item.get_closest_marker("sqlite_only") and kind == "postgresql"
        ):
            dropped.append(item)
        else:
            keep.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep
