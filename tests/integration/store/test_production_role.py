"""In production the store refuses a database role that row-level security does not bind, whatever its name."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import create_engine, make_url, text

from hezhang.config import SettingsError, load_settings
from hezhang.services.store_access import Store
from hezhang.store.rls import APP_ROLE, OWNER_ROLE

if TYPE_CHECKING:
    from integration.conftest import StoreDb

pytestmark = pytest.mark.postgres_only


@pytest.fixture
def role(store_db: StoreDb) -> Iterator[tuple[str, str]]:
    """A login role with an innocent name (made here, dropped after), and its URL."""
    name = f"reporting_{secrets.token_hex(4)}"
    admin = create_engine(store_db.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE ROLE {name} LOGIN"))
        connection.execute(text(f"GRANT USAGE ON SCHEMA public TO {name}"))
    try:
        yield name, make_url(store_db.admin_url).set(username=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP OWNED BY {name}"))
            connection.execute(text(f"DROP ROLE {name}"))
        admin.dispose()


def _alter(store_db: StoreDb, statement: str) -> None:
    admin = create_engine(store_db.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(statement))
    admin.dispose()


def _prod(url: str, tmp_path: object) -> Store:
    return Store(load_settings({"HEZHANG_ENV": "prod", "HEZHANG_DATABASE_URL": url, "HEZHANG_DATA_DIR": str(tmp_path)}))


def test_the_application_role_is_accepted(store_db: StoreDb, tmp_path: object) -> None:
    store = _prod(store_db.url, tmp_path)
    assert make_url(store_db.url).username == APP_ROLE
    store.engine.dispose()


@pytest.mark.parametrize(
    ("grant", "word"),
    [("ALTER ROLE {role} SUPERUSER", "superuser"), ("ALTER ROLE {role} BYPASSRLS", "BYPASSRLS"),
     (f"GRANT {OWNER_ROLE} TO {{role}}", "owns")],
)  # fmt: skip
def test_a_role_that_escapes_row_level_security_is_refused(
    store_db: StoreDb, role: tuple[str, str], grant: str, word: str, tmp_path: object
) -> None:
    name, url = role
    _alter(store_db, grant.format(role=name))
    with pytest.raises(SettingsError, match=word):
        _ = _prod(url, tmp_path).engine


def test_the_superuser_by_its_own_name_is_refused(store_db: StoreDb, tmp_path: object) -> None:
    with pytest.raises(SettingsError, match="superuser"):
        _ = _prod(store_db.admin_url, tmp_path).engine
