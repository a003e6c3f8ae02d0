"""The audit trail against its witness, on SQLite and PostgreSQL: every transaction that writes events signs a
checkpoint, and the checkpoint goes to the witness file beside the keyring once the transaction has committed.
Events removed from the end of the trail, or rewritten with every later hash recomputed, are named from the witness
even when the database's own checkpoints went with them; a restore into the empty store starts the witness afresh.

Each test tampers with its trail for good, so each has a database of its own.
"""

from __future__ import annotations

import secrets
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from factories.people import client_user, session_token, staff
from hezhang.audit.verify import Kind, Report
from hezhang.cli.app import app
from hezhang.config import load_settings
from hezhang.security.keyring import Keyring
from hezhang.security.policy import Role
from hezhang.services import audit_trail, backup, clients
from hezhang.services.context import Context
from hezhang.services.store_access import Store
from hezhang.store import migrate
from hezhang.store.engine import make_engine
from hezhang.store.rls import APP_ROLE
from hezhang.store.uow import UnitOfWork
from integration.conftest import PG_ADMIN_URL, StoreDb
from integration.tamper import remove_after, rewrite_from, unguarded

NewStore = Callable[..., Store]


@pytest.fixture
def new_store(store_db: StoreDb, tmp_path: Path) -> Iterator[NewStore]:
    """Makes a store on a new, migrated database of the module's kind; `data` names its data folder (keyring,
    witness), shared by the stores made with the same name."""
    made: list[str] = []
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT") if store_db.kind == "postgresql" else None

    def make(data: str = "data") -> Store:
        folder = tmp_path / data
        if admin is None:
            url = admin_url = f"sqlite+pysqlite:///{tmp_path / f'store-{len(made)}.db'}"
        else:
            name = f"hz_witness_{secrets.token_hex(6)}"
            with admin.connect() as c:
                c.execute(text(f'CREATE DATABASE "{name}"'))
            base = make_url(PG_ADMIN_URL).set(database=name)
            admin_url = base.render_as_string(hide_password=False)
            url = base.set(username=APP_ROLE, password=None).render_as_string(hide_password=False)
        made.append(admin_url)
        migrate.upgrade(admin_url)
        settings = load_settings({"HEZHANG_DATA_DIR": str(folder), "HEZHANG_DATABASE_URL": url,
                                  "HEZHANG_ADMIN_DATABASE_URL": admin_url})  # fmt: skip
        if not settings.keyring_path.exists():
            folder.mkdir(mode=0o700, exist_ok=True)
            Keyring.create(settings.keyring_path)
        return Store(settings)

    yield make
    if admin is not None:
        with admin.connect() as c:
            for url in made:
                c.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
        admin.dispose()


def _events(store: Store, admin: Context, n: int) -> None:
    """`n` service calls, each one transaction writing one event."""
    for i in range(n):
        clients.create_client(store, admin, f"客户{i}")


def _size(store: Store) -> int:
    with UnitOfWork(store.engine, []) as uow:
        return uow.audit.size()


def _failure(report: Report) -> tuple[int | None, Kind, str, str]:
    failure = report.failure
    assert failure is not None, "tampering went unnoticed"
    return failure.sequence, failure.kind, failure.message_zh(), failure.message_en()


def test_every_transaction_that_writes_events_leaves_a_checkpoint_and_a_witness_line(new_store: NewStore) -> None:
    store = new_store()
    admin, officer = staff(store, Role.FIRM_ADMIN), staff(store, Role.SECURITY_OFFICER)
    _events(store, admin, 3)
    with UnitOfWork(store.engine, []) as uow:
        assert [c.size for c in uow.audit.checkpoints()] == [1, 2, 3]
    witness = store.settings.audit_witness
    assert witness.parent == store.settings.keyring_path.parent
    assert stat.S_IMODE(witness.stat().st_mode) == 0o600
    lines = witness.read_bytes().splitlines()
    assert len(lines) == 3 and all(line.startswith(b'{"checkpoint":{') for line in lines)
    report = audit_trail.verify_trail(store, officer)
    assert report.ok and (report.events, report.covered, report.witnessed) == (3, 3, 3)


def test_hashes_recomputed_from_event_7_on_are_named_at_event_7(new_store: NewStore) -> None:
    store = new_store()
    admin, officer = staff(store, Role.FIRM_ADMIN), staff(store, Role.SECURITY_OFFICER)
    _events(store, admin, 10)
    audit_trail.make_checkpoint(store, officer)  # `hezhang audit checkpoint`: event 11
    with unguarded(make_engine(store.settings.admin_database_url)):
        rewrite_from(make_engine(store.settings.admin_database_url), 7, "什么也没发生")
    sequence, kind, zh, en = _failure(audit_trail.verify_trail(store, officer))
    assert (sequence, kind) == (7, Kind.CHANGED)
    assert "第 7 条" in zh and "event 7" in en and "signed at" in en


def test_a_truncated_tail_is_named_from_the_witness(new_store: NewStore) -> None:
    store = new_store()
    admin, officer = staff(store, Role.FIRM_ADMIN), staff(store, Role.SECURITY_OFFICER)
    _events(store, admin, 6)
    owner = make_engine(store.settings.admin_database_url)
    with unguarded(owner, "audit_events", "audit_checkpoints"):
        remove_after(owner, 4)  # the last two events and their checkpoints: the database alone looks whole
    sequence, kind, zh, en = _failure(audit_trail.verify_trail(store, officer))
    assert (sequence, kind) == (5, Kind.TRUNCATED)
    assert "见证文件记录了 6 条事件的签名检查点" in zh and "数据库只有 4 条" in zh
    assert "the witness holds a checkpoint of 6 events signed at" in en and "the database holds 4" in en


def test_events_rewritten_with_their_checkpoints_removed_are_named_from_the_witness(new_store: NewStore) -> None:
    store = new_store()
    admin, officer = staff(store, Role.FIRM_ADMIN), staff(store, Role.SECURITY_OFFICER)
    _events(store, admin, 10)
    owner = make_engine(store.settings.admin_database_url)
    with unguarded(owner, "audit_events", "audit_checkpoints"):
        rewrite_from(owner, 7, "什么也没发生")
        with owner.begin() as c:
            c.execute(text("DELETE FROM audit_checkpoints WHERE size >= 7"))
    sequence, kind, zh, en = _failure(audit_trail.verify_trail(store, officer))
    assert (sequence, kind) == (7, Kind.CHANGED)
    assert "audit-witness.jsonl" in zh and "audit-witness.jsonl" in en


def test_a_restore_into_the_empty_store_starts_the_witness_afresh_and_truncation_shows_again(
    new_store: NewStore, tmp_path: Path
) -> None:
    old = new_store()
    admin, officer = staff(old, Role.FIRM_ADMIN), staff(old, Role.SECURITY_OFFICER)
    _events(old, admin, 3)
    archive = tmp_path / "store.hzbak"
    backup.create_backup(old, officer, archive)  # event 4 is written after the dump: the backup holds 3
    _events(old, admin, 2)  # events 5 and 6: lost with the old database
    assert _size(old) == 6
    store = new_store()  # the same data folder: keyring and witness; an empty database
    restored = backup.restore_backup(store, archive, operator="运维")
    assert restored.ok, restored.problems
    report = audit_trail.verify_trail(store, officer)
    assert report.ok, report.failure
    assert report.events == 4  # the backup's three events and the restore's own
    assert any("a restore" in n.en and "4 to 6 were lost" in n.en for n in report.notices), report.notices
    owner = make_engine(store.settings.admin_database_url)
    size = _size(store)
    with unguarded(owner, "audit_events", "audit_checkpoints"):
        remove_after(owner, size - 1)
    sequence, kind, _, en = _failure(audit_trail.verify_trail(store, officer))
    assert (sequence, kind) == (size, Kind.TRUNCATED) and f"the database holds {size - 1}" in en


def test_a_clients_access_history_shows_a_truncation_the_witness_file_no_longer_can(
    new_store: NewStore, tmp_path: Path
) -> None:
    """`hezhang audit verify --witness history.jsonl`: the trail cut back, the witness file removed with it, and the
    client's export still holds a checkpoint of events the database no longer has."""
    store = new_store()
    admin, officer = staff(store, Role.FIRM_ADMIN), staff(store, Role.SECURITY_OFFICER)
    client = clients.create_client(store, admin, "己公司")
    owner = client_user(store, client)
    _events(store, admin, 3)
    history = tmp_path / "history.jsonl"
    made = audit_trail.export_access_history(store, owner, client, history)
    env = {"HEZHANG_DATA_DIR": str(store.settings.data_dir), "HEZHANG_DATABASE_URL": store.settings.database_url,
           "HEZHANG_ADMIN_DATABASE_URL": store.settings.admin_database_url,
           "HEZHANG_SESSION": session_token(store, officer), "COLUMNS": "300"}  # fmt: skip
    runner = CliRunner()

    def verify(*more: str) -> tuple[int, str]:
        done = runner.invoke(app, ["audit", "verify", *more], env=env)
        return done.exit_code, " ".join(done.output.split())  # as one line, however the console folded it

    code, said = verify()
    assert code == 0 and "witnessed" in said, said
    owner_engine = make_engine(store.settings.admin_database_url)
    with unguarded(owner_engine, "audit_events", "audit_checkpoints"):
        remove_after(owner_engine, made.checkpoint_size - 2)
    store.settings.audit_witness.unlink()  # whoever cut the trail removed the witness file too
    code, said = verify()
    assert code == 0 and "there is no witness file" in said, said
    code, said = verify("--witness", str(history))
    assert code == 1 and "history.jsonl" in said, said
    assert f"the witness holds a checkpoint of {made.checkpoint_size} events" in said


@pytest.mark.postgres_only
def test_a_superuser_in_replica_mode_is_not_stopped_by_the_trigger_but_the_witness_shows_it(
    new_store: NewStore,
) -> None:
    """`session_replication_role = replica` switches the append-only triggers off for a superuser's session without
    changing the schema: the removal goes through, and the witness names it. The application role may not do it."""
    store = new_store()
    admin, officer = staff(store, Role.FIRM_ADMIN), staff(store, Role.SECURITY_OFFICER)
    _events(store, admin, 5)
    with (
        make_engine(store.settings.database_url).connect() as app_role,
        pytest.raises(DBAPIError, match="session_replication_role"),
    ):
        app_role.execute(text("SET session_replication_role = replica"))
    superuser = make_engine(store.settings.admin_database_url)
    with superuser.begin() as c:
        c.execute(text("SET LOCAL session_replication_role = replica"))
        c.execute(text("DELETE FROM audit_events WHERE sequence > 3"))
        c.execute(text("DELETE FROM audit_checkpoints WHERE size > 3"))
    assert _size(store) == 3
    sequence, kind, _, en = _failure(audit_trail.verify_trail(store, officer))
    assert (sequence, kind) == (4, Kind.TRUNCATED) and "the database holds 3" in en
