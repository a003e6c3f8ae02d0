"""One audit event: who did what to which client's data, when, from where, with what outcome and why.

Events are immutable and sealed: `hash` = SHA-256(prev_hash || canonical(event)), so each event vouches for the
whole log before it. The encoding and the hash are defined once, in `verify` (the standalone verifier).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from json.encoder import encode_basestring

from hezhang.audit.verify import GENESIS, event_hash

__all__ = [
    "DATA_CLASSES", "GENESIS", "OUTCOMES", "AuditEvent", "canonical", "checked_classes", "checked_outcome",
    "encode_event", "event_hash", "format_time", "is_sealed",
]  # fmt: skip

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


def checked_classes(given: Iterable[str]) -> tuple[str, ...]:
    """The data classes sorted and without repeats; unknown ones refused."""
    if type(given) is tuple and given in _CANONICAL_CLASSES:  # sorted, unique, known: the usual case
        return given
    classes = tuple(sorted(set(given)))
    if not set(classes) <= _DATA_CLASS_SET:
        raise ValueError(f"unknown data classes {sorted(set(classes) - _DATA_CLASS_SET)}")
    return classes


def checked_outcome(outcome: str) -> str:
    if outcome not in OUTCOMES:
        raise ValueError(f"outcome must be one of {OUTCOMES}, got {outcome!r}")
    return outcome


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
        classes = checked_classes(self.data_classes)
        if classes is not self.data_classes:
            object.__setattr__(self, "data_classes", classes)
        checked_outcome(self.outcome)
        if len(self.prev_hash) != 32 or len(self.hash) != 32:
            raise ValueError("prev_hash and hash are 32-byte SHA-256 digests")


def canonical(event: AuditEvent) -> bytes:
    """The bytes the hash covers: canonical JSON of every field except `hash` (see `verify` for the format)."""
    return encode_event(event.sequence, format_time(event.at), event.actor, event.source, event.action, event.client,
                        event.resource, event.data_classes, event.outcome, event.reason, event.request_id,
                        event.prev_hash)  # fmt: skip


def encode_event(
    sequence: int, at: str, actor: str, source: str, action: str, client: str | None, resource: str,
    data_classes: tuple[str, ...], outcome: str, reason: str, request_id: str, prev_hash: bytes,
) -> bytes:  # fmt: skip
    """`canonical` from the fields themselves (`at` as `format_time` writes it; `data_classes` checked).

    Written out field by field in sorted key order, each string escaped by the json module's own escaper (the one
    `json.dumps(..., ensure_ascii=False)` uses), about three times faster than encoding a dict; the bytes are those
    of `verify.encode` (a property test compares the two over arbitrary text).
    """
    text = encode_basestring
    client_text = "null" if client is None else text(client)
    classes = ",".join(map(text, data_classes))
    return (
        f'{{"action":{text(action)},"actor":{text(actor)},"at":"{at}","client":{client_text},'
        f'"data_classes":[{classes}],"outcome":{text(outcome)},"prev_hash":"{prev_hash.hex()}",'
        f'"reason":{text(reason)},"request_id":{text(request_id)},"resource":{text(resource)},'
        f'"sequence":{int(sequence)},"source":{text(source)}}}'
    ).encode()


def is_sealed(event: AuditEvent) -> bool:
    """Does the event's hash match its contents and prev_hash?"""
    return event.hash == event_hash(canonical(event), event.prev_hash)
