"""The unit of work: everything of one transaction or nothing; records round trip with their retention."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import Engine, func, select

from hezhang.store.records import Alias, BankAccount, Client, Reconciliation, StatementImport
from hezhang.store.repositories.reconciliations import ReconciliationLockedError
from hezhang.store.sealing import UnsealedValueError
from hezhang.store.tables import bank_accounts, bank_lines, clients, statement_imports
from hezhang.store.uow import UnitOfWork
from integration.store.store_data import bank_line_rows, sealed

if TYPE_CHECKING:
    from integration.store.store_data import Seeded


class BoomError(Exception):
    pass


def test_records_round_trip_with_retention(engine: Engine, seed: Callable[..., Seeded]) -> None:
    a = seed(lines=50)
    with UnitOfWork(engine, {a.client_id}) as uow:
        client = uow.clients.get(a.client_id)
        assert client is not None and client.contact_phone == sealed("13800001234")
        statement = uow.imports.get_statement(a.statement_id)
        assert statement is not None
        assert (statement.archive_type, statement.retain_until) == ("statement_10y", date(2036, 12, 31))
        journal = uow.imports.get_journal(a.journal_id)
        assert journal is not None and (journal.archive_type, journal.retain_until) == (
            "journal_30y",
            date(2056, 12, 31),
        )
        lines = uow.imports.statement_lines(a.statement_id)
        assert [line["row"] for line in lines] == list(range(1, 51))
        assert lines[0]["counterparty_account"] == sealed("6222020000000000")
        assert {line["retain_until"] for line in lines} == {date(2036, 12, 31)}
        assert len(uow.imports.find_statement_by_sha256(a.client_id, statement.sha256)) == 1
        assert uow.bank_accounts.find_by_number(a.client_id, b"bi-1234") is not None


def test_reconciliation_saved_replaced_and_locked(engine: Engine, seed: Callable[..., Seeded]) -> None:
    a = seed()
    record = Reconciliation(client_id=a.client_id, bank_account_id=a.account_id, period="2026-10", statement={"ok": 1})
    match = {"match_id": 1, "status": "auto", "rule": "exact", "confidence": 0.95, "difference_fen": 0,
             "bank_rows": [1], "ledger_rows": [1]}  # fmt: skip
    item = {"kind": "bank_paid_book_not", "amount_fen": 1500, "date": date(2026, 10, 31), "source": "bank",
            "bank_row": 2, "memo": sealed("手续费")}  # fmt: skip
    with UnitOfWork(engine, {a.client_id}) as uow:
        uow.reconciliations.save(record, [match], [item])
        uow.aliases.add(Alias(client_id=a.client_id, core_name=sealed("甲公司"), core_name_bi=b"bi"))
    with UnitOfWork(engine, {a.client_id}) as uow:
        uow.reconciliations.save(record, [match, {**match, "match_id": 2}], [])
        assert [m["match_id"] for m in uow.reconciliations.matches(record.id)] == [1, 2]
        assert uow.reconciliations.outstanding(record.id) == []
        assert uow.reconciliations.set_status(record.id, "locked", reviewer="reviewer-1")
        stored = uow.reconciliations.current(a.client_id, a.account_id, "2026-10")
        assert stored is not None and stored.status == "locked" and stored.retain_until == date(2036, 12, 31)
        assert stored.statement == {"ok": 1}
        assert len(uow.aliases.find_by_core(a.client_id, b"bi")) == 1
        with pytest.raises(ReconciliationLockedError):
            uow.reconciliations.save(record, [], [])


def test_a_failed_transaction_leaves_nothing_behind(engine: Engine, admin_engine: Engine) -> None:
    client = Client(name="回滚公司")
    with pytest.raises(BoomError), UnitOfWork(engine, {client.id}) as uow:
        uow.clients.add(client)
        uow.bank_accounts.add(BankAccount(client_id=client.id, account_number=sealed("6222020000009999")))
        assert uow.clients.get(client.id) is not None
        raise BoomError
    with admin_engine.connect() as connection:
        assert connection.execute(select(func.count()).where(clients.c.id == client.id)).scalar_one() == 0
        assert connection.execute(select(func.count()).where(bank_accounts.c.client_id == client.id)).scalar_one() == 0


def test_a_failed_import_leaves_no_line(engine: Engine, admin_engine: Engine, seed: Callable[..., Seeded]) -> None:
    a = seed()
    with pytest.raises(BoomError), UnitOfWork(engine, {a.client_id}) as uow:
        import_id = uow.imports.add_statement(
            StatementImport(
                client_id=a.client_id,
                bank_account_id=a.account_id,
                raw_file=b"ct",
                sha256="1" * 64,
                format="x",
                line_count=3,
                period="2026-11",
            ),
            bank_line_rows(3),
        )
        assert len(uow.imports.statement_lines(import_id)) == 3
        raise BoomError
    with admin_engine.connect() as connection:
        assert connection.execute(select(func.count()).where(statement_imports.c.id == import_id)).scalar_one() == 0
        assert connection.execute(select(func.count()).where(bank_lines.c.import_id == import_id)).scalar_one() == 0


def test_plaintext_in_a_sealed_column_is_refused(engine: Engine) -> None:
    client = Client(name="明文公司", contact_phone="13800001234")  # type: ignore[arg-type]
    with pytest.raises(UnsealedValueError), UnitOfWork(engine, {client.id}) as uow:
        uow.clients.add(client)
    with UnitOfWork(engine, {client.id}) as uow:
        assert uow.clients.get(client.id) is None
