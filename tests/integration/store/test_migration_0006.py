"""Migration 0006 on a store already in use: its lines get the identity an import gives them, journal account names
and learned payee accounts are sealed, and each existing reconciliation keeps its lines under its numbers.

The store is built at revision 0005 with raw inserts in the shape of that revision (the services write the new
shape), with values sealed by the client's key as the services of that revision did.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from uuid import UUID, uuid4

import pytest
import sqlalchemy as sa
from sqlalchemy import create_engine, make_url, text

from factories.month_files import Txn, bank_csv
from factories.people import staff
from hezhang.config import Settings, load_settings
from hezhang.security.keyring import Keyring
from hezhang.security.policy import Role
from hezhang.services.errors import UserError
from hezhang.services.imports import import_file
from hezhang.services.store_access import Store, initialize
from hezhang.store import migrate
from hezhang.store.line_identity import BANK_DOMAIN, bank_identity
from hezhang.store.rls import APP_ROLE
from hezhang.store.tables import metadata
from hezhang.store.uow import UnitOfWork
from integration.conftest import PG_ADMIN_URL, _postgres_unavailable

CLIENT, ACCOUNT, STATEMENT, JOURNAL, REC, ALIAS = (uuid4() for _ in range(6))
LINES = [Txn(date(2026, 10, 3 + i), (1_000 + i) * 100, "in" if i % 2 else "out", f"某{i}商贸有限公司", f"货款{i}")
         for i in range(3)]  # fmt: skip
T = sa.table


#: Columns whose type at 0005 differs from today's tables (or that today's tables no longer have).
_AT_0005: dict[str, sa.types.TypeEngine[object]] = {
    "account_name": sa.String(),
    "payee_account": sa.String(),
    "statement_import_id": sa.Uuid(),
    "journal_import_id": sa.Uuid(),
}


def _t(name: str, *columns: str) -> sa.TableClause:
    """A table of revision 0005 with the named columns, typed as they were (so SQLite is given dates and UUIDs)."""
    today = metadata.tables[name].c
    return T(name, *(sa.column(c, _AT_0005.get(c) or today[c].type) for c in columns))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def old_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """Settings of a store migrated to 0005 (the revision before), on SQLite or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        url = admin_url = f"sqlite+pysqlite:///{tmp_path / 'old.db'}"
        cleanup = None
    else:
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        reason = _postgres_unavailable(admin)
        if reason is not None:
            if os.environ.get("CI") == "true":
                pytest.fail(reason)
            pytest.skip(reason)
        name = f"hz_mig_{secrets.token_hex(5)}"
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        base = make_url(PG_ADMIN_URL).set(database=name)
        admin_url = base.render_as_string(hide_password=False)
        url = base.set(username=APP_ROLE).render_as_string(hide_password=False)
        cleanup = (admin, name)
    migrate.upgrade(admin_url, "0005")
    settings = load_settings({"HEZHANG_DATA_DIR": str(tmp_path / "data"), "HEZHANG_DATABASE_URL": url,
                              "HEZHANG_ADMIN_DATABASE_URL": admin_url})  # fmt: skip
    settings.data_dir.mkdir()
    Keyring.create(settings.keyring_path)
    try:
        yield settings
    finally:
        if cleanup is not None:
            with cleanup[0].connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{cleanup[1]}" WITH (FORCE)'))
            cleanup[0].dispose()


def _populate(settings: Settings) -> None:
    """What a 0005 store held after a month: a client, an account, a statement and a journal with their lines, a
    reconciliation of them, and a learned alias."""
    store = Store(settings)
    now = datetime(2026, 11, 2, tzinfo=UTC)
    engine = create_engine(settings.admin_database_url)
    with engine.begin() as connection:
        connection.execute(_t("clients", "id", "name", "status", "created_at").insert(),
                           {"id": CLIENT, "name": "旧库公司", "status": "active", "created_at": now})  # fmt: skip
    with UnitOfWork(engine, [CLIENT]) as uow:
        from hezhang.store.sealer import EnvelopeSealer

        sealer = EnvelopeSealer(store.keyring, uow.keys)
        sealer.create_key(CLIENT)
        sealer.store_key(CLIENT)

        def seal(table: str, column: str, row: UUID, value: str) -> bytes:
            return sealer.seal(CLIENT, table, column, row, value.encode())

        c = uow.connection
        c.execute(_t("bank_accounts", "id", "client_id", "account_number", "ledger_account_code", "currency",
                     "created_at").insert(), {"id": ACCOUNT, "client_id": CLIENT, "ledger_account_code": "100201",
                     "account_number": seal("bank_accounts", "account_number", ACCOUNT, "6222020000000012345"),
                     "currency": "CNY", "created_at": now})  # fmt: skip
        head = {"client_id": CLIENT, "sha256": "0" * 64, "format": "standard", "line_count": 3, "period": "2026-10",
                "imported_by": "wang", "imported_at": now, "archive_type": "statement_10y",
                "retain_until": date(2036, 12, 31)}  # fmt: skip
        c.execute(_t("statement_imports", *head, "id", "bank_account_id", "raw_file").insert(),
                  {**head, "id": STATEMENT, "bank_account_id": ACCOUNT,
                   "raw_file": seal("statement_imports", "raw_file", STATEMENT, "raw")})  # fmt: skip
        c.execute(_t("journal_imports", *head, "id", "raw_file").insert(),
                  {**head, "sha256": "1" * 64, "archive_type": "journal_30y", "retain_until": date(2056, 12, 31),
                   "id": JOURNAL, "raw_file": seal("journal_imports", "raw_file", JOURNAL, "raw")})  # fmt: skip
        for row, (t, balance) in enumerate(zip(LINES, _balances(), strict=True), start=1):
            line, entry = uuid4(), uuid4()
            c.execute(_t("bank_lines", "id", "client_id", "import_id", "row", "date", "direction", "amount",
                         "currency", "balance", "counterparty_name", "memo", "archive_type", "retain_until").insert(),
                      {"id": line, "client_id": CLIENT, "import_id": STATEMENT, "row": row, "date": t.day,
                       "direction": t.direction, "amount": t.fen, "currency": "CNY", "balance": balance,
                       "counterparty_name": seal("bank_lines", "counterparty_name", line, t.counterparty),
                       "memo": seal("bank_lines", "memo", line, t.memo), "archive_type": "statement_10y",
                       "retain_until": date(2036, 12, 31)})  # fmt: skip
            c.execute(_t("ledger_lines", "id", "client_id", "import_id", "row", "date", "direction", "amount",
                         "currency", "account_code", "account_name", "voucher_no", "entry_no", "archive_type",
                         "retain_until").insert(),
                      {"id": entry, "client_id": CLIENT, "import_id": JOURNAL, "row": row, "date": t.day,
                       "direction": t.direction, "amount": t.fen, "currency": "CNY", "account_code": "100201",
                       "account_name": f"银行存款-应付王小{row}", "voucher_no": f"记-{row:04d}", "entry_no": 1,
                       "archive_type": "journal_30y", "retain_until": date(2056, 12, 31)})  # fmt: skip
        statement = {
            "period": "2026-10",
            "balanced": True,
            "bank_received_book_not": [
                {"amount": "5.00", "date": "2026-10-31", "memo": "结息 王小明", "bank_row": 3, "counterparty": "王小明"}
            ],
        }
        c.execute(_t("reconciliations", "id", "client_id", "bank_account_id", "period", "status", "preparer",
                     "statement_import_id", "journal_import_id", "statement", "created_at", "updated_at",
                     "archive_type", "retain_until").insert(),
                  {"id": REC, "client_id": CLIENT, "bank_account_id": ACCOUNT, "period": "2026-10", "status": "draft",
                   "preparer": "wang", "statement_import_id": STATEMENT, "journal_import_id": JOURNAL,
                   "statement": statement, "created_at": now, "updated_at": now,
                   "archive_type": "reconciliation_10y", "retain_until": date(2036, 12, 31)})  # fmt: skip
        c.execute(_t("matches", "id", "client_id", "reconciliation_id", "match_id", "status", "rule", "confidence",
                     "difference_fen", "bank_rows", "ledger_rows", "archive_type").insert(),
                  {"id": uuid4(), "client_id": CLIENT, "reconciliation_id": REC, "match_id": 1, "status": "auto",
                   "rule": "reference", "confidence": 0.9, "difference_fen": 0, "bank_rows": [1], "ledger_rows": [1],
                   "archive_type": "reconciliation_10y"})  # fmt: skip
        c.execute(_t("outstanding_items", "id", "client_id", "reconciliation_id", "kind", "amount_fen", "date",
                     "source", "bank_row", "carried", "archive_type").insert(),
                  {"id": uuid4(), "client_id": CLIENT, "reconciliation_id": REC, "kind": "bank_received_book_not",
                   "amount_fen": 500, "date": date(2026, 10, 31), "source": "bank", "bank_row": 3, "carried": False,
                   "archive_type": "reconciliation_10y"})  # fmt: skip
        c.execute(_t("aliases", "id", "client_id", "core_name", "payee_account", "created_at").insert(),
                  {"id": ALIAS, "client_id": CLIENT, "core_name": seal("aliases", "core_name", ALIAS, "某0商贸"),
                   "payee_account": "应付账款-王小明", "created_at": now})  # fmt: skip
    engine.dispose()


def _balances() -> list[int]:
    running, out = 0, []
    for t in LINES:
        running += t.fen if t.direction == "in" else -t.fen
        out.append(running)
    return out


def test_a_store_in_use_is_not_upgraded_without_the_keyring(old_store: Settings) -> None:
    _populate(old_store)
    with pytest.raises(Exception, match="hezhang init"):
        migrate.upgrade(old_store.admin_database_url)
    assert migrate.current(old_store.admin_database_url) == "0005"  # nothing half done


def test_migrated_lines_meet_new_imports_and_personal_values_are_sealed(old_store: Settings, tmp_path: Path) -> None:
    _populate(old_store)
    store, created = initialize(old_store)
    assert not created and migrate.current(old_store.admin_database_url) == migrate.head()
    admin = create_engine(old_store.admin_database_url)
    with admin.connect() as connection:
        names = [bytes(r[0]) for r in connection.execute(text("SELECT account_name FROM ledger_lines"))]
        payee = bytes(connection.execute(text("SELECT payee_account FROM aliases")).scalar_one())
        statement = connection.execute(sa.select(sa.column("statement", sa.JSON)).select_from(
            T("reconciliations"))).scalar_one()  # fmt: skip
        lines = connection.execute(text("SELECT side, ordinal FROM reconciliation_lines ORDER BY side, ordinal")).all()
        kept = [connection.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
                for t in ("matches", "outstanding_items", "reconciliations")]  # fmt: skip
    admin.dispose()
    assert kept == [1, 1, 1]  # SQLite rebuilds the table: nothing referring to it may cascade away
    assert all("王小".encode() not in n for n in names) and "王小明".encode() not in payee
    assert "王小明" not in json.dumps(statement, ensure_ascii=False) and "memo" not in json.dumps(statement)
    assert [tuple(r) for r in lines] == [("bank", 1), ("bank", 2), ("bank", 3), ("ledger", 1), ("ledger", 2),
                                         ("ledger", 3)]  # fmt: skip
    with store.work([CLIENT]) as (uow, sealer):
        opened = [sealer.open(CLIENT, "ledger_lines", "account_name", r["id"], bytes(r["account_name"])).decode()
                  for r in uow.imports.journal_lines(JOURNAL)]  # fmt: skip
        stored_marks = [bytes(r["fingerprint"]) for r in uow.imports.statement_lines(STATEMENT)]
        expected = [sealer.blind(CLIENT, BANK_DOMAIN, bank_identity(ACCOUNT, {
            "date": t.day, "direction": t.direction, "amount": t.fen, "currency": "CNY", "balance": b}))
            for t, b in zip(LINES, _balances(), strict=True)]  # fmt: skip
    assert opened == ["银行存款-应付王小1", "银行存款-应付王小2", "银行存款-应付王小3"]
    assert stored_marks == expected  # the identity an import computes today
    wang = staff(store, Role.ACCOUNTANT, clients=[CLIENT])
    again = tmp_path / "october-again.csv"
    again.write_bytes(bank_csv(LINES))  # the same month exported again: every line is already stored
    with pytest.raises(UserError, match="均已在库中"):
        import_file(store, wang, CLIENT, again, "bank", bank_account_id=ACCOUNT)
