"""The firm's store through the services, on SQLite and PostgreSQL: sealed at rest, all or nothing, shreddable."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import Engine, func, select, text

from factories.people import staff
from hezhang.config import load_settings
from hezhang.domain.period import Period
from hezhang.samples.bank_exports import render_standard_csv
from hezhang.samples.journal import generate_journal, render_standard_journal
from hezhang.samples.statements import generate_bank_lines
from hezhang.security.errors import DecryptError
from hezhang.security.keyring import Keyring
from hezhang.security.policy import Role
from hezhang.services.clients import (
    UNREADABLE,
    ClientInputError,
    add_bank_account,
    client_directory,
    create_client,
    list_clients,
)
from hezhang.services.context import Context
from hezhang.services.imports import import_file
from hezhang.services.store_access import Store
from hezhang.store.sealer import MissingDataKeyError
from hezhang.store.tables import bank_lines, clients, ledger_lines, statement_imports
from hezhang.store.uow import UnitOfWork

if TYPE_CHECKING:
    from integration.conftest import StoreDb

USCC = "91310115MA1K412344"  # a made-up code with a valid check digit
PHONE, PERSON, EMAIL, ACCOUNT = "13912345678", "欧阳娜娜", "ouyang@example.com", "31050161373600009876"


@pytest.fixture(scope="module")
def admin(store: Store) -> Context:
    return staff(store, Role.FIRM_ADMIN)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[str]]:
    folder = tmp_path_factory.mktemp("files")
    lines = generate_bank_lines(80, seed=31, start=date(2026, 10, 1))
    bank = folder / "statement.csv"
    bank.write_bytes(render_standard_csv(lines, "utf-8-sig"))
    journal = folder / "journal.csv"
    journal.write_bytes(render_standard_journal(generate_journal(Period.month(2026, 10), vouchers=30, seed=31)))
    secrets = sorted({x for line in lines for x in (line.counterparty_name, line.counterparty_account) if x})
    return bank, journal, secrets


def _count(engine: Engine, table: object) -> int:
    with engine.connect() as c:
        return int(c.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def test_a_client_with_an_invalid_credit_code_is_refused(store: Store, admin: Context) -> None:
    with pytest.raises(ClientInputError, match="统一社会信用代码"):
        create_client(store, admin, "某公司", uscc="91310115MA1K412345")


def test_imports_are_sealed_at_rest_and_shown_masked(
    store: Store, admin: Context, store_db: StoreDb, admin_engine: Engine, files: tuple[Path, Path, list[str]]
) -> None:
    bank_file, journal_file, secrets = files
    client = create_client(store, admin, "上海演示商贸有限公司", USCC, PERSON, PHONE, EMAIL)
    wang = staff(store, Role.ACCOUNTANT, clients=[client])
    account = add_bank_account(store, wang, client, ACCOUNT, bank_name="建设银行", ledger_code="100201")
    done = import_file(store, wang, client, bank_file, "bank", bank_account_id=account)
    assert done.problems == () and done.lines == 80
    assert import_file(store, wang, client, journal_file, "journal").problems == ()
    (shown,) = list_clients(store, wang)  # the one client wang is assigned to
    assert shown.id == client
    assert (shown.contact_name, shown.contact_phone, shown.contact_email) == (
        "欧阳**",
        "139****5678",
        "o***@example.com",
    )
    # Proof: the raw database holds none of the personal values in plain text.
    if store_db.kind == "sqlite":
        raw = Path(store_db.url.split("///", 1)[1]).read_bytes()
        wal = Path(store_db.url.split("///", 1)[1] + "-wal")
        raw += wal.read_bytes() if wal.exists() else b""
    else:
        with admin_engine.connect() as c:
            raw = b"".join(
                str(row).encode()
                for table in ("clients", "bank_accounts", "bank_lines", "ledger_lines", "statement_imports")
                for row in c.execute(text(f"SELECT * FROM {table}"))
            )
    for value in [PHONE, PERSON, EMAIL, ACCOUNT, *secrets]:
        assert value.encode() not in raw, value


def test_a_bad_file_is_refused_whole_and_nothing_is_stored(
    store: Store, admin: Context, admin_engine: Engine, files: tuple[Path, Path, list[str]], tmp_path: Path
) -> None:
    bank_file, _, _ = files
    client = create_client(store, admin, "乙公司")
    wang = staff(store, Role.ACCOUNTANT, clients=[client])
    account = add_bank_account(store, wang, client, "6222020000000000001")
    text_lines = bank_file.read_text("utf-8-sig").splitlines()
    text_lines[40] = text_lines[40].replace("2026-10", "2026-13", 1)
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(text_lines) + "\n", "utf-8")
    before = [_count(admin_engine, t) for t in (statement_imports, bank_lines, ledger_lines)]
    outcome = import_file(store, wang, client, bad, "bank", bank_account_id=account)
    assert outcome.import_id is None and outcome.problems and outcome.problems[0].row == 41
    assert [_count(admin_engine, t) for t in (statement_imports, bank_lines, ledger_lines)] == before
    # The refusal itself is on the record: the client's last event is this import, refused with its problems.
    with UnitOfWork(store.engine, [client]) as uow:
        last = list(uow.audit.client_events(client))[-1]
    assert (last.action, last.outcome) == ("import", "allowed")
    assert last.reason == f"refused: {len(outcome.problems)} problems" and last.resource.startswith("file:")


def test_destroying_a_clients_key_makes_its_data_unreadable_and_leaves_others_alone(
    store: Store, admin: Context
) -> None:
    gone, kept = (
        create_client(store, admin, "丙公司", contact_name="张伟"),
        create_client(store, admin, "丁公司", contact_name="李娜"),
    )
    wang = staff(store, Role.ACCOUNTANT, clients=[gone, kept])
    with store.work([gone]) as (uow, _):
        assert uow.keys.destroy(gone) == 1
    with store.work([gone]) as (uow, sealer):
        row = uow.clients.get(gone)
        assert row is not None and row.contact_name is not None
        with pytest.raises(MissingDataKeyError):
            sealer.open(gone, clients.name, "contact_name", gone, row.contact_name)
    # The service lists the shredded client with its contacts unreadable; the other opens as before.
    assert {c.id: c.contact_name for c in list_clients(store, wang)} == {gone: UNREADABLE, kept: "李*"}
    # A copy of a ciphertext moved to another client does not open either (bound to client, table, column, row).
    with store.work([kept]) as (uow, sealer):
        row = uow.clients.get(kept)
        assert row is not None and row.contact_name is not None
        with pytest.raises(DecryptError):
            sealer.open(kept, clients.name, "contact_phone", kept, row.contact_name)


def test_the_directory_lists_every_client_on_both_databases(store_db: StoreDb, tmp_path: Path) -> None:
    settings = load_settings(
        {"HEZHANG_DATA_DIR": str(tmp_path), "HEZHANG_DATABASE_URL": store_db.url,
         "HEZHANG_ADMIN_DATABASE_URL": store_db.admin_url}
    )  # fmt: skip
    Keyring.create(settings.keyring_path)
    store = Store(settings)
    admin = staff(store, Role.FIRM_ADMIN)
    made = {create_client(store, admin, "癸公司"), create_client(store, admin, "子公司")}
    gone = create_client(store, admin, "丑公司", contact_phone="13912345670")
    with store.work([gone]) as (uow, _):
        uow.keys.destroy(gone)
    # Every client, whoever it is assigned to (on PostgreSQL its ids are read past row-level security).
    directory = {entry.id: entry for entry in client_directory(store, admin)}
    assert made | {gone} <= set(directory)
    assert directory[gone].name == "丑公司" and directory[gone].status == "active"
    wang = staff(store, Role.ACCOUNTANT, clients=[*made, gone])
    listed = {c.id: c for c in list_clients(store, wang)}
    assert set(listed) == made | {gone}
    assert listed[gone].contact_phone == UNREADABLE  # listed, never opened: its key is gone
