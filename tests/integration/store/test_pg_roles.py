"""CI check: the application role is no superuser, has no BYPASSRLS, owns nothing; RLS is forced everywhere."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from sqlalchemy import Engine, text

from hezhang.store.registry import client_scoped
from hezhang.store.rls import APP_ROLE
from hezhang.store.tables import metadata

if TYPE_CHECKING:
    pass


# Roles and row-level security exist on PostgreSQL only: these tests are not generated for SQLite.
pytestmark = pytest.mark.postgres_only


def test_app_role_is_unprivileged(engine: Engine) -> None:
    with engine.connect() as connection:
        assert connection.execute(text("SELECT current_user")).scalar_one() == APP_ROLE
        role = connection.execute(
            text("SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = :r"),
            {"r": APP_ROLE},
        ).one()
        assert tuple(role) == (False, False, False, False)
        owned = connection.execute(
            text(
                "SELECT c.relname FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner"
                " JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE r.rolname = :r AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
            ),
            {"r": APP_ROLE},
        ).all()
        assert owned == []
        assert (
            connection.execute(
                text("SELECT count(*) FROM pg_tables WHERE tableowner = :r"), {"r": APP_ROLE}
            ).scalar_one()
            == 0
        )


def test_every_client_scoped_table_forces_row_level_security(admin_engine: Engine) -> None:
    with admin_engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, pg_get_userbyid(c.relowner)"
                " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = 'public' AND c.relkind = 'r'"
            )
        ).all()
        policies = {r[0] for r in connection.execute(text("SELECT tablename FROM pg_policies")).all()}
    tables = {name: (rls, force, owner) for name, rls, force, owner in rows}
    for name in client_scoped(metadata):
        assert tables[name][:2] == (True, True), name
        assert tables[name][2] != APP_ROLE, name
        assert name in policies, name


def test_destruction_register_is_append_only(engine: Engine) -> None:
    with engine.connect() as connection:
        privileges = connection.execute(
            text(
                "SELECT privilege_type FROM information_schema.role_table_grants"
                " WHERE grantee = :r AND table_name = 'destruction_register'"
            ),
            {"r": APP_ROLE},
        ).scalars()
        assert set(privileges) == {"SELECT", "INSERT"}
