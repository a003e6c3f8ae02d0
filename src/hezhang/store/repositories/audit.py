"""The audit trail in the store: append events to the hash chain, sign checkpoints, read the trail back.

    uow.audit.record(at=None, actor=..., source=..., action=..., client=..., resource=..., data_classes=(...),
                     outcome="allowed", reason="", request_id=...)

An event is appended inside the caller's transaction, so it commits or rolls back with the work it records.
Appends never fork the chain: before reading the head, a transaction takes the trail's lock and keeps it until it
ends (PostgreSQL: `pg_advisory_xact_lock`, since the application role may not LOCK TABLE in strong modes;
SQLite: the database write lock, which `store.engine` already takes with BEGIN IMMEDIATE and which a no-op write
takes here in any case). When `every` events have gone unsigned since the latest checkpoint, a checkpoint is
signed in the same transaction (so at sizes every, 2 * every... unless checkpoints were made on demand between),
from the previous checkpoint's Merkle frontier plus the events after it. Without a signer, events are appended
and the next unit of work that has one signs them. Nothing here updates or deletes a row (the database
refuses it, see migration 0004).

One repository serves one transaction (the unit of work makes a new one each time). The lock keeps appends in
line under PostgreSQL's default READ COMMITTED: the head is read after the lock, so it is the latest committed one
(under REPEATABLE READ it could be older, and the primary key on `sequence` would refuse the append, not fork).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any
from uuid import UUID
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Dialect, RowMapping, Transaction, func, select, text

from hezhang.audit.checkpoint import Checkpoint
from hezhang.audit.event import GENESIS, AuditEvent, checked_classes, checked_outcome, encode_event, format_time
from hezhang.audit.signer import CheckpointSigner
from hezhang.audit.verify import EVENT_HEAD, HASH_MID, LINE_TAIL, Frontier, encode, event_hash
from hezhang.store.tables.audit import audit_checkpoints, audit_events, audit_signing_keys

__all__ = ["AUDIT_LOCK", "DEFAULT_EVERY", "AuditRepository", "StoredSigningKey"]

#: The PostgreSQL advisory lock that serializes appends ("hezhang" + 0x01 as a big-endian 64-bit integer).
AUDIT_LOCK = 0x68657A68616E6701
#: Events between two periodic checkpoints (the `HEZHANG_AUDIT_CHECKPOINT_EVERY` setting).
DEFAULT_EVERY = 1000
_CHUNK = 10_000
_SQLITE_TAKE_WRITE_LOCK = text("INSERT INTO audit_events SELECT * FROM audit_events WHERE 0 = 1")
_PG_TAKE_LOCK = text(f"SELECT pg_advisory_xact_lock({AUDIT_LOCK})")
_HEAD = select(audit_events.c.sequence, audit_events.c.hash).order_by(audit_events.c.sequence.desc()).limit(1)
_INSERT_EVENT = audit_events.insert()
_SIGNED_SIZE = select(func.coalesce(func.max(audit_checkpoints.c.size), 0))


@dataclass(frozen=True, slots=True)
class StoredSigningKey:
    """A public key that signed checkpoints, and the keyring version its private half was derived from."""

    key_id: str
    public_key: bytes
    keyring_version: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class _DriverInsert:
    """The event INSERT compiled once for a dialect and run on the driver's cursor.

    SQLAlchemy's per-statement work (compiling from cache, the execution context, the result) costs about twice
    what the database does for a one-row insert; appending is the trail's hot path, so the statement SQLAlchemy
    compiled is sent straight to the driver. Values are converted by the dialect's own bind processors: the
    client id once per client (`client`), the time per event (`at`, given the time and its `format_time` text; on
    SQLite the column's text is cut from the latter, checked when built to be the processor's text).
    """

    sql: str
    parameters: Callable[[dict[str, Any]], Any]  # the row as the paramstyle wants it: a tuple in order, or the dict
    at: Callable[[datetime, str], Any]
    client: Callable[[UUID], Any]
    others: tuple[tuple[str, Callable[[Any], Any]], ...]  # the other columns' processors (bytes on SQLite)

    @classmethod
    def of(cls, dialect: Dialect) -> _DriverInsert:
        made = _DRIVER_INSERTS.get(dialect)
        if made is None:
            compiled = _INSERT_EVENT.compile(dialect=dialect)
            processors = {c.name: p for c in audit_events.columns
                          if (p := c.type.dialect_impl(dialect).bind_processor(dialect)) is not None}  # fmt: skip
            positions = compiled.positiontup or []
            parameters = itemgetter(*positions) if len(positions) > 1 else _as_is
            at, client = processors.pop("at", None), processors.pop("client_id", _as_is)
            made = _DRIVER_INSERTS[dialect] = cls(compiled.string, parameters, _time_processor(at), client,
                                                  tuple(processors.items()))  # fmt: skip
        return made

    def send(self, cursor: Any, row: dict[str, Any]) -> None:
        """Insert `row` whose time and client id are already the driver's values (the rest converted in place)."""
        for name, process in self.others:
            row[name] = process(row[name])
        cursor.execute(self.sql, self.parameters(row))


def _as_is(value: Any) -> Any:
    return value


def _sqlite_time(_: datetime, text: str) -> str:
    """SQLite's DATETIME text ("2026-12-07 03:04:05.060708") from the event's ("2026-12-07T03:04:05.060708Z")."""
    return f"{text[:10]} {text[11:26]}"


def _time_processor(process: Callable[[Any], Any] | None) -> Callable[[datetime, str], Any]:
    """The dialect's conversion of an event time (in UTC), or a faster one that gives the same value."""
    if process is None:
        return lambda at, _: at
    samples = (datetime(2026, 12, 7, 3, 4, 5, 60708, tzinfo=UTC), datetime(1, 1, 1, tzinfo=UTC),
               datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC))  # fmt: skip
    if all(_sqlite_time(at, format_time(at)) == process(at) for at in samples):
        return _sqlite_time
    return lambda at, _: process(at)


_DRIVER_INSERTS: WeakKeyDictionary[Dialect, _DriverInsert] = WeakKeyDictionary()


@dataclass(frozen=True, slots=True)
class _Head:
    sequence: int
    hash: bytes


def _aware(at: datetime) -> datetime:
    format_time(at)  # refuses a time without a zone
    return at


def _utc(at: datetime) -> datetime:
    """SQLite gives back the UTC wall time without a zone; PostgreSQL an aware time in the session's zone."""
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def _classes(text_value: str) -> list[str]:
    return text_value.split(",") if text_value else []


class AuditRepository:
    def __init__(
        self, connection: Connection, signer: CheckpointSigner | None = None, every: int = DEFAULT_EVERY
    ) -> None:
        if every < 0:
            raise ValueError(f"checkpoint interval must be >= 0 (0: on demand only), got {every}")
        self.connection = connection
        self.signer = signer
        self.every = every
        # The head as of the last append, valid while the transaction (and savepoint) it was read in is current.
        self._context: tuple[Transaction, Transaction | None] | None = None
        self._last: _Head | None = None
        self._signed_size = 0  # the latest checkpoint's size, read with the head
        self._cursor: Any = None  # the driver's cursor the events are inserted with
        self._insert = _DriverInsert.of(connection.dialect)
        self._known_keys: set[str] = set()
        # a client id as given -> its canonical text and the driver's value for it (once per unit of work)
        self._client_ids: dict[str, tuple[str, Any]] = {}

    # -- appending ------------------------------------------------------------------------------------------

    def _client_id(self, given: str) -> tuple[str, Any]:
        parsed = UUID(given)
        found = self._client_ids[given] = (str(parsed), self._insert.client(parsed))
        return found

    def record(
        self,
        *,
        at: datetime | None,
        actor: str,
        source: str,
        action: str,
        client: str | None,
        resource: str,
        data_classes: tuple[str, ...],
        outcome: str,
        reason: str,
        request_id: str,
    ) -> int:
        """Append the next event of the chain (at=None: now, UTC) and return its sequence number; every `every`
        events sign a checkpoint too.

        `at` must carry a time zone (the event holds it in UTC); `client` is a client id (any spelling of a UUID;
        the event holds its canonical form) or None. The event is the one `hezhang.audit.chain.append` makes, built
        here from its fields (no `AuditEvent` object: this is the trail's hot path; `head()` reads it back).
        """
        at = datetime.now(UTC) if at is None else at if at.tzinfo is UTC else _aware(at).astimezone(UTC)
        stamp = format_time(at)
        classes = checked_classes(data_classes)
        checked_outcome(outcome)
        client_text, client_value = (
            (None, None) if client is None else self._client_ids.get(client) or self._client_id(client)
        )
        head = self._locked_head()
        sequence, prev_hash = (1, GENESIS) if head is None else (head.sequence + 1, head.hash)
        digest = event_hash(encode_event(sequence, stamp, actor, source, action, client_text, resource, classes,
                                         outcome, reason, request_id, prev_hash), prev_hash)  # fmt: skip
        send = self._insert
        row = {"sequence": sequence, "at": send.at(at, stamp), "actor": actor, "source": source, "action": action,
               "client_id": client_value, "resource": resource, "data_classes": ",".join(classes),
               "outcome": outcome, "reason": reason, "request_id": request_id, "prev_hash": prev_hash,
               "hash": digest}  # fmt: skip
        if self._cursor is None:
            self._cursor = self.connection.connection.cursor()
        send.send(self._cursor, row)
        self._last = _Head(sequence, digest)
        if self.every and self.signer is not None and sequence - self._signed_size >= self.every:
            self._sign(sequence, at)
        return sequence

    def checkpoint(self, at: datetime | None = None) -> Checkpoint:
        """Sign the trail as it stands (a no-op returning the latest checkpoint when it already covers it all)."""
        if self.signer is None:
            raise RuntimeError("this unit of work has no audit signer")
        head, latest = self._locked_head(), self.latest_checkpoint()
        size = 0 if head is None else head.sequence
        if latest is not None and latest.size == size:
            return latest
        return self._sign(size, datetime.now(UTC) if at is None else at)

    def _locked_head(self) -> _Head | None:
        """The head of the chain, read under the trail's lock, which this transaction then holds to its end.

        Read once per transaction (and again after entering or leaving a savepoint: a rolled-back savepoint takes
        its events, and on PostgreSQL the lock taken inside it, away with it); later appends follow on from the
        last one, since no one else can append while the lock is held.
        """
        connection = self.connection
        transaction = connection.get_transaction()
        if transaction is None:
            raise RuntimeError("audit events are appended inside a transaction")
        context = (transaction, connection.get_nested_transaction())
        if self._context is not None and self._context[0] is context[0] and self._context[1] is context[1]:
            return self._last
        if connection.dialect.name == "postgresql":
            connection.execute(_PG_TAKE_LOCK)
        else:
            # A write statement takes SQLite's write lock (waiting up to the busy timeout) and keeps it to the end
            # of the transaction; it changes nothing. Under BEGIN IMMEDIATE (`store.engine`) it is already held.
            connection.execute(_SQLITE_TAKE_WRITE_LOCK)
        row = connection.execute(_HEAD).first()
        self._context, self._last = context, None if row is None else _Head(row[0], bytes(row[1]))
        self._signed_size = connection.execute(_SIGNED_SIZE).scalar_one()
        return self._last

    def _sign(self, size: int, at: datetime) -> Checkpoint:
        """Sign the first `size` events: the latest checkpoint's frontier plus the events after it."""
        assert self.signer is not None
        format_time(at)  # refuses a time without a zone
        at = at.astimezone(UTC)  # SQLite keeps the wall time only: the time signed is the time read back
        frontier = self._frontier_before(size)
        leaves = list(self.hashes(after=frontier.size, until=size))
        if len(leaves) != size - frontier.size or any(len(leaf) != 32 for leaf in leaves):
            first = frontier.size + 1
            raise RuntimeError(
                f"审计记录第 {first}–{size} 条有缺失或损坏的哈希，未签名；请运行 hezhang audit verify / "
                f"the audit trail has a missing or damaged hash among events {first} to {size}: not signed; "
                "run `hezhang audit verify`"
            )
        frontier.extend(b"".join(leaves))
        key = self.signer.signing_key()
        made = key.sign(size, frontier.root(), at)
        if key.key_id not in self._known_keys:
            known = self.connection.execute(
                select(audit_signing_keys.c.key_id).where(audit_signing_keys.c.key_id == key.key_id)
            ).first()
            if known is None:
                self.connection.execute(audit_signing_keys.insert(), {"key_id": key.key_id,
                                        "public_key": key.public_raw, "keyring_version": key.keyring_version,
                                        "created_at": datetime.now(UTC)})  # fmt: skip
            self._known_keys.add(key.key_id)
        self.connection.execute(audit_checkpoints.insert(), {"size": size, "root": made.root, "at": made.at,
                                "signature": made.signature, "key_id": made.key_id,
                                "frontier": frontier.nodes()})  # fmt: skip
        self._signed_size = max(self._signed_size, size)
        return made

    def _frontier_before(self, size: int) -> Frontier:
        """The frontier of the latest checkpoint at or below `size` whose stored frontier matches its root."""
        row = self.connection.execute(
            select(audit_checkpoints.c.size, audit_checkpoints.c.root, audit_checkpoints.c.frontier)
            .where(audit_checkpoints.c.size <= size)
            .order_by(audit_checkpoints.c.size.desc())
            .limit(1)
        ).first()
        if row is None:
            return Frontier()
        try:
            frontier = Frontier.restore(row[0], bytes(row[2]))
        except ValueError:
            return Frontier()
        # A frontier that does not give its own checkpoint's root is not used: start again from the first event.
        return frontier if frontier.root() == bytes(row[1]) else Frontier()

    # -- reading --------------------------------------------------------------------------------------------

    def head(self) -> AuditEvent | None:
        """The last event, or None for an empty trail."""
        row = self.connection.execute(
            select(audit_events).order_by(audit_events.c.sequence.desc()).limit(1)
        ).mappings().first()  # fmt: skip
        return None if row is None else _event(row)

    def size(self) -> int:
        return int(self.connection.execute(select(func.coalesce(func.max(audit_events.c.sequence), 0))).scalar_one())

    def events(self, after: int = 0, until: int | None = None, chunk: int = _CHUNK) -> Iterator[AuditEvent]:
        """Events after sequence `after` up to `until` (default: all), in sequence order, read `chunk` at a time."""
        for row in self._rows(after, until, chunk):
            yield _event(row)

    def client_events(self, client_id: UUID, until: int | None = None, chunk: int = _CHUNK) -> Iterator[AuditEvent]:
        """The events about one client, in sequence order, up to `until` (default: all)."""
        for row in self._rows(0, until, chunk, audit_events.c.client_id == client_id):
            yield _event(row)

    def hashes(self, after: int = 0, until: int | None = None, chunk: int = _CHUNK) -> Iterator[bytes]:
        """The events' hashes (the Merkle tree's leaves) in sequence order."""
        last = after
        while True:
            query = select(audit_events.c.sequence, audit_events.c.hash).where(audit_events.c.sequence > last)
            if until is not None:
                query = query.where(audit_events.c.sequence <= until)
            rows = self.connection.execute(query.order_by(audit_events.c.sequence).limit(chunk)).all()
            for row in rows:
                yield bytes(row[1])
            if len(rows) < chunk:
                return
            last = rows[-1][0]

    def event_lines(self, chunk: int = _CHUNK) -> Iterator[bytes]:
        """Every event as a line of the verifier's export format, built from the row as stored.

        No field is checked or normalized on the way: a row changed in the database shows in the export exactly as
        it is, for the verifier to name (reading it as an `AuditEvent` could refuse it before anyone checks it).
        """
        for row in self._rows(0, None, chunk):
            client = row["client_id"]
            canonical = encode({"action": row["action"], "actor": row["actor"], "at": format_time(_utc(row["at"])),
                                "client": None if client is None else str(client),
                                "data_classes": _classes(row["data_classes"]), "outcome": row["outcome"],
                                "prev_hash": bytes(row["prev_hash"]).hex(), "reason": row["reason"],
                                "request_id": row["request_id"], "resource": row["resource"],
                                "sequence": row["sequence"], "source": row["source"]})  # fmt: skip
            yield b"".join((EVENT_HEAD, canonical, HASH_MID, bytes(row["hash"]).hex().encode(), LINE_TAIL, b"\n"))

    def _rows(self, after: int, until: int | None, chunk: int, *where: Any) -> Iterator[RowMapping]:
        last = after
        while True:
            query = select(audit_events).where(audit_events.c.sequence > last, *where)
            if until is not None:
                query = query.where(audit_events.c.sequence <= until)
            rows = self.connection.execute(query.order_by(audit_events.c.sequence).limit(chunk)).mappings().all()
            yield from rows
            if len(rows) < chunk:
                return
            last = rows[-1]["sequence"]

    def latest_checkpoint(self) -> Checkpoint | None:
        row = self.connection.execute(
            select(audit_checkpoints).order_by(audit_checkpoints.c.size.desc()).limit(1)
        ).mappings().first()  # fmt: skip
        return None if row is None else _checkpoint(row)

    def checkpoints(self) -> list[Checkpoint]:
        """Every checkpoint, by size."""
        rows = self.connection.execute(select(audit_checkpoints).order_by(audit_checkpoints.c.size)).mappings()
        return [_checkpoint(row) for row in rows]

    def public_keys(self) -> list[StoredSigningKey]:
        """Every key that signed a checkpoint, oldest keyring version first."""
        rows = self.connection.execute(
            select(audit_signing_keys).order_by(audit_signing_keys.c.keyring_version, audit_signing_keys.c.created_at)
        ).mappings()
        return [StoredSigningKey(r["key_id"], bytes(r["public_key"]), r["keyring_version"], _utc(r["created_at"]))
                for r in rows]  # fmt: skip


def _event(row: RowMapping) -> AuditEvent:
    client = row["client_id"]
    return AuditEvent(row["sequence"], _utc(row["at"]), row["actor"], row["source"], row["action"],
                      None if client is None else str(client), row["resource"], tuple(_classes(row["data_classes"])),
                      row["outcome"], row["reason"], row["request_id"], bytes(row["prev_hash"]),
                      bytes(row["hash"]))  # fmt: skip


def _checkpoint(row: RowMapping) -> Checkpoint:
    return Checkpoint(row["size"], bytes(row["root"]), _utc(row["at"]), bytes(row["signature"]), row["key_id"])
