"""Client isolation: with allowed clients {A}, neither the repositories nor raw SQL as the application role
reach client B's rows; a transaction that set no allowed clients sees nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING
from uuid import UUID

import pytest
from sqlalchemy import Engine, bindparam, text
from sqlalchemy.exc import DBAPIError

from hezhang.store.records import Alias, BankAccount, Client
from hezhang.store.scope import ClientNotAllowedError
from hezhang.store.uow import UnitOfWork

if TYPE_CHECKING:
    from integration.store.store_data import Seeded

TABLES = ("clients", "bank_accounts", "statement_imports", "bank_lines", "journal_imports", "ledger_lines")


def _count(engine: Engine, allowed: set[UUID], table: str, client_ids: tuple[UUID, ...]) -> int:
    column = "id" if table == "clients" else "client_id"
    with UnitOfWork(engine, allowed) as uow:
        statement = text(f"SELECT count(*) FROM {table} WHERE {column} IN :ids").bindparams(
            bindparam("ids", expanding=True)
        )
        return int(uow.connection.execute(statement, {"ids": [str(c) for c in client_ids]}).scalar_one())


def test_repositories_read_only_allowed_clients(engine: Engine, seed: Callable[..., Seeded]) -> None:
    a, b = seed("甲公司"), seed("乙公司")
    with UnitOfWork(engine, {a.client_id}) as uow:
        assert [c.id for c in uow.clients.list()] == [a.client_id]
        assert uow.clients.get(b.client_id) is None
        assert uow.bank_accounts.get(b.account_id) is None
        assert uow.bank_accounts.list(b.client_id) == []
        assert uow.imports.get_statement(b.statement_id) is None
        assert uow.imports.statement_lines(b.statement_id) == []
        assert uow.imports.journal_lines(b.journal_id) == []
        assert len(uow.imports.statement_lines(a.statement_id)) == 5


def test_repositories_refuse_writes_for_other_clients(engine: Engine, seed: Callable[..., Seeded]) -> None:
    a, b = seed("甲公司"), seed("乙公司")
    with UnitOfWork(engine, {a.client_id}) as uow:
        with pytest.raises(ClientNotAllowedError):
            uow.bank_accounts.add(BankAccount(client_id=b.client_id, account_number=b"ct"))
        with pytest.raises(ClientNotAllowedError):
            uow.aliases.add(Alias(client_id=b.client_id, core_name=b"ct"))
        with pytest.raises(ClientNotAllowedError):
            uow.clients.set_status(b.client_id, "frozen")
    with UnitOfWork(engine, {b.client_id}) as uow:
        assert uow.bank_accounts.list(b.client_id) != []
        assert uow.aliases.list(b.client_id) == []
        client = uow.clients.get(b.client_id)
        assert client is not None and client.status == "active"


def test_no_allowed_clients_sees_nothing_and_writes_nothing(engine: Engine, seed: Callable[..., Seeded]) -> None:
    a = seed()
    with UnitOfWork(engine, set()) as uow:
        assert uow.clients.list() == []
        assert uow.imports.statement_lines(a.statement_id) == []
        with pytest.raises(ClientNotAllowedError):
            uow.clients.add(Client(name="新客户"))


@pytest.mark.postgres_only  # row-level security is PostgreSQL's; on SQLite the repositories filter (above)
def test_raw_sql_as_app_role_cannot_read_other_clients(engine: Engine, seed: Callable[..., Seeded]) -> None:
    a, b = seed("甲公司"), seed("乙公司")
    for table in TABLES:
        assert _count(engine, {a.client_id}, table, (a.client_id,)) > 0, table
        assert _count(engine, {a.client_id}, table, (b.client_id,)) == 0, table
        assert _count(engine, set(), table, (a.client_id, b.client_id)) == 0, table
    with engine.connect() as connection:  # no unit of work at all: the setting is absent
        for table in TABLES:
            assert connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() == 0, table


@pytest.mark.postgres_only  # row-level security is PostgreSQL's; on SQLite the repositories filter (above)
def test_raw_sql_as_app_role_cannot_write_other_clients(
    engine: Engine, admin_engine: Engine, seed: Callable[..., Seeded]
) -> None:
    a, b = seed("甲公司"), seed("乙公司")
    with UnitOfWork(engine, {a.client_id}) as uow:
        updated = uow.connection.execute(
            text("UPDATE clients SET name = 'x' WHERE id = :b"), {"b": str(b.client_id)}
        ).rowcount
        deleted = uow.connection.execute(
            text("DELETE FROM bank_lines WHERE client_id = :b"), {"b": str(b.client_id)}
        ).rowcount
        assert (updated, deleted) == (0, 0)
        # Moving one's own row to another client is refused too.
        with pytest.raises(DBAPIError, match="row-level security"), uow.connection.begin_nested():
            uow.connection.execute(
                text("UPDATE bank_accounts SET client_id = :b WHERE client_id = :a"),
                {"a": str(a.client_id), "b": str(b.client_id)},
            )
        with pytest.raises(DBAPIError, match="row-level security"), uow.connection.begin_nested():
            uow.connection.execute(
                text(
                    "INSERT INTO bank_accounts (id, client_id, account_number, currency, created_at)"
                    " VALUES (gen_random_uuid(), :b, '\\x00', 'CNY', now())"
                ),
                {"b": str(b.client_id)},
            )
    with admin_engine.connect() as connection:
        name = connection.execute(text("SELECT name FROM clients WHERE id = :b"), {"b": str(b.client_id)}).scalar()
        lines = connection.execute(
            text("SELECT count(*) FROM bank_lines WHERE client_id = :b"), {"b": str(b.client_id)}
        ).scalar()
    assert (name, lines) == ("乙公司", 5)


@pytest.mark.postgres_only  # row-level security is PostgreSQL's; on SQLite the repositories filter (above)
def test_no_allowed_clients_cannot_insert(engine: Engine) -> None:
    with pytest.raises(DBAPIError, match="row-level security"), UnitOfWork(engine, set()) as uow:
        uow.connection.execute(
            text("INSERT INTO clients (id, name, status, created_at) VALUES (gen_random_uuid(), 'x', 'active', now())")
        )
