"""A client's access history (its events, each with an inclusion proof in one signed checkpoint) and the verifier:
whatever is flipped, cut, dropped, moved, added or signed by someone else, it fails and names the sequence."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

import hezhang.audit.verify as verifier
from hezhang.audit.access import access_history_lines
from hezhang.audit.chain import AuditLog
from hezhang.audit.event import AuditEvent
from hezhang.audit.merkle import inclusion_proofs
from hezhang.audit.verify import Kind, Report, verify_export

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
PUBLIC = KEY.public_key()
CLIENT, OTHER = "client:a", "client:b"
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
N = 40


def build() -> tuple[AuditLog, list[AuditEvent], dict[int, list[bytes]]]:
    """40 events, every third about CLIENT; a checkpoint over all of them; each event's proof by sequence."""
    log = AuditLog(KEY, checkpoint_every=16, clock=lambda: T0)
    for i in range(N):
        log.record(actor=f"staff:{i % 3}", source="10.0.0.8", action="reveal" if i % 4 else "read",
                   client=CLIENT if i % 3 == 1 else (None if i % 5 == 0 else OTHER), resource=f"bank_line/{i}",
                   data_classes=("S1", "S2"), outcome="allowed", reason="核对" if i % 2 else "",
                   request_id=f"req-{i}", at=T0 + timedelta(minutes=i))  # fmt: skip
    log.checkpoint(T0 + timedelta(hours=1))
    proofs = inclusion_proofs(range(N), log.hashes())
    return log, [e for e in log.events if e.client == CLIENT], {i + 1: p for i, p in proofs.items()}


LOG, EVENTS, PROOFS = build()
CHECKPOINT = LOG.checkpoints[-1]
LISTED = [e.sequence for e in EVENTS]


def history(events: list[AuditEvent] = EVENTS, proofs: dict[int, list[bytes]] = PROOFS, key: Ed25519PrivateKey = KEY,
            client: str = CLIENT) -> list[bytes]:  # fmt: skip
    return list(access_history_lines(client, CHECKPOINT, events, proofs, key))


LINES = history()


def check(lines: list[bytes], *keys: object) -> Report:
    return verify_export(b"".join(lines), keys or PUBLIC)  # type: ignore[arg-type]


def first_bad(report: Report) -> tuple[int | None, Kind]:
    assert report.failure is not None, "tampering went unnoticed"
    return report.failure.sequence, report.failure.kind


def test_an_untouched_history_verifies_every_event() -> None:
    report = check(LINES)
    assert report.ok and report.format == "access-history"
    assert (report.events, report.checkpoints, report.covered) == (len(EVENTS), 1, len(EVENTS)) == (13, 1, 13)
    assert check(history([], {})).ok  # a client nobody touched: an empty list, signed


@settings(max_examples=300)
@given(st.data())
def test_any_single_bit_flipped_anywhere_is_caught(data: st.DataObject) -> None:
    index = data.draw(st.integers(0, len(LINES) - 1), label="line")
    line = bytearray(LINES[index])
    offset = data.draw(st.integers(0, len(line) - 1), label="byte")
    line[offset] ^= 1 << data.draw(st.integers(0, 7), label="bit")
    report = check([*LINES[:index], bytes(line), *LINES[index + 1 :]])
    sequence, kind = first_bad(report)
    if index == 0:  # the header: a signature fails, or it no longer reads as a header (then: garbage at 1)
        assert kind in (Kind.BAD_SIGNATURE, Kind.GARBAGE)
    else:
        assert sequence == LISTED[index - 1]


@pytest.mark.parametrize("position", range(len(EVENTS)))
def test_a_cut_lengthened_or_borrowed_proof_is_named_at_its_event(position: int) -> None:
    sequence = LISTED[position]
    proof = PROOFS[sequence]
    borrowed = PROOFS[LISTED[(position + 1) % len(LISTED)]]
    for bad in (proof[:-1], proof[1:], [*proof, proof[0]], [], borrowed, [bytes(32)] * len(proof)):
        assert first_bad(check(history(proofs={**PROOFS, sequence: bad}))) == (sequence, Kind.BAD_PROOF)


@pytest.mark.parametrize("position", range(len(EVENTS)))
def test_a_dropped_event_is_named(position: int) -> None:
    kind = Kind.TRUNCATED if position == len(EVENTS) - 1 else Kind.MISSING
    assert first_bad(check(LINES[: position + 1] + LINES[position + 2 :])) == (LISTED[position], kind)


@settings(max_examples=100)
@given(st.integers(0, len(EVENTS) - 1), st.integers(0, len(EVENTS) - 1))
def test_a_moved_event_is_named_where_the_order_first_breaks(source: int, target: int) -> None:
    events = LINES[1:]
    events.insert(target, events.pop(source))
    report = check([LINES[0], *events])
    if source == target:
        assert report.ok
    else:
        assert first_bad(report) == (LISTED[min(source, target)], Kind.REORDERED)


def test_a_duplicated_or_foreign_event_is_named_where_it_stands() -> None:
    for position in range(1, len(EVENTS)):
        copy = [*LINES[: position + 1], LINES[position], *LINES[position + 1 :]]
        assert first_bad(check(copy)) == (LISTED[position], Kind.DUPLICATED)
    foreign = next(e for e in LOG.events if e.client == OTHER and e.sequence > LISTED[3])
    line = list(access_history_lines(OTHER, CHECKPOINT, [foreign], PROOFS, KEY))[1]  # with its valid proof
    inserted = check([*LINES[:4], line, *LINES[4:]])  # lines 1..3 are the first three events
    assert first_bad(inserted) == (LISTED[3], Kind.INSERTED)
    assert first_bad(check([*LINES, line]))[1] == Kind.INSERTED  # after the last listed event too


def test_an_event_claimed_for_the_client_but_about_another_is_refused() -> None:
    foreign = next(e for e in LOG.events if e.client == OTHER)
    with pytest.raises(ValueError, match="one client"):
        history(sorted([*EVENTS, foreign], key=lambda e: e.sequence))
    relabelled = [line.replace(b'"client":"client:b"', b'"client":"client:a"') for line in history(
        [foreign], client=OTHER)]  # fmt: skip
    assert first_bad(check([LINES[0], relabelled[1], *LINES[1:]]))[0] == LISTED[0]


@settings(max_examples=200)
@given(st.binary(min_size=1, max_size=200))
def test_garbage_before_the_history_is_caught(garbage: bytes) -> None:
    assert first_bad(check([garbage + b"\n", *LINES]))[0] in (1, LISTED[0])
    assert first_bad(check([garbage + LINES[0], *LINES[1:]]))[0] in (1, LISTED[0])


def test_a_list_or_checkpoint_signed_by_another_key_or_changed_fails_at_the_first_event() -> None:
    assert first_bad(check(history(key=Ed25519PrivateKey.generate()))) == (LISTED[0], Kind.BAD_SIGNATURE)
    assert first_bad(check(LINES, Ed25519PrivateKey.generate().public_key())) == (LISTED[0], Kind.BAD_SIGNATURE)
    shorter = history(EVENTS[:-1])  # the list re-signed without the last event: that is a different, valid history
    assert check(shorter).ok and check(shorter).events == len(EVENTS) - 1
    unsigned_drop = [LINES[0].replace(f",{LISTED[-1]}]".encode(), b"]"), *LINES[1:-1]]  # list edited, not re-signed
    assert first_bad(check(unsigned_drop)) == (LISTED[0], Kind.BAD_SIGNATURE)


def test_the_list_may_be_signed_by_a_newer_key_than_the_checkpoint() -> None:
    newer = Ed25519PrivateKey.generate()
    lines = history(key=newer)
    assert check(lines, PUBLIC, newer.public_key()).ok
    assert first_bad(check(lines, PUBLIC)) == (LISTED[0], Kind.BAD_SIGNATURE)


def test_the_lone_verifier_tells_the_formats_apart(tmp_path: Path) -> None:
    script = tmp_path / "verify.py"
    shutil.copy(verifier.__file__, script)
    key = tmp_path / "audit.pub.pem"
    key.write_bytes(PUBLIC.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    good, bad = tmp_path / "history.jsonl", tmp_path / "bad.jsonl"
    good.write_bytes(b"".join(LINES))
    bad.write_bytes(b"".join(LINES[:3] + LINES[4:]))

    def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-I", *map(str, args)], capture_output=True, text=True, cwd=tmp_path,
                              check=False)  # fmt: skip

    ok = run(script, good, "--key", key)
    assert ok.returncode == 0 and "访问记录完好" in ok.stdout and "Access history intact" in ok.stdout, ok.stderr
    failed = run(script, bad, "--key", key)
    assert failed.returncode == 1 and f"sequence {LISTED[2]} missing" in failed.stdout
