"""The hash chain: each event takes the next sequence number and the previous hash, its hash covers every field,
and the canonical encoding is one text for one event."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from hezhang.audit.chain import AuditLog, append
from hezhang.audit.checkpoint import verify_checkpoint
from hezhang.audit.event import DATA_CLASSES, GENESIS, AuditEvent, canonical, event_hash, format_time, is_sealed
from hezhang.audit.merkle import root, verify_consistency, verify_inclusion

T0 = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
TEXT = st.text(st.characters(blacklist_categories=["Cs"]), max_size=20)


@dataclass(frozen=True)
class _Head:
    """The previous event as a store reads it back (sequence and hash only)."""

    sequence: int
    hash: bytes


def fields(i: int = 0, **changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "at": T0 + timedelta(seconds=i), "actor": "staff:li.na", "source": "10.1.2.3", "action": "read",
        "client": "client:0042", "resource": f"bank_line/{i}", "data_classes": ("S1", "S2"), "outcome": "allowed",
        "reason": "月末对账", "request_id": f"req-{i}",
    }  # fmt: skip
    return base | changes


def test_append_numbers_from_one_and_chains_each_event_to_the_previous_hash() -> None:
    first = append(None, **fields(0))  # type: ignore[arg-type]
    second = append(first, **fields(1))  # type: ignore[arg-type]
    assert (first.sequence, first.prev_hash) == (1, GENESIS)
    assert (second.sequence, second.prev_hash) == (2, first.hash)
    assert first.hash == event_hash(canonical(first), GENESIS)
    assert is_sealed(first) and is_sealed(second)


def test_canonical_is_sorted_compact_utf8_json_of_every_field_but_the_hash() -> None:
    event = append(None, **fields(0, data_classes=("S2", "S1", "S2")))  # type: ignore[arg-type]
    text = canonical(event).decode()
    assert ", " not in text and ": " not in text and "月末对账" in text
    decoded = json.loads(text)
    assert list(decoded) == sorted(decoded) and "hash" not in decoded
    assert decoded["at"] == "2026-03-01T09:30:00.000000Z"
    assert decoded["data_classes"] == ["S1", "S2"] and decoded["prev_hash"] == "00" * 32


def test_times_are_kept_in_utc_and_naive_times_are_refused() -> None:
    beijing = timezone(timedelta(hours=8))
    event = append(None, **fields(0, at=datetime(2026, 3, 1, 17, 30, tzinfo=beijing)))  # type: ignore[arg-type]
    assert event.at == T0 and event.at.tzinfo is UTC
    assert canonical(event) == canonical(append(None, **fields(0)))  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        append(None, **fields(0, at=datetime(2026, 3, 1)))  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        append(None, **fields(0, outcome="maybe"))  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        append(None, **fields(0, data_classes=("S4",)))  # type: ignore[arg-type]


CHANGES = {
    "sequence": st.integers(2, 2**40),
    "at": st.datetimes(timezones=st.just(UTC)),
    "actor": TEXT,
    "source": TEXT,
    "action": TEXT,
    "client": st.none() | TEXT,
    "resource": TEXT,
    # A set of classes: the order it is written in is not a change (events keep them sorted).
    "data_classes": st.lists(st.sampled_from(["S0", "S1", "S2", "S3"]), unique=True).map(lambda v: tuple(sorted(v))),
    "outcome": st.sampled_from(["allowed", "denied", "error"]),
    "reason": TEXT,
    "request_id": TEXT,
    "prev_hash": st.binary(min_size=32, max_size=32),
}


@settings(max_examples=200)
@given(st.sampled_from(sorted(CHANGES)), st.data())
def test_any_change_to_any_field_changes_the_canonical_bytes_and_breaks_the_seal(
    name: str, data: st.DataObject
) -> None:
    event = append(None, **fields(7))  # type: ignore[arg-type]
    value = data.draw(CHANGES[name].filter(lambda v: v != getattr(event, name)))
    changed = dataclasses.replace(event, **{name: value})  # type: ignore[arg-type]
    assert canonical(changed) != canonical(event)
    assert not is_sealed(changed)


def test_in_memory_log_checkpoints_every_n_events_and_proves_inclusion_and_consistency() -> None:
    key = Ed25519PrivateKey.generate()
    log = AuditLog(key, checkpoint_every=5)
    for i in range(23):
        log.record(**fields(i))  # type: ignore[arg-type]
    assert [cp.size for cp in log.checkpoints] == [5, 10, 15, 20]
    assert all(verify_checkpoint(cp, key.public_key()) for cp in log.checkpoints)
    assert log.checkpoints[-1].root == root(log.hashes(20))
    final = log.checkpoint()
    assert (final.size, final.root) == (23, root(log.hashes()))
    for sequence in (1, 12, 23):
        proof = log.inclusion_proof(sequence)
        assert verify_inclusion(log.events[sequence - 1].hash, sequence - 1, 23, proof, final.root)
    proof = log.consistency_proof(10, 23)
    assert verify_consistency(10, 23, log.checkpoints[1].root, final.root, proof)
    assert isinstance(log.events[0], AuditEvent) and len(log) == 23


@settings(max_examples=300)
@given(
    strings=st.fixed_dictionaries(
        {name: TEXT for name in ("actor", "source", "action", "resource", "reason", "request_id")}
    ),
    client=st.none() | TEXT,
    data_classes=st.sets(st.sampled_from(DATA_CLASSES)),
    sequence=st.integers(1, 2**63 - 1),
)
def test_canonical_bytes_are_the_verifier_s_encoding(
    strings: dict[str, str], client: str | None, data_classes: set[str], sequence: int
) -> None:
    """The producing side writes its JSON by hand (keys in order, strings escaped one by one); the bytes must be
    exactly those the standalone verifier's `encode` gives for the same fields."""
    from hezhang.audit.verify import encode

    prev = _Head(sequence - 1, bytes(range(32))) if sequence > 1 else None
    event = append(prev, **fields(3, client=client, data_classes=tuple(data_classes), **strings))  # type: ignore[arg-type]
    expected = {"action": event.action, "actor": event.actor, "at": format_time(event.at), "client": client,
                "data_classes": sorted(data_classes), "outcome": event.outcome, "prev_hash": event.prev_hash.hex(),
                "reason": event.reason, "request_id": event.request_id, "resource": event.resource,
                "sequence": sequence, "source": event.source}  # fmt: skip
    assert canonical(event) == encode(expected)
    assert json.loads(canonical(event)) == expected
