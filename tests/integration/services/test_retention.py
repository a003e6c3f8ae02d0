"""Retention on SQLite and PostgreSQL: what is due, destruction refused early and approved by a second person with
a register entry, the register append-only for the application, and a client's deletion request freezing its data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING
from uuid import UUID

import pytest
import typer
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from factories.people import client_user, session_token, staff, user_name
from hezhang.cli.retention_cmd import register
from hezhang.domain.money import format_fen
from hezhang.domain.period import Period
from hezhang.samples.client_month import generate_client_month
from hezhang.security.policy import Role
from hezhang.services.clients import add_bank_account, create_client
from hezhang.services.context import Context
from hezhang.services.errors import UserError
from hezhang.services.freeze import (
    ClientFrozenError,
    ensure_not_frozen,
    freeze_status,
    request_freeze,
    revoke_freeze,
)
from hezhang.services.imports import import_file
from hezhang.services.retention import approve_destruction, due, pending_destructions, request_destruction
from hezhang.services.store_access import Store
from hezhang.services.stored_reconciliation import reconcile_period
from hezhang.store.sealer import MissingDataKeyError
from hezhang.store.tables import bank_lines, destruction_register, journal_imports, reconciliations, statement_imports
from hezhang.store.uow import UnitOfWork

if TYPE_CHECKING:
    pass


@dataclass(frozen=True)
class People:
    admin: Context  # creates the clients
    zhao: Context  # a security officer: proposes destructions
    qian: Context  # a firm administrator: approves them (the second person)
    sun: Context  # another security officer


@pytest.fixture(scope="module")
def people(store: Store) -> People:
    return People(
        staff(store, Role.FIRM_ADMIN),
        staff(store, Role.SECURITY_OFFICER),
        staff(store, Role.FIRM_ADMIN),
        staff(store, Role.SECURITY_OFFICER),
    )


def month_client(
    store: Store, people: People, folder: Path, period: Period, seed: int, *, journal: bool = True
) -> tuple[UUID, int]:
    """A client with one month imported by its accountant (and reconciled when the journal is imported too);
    returns the client and its number of bank lines."""
    month = generate_client_month(seed, lines=40, period=period)
    bank_path, journal_path = month.write(folder)
    client = create_client(store, people.admin, f"客户{seed}", contact_name="王芳")
    wang = staff(store, Role.ACCOUNTANT, clients=[client])
    account = add_bank_account(store, wang, client, f"62220200000000{seed:05d}", ledger_code=month.account_code)
    assert import_file(store, wang, client, bank_path, "bank", bank_account_id=account).problems == ()
    if journal:
        imported = import_file(store, wang, client, journal_path, "journal", account_prefix=month.account_code)
        assert imported.problems == ()
        book = format_fen(month.book_opening_fen)
        reconcile_period(store, wang, client, account, period, book_opening=book)
    return client, len(month.bank_lines)


def _rows(admin_engine: Engine, table: object, client: UUID) -> int:
    with admin_engine.connect() as c:
        return len(c.execute(select(table).where(table.c.client_id == client)).all())  # type: ignore[attr-defined]


def test_due_lists_what_has_expired_as_of_a_day(store: Store, people: People, tmp_path: Path) -> None:
    client, lines = month_client(store, people, tmp_path, Period.month(2026, 10), 41)
    zhao = people.zhao
    assert due(store, zhao, date(2036, 12, 31), [client]) == []  # the last day statements must be kept
    items = {(i.table, i.retain_until, i.count) for i in due(store, zhao, date(2037, 1, 1), [client])}
    assert ("statement_imports", date(2036, 12, 31), 1) in items
    assert ("bank_lines", date(2036, 12, 31), lines) in items
    assert ("reconciliations", date(2036, 12, 31), 1) in items
    assert not any(table in ("journal_imports", "ledger_lines") for table, _, _ in items)  # journals: 30 years
    later = {i.table for i in due(store, zhao, date(2057, 1, 1), [client])}
    assert {"journal_imports", "ledger_lines"} <= later
    assert all(i.destroyable_from == date(2037, 1, 1) for i in due(store, zhao, date(2037, 1, 1), [client]))


def test_destruction_before_expiry_is_refused_with_the_day_it_becomes_possible(
    store: Store, people: People, tmp_path: Path
) -> None:
    client, _ = month_client(store, people, tmp_path, Period.month(2026, 10), 42, journal=False)
    with pytest.raises(UserError, match="2037-01-01"):
        request_destruction(store, people.zhao, client)
    with store.work([client]) as (uow, _):
        (statement,) = uow.imports.statements_of(uow.bank_accounts.list(client)[0].id)
    with pytest.raises(UserError, match="2037-01-01"):
        request_destruction(store, people.zhao, client, record_ids=[statement.id])


def test_destruction_needs_a_second_person_and_writes_the_register(
    store: Store, people: People, admin_engine: Engine, tmp_path: Path
) -> None:
    client, lines = month_client(store, people, tmp_path, Period.month(2015, 10), 43)  # statements expired 2025-12-31
    zhao, qian = people.zhao, people.qian
    request = request_destruction(store, zhao, client)
    assert request.requested_by == user_name(store, zhao)
    assert {r.table for r in request.records} == {"statement_imports", "reconciliations"}  # the journal: 30 years
    assert [p.id for p in pending_destructions(store, zhao, [client])] == [request.id]
    with pytest.raises(UserError, match="second person"):
        approve_destruction(store, zhao, request.id, client_id=client)  # the same signed-in user cannot approve
    assert _rows(admin_engine, bank_lines, client) == lines  # nothing destroyed by the refusal
    assert [p.id for p in pending_destructions(store, qian, [client])] == [request.id]  # still waiting
    outcome = approve_destruction(store, qian, request.id, client_id=client)
    destroyed = {g.table: g.count for g in outcome.destroyed}
    assert destroyed["statement_imports"] == 1 and destroyed["bank_lines"] == lines
    assert destroyed["reconciliations"] == 1
    for table in (statement_imports, bank_lines, reconciliations):
        assert _rows(admin_engine, table, client) == 0
    assert _rows(admin_engine, journal_imports, client) == 1
    with admin_engine.connect() as c:
        entries = c.execute(select(destruction_register).where(destruction_register.c.client_id == client)).all()
    assert len(entries) == len(outcome.destroyed) == len(outcome.register_ids)
    entry = next(e for e in entries if e.record_table == "bank_lines")
    assert (entry.record_count, entry.record_archive_type, entry.record_retain_until) == (
        lines,
        "statement_10y",
        "2025-12-31",
    )
    names = (user_name(store, zhao), user_name(store, qian))
    assert (entry.requested_by, entry.approved_by, entry.request_id) == (*names, request.id)
    assert entry.archive_type == "register_permanent" and entry.retain_until is None
    assert "10年" in entry.what and "2015-10" in entry.what
    with pytest.raises(UserError, match="already decided"):
        approve_destruction(store, people.sun, request.id, client_id=client)


@pytest.mark.postgres_only
def test_the_register_cannot_be_changed_or_removed_by_the_application(
    store: Store, people: People, engine: Engine, tmp_path: Path
) -> None:
    client, _ = month_client(store, people, tmp_path, Period.month(2015, 11), 44, journal=False)
    request = request_destruction(store, people.zhao, client)
    approve_destruction(store, people.qian, request.id, client_id=client)
    for statement in ("UPDATE destruction_register SET what = 'x'", "DELETE FROM destruction_register"):
        with pytest.raises(DBAPIError, match="permission denied"), UnitOfWork(engine, [client]) as uow:
            uow.connection.execute(text(statement))


def test_a_deletion_request_freezes_reads_shows_and_lifts_when_revoked(
    store: Store, people: People, tmp_path: Path
) -> None:
    client, _ = month_client(store, people, tmp_path, Period.month(2026, 10), 45, journal=False)
    liu = client_user(store, client)  # the client's own staff records its request
    request_freeze(store, liu, client, "客户来函要求删除")
    status = freeze_status(store, liu, client)
    assert status.frozen and status.requested_by == user_name(store, liu)
    assert status.kept_until == date(2036, 12, 31)
    with store.work([client]) as (uow, _), pytest.raises(ClientFrozenError, match=r"Art\. 47"):
        ensure_not_frozen(uow, client)
    with pytest.raises(UserError):
        request_freeze(store, liu, client)  # already frozen
    revoke_freeze(store, liu, client)
    assert not freeze_status(store, liu, client).frozen
    with store.work([client]) as (uow, _):
        ensure_not_frozen(uow, client)
    with pytest.raises(UserError, match="no open deletion request"):
        revoke_freeze(store, liu, client)


def test_a_frozen_clients_request_completes_when_its_last_record_is_destroyed(
    store: Store, people: People, tmp_path: Path
) -> None:
    client, _ = month_client(store, people, tmp_path, Period.month(2015, 12), 46, journal=False)
    liu = client_user(store, client)
    request_freeze(store, liu, client)
    request = request_destruction(store, people.zhao, client)
    outcome = approve_destruction(store, people.qian, request.id, client_id=client)
    assert outcome.deletion_completed
    status = freeze_status(store, liu, client)
    assert (status.frozen, status.client_status, status.kept_until) == (False, "deleted", None)
    with store.work([client]) as (uow, sealer):
        client_row = uow.clients.get(client)
        assert client_row is not None and client_row.contact_name is not None
        with pytest.raises(MissingDataKeyError):
            sealer.open(client, "clients", "contact_name", client, client_row.contact_name)


def test_the_commands_list_due_records_and_show_a_freeze(store: Store, people: People, tmp_path: Path) -> None:
    client, _ = month_client(store, people, tmp_path, Period.month(2026, 10), 47, journal=False)
    app = typer.Typer()
    register(app)
    env = {"HEZHANG_DATA_DIR": str(store.settings.data_dir), "HEZHANG_DATABASE_URL": store.settings.database_url}
    zhao = {**env, "HEZHANG_SESSION": session_token(store, people.zhao)}
    liu = {**env, "HEZHANG_SESSION": session_token(store, client_user(store, client))}
    runner = CliRunner()
    result = runner.invoke(app, ["retention", "due", "--as-of", "2037-01-01", "--client", str(client)], env=zhao)
    assert result.exit_code == 0, result.output
    assert "2036-12-31" in result.output and "statement_10y" in result.output
    result = runner.invoke(app, ["retention", "destroy", "--client", str(client)], env=zhao)
    assert result.exit_code == 1 and "2037-01-01" in result.output
    assert runner.invoke(app, ["freeze", "request", str(client)], env=liu).exit_code == 0
    result = runner.invoke(app, ["freeze", "status", str(client)], env=liu)
    assert result.exit_code == 0 and "frozen" in result.output and "2036-12-31" in result.output
    # Nobody signed in: the commands refuse.
    result = runner.invoke(app, ["freeze", "status", str(client)], env={**env, "HEZHANG_SESSION": None})
    assert result.exit_code == 1 and "hezhang login" in result.output
