"""The audit trail in the store: append events to the hash chain, sign checkpoints, read the trail back.

    uow.audit.record(at=None, actor=..., source=..., action=..., client=..., resource=..., data_classes=(...),
                     outcome="allowed", reason="", request_id=...)

An event is appended inside the caller's transaction, so it commits or rolls back with the work it records.
Appends never fork the chain: before reading the head, a transaction takes the trail's lock and keeps it until it
ends (PostgreSQL: `pg_advisory_xact_lock`, since the application role may not LOCK TABLE in strong modes;
SQLite: the database write lock, which `store.engine` already takes with BEGIN IMMEDIATE and which a no-op write
takes here in any case). Just before the transaction commits, the unit of work calls `seal`: the events it appended
are covered by a checkpoint signed in the same transaction, made from the latest checkpoint's Merkle frontier (read
with the head) and the new events' hashes (kept as they are appended), so it costs one signature and one row
whatever the trail's length. `committed_checkpoint` is then the checkpoint for the witness file, once the commit
succeeded. Without a signer, events are appended and the next unit of work that has one signs them. Nothing here
updates or deletes a row (the database refuses it, see migration 0004).

One repository serves one transaction (the unit of work makes a new one each time). The lock keeps appends in
line under PostgreSQL's default READ COMMITTED: the head is read after the lock, so it is the latest committed one
(under REPEATABLE READ it could be older, and the primary key on `sequence` would refuse the append, not fork).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from operator import itemgetter
from typing import Any
from uuid import UUID
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Dialect, RowMapping, Table, Transaction, bindparam, func, select, text

from hezhang.audit.checkpoint import Checkpoint
from hezhang.audit.event import GENESIS, AuditEvent, checked_classes, checked_outcome, encode_event, format_time
from hezhang.audit.signer import CheckpointSigner
from hezhang.audit.verify import EVENT_HEAD, HASH_MID, LINE_TAIL, Frontier, encode, event_hash
from hezhang.audit.witness import checkpoint_line
from hezhang.store.tables.audit import audit_checkpoints, audit_events, audit_signing_keys

__all__ = ["AUDIT_LOCK", "AuditRepository", "StoredSigningKey"]

#: The PostgreSQL advisory lock that serializes appends ("hezhang" + 0x01 as a big-endian 64-bit integer).
AUDIT_LOCK = 0x68657A68616E6701
_CHUNK = 10_000
_SQLITE_TAKE_WRITE_LOCK = text("INSERT INTO audit_events SELECT * FROM audit_events WHERE 0 = 1")
_PG_TAKE_LOCK = text(f"SELECT pg_advisory_xact_lock({AUDIT_LOCK})")


def _last(column: Any, key: Any) -> Any:
    return select(column).order_by(key.desc()).limit(1).scalar_subquery()


_HEAD_SEQUENCE = _last(audit_events.c.sequence, audit_events.c.sequence)
#: In one round trip: the head (sequence, hash); the latest checkpoint at or below it (size, root, frontier: a row
#: beyond the head, which no transaction of hezhang writes, is not built on); whether the signing key `kid` has its
#: row in `audit_signing_keys`.
_HEAD_AND_TIP = select(
    _HEAD_SEQUENCE,
    _last(audit_events.c.hash, audit_events.c.sequence),
    *(
        select(column)
        .where(audit_checkpoints.c.size <= _HEAD_SEQUENCE)
        .order_by(audit_checkpoints.c.size.desc())
        .limit(1)
        .scalar_subquery()
        for column in (audit_checkpoints.c.size, audit_checkpoints.c.root, audit_checkpoints.c.frontier)
    ),
    select(audit_signing_keys.c.key_id).where(audit_signing_keys.c.key_id == bindparam("kid")).scalar_subquery(),
)


@dataclass(frozen=True, slots=True)
class StoredSigningKey:
    """A public key that signed checkpoints, and the keyring version its private half was derived from."""

    key_id: str
    public_key: bytes
    keyring_version: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class _DriverInsert:
    """An INSERT into one of the trail's tables compiled once for a dialect and run on the driver's cursor.

    SQLAlchemy's per-statement work (compiling from cache, the execution context, the result) costs about twice
    what the database does for a one-row insert; appending is the trail's hot path (an event each, a checkpoint
    each transaction), so the statement SQLAlchemy compiled is sent straight to the driver. Values are converted by
    the dialect's own bind processors: the client id once per client (`client`), the time per row (`at`, given the
    time and its `format_time` text; on SQLite the column's text is cut from the latter, checked when built to be
    the processor's text).
    """

    sql: str
    parameters: Callable[[dict[str, Any]], Any]  # the row as the paramstyle wants it: a tuple in order, or the dict
    at: Callable[[datetime, str], Any]
    client: Callable[[UUID], Any]
    others: tuple[tuple[str, Callable[[Any], Any]], ...]  # the other columns' processors (bytes on SQLite)

    @classmethod
    def of(cls, dialect: Dialect, table: Table = audit_events) -> _DriverInsert:
        made = _DRIVER_INSERTS.setdefault(dialect, {}).get(table.name)
        if made is None:
            compiled = table.insert().compile(dialect=dialect)
            processors = {c.name: p for c in table.columns
                          if (p := c.type.dialect_impl(dialect).bind_processor(dialect)) is not None}  # fmt: skip
            positions = compiled.positiontup or []
            parameters = itemgetter(*positions) if len(positions) > 1 else _as_is
            at, client = processors.pop("at", None), processors.pop("client_id", _as_is)
            made = _DRIVER_INSERTS[dialect][table.name] = cls(compiled.string, parameters, _time_processor(at),
                                                              client, tuple(processors.items()))  # fmt: skip
        return made

    def send(self, cursor: Any, row: dict[str, Any]) -> None:
        """Insert `row` whose time and client id are already the driver's values (the rest converted in place)."""
        for name, process in self.others:
            row[name] = process(row[name])
        cursor.execute(self.sql, self.parameters(row))


@dataclass(frozen=True, slots=True)
class _DriverRead:
    """`_HEAD_AND_TIP` and the statement that takes the trail's lock, compiled once for a dialect and run on the
    driver's cursor (once a transaction, like the INSERTs: see `_DriverInsert`)."""

    lock: str
    sql: str
    parameters: Callable[[str], Any]  # the signing key id as the paramstyle wants it

    @classmethod
    def of(cls, dialect: Dialect) -> _DriverRead:
        made = _DRIVER_READS.get(dialect)
        if made is None:
            lock = _PG_TAKE_LOCK if dialect.name == "postgresql" else _SQLITE_TAKE_WRITE_LOCK
            compiled = _HEAD_AND_TIP.compile(dialect=dialect)
            fixed, names = compiled.construct_params({"kid": ""}), compiled.positiontup  # the LIMITs are bound too
            made = _DRIVER_READS[dialect] = cls(str(lock.compile(dialect=dialect)), compiled.string,
                                                partial(_with_kid, fixed, names))  # fmt: skip
        return made


def _with_kid(fixed: Mapping[str, Any], names: Sequence[str] | None, kid: str) -> Any:
    """The parameters of `_HEAD_AND_TIP` with the signing key id `kid`: a tuple in order, or a dict by name."""
    return {**fixed, "kid": kid} if names is None else tuple(kid if n == "kid" else fixed[n] for n in names)


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


_DRIVER_INSERTS: WeakKeyDictionary[Dialect, dict[str, _DriverInsert]] = WeakKeyDictionary()
_DRIVER_READS: WeakKeyDictionary[Dialect, _DriverRead] = WeakKeyDictionary()


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


@dataclass(frozen=True, slots=True)
class _Tip:
    """The latest checkpoint at or below the head: its size, root and stored frontier."""

    size: int
    root: bytes
    frontier: bytes


class AuditRepository:
    def __init__(self, connection: Connection, signer: CheckpointSigner | None = None) -> None:
        self.connection = connection
        self.signer = signer
        # The head as of the last append, valid while the transaction (and savepoint) it was read in is current.
        self._context: tuple[Transaction, Transaction | None] | None = None
        self._last: _Head | None = None
        self._tip: _Tip | None = None  # the latest checkpoint, read with the head (and the one signed since)
        self._stored_keys: set[str] = set()  # signing keys known to have their row (read with the head)
        # The hashes of the events appended since the head was read, the first of them event `_leaves_from`.
        self._leaves = bytearray()
        self._leaves_from = 1
        self._made: Checkpoint | None = None  # the latest checkpoint this transaction signed
        self._cursor: Any = None  # the driver's cursor the events are inserted with
        self._insert = _DriverInsert.of(connection.dialect)
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
        """Append the next event of the chain (at=None: now, UTC) and return its sequence number.

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
        send.send(self._driver_cursor(), row)
        self._last = _Head(sequence, digest)
        self._leaves += digest
        return sequence

    def _driver_cursor(self) -> Any:
        if self._cursor is None:
            self._cursor = self.connection.connection.cursor()
        return self._cursor

    def seal(self, at: datetime | None = None) -> Checkpoint | None:
        """Sign the events this transaction appended (just before it commits; the unit of work calls it).

        Returns the latest checkpoint this transaction made, None when it made none (it appended nothing, or has
        no signer: the next unit of work with one signs its events).
        """
        if self._context is None or self.signer is None:
            return None
        head = self._locked_head()  # read again when a savepoint ended since
        size = 0 if head is None else head.sequence
        if size > (0 if self._tip is None else self._tip.size):
            self._sign(size, datetime.now(UTC) if at is None else at)
        return self._made

    @property
    def made(self) -> Checkpoint | None:
        """The latest checkpoint this transaction signed (once it committed: the one for the witness)."""
        return self._made

    def checkpoint(self, at: datetime | None = None) -> Checkpoint:
        """Sign the trail as it stands (a no-op returning the latest checkpoint when it already covers it all)."""
        if self.signer is None:
            raise RuntimeError("this unit of work has no audit signer")
        head = self._locked_head()
        size = 0 if head is None else head.sequence
        if self._tip is not None and self._tip.size == size:
            row = self.connection.execute(audit_checkpoints.select().where(audit_checkpoints.c.size == size))
            return _checkpoint(row.mappings().one())
        return self._sign(size, datetime.now(UTC) if at is None else at)

    def _locked_head(self) -> _Head | None:
        """The head of the chain, read under the trail's lock, which this transaction then holds to its end.

        Read once per transaction (and again after entering or leaving a savepoint: a rolled-back savepoint takes
        its events and checkpoints, and on PostgreSQL the lock taken inside it, away with it), with the latest
        checkpoint at or below it; later appends follow on from the last one, since no one else can append while
        the lock is held.
        """
        connection = self.connection
        transaction = connection.get_transaction()
        if transaction is None:
            raise RuntimeError("audit events are appended inside a transaction")
        context = (transaction, connection.get_nested_transaction())
        if self._context is not None and self._context[0] is context[0] and self._context[1] is context[1]:
            return self._last
        # PostgreSQL: the advisory lock. SQLite: a write statement takes the write lock (waiting up to the busy
        # timeout) and keeps it to the end of the transaction; it changes nothing. Under BEGIN IMMEDIATE
        # (`store.engine`) it is already held.
        read, cursor = _DriverRead.of(connection.dialect), self._driver_cursor()
        cursor.execute(read.lock)
        kid = "" if self.signer is None else self.signer.signing_key().key_id
        cursor.execute(read.sql, read.parameters(kid))
        row = cursor.fetchone()
        self._context, self._last = context, None if row[0] is None else _Head(row[0], bytes(row[1]))
        self._tip = None if row[2] is None else _Tip(row[2], bytes(row[3]), bytes(row[4]))
        self._stored_keys = {kid} if row[5] is not None else set()
        self._leaves, self._leaves_from = bytearray(), 1 if self._last is None else self._last.sequence + 1
        made = self._made  # gone with a rolled-back savepoint unless it is still the latest checkpoint
        if made is not None and (self._tip is None or (self._tip.size, self._tip.root) != (made.size, made.root)):
            self._made = None
        return self._last

    def _sign(self, size: int, at: datetime) -> Checkpoint:
        """Sign the first `size` events: the latest checkpoint's frontier plus the events after it."""
        assert self.signer is not None
        format_time(at)  # refuses a time without a zone
        at = at.astimezone(UTC)  # SQLite keeps the wall time only: the time signed is the time read back
        frontier = self._frontier_to(size)
        key = self.signer.signing_key()
        made = key.sign(size, frontier.root(), at)
        if key.key_id not in self._stored_keys:
            known = self.connection.execute(
                select(audit_signing_keys.c.key_id).where(audit_signing_keys.c.key_id == key.key_id)
            ).first()
            if known is None:
                self.connection.execute(audit_signing_keys.insert(), {"key_id": key.key_id,
                                        "public_key": key.public_raw, "keyring_version": key.keyring_version,
                                        "created_at": datetime.now(UTC)})  # fmt: skip
            self._stored_keys.add(key.key_id)
        nodes, send = frontier.nodes(), _DriverInsert.of(self.connection.dialect, audit_checkpoints)
        row = {"size": size, "root": made.root, "at": send.at(at, format_time(at)), "signature": made.signature,
               "key_id": made.key_id, "frontier": nodes}  # fmt: skip
        send.send(self._driver_cursor(), row)
        self._tip, self._made = _Tip(size, made.root, nodes), made
        if size >= self._leaves_from:  # the hashes up to `size` are in the frontier now
            del self._leaves[: 32 * (size - self._leaves_from + 1)]
            self._leaves_from = size + 1
        return made

    def _frontier_to(self, size: int) -> Frontier:
        """The Merkle frontier of the first `size` events: the latest checkpoint's (or, when that one is unusable,
        the latest good one's), grown with the hashes appended since (from memory) and any before them (read)."""
        tip, frontier = self._tip, None
        if tip is not None and tip.size <= size:
            try:
                frontier = Frontier.restore(tip.size, tip.frontier)
            except ValueError:
                frontier = None
            if frontier is not None and frontier.root() != tip.root:
                frontier = None
        if frontier is None:
            frontier = self._frontier_before(size)
        in_memory = self._leaves_from - 1 + len(self._leaves) // 32  # the last event whose hash is kept
        read_until = size if size > in_memory else min(size, self._leaves_from - 1)
        if frontier.size < read_until:
            first = frontier.size + 1
            leaves = list(self.hashes(after=frontier.size, until=read_until))
            if len(leaves) != read_until - frontier.size or any(len(leaf) != 32 for leaf in leaves):
                raise RuntimeError(
                    f"审计记录第 {first}–{read_until} 条有缺失或损坏的哈希，未签名；请运行 hezhang audit verify / "
                    f"the audit trail has a missing or damaged hash among events {first} to {read_until}: not "
                    "signed; run `hezhang audit verify`"
                )
            frontier.extend(b"".join(leaves))
        if frontier.size < size:
            start = 32 * (frontier.size + 1 - self._leaves_from)
            frontier.extend(bytes(self._leaves[start : 32 * (size + 1 - self._leaves_from)]))
        assert frontier.size == size
        return frontier

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

    def checkpoint_lines(self, until: int | None = None, chunk: int = _CHUNK) -> Iterator[bytes]:
        """Every checkpoint (up to size `until`) as a line of the export and the witness, by size, `chunk` at a
        time (a busy trail has one a transaction)."""
        last = -1
        while True:
            query = select(audit_checkpoints).where(audit_checkpoints.c.size > last)
            if until is not None:
                query = query.where(audit_checkpoints.c.size <= until)
            rows = self.connection.execute(query.order_by(audit_checkpoints.c.size).limit(chunk)).mappings().all()
            for row in rows:
                yield checkpoint_line(_checkpoint(row))
            if len(rows) < chunk:
                return
            last = rows[-1]["size"]

    def signed_size(self) -> int:
        """The size of the largest checkpoint (0: none)."""
        found = self.connection.execute(select(func.coalesce(func.max(audit_checkpoints.c.size), 0))).scalar_one()
        return int(found)

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
