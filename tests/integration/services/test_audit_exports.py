"""The audit trail's exports, on SQLite and PostgreSQL (the services' work inside the door, on a unit of work):
the whole trail, and one client's access history with inclusion proofs, each checked by the standalone verifier."""

from __future__ import annotations

import stat
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from sqlalchemy import Engine, text

from hezhang.audit.signer import KeyringSigner
from hezhang.audit.verify import Kind, load_public_keys, verify_export
from hezhang.security.keyring import Keyring
from hezhang.services.audit_trail import export_access_history_in, export_trail_in, public_keys_in
from hezhang.store.uow import UnitOfWork


@pytest.fixture(scope="module")
def signer(tmp_path_factory: pytest.TempPathFactory) -> KeyringSigner:
    return KeyringSigner(Keyring.create(tmp_path_factory.mktemp("keys") / "keyring.json"))


def now() -> datetime:
    return datetime.now(UTC)


def append(engine: Engine, signer: KeyringSigner, clients: list[UUID | None]) -> None:
    with UnitOfWork(engine, [], audit_signer=signer) as uow:
        for i, client in enumerate(clients):
            uow.audit.record(at=None, actor="李四 <u2>", source="10.1.2.3", action="reconciliation.read",
                             client=None if client is None else str(client), resource=f"reconciliations:{i}",
                             data_classes=("S1",), outcome="allowed", reason="", request_id=f"x{i}")  # fmt: skip


def test_the_whole_trail_is_exported_to_a_private_file_that_verifies(
    engine: Engine, signer: KeyringSigner, tmp_path: Path
) -> None:
    append(engine, signer, [None, uuid4(), None, uuid4(), None, None])
    out = tmp_path / "trail.jsonl"
    with UnitOfWork(engine, [], audit_signer=signer) as uow:
        uow.audit.checkpoint()
        made = export_trail_in(uow, out)
        keys = public_keys_in(uow, signer)
        assert (made.events, made.checkpoints) == (uow.audit.size(), len(uow.audit.checkpoints()))
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    report = verify_export(out.read_bytes(), keys)
    assert report.ok and report.covered == made.events


def test_a_clients_access_history_holds_its_events_only_and_verifies(
    engine: Engine, signer: KeyringSigner, tmp_path: Path
) -> None:
    mine, other = uuid4(), uuid4()
    append(engine, signer, [mine, other, None, mine, other, mine, None])
    out = tmp_path / "history.jsonl"
    with UnitOfWork(engine, [], audit_signer=signer) as uow:
        made = export_access_history_in(uow, signer, mine, out, now())
        assert made.checkpoint_size == uow.audit.size() == uow.audit.latest_checkpoint().size  # type: ignore[union-attr]
    written = out.read_bytes()
    assert made.events == 3 and str(other).encode() not in written
    report = verify_export(written, load_public_keys(made.key_pem))
    assert report.ok and report.format == "access-history" and report.covered == 3
    (tmp_path / "audit.pem").write_bytes(made.key_pem)
    run = subprocess.run([sys.executable, "-m", "hezhang.audit.verify", str(out), "--key", str(tmp_path / "audit.pem")],
                         capture_output=True, text=True, check=False)  # fmt: skip
    assert run.returncode == 0 and "Access history intact" in run.stdout, run.stderr
    with UnitOfWork(engine, [], audit_signer=signer) as uow:
        assert export_access_history_in(uow, signer, uuid4(), tmp_path / "none.jsonl", now()).events == 0
    assert verify_export((tmp_path / "none.jsonl").read_bytes(), load_public_keys(made.key_pem)).ok


def test_a_changed_event_shows_in_the_next_access_history(
    engine: Engine, admin_engine: Engine, signer: KeyringSigner, tmp_path: Path
) -> None:
    mine = uuid4()
    append(engine, signer, [mine, None, mine])
    with UnitOfWork(engine, [], audit_signer=signer) as uow:
        uow.audit.checkpoint()
        target = [e.sequence for e in uow.audit.client_events(mine)][-1]
    guard = "audit_events_append_only" if admin_engine.dialect.name == "postgresql" else None
    with admin_engine.begin() as c:
        if guard:
            c.execute(text(f"ALTER TABLE audit_events DISABLE TRIGGER {guard}"))
        else:
            saved = c.execute(text("SELECT sql FROM sqlite_master WHERE name = 'audit_events_no_update'")).scalar_one()
            c.execute(text("DROP TRIGGER audit_events_no_update"))
        c.execute(text("UPDATE audit_events SET action = 'nothing' WHERE sequence = :s"), {"s": target})
    try:
        out = tmp_path / "history.jsonl"
        with UnitOfWork(engine, [], audit_signer=signer) as uow:
            made = export_access_history_in(uow, signer, mine, out, now())
        failure = verify_export(out.read_bytes(), load_public_keys(made.key_pem)).failure
        assert failure is not None and (failure.sequence, failure.kind) == (target, Kind.CHANGED)
    finally:
        with admin_engine.begin() as c:
            c.execute(text("UPDATE audit_events SET action = 'reconciliation.read' WHERE sequence = :s"), {"s": target})
            if guard:
                c.execute(text(f"ALTER TABLE audit_events ENABLE TRIGGER {guard}"))
            else:
                c.execute(text(saved))
