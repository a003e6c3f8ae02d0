"""Backups on SQLite and PostgreSQL: a restore drill, and archives that are damaged, cut, or opened with another key."""

from __future__ import annotations

import base64
import json
import secrets
import shutil
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import create_engine, make_url, text

from factories.people import session_token, staff
from hezhang.config import load_settings
from hezhang.domain.period import Period
from hezhang.samples.bank_exports import render_standard_csv
from hezhang.samples.journal import generate_journal, render_standard_journal
from hezhang.samples.statements import generate_bank_lines
from hezhang.security.keyring import Keyring
from hezhang.security.policy import Role
from hezhang.services.backup import create_backup, restore_backup, verify_backup
from hezhang.services.backup_archive import BackupError, Fault, open_file, seal_file
from hezhang.services.backup_database import row_counts
from hezhang.services.clients import UNREADABLE, ClientView, add_bank_account, create_client, view_client
from hezhang.services.context import Context
from hezhang.services.imports import import_file
from hezhang.services.keys import retire, rewrap, rotate
from hezhang.services.store_access import Store, initialize
from hezhang.store import migrate
from hezhang.store.registry import client_scoped
from hezhang.store.rls import APP_ROLE
from hezhang.store.sealer import MissingDataKeyError
from hezhang.store.tables import metadata
from hezhang.store.uow import UnitOfWork
from integration.conftest import PG_ADMIN_URL, StoreDb

#: Written by every service call (a verify, a refused restore), so left out where counts are compared over time.
AUDIT_TABLES = frozenset({"audit_events", "audit_checkpoints", "audit_signing_keys"})


@dataclass(frozen=True)
class Source:
    store: Store
    clients: list[UUID]  # live clients
    shredded: UUID  # a client whose data key was destroyed before any backup
    statement: UUID
    keyring_file: Path
    officer: Context  # the security officer: backs up, verifies, restores
    reader: Context  # an accountant assigned to every client, to read them back


def _without_audit(counts: dict[str, int]) -> dict[str, int]:
    return {table: n for table, n in counts.items() if table not in AUDIT_TABLES}


@dataclass(frozen=True)
class Target:
    admin_url: str  # where a restore writes (the administrator on PostgreSQL)
    url: str  # what the application uses


def _settings(folder: Path, url: str, admin_url: str | None = None) -> Any:
    env = {"HEZHANG_DATA_DIR": str(folder), "HEZHANG_DATABASE_URL": url}
    if admin_url:
        env["HEZHANG_ADMIN_DATABASE_URL"] = admin_url
    return load_settings(env)


@pytest.fixture(scope="module")
def source(store_db: StoreDb, tmp_path_factory: pytest.TempPathFactory) -> Source:
    folder = tmp_path_factory.mktemp("source")
    settings = _settings(folder, store_db.url, store_db.admin_url)
    Keyring.create(settings.keyring_path)
    store = Store(settings)
    lines = generate_bank_lines(60, seed=7, start=date(2026, 10, 1))
    (folder / "statement.csv").write_bytes(render_standard_csv(lines, "utf-8-sig"))
    journal = render_standard_journal(generate_journal(Period.month(2026, 10), vouchers=20, seed=7))
    (folder / "journal.csv").write_bytes(journal)
    admin = staff(store, Role.FIRM_ADMIN)
    first = create_client(
        store, admin, "上海演示商贸有限公司", "91310115MA1K412344", "欧阳娜娜", "13912345678", "o@example.com"
    )
    second = create_client(store, admin, "杭州样例科技有限公司", contact_name="李娜", contact_phone="13800001111")
    gone = create_client(store, admin, "已注销客户", contact_name="王芳", contact_phone="13700002222")
    wang = staff(store, Role.ACCOUNTANT, clients=[first, second, gone])
    account = add_bank_account(store, wang, first, "31050161373600009876", bank_name="建设银行", ledger_code="100201")
    done = import_file(store, wang, first, folder / "statement.csv", "bank", bank_account_id=account)
    assert done.import_id is not None and not done.problems
    assert import_file(store, wang, first, folder / "journal.csv", "journal").problems == ()
    with store.work([gone]) as (uow, _):
        assert uow.keys.destroy(gone) == 1
    officer = staff(store, Role.SECURITY_OFFICER)
    return Source(store, [first, second], gone, done.import_id, settings.keyring_path, officer, wang)


@pytest.fixture(scope="module")
def archive(source: Source, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("backups") / "store.hzbak"
    result = create_backup(source.store, source.officer, out)
    assert result.archive == out and result.action == "backup.create"
    assert result.manifest.row_counts["bank_lines"] == 60 and result.manifest.row_counts["clients"] == 3
    assert result.manifest.schema_revision == migrate.head()
    return out


@pytest.fixture
def target(store_db: StoreDb, tmp_path: Path) -> Iterator[Target]:
    """A new empty database of the same kind (no schema at all)."""
    if store_db.kind == "sqlite":
        url = f"sqlite+pysqlite:///{tmp_path / 'restored' / 'hezhang.db'}"
        yield Target(url, url)
        return
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"hz_restore_{secrets.token_hex(6)}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    base = make_url(PG_ADMIN_URL).set(database=name)
    try:
        yield Target(
            base.render_as_string(hide_password=False),
            base.set(username=APP_ROLE, password=None).render_as_string(hide_password=False),
        )
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _read_statement(store: Store, client: UUID, statement: UUID) -> list[tuple[Any, ...]]:
    """The statement's lines as a service reads them: amounts, dates and the unsealed counterparties and memos."""
    out = []
    with store.work([client]) as (uow, sealer):
        for row in uow.imports.statement_lines(statement):

            def opened(column: str, row: Any = row) -> str | None:
                value = row[column]
                return None if value is None else sealer.open(client, "bank_lines", column, row["id"], value).decode()

            out.append((row["row"], row["date"], row["direction"], row["amount"], opened("counterparty_name"),
                        opened("counterparty_account"), opened("memo")))  # fmt: skip
    return sorted(out)


def _views(store: Store, ctx: Context, clients: list[UUID]) -> list[ClientView]:
    return [view_client(store, ctx, client) for client in clients]


def _restored_store(source: Source, target: Target, folder: Path) -> Store:
    settings = _settings(folder, target.url, target.admin_url)
    settings.keyring_path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source.keyring_file, settings.keyring_path)
    return Store(settings)


def test_restore_drill(source: Source, archive: Path, target: Target, tmp_path: Path) -> None:
    report = verify_backup(source.store, source.officer, archive)
    assert report.ok, report.problems
    # Nothing but the audit trail has changed since the backup (each service call since then added its events).
    assert report.manifest is not None and _without_audit(report.manifest.row_counts) == _without_audit(
        row_counts(source.store.settings.admin_database_url)
    )
    assert report.manifest.row_counts["audit_events"] > 0  # the trail is in the backup too

    with UnitOfWork(source.store.engine, []) as uow:
        before = uow.audit.size()
    result = restore_backup(source.store, archive, target.admin_url, ctx=source.officer)
    assert result.ok, result.problems
    with UnitOfWork(source.store.engine, []) as uow:  # the restore is recorded in the store it was made from
        (event,) = list(uow.audit.events(after=before))
    assert (event.action, event.outcome, event.resource) == ("backup.restore", "allowed", f"backup:{archive.name}")
    assert result.row_counts == report.manifest.row_counts
    assert result.schema_revision == report.manifest.schema_revision
    assert result.sample.clients == 3 and result.sample.opened_clients == 2 and result.sample.values_opened > 10
    assert result.sample.shredded == (source.shredded,)
    assert "password" not in result.target

    if target.url != target.admin_url:  # PostgreSQL: row-level security came back with the dump, forced
        engine = create_engine(target.admin_url)
        with engine.connect() as connection:
            forced = connection.execute(
                text("SELECT relname FROM pg_class WHERE relforcerowsecurity AND relkind = 'r'")
            ).scalars()
            assert set(client_scoped(metadata)) & set(result.row_counts) <= set(forced)
        engine.dispose()
    restored = _restored_store(source, target, tmp_path / "keys")
    shown = _views(source.store, source.reader, source.clients)
    assert all(UNREADABLE not in (c.contact_name, c.contact_phone) for c in shown)
    assert _views(restored, source.reader, source.clients) == shown  # the same people sign in to the restored store
    first = source.clients[0]
    original = _read_statement(source.store, first, source.statement)
    assert len(original) == 60 and any(line[-1] for line in original)
    assert _read_statement(restored, first, source.statement) == original
    # The shredded client stays unreadable in the backup too; the others are untouched.
    (gone,) = _views(restored, source.reader, [source.shredded])
    assert (gone.contact_name, gone.contact_phone) == (UNREADABLE, UNREADABLE)
    with restored.work([source.shredded]) as (uow, sealer):
        row = uow.clients.get(source.shredded)
        assert row is not None and row.contact_phone is not None
        with pytest.raises(MissingDataKeyError):
            sealer.open(source.shredded, "clients", "contact_phone", source.shredded, row.contact_phone)


def test_a_non_empty_target_is_refused(source: Source, archive: Path) -> None:
    url = source.store.settings.admin_database_url
    before = row_counts(url)
    with pytest.raises(BackupError, match="不是空的") as caught:
        restore_backup(source.store, archive)  # the configured store, which holds data
    assert caught.value.code is Fault.TARGET_NOT_EMPTY and "not empty" in str(caught.value)
    assert row_counts(url) == before


def test_a_migrated_but_empty_store_takes_a_restore(source: Source, archive: Path, target: Target) -> None:
    migrate.upgrade(target.admin_url)  # what `hezhang init` leaves: the schema, no data
    result = restore_backup(source.store, archive, target.admin_url, ctx=source.officer)
    assert result.ok, result.problems
    assert result.row_counts["bank_lines"] == 60


def test_the_keyring_is_never_inside_the_archive(source: Source, archive: Path) -> None:
    data = archive.read_bytes()
    keyring_bytes = source.keyring_file.read_bytes()
    assert keyring_bytes not in data
    for encoded in json.loads(keyring_bytes)["keys"].values():
        assert encoded.encode() not in data and base64.b64decode(encoded) not in data


def test_a_flipped_byte_is_found(source: Source, archive: Path, tmp_path: Path, target: Target) -> None:
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0x01
    tampered = tmp_path / "tampered.hzbak"
    tampered.write_bytes(bytes(data))
    report = verify_backup(source.store, source.officer, tampered)
    assert [p.code for p in report.problems] == [Fault.TAMPERED]
    assert "改动" in report.problems[0].message_zh and "changed" in report.problems[0].message_en
    with pytest.raises(BackupError) as caught:
        restore_backup(source.store, tampered, target.admin_url, ctx=source.officer)
    assert caught.value.code is Fault.TAMPERED
    assert not any(row_counts(target.admin_url).values())  # nothing was restored


@pytest.mark.parametrize("keep", [0.5, 0.999, 20])
def test_a_truncated_archive_is_found(source: Source, archive: Path, tmp_path: Path, keep: float) -> None:
    data = archive.read_bytes()
    cut = tmp_path / "cut.hzbak"
    cut.write_bytes(data[: int(len(data) * keep) if keep < 1 else int(keep)])
    report = verify_backup(source.store, source.officer, cut)
    assert [p.code for p in report.problems] == [Fault.TRUNCATED]
    assert "截断" in str(report.problems[0]) and "truncated" in str(report.problems[0])


def test_another_keyring_does_not_open_the_archive(source: Source, archive: Path, tmp_path: Path) -> None:
    settings = _settings(tmp_path, source.store.settings.database_url)
    Keyring.create(settings.keyring_path)
    report = verify_backup(Store(settings), source.officer, archive)
    assert [p.code for p in report.problems] == [Fault.WRONG_KEY]
    assert "密钥环" in report.problems[0].message_zh


def test_a_client_shredded_after_the_backup_is_gone_from_it_once_the_old_key_version_is_retired(
    tmp_path: Path,
) -> None:
    """Destroying a data key alone leaves its wrapped copy inside older archives; rotating, rewrapping and retiring
    the keyring version that wrapped it (and that wrapped those archives) finishes the shredding there too."""
    store, _ = initialize(load_settings({"HEZHANG_DATA_DIR": str(tmp_path / "data")}))
    admin, officer = staff(store, Role.FIRM_ADMIN), staff(store, Role.SECURITY_OFFICER)
    gone = create_client(store, admin, "甲公司", contact_phone="13912340000")
    kept = create_client(store, admin, "乙公司", contact_phone="13912341111")
    old = create_backup(store, officer, tmp_path / "old.hzbak")
    assert verify_backup(store, officer, old.archive).ok
    with store.work([gone]) as (uow, _):
        uow.keys.destroy(gone)
    rotate(store, officer)
    assert rewrap(store, officer).left_on_old_versions == {}
    retire(store, officer, old.key_version)
    report = verify_backup(store, officer, old.archive)
    assert [p.code for p in report.problems] == [Fault.WRONG_KEY]
    wang = staff(store, Role.ACCOUNTANT, clients=[kept])
    assert view_client(store, wang, kept).contact_phone == "139****1111"
    with store.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM clients")).scalar_one() == 2


def test_a_member_that_does_not_match_the_manifest_is_named(source: Source, archive: Path, tmp_path: Path) -> None:
    """Someone holding the keyring repacks an archive with a changed dump: the manifest's hash catches it."""
    packed, folder = tmp_path / "plain.tar", tmp_path / "members"
    with packed.open("wb") as handle:
        open_file(archive, handle, source.store.keyring)
    with tarfile.open(packed) as tar:
        tar.extractall(folder, filter="data")
    (dump,) = [p for p in folder.iterdir() if p.name != "manifest.json"]
    dump.write_bytes(dump.read_bytes() + b"\0")
    with tarfile.open(packed, "w") as tar:
        for member in sorted(folder.iterdir()):
            tar.add(member, arcname=member.name)
    forged = tmp_path / "forged.hzbak"
    with forged.open("wb") as handle:
        seal_file(packed, handle, source.store.keyring)
    report = verify_backup(source.store, source.officer, forged)
    assert [p.code for p in report.problems] == [Fault.HASH_MISMATCH]
    assert dump.name in report.problems[0].message_en


def test_the_commands_create_verify_and_restore(tmp_path: Path) -> None:
    import typer
    from typer.testing import CliRunner

    from hezhang.cli.backup_cmd import register

    app = typer.Typer()
    register(app)
    settings_env = {"HEZHANG_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "200"}
    store, _ = initialize(load_settings(settings_env))
    admin, officer = staff(store, Role.FIRM_ADMIN), staff(store, Role.SECURITY_OFFICER)
    create_client(store, admin, "丙公司", contact_name="赵敏")
    env = {**settings_env, "HEZHANG_SESSION": session_token(store, officer)}
    runner = CliRunner()
    out = tmp_path / "b.hzbak"
    done = runner.invoke(app, ["backup", "create", "--out", str(out)], env=env)
    assert done.exit_code == 0, done.output
    assert "keyring" in done.output
    assert runner.invoke(app, ["backup", "verify", str(out)], env=env).exit_code == 0
    refused = runner.invoke(app, ["backup", "restore", str(out)], env=env)
    assert refused.exit_code == 1 and "不是空的" in refused.output
    into = f"sqlite+pysqlite:///{tmp_path / 'restored.db'}"
    as_admin = {**settings_env, "HEZHANG_SESSION": session_token(store, admin)}
    denied = runner.invoke(app, ["backup", "restore", str(out), "--into", into], env=as_admin)
    assert denied.exit_code == 1 and "backup.restore" in denied.output  # restoring elsewhere: the security officer
    restored = runner.invoke(app, ["backup", "restore", str(out), "--into", into], env=env)
    assert restored.exit_code == 0 and "every check passed" in restored.output, restored.output
    out.write_bytes(out.read_bytes()[:-5])
    cut = runner.invoke(app, ["backup", "verify", str(out)], env=env)
    assert cut.exit_code == 1 and "truncated" in cut.output
