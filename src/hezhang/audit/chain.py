"""The hash chain: each new event takes the next sequence number and the previous event's hash.

`append` is the pure step; `AuditLog` is an in-memory log (tests, benchmarks, and the model the database-backed
log follows): it keeps a Merkle frontier so the current root costs O(log n), and signs a checkpoint every
`checkpoint_every` events and on demand (the store signs one with every transaction that appends events instead).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Protocol

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hezhang.audit.checkpoint import Checkpoint, sign_checkpoint
from hezhang.audit.event import GENESIS, AuditEvent, canonical, event_hash
from hezhang.audit.merkle import Frontier, consistency_proof, inclusion_proof, root

__all__ = ["AuditLog", "Link", "append"]


class Link(Protocol):
    """What the next event needs of the one before it (an `AuditEvent`, or the head read from a store)."""

    @property
    def sequence(self) -> int: ...

    @property
    def hash(self) -> bytes: ...


def append(
    prev: Link | None,
    *,
    at: datetime,
    actor: str,
    source: str,
    action: str,
    client: str | None,
    resource: str,
    data_classes: Iterable[str],
    outcome: str,
    reason: str,
    request_id: str,
) -> AuditEvent:
    """The event that follows `prev` (None: the first event of a log), sealed with its hash."""
    sequence, prev_hash = (1, GENESIS) if prev is None else (prev.sequence + 1, prev.hash)
    event = AuditEvent(sequence, at, actor, source, action, client, resource, tuple(data_classes), outcome, reason,
                       request_id, prev_hash, GENESIS)  # fmt: skip
    # Sealing: the hash is set once, here, on the object this function has just made and nobody else has seen.
    object.__setattr__(event, "hash", event_hash(canonical(event), prev_hash))
    return event


def _utc_now() -> datetime:
    return datetime.now(UTC)


class AuditLog:
    """An append-only log in memory, with signed checkpoints every `checkpoint_every` events (0: on demand only)."""

    def __init__(
        self,
        key: Ed25519PrivateKey | None = None,
        checkpoint_every: int = 0,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        if checkpoint_every and key is None:
            raise ValueError("periodic checkpoints need a signing key")
        self.events: list[AuditEvent] = []
        self.checkpoints: list[Checkpoint] = []
        self._key, self._every, self._clock = key, checkpoint_every, clock
        self._frontier = Frontier()

    def __len__(self) -> int:
        return len(self.events)

    def record(
        self,
        *,
        actor: str,
        source: str,
        action: str,
        client: str | None,
        resource: str,
        data_classes: Iterable[str],
        outcome: str,
        reason: str,
        request_id: str,
        at: datetime | None = None,
    ) -> AuditEvent:
        event = append(self.events[-1] if self.events else None, at=at or self._clock(), actor=actor, source=source,
                       action=action, client=client, resource=resource, data_classes=data_classes, outcome=outcome,
                       reason=reason, request_id=request_id)  # fmt: skip
        self.events.append(event)
        self._frontier.push(event.hash)
        if self._every and event.sequence % self._every == 0:
            self.checkpoint(event.at)
        return event

    def checkpoint(self, at: datetime | None = None) -> Checkpoint:
        """Sign the log as it stands now."""
        if self._key is None:
            raise ValueError("this log has no signing key")
        made = sign_checkpoint(len(self.events), self._frontier.root(), at or self._clock(), self._key)
        self.checkpoints.append(made)
        return made

    def hashes(self, size: int | None = None) -> list[bytes]:
        return [event.hash for event in self.events[:size]]

    def root(self, size: int | None = None) -> bytes:
        return self._frontier.root() if size is None or size == len(self.events) else root(self.hashes(size))

    def inclusion_proof(self, sequence: int, size: int | None = None) -> list[bytes]:
        """Proof that event `sequence` is in the log of `size` events (default: all)."""
        return inclusion_proof(sequence - 1, self.hashes(size))

    def consistency_proof(self, m: int, n: int | None = None) -> list[bytes]:
        return consistency_proof(m, len(self.events) if n is None else n, self.hashes(n))
