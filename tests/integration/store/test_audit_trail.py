"""The audit trail in the store, on SQLite and PostgreSQL: appends chain and verify, tampering is named, the database
refuses changes, concurrent appenders never fork the chain, every transaction that appends signs a checkpoint (and
hands it to the witness once committed), checkpoints survive a key rotation.

The tests of this module share one database (the module's store) and one keyring: each looks at what it added,
and a test that tampers with a row puts it back before it ends.
"""

from __future__ import annotations

import dataclasses
import itertools
import stat
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import DBAPIError

from hezhang.audit.chain import append as chain_append
from hezhang.audit.checkpoint import key_id
from hezhang.audit.event import AuditEvent
from hezhang.audit.merkle import root
from hezhang.audit.signer import KeyringSigner, SigningKey
from hezhang.audit.verify import Frontier, Kind, Report
from hezhang.audit.witness import Witness, WitnessFile, checkpoint_line
from hezhang.security.keyring import Keyring
from hezhang.services.audit_trail import public_keys_in, verify_trail_in
from hezhang.store.engine import make_engine
from hezhang.store.rls import APP_ROLE
from hezhang.store.tables import audit_checkpoints, audit_events
from hezhang.store.uow import UnitOfWork
from integration.conftest import StoreDb
from integration.tamper import unguarded

TABLES = ("audit_events", "audit_checkpoints", "audit_signing_keys")
FIELDS = ("at", "actor", "source", "action", "client", "resource", "data_classes", "outcome", "reason", "request_id")


@pytest.fixture(scope="module")
def keyring(tmp_path_factory: pytest.TempPathFactory) -> Keyring:
    return Keyring.create(tmp_path_factory.mktemp("keys") / "keyring.json")


@pytest.fixture(scope="module")
def signer(keyring: Keyring) -> KeyringSigner:
    return KeyringSigner(keyring)


def record(uow: UnitOfWork, n: int, client: UUID | None = None, tag: str = "e") -> list[AuditEvent]:
    """Append `n` events and return them as read back, each checked to be the event the in-memory chain
    (`hezhang.audit.chain.append`, the reference the verifier is tested against) makes of the same fields."""
    sequences = [
        uow.audit.record(
            at=None,
            actor=f"张三 <{tag}>",
            source="10.0.0.8",
            action="client.read",
            client=None if client is None else str(client),
            resource=f"bank_lines/{tag}{i}",
            data_classes=("S1", "S0"),
            outcome="allowed" if i % 5 else "denied",
            reason="月末对账" if i % 2 else "",
            request_id=f"{tag}-{i}",
        )
        for i in range(n)
    ]
    if not sequences:
        return []
    assert sequences == list(range(sequences[0], sequences[0] + n))
    read = list(uow.audit.events(after=max(sequences[0] - 2, 0)))
    prev: AuditEvent | None = read.pop(0) if sequences[0] > 1 else None
    for event in read:
        assert event == chain_append(prev, **{name: getattr(event, name) for name in FIELDS})
        prev = event
    return read


def append(
    engine: Engine, signer: KeyringSigner | None, n: int, client: UUID | None = None, witness: Witness | None = None
) -> list[AuditEvent]:
    with UnitOfWork(engine, [], audit_signer=signer, audit_witness=witness) as uow:
        return record(uow, n, client)


def checkpoint(engine: Engine, signer: KeyringSigner) -> None:
    with UnitOfWork(engine, [], audit_signer=signer) as uow:
        uow.audit.checkpoint()


def verify(engine: Engine, signer: KeyringSigner, *witnesses: Path) -> Report:
    with UnitOfWork(engine, [], audit_signer=signer) as uow:
        return verify_trail_in(uow, signer, witnesses)


def first_bad(engine: Engine, signer: KeyringSigner) -> tuple[int | None, Kind]:
    failure = verify(engine, signer).failure
    assert failure is not None, "tampering went unnoticed"
    return failure.sequence, failure.kind


def size(engine: Engine) -> int:
    with UnitOfWork(engine, []) as uow:
        return uow.audit.size()


@dataclasses.dataclass(frozen=True)
class Link:
    sequence: int
    hash: bytes


def test_appended_events_chain_without_gaps_and_verify(engine: Engine, signer: KeyringSigner) -> None:
    before = size(engine)
    client = uuid4()
    made = [*append(engine, signer, 3), *append(engine, signer, 4, client=client), *append(engine, None, 2)]
    assert [e.sequence for e in made] == list(range(before + 1, before + 10))
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(made))
    with UnitOfWork(engine, []) as uow:
        assert list(uow.audit.events(after=before)) == made
        assert list(uow.audit.events(after=before, chunk=2)) == made  # read in chunks, the same events
        assert [e.sequence for e in uow.audit.client_events(client, chunk=3)] == [e.sequence for e in made[3:7]]
        assert uow.audit.head() == made[-1]
        assert list(uow.audit.hashes(after=before)) == [e.hash for e in made]
    report = verify(engine, signer)
    assert report.ok, report.failure
    assert report.events == before + 9


def test_events_read_back_exactly_as_recorded(engine: Engine, signer: KeyringSigner) -> None:
    at = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=timezone(timedelta(hours=8)))
    client = uuid4()
    given = {"actor": "欧阳娜娜 <u1>", "source": "2001:db8::1", "action": "reveal", "resource": "bank_lines:1/memo",
             "data_classes": ("S2",), "outcome": "allowed", "reason": '核对 "引号" \\ 反斜杠\n换行',
             "request_id": "r-1"}  # fmt: skip
    with UnitOfWork(engine, [], audit_signer=signer) as uow:
        prev = uow.audit.head()
        sequence = uow.audit.record(at=at, client=str(client).upper(), **given)  # type: ignore[arg-type]
    # the event the in-memory chain makes of the same fields: the time in UTC, the client id in canonical form
    expected = chain_append(prev, at=at, client=str(client), **given)  # type: ignore[arg-type]
    assert expected.at == at.astimezone(UTC) and expected.sequence == sequence
    with UnitOfWork(engine, []) as uow:
        assert next(uow.audit.events(after=sequence - 1)) == expected
    assert verify(engine, signer).ok


def test_an_event_with_a_bad_field_is_refused_and_nothing_is_appended(engine: Engine) -> None:
    good = {"actor": "a", "source": "local", "action": "client.read", "client": None, "resource": "",
            "data_classes": ("S1",), "outcome": "allowed", "reason": "", "request_id": "r"}  # fmt: skip
    for bad, message in (({"at": datetime(2026, 3, 1, 9, 30)}, "timezone-aware"), ({"data_classes": ("S9",)}, "S9"),
                         ({"outcome": "maybe"}, "outcome"), ({"client": "not-a-uuid"}, "UUID")):  # fmt: skip
        before = size(engine)
        with pytest.raises(ValueError, match=message), UnitOfWork(engine, []) as uow:
            uow.audit.record(**({"at": None} | good | bad))  # type: ignore[arg-type]
        assert size(engine) == before


def test_a_savepoint_rolled_back_takes_its_events_and_the_chain_goes_on(engine: Engine, signer: KeyringSigner) -> None:
    with UnitOfWork(engine, [], audit_signer=signer) as uow:
        first = record(uow, 2, tag="kept")
        nested = uow.connection.begin_nested()
        record(uow, 3, tag="undone")
        nested.rollback()
        last = record(uow, 2, tag="kept")
    assert [e.sequence for e in first + last] == list(range(first[0].sequence, first[0].sequence + 4))
    assert verify(engine, signer).ok


def test_a_changed_event_is_named_by_its_sequence(engine: Engine, admin_engine: Engine, signer: KeyringSigner) -> None:
    append(engine, signer, 12)
    checkpoint(engine, signer)
    target = size(engine) - 5
    change = text("UPDATE audit_events SET reason = :r WHERE sequence = :s")
    with unguarded(admin_engine):
        with admin_engine.begin() as c:
            original = c.execute(text("SELECT reason FROM audit_events WHERE sequence = :s"), {"s": target}).scalar()
            c.execute(change, {"r": "什么也没发生", "s": target})
        try:
            assert first_bad(engine, signer) == (target, Kind.CHANGED)
        finally:
            with admin_engine.begin() as c:
                c.execute(change, {"r": original, "s": target})
    assert verify(engine, signer).ok


def test_a_rehashed_or_deleted_event_is_named(engine: Engine, admin_engine: Engine, signer: KeyringSigner) -> None:
    append(engine, signer, 6)
    checkpoint(engine, signer)
    target = size(engine) - 3
    with UnitOfWork(engine, []) as uow:
        event = next(uow.audit.events(after=target - 1))
        row = dict(
            uow.connection.execute(audit_events.select().where(audit_events.c.sequence == target)).mappings().one()
        )
    forged = dataclasses.replace(event, reason="改过")
    rehashed = chain_append(Link(target - 1, event.prev_hash), **{f: getattr(forged, f) for f in FIELDS})
    change = text("UPDATE audit_events SET reason = :r, hash = :h WHERE sequence = :s")
    with unguarded(admin_engine):
        with admin_engine.begin() as c:
            c.execute(change, {"r": "改过", "h": rehashed.hash, "s": target})
        try:  # the event chains no more to its successor: named as changed (its hash was recomputed)
            assert first_bad(engine, signer) == (target, Kind.CHANGED)
        finally:
            with admin_engine.begin() as c:
                c.execute(change, {"r": event.reason, "h": event.hash, "s": target})
        with admin_engine.begin() as c:
            c.execute(text("DELETE FROM audit_events WHERE sequence = :s"), {"s": target})
        try:
            assert first_bad(engine, signer) == (target, Kind.MISSING)
        finally:
            with admin_engine.begin() as c:
                c.execute(audit_events.insert(), row)
    assert verify(engine, signer).ok


def test_a_checkpoint_is_not_signed_over_a_deleted_event(
    engine: Engine, admin_engine: Engine, signer: KeyringSigner
) -> None:
    checkpoint(engine, signer)
    append(engine, None, 4)  # unsigned yet
    target = size(engine) - 2
    with UnitOfWork(engine, []) as uow:
        row = dict(
            uow.connection.execute(audit_events.select().where(audit_events.c.sequence == target)).mappings().one()
        )
        signed = len(uow.audit.checkpoints())
    with unguarded(admin_engine):
        with admin_engine.begin() as c:
            c.execute(text("DELETE FROM audit_events WHERE sequence = :s"), {"s": target})
        try:
            with pytest.raises(RuntimeError, match="missing or damaged hash"):
                checkpoint(engine, signer)
            with UnitOfWork(engine, []) as uow:
                assert len(uow.audit.checkpoints()) == signed  # nothing signed
        finally:
            with admin_engine.begin() as c:
                c.execute(audit_events.insert(), row)
    checkpoint(engine, signer)
    assert verify(engine, signer).ok


@pytest.mark.postgres_only
@pytest.mark.parametrize("table", TABLES)
def test_the_app_role_may_only_read_and_append(engine: Engine, signer: KeyringSigner, table: str) -> None:
    append(engine, signer, 1)
    checkpoint(engine, signer)
    with engine.connect() as c:
        granted = c.execute(
            text(
                "SELECT privilege_type FROM information_schema.role_table_grants WHERE grantee = :r AND table_name = :t"
            ),
            {"r": APP_ROLE, "t": table},
        ).scalars()
        assert set(granted) == {"SELECT", "INSERT"}
    column = "reason" if table == "audit_events" else "key_id"
    for statement in (f"UPDATE {table} SET {column} = {column}", f"DELETE FROM {table}", f"TRUNCATE {table}"):
        with engine.connect() as c, pytest.raises(DBAPIError, match="permission denied"):
            c.execute(text(statement))


@pytest.mark.parametrize("table", TABLES)
def test_the_trigger_refuses_changes_from_the_owner_too(
    engine: Engine, admin_engine: Engine, signer: KeyringSigner, table: str
) -> None:
    append(engine, signer, 1)
    checkpoint(engine, signer)  # a row in each table for the row triggers to fire on
    column = "reason" if table == "audit_events" else "key_id"
    statements = [f"UPDATE {table} SET {column} = {column}", f"DELETE FROM {table}"]
    if admin_engine.dialect.name == "postgresql":
        statements.append(f"TRUNCATE {table}")
    for statement in statements:
        with admin_engine.connect() as c, pytest.raises(DBAPIError, match="append-only"):
            c.execute(text(statement))


def _appenders(make_engine_: Callable[[], Engine], signer: KeyringSigner, threads: int, rounds: int) -> list[int]:
    """`threads` threads, each with its own engine, append `rounds` transactions of 1 to 3 events; their sequences."""
    got: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(threads)

    def work(n: int) -> None:
        engine = make_engine_()
        try:
            start.wait()
            for r in range(rounds):
                made = append(engine, signer, 1 + (n + r) % 3)
                with lock:
                    got.extend(e.sequence for e in made)
        except BaseException as error:
            errors.append(error)
        finally:
            engine.dispose()

    workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert not errors, errors
    return got


def test_concurrent_appenders_never_fork_the_chain(store_db: StoreDb, engine: Engine, signer: KeyringSigner) -> None:
    before = size(engine)
    got = _appenders(lambda: make_engine(store_db.url), signer, threads=4, rounds=15)
    assert sorted(got) == list(range(before + 1, before + len(got) + 1))  # no sequence twice, none skipped
    assert size(engine) == before + len(got)
    report = verify(engine, signer)
    assert report.ok, report.failure


@pytest.mark.sqlite_only
def test_concurrent_appenders_on_sqlite_with_deferred_transactions(
    store_db: StoreDb, engine: Engine, signer: KeyringSigner
) -> None:
    """An engine not made by `store.engine` (no BEGIN IMMEDIATE): the repository takes the write lock itself."""
    before = size(engine)
    got = _appenders(lambda: create_engine(store_db.url, connect_args={"timeout": 30}), signer, threads=3, rounds=10)
    assert sorted(got) == list(range(before + 1, before + len(got) + 1))
    assert verify(engine, signer).ok


def test_each_transaction_that_appends_signs_a_checkpoint_from_the_stored_frontier(
    engine: Engine, signer: KeyringSigner
) -> None:
    checkpoint(engine, signer)
    base = size(engine)
    append(engine, signer, 3)
    append(engine, signer, 9)
    append(engine, None, 2)  # no signer: appended unsigned, and the next transaction with one signs them too
    with UnitOfWork(engine, [], audit_signer=signer):
        pass  # appends nothing, signs nothing
    append(engine, signer, 11)
    with UnitOfWork(engine, []) as uow:
        leaves = list(uow.audit.hashes())
        rows = uow.connection.execute(audit_checkpoints.select().where(audit_checkpoints.c.size >= base)).mappings()
        stored = {row["size"]: row for row in rows}
    assert sorted(stored) == [base, base + 3, base + 12, base + 25]
    for n, row in stored.items():
        assert bytes(row["root"]) == root(leaves[:n])
        assert Frontier.restore(n, bytes(row["frontier"])).root() == root(leaves[:n])
    assert verify(engine, signer).ok


def test_the_witness_gets_a_transactions_checkpoint_once_it_committed_and_never_a_rolled_back_one(
    engine: Engine, signer: KeyringSigner, tmp_path: Path
) -> None:
    witness = WitnessFile(tmp_path / "witness.jsonl")
    with pytest.raises(RuntimeError, match="changed my mind"), UnitOfWork(engine, [], audit_signer=signer,
                                                                          audit_witness=witness) as uow:  # fmt: skip
        record(uow, 2)
        raise RuntimeError("changed my mind")
    assert not witness.path.exists()
    with UnitOfWork(engine, [], audit_signer=signer, audit_witness=witness) as uow:
        record(uow, 1, tag="kept")
        nested = uow.connection.begin_nested()
        record(uow, 3, tag="undone")
        uow.audit.checkpoint()  # signed inside the savepoint, and rolled back with it
        nested.rollback()
        record(uow, 1, tag="kept")
    with UnitOfWork(engine, []) as uow:
        latest = uow.audit.latest_checkpoint()
        assert latest is not None and latest.size == uow.audit.size()
    assert witness.path.read_bytes() == checkpoint_line(latest)  # one line: the committed transaction's checkpoint
    assert stat.S_IMODE(witness.path.stat().st_mode) == 0o600
    with UnitOfWork(engine, [], audit_signer=signer, audit_witness=witness):
        pass  # nothing appended: nothing signed, nothing witnessed
    assert len(witness.path.read_bytes().splitlines()) == 1
    report = verify(engine, signer, witness.path)
    assert report.ok and report.witnessed == 1 and report.witness_size == latest.size


def test_a_witness_that_cannot_be_written_leaves_the_work_committed_and_says_so(
    engine: Engine, signer: KeyringSigner, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    witness = WitnessFile(tmp_path / "no such folder" / "witness.jsonl")
    made = append(engine, signer, 2, witness=witness)
    assert size(engine) == made[-1].sequence  # committed
    assert "could not be written to the witness" in caplog.text and str(made[-1].sequence) in caplog.text
    assert verify(engine, signer).ok


def test_a_checkpoint_on_demand_is_made_once(engine: Engine, signer: KeyringSigner) -> None:
    append(engine, None, 2)  # without a signer: not signed yet
    with UnitOfWork(engine, [], audit_signer=signer) as uow:
        made = uow.audit.checkpoint(datetime(2026, 3, 1, 18, 0, tzinfo=timezone(timedelta(hours=8))))
        assert made.size == uow.audit.size() and made.at == datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
        assert uow.audit.checkpoint() == made == uow.audit.latest_checkpoint()
    assert verify(engine, signer).ok
    with UnitOfWork(engine, []) as uow, pytest.raises(RuntimeError, match="signer"):
        uow.audit.checkpoint()
    with UnitOfWork(engine, [], audit_signer=signer) as uow:
        record(uow, 1)
        with pytest.raises(ValueError, match="timezone-aware"):
            uow.audit.checkpoint(datetime(2026, 3, 1, 18, 0))
        with pytest.raises(ValueError, match="timezone-aware"):
            uow.audit.record(
                at=datetime(2026, 3, 1),
                actor="a",
                source="s",
                action="x",
                client=None,
                resource="r",
                data_classes=(),
                outcome="allowed",
                reason="",
                request_id="q",
            )


def test_checkpoints_verify_across_a_keyring_rotation_and_retirement(
    engine: Engine, keyring: Keyring, signer: KeyringSigner
) -> None:
    append(engine, signer, 4)
    checkpoint(engine, signer)
    old = signer.signing_key()
    keyring.rotate()
    new = signer.signing_key()
    assert new.key_id != old.key_id and new.keyring_version == old.keyring_version + 1
    append(engine, signer, 4)
    checkpoint(engine, signer)
    with UnitOfWork(engine, []) as uow:
        stored = {k.key_id: k for k in uow.audit.public_keys()}
        assert stored[old.key_id].keyring_version == old.keyring_version
        assert stored[new.key_id].public_key == new.public_raw
        assert uow.audit.latest_checkpoint().key_id == new.key_id  # type: ignore[union-attr]
    report = verify(engine, signer)
    assert report.ok and report.covered == size(engine)
    keyring.retire(old.keyring_version)  # the old private key is gone; its public key stays in the table
    assert verify(engine, signer).ok


def test_a_key_planted_in_the_table_for_a_held_version_is_not_trusted(
    engine: Engine, admin_engine: Engine, signer: KeyringSigner
) -> None:
    append(engine, None, 2)  # not signed yet: the head has no checkpoint
    intruder = SigningKey(signer.signing_key().keyring_version, Ed25519PrivateKey.generate())
    with UnitOfWork(engine, []) as uow:  # the application role may append a key and a checkpoint signed with it
        head = uow.audit.size()
        forged = intruder.sign(head, root(list(uow.audit.hashes())), datetime.now(UTC))
        uow.connection.execute(
            text("INSERT INTO audit_signing_keys VALUES (:k, :p, :v, :t)"),
            {"k": intruder.key_id, "p": intruder.public_raw, "v": intruder.keyring_version, "t": datetime.now(UTC)},
        )
        uow.connection.execute(
            audit_checkpoints.insert(),
            {
                "size": head,
                "root": forged.root,
                "at": forged.at,
                "signature": forged.signature,
                "key_id": forged.key_id,
                "frontier": b"",
            },
        )
        assert intruder.key_id not in {key_id(k) for k in public_keys_in(uow, signer)}
    try:
        assert first_bad(engine, signer) == (head, Kind.BAD_SIGNATURE)
    finally:
        with unguarded(admin_engine, "audit_checkpoints"), admin_engine.begin() as c:
            c.execute(text("DELETE FROM audit_checkpoints WHERE size = :n"), {"n": head})
        with unguarded(admin_engine, "audit_signing_keys"), admin_engine.begin() as c:
            c.execute(text("DELETE FROM audit_signing_keys WHERE key_id = :k"), {"k": intruder.key_id})
    assert verify(engine, signer).ok
