"""One audit event: who did what to which client's data, when, from where, with what outcome and why.

Events are immutable and sealed: `hash` = SHA-256(prev_hash || canonical(event)), so each event vouches for the
whole log before it. The encoding and the hash are defined once, in `verify` (the standalone verifier).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from hezhang.audit.verify import GENESIS, event_hash

#: `canonical` builds its object with the keys already in sorted order, so it skips the sort; the bytes are those
#: of `verify.encode` (tests compare the two).
_SORTED_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":"))

__all__ = ["DATA_CLASSES", "GENESIS", "OUTCOMES", "AuditEvent", "canonical", "event_hash", "format_time", "is_sealed"]

DATA_CLASSES = ("S0", "S1", "S2", "S3")
OUTCOMES = ("allowed", "denied", "error")
_DATA_CLASS_SET = frozenset(DATA_CLASSES)
#: Every sorted, duplicate-free tuple of known data classes (16 of them).
_CANONICAL_CLASSES = frozenset(
    tuple(c for i, c in enumerate(DATA_CLASSES) if mask >> i & 1) for mask in range(1 << len(DATA_CLASSES))
)


def format_time(at: datetime) -> str:
    """UTC, ISO 8601, always with microseconds and "Z": one text for one instant."""
    if at.tzinfo is not UTC:
        if at.tzinfo is None or at.utcoffset() is None:
            raise ValueError(f"audit times must be timezone-aware, got {at!r}")
        at = at.astimezone(UTC)
    return at.isoformat(timespec="microseconds")[:-6] + "Z"


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """An audit record. `sequence` is 1-based and gapless; `at` is stored in UTC; `data_classes` sorted, unique."""

    sequence: int
    at: datetime
    actor: str
    source: str  # the network address the request came from
    action: str
    client: str | None
    resource: str
    data_classes: tuple[str, ...]
    outcome: str  # "allowed", "denied" or "error"
    reason: str
    request_id: str
    prev_hash: bytes
    hash: bytes

    def __post_init__(self) -> None:
        if self.sequence < 1:
            raise ValueError(f"sequence starts at 1, got {self.sequence}")
        if self.at.tzinfo is not UTC:
            format_time(self.at)  # refuses a naive time
            object.__setattr__(self, "at", self.at.astimezone(UTC))
        given = self.data_classes
        if not (type(given) is tuple and given in _CANONICAL_CLASSES):  # sorted, unique, known: the usual case
            classes = tuple(sorted(set(self.data_classes)))
            if not set(classes) <= _DATA_CLASS_SET:
                raise ValueError(f"unknown data classes {sorted(set(classes) - _DATA_CLASS_SET)}")
            object.__setattr__(self, "data_classes", classes)
        if self.outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {OUTCOMES}, got {self.outcome!r}")
        if len(self.prev_hash) != 32 or len(self.hash) != 32:
            raise ValueError("prev_hash and hash are 32-byte SHA-256 digests")


def canonical(event: AuditEvent) -> bytes:
    """The bytes the hash covers: canonical JSON of every field except `hash` (see `verify` for the format)."""
    return _SORTED_ENCODER.encode(
        {
            "action": event.action,
            "actor": event.actor,
            "at": format_time(event.at),
            "client": event.client,
            "data_classes": list(event.data_classes),
            "outcome": event.outcome,
            "prev_hash": event.prev_hash.hex(),
            "reason": event.reason,
            "request_id": event.request_id,
            "resource": event.resource,
            "sequence": event.sequence,
            "source": event.source,
        }
    ).encode()


def is_sealed(event: AuditEvent) -> bool:
    """Does the event's hash match its contents and prev_hash?"""
    return event.hash == event_hash(canonical(event), event.prev_hash)
