"""The witness beside the trail: a file of the checkpoints the store committed, compared with an export by the
standalone verifier. Events removed from the end, or rewritten with every later hash recomputed, are named from the
witness even when the export's own checkpoints went with them; a witness that is merely behind, or whose last line
an interrupted append cut short, is noted, not failed; a signed restore line sets aside what came before it, and a
copy of it made later cannot hide a truncation."""

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
from hezhang.audit import write_export
from hezhang.audit.access import access_history_lines
from hezhang.audit.chain import AuditLog, append
from hezhang.audit.checkpoint import Checkpoint, sign_checkpoint, sign_restore
from hezhang.audit.event import AuditEvent
from hezhang.audit.merkle import inclusion_proofs, root
from hezhang.audit.verify import Kind, Report, verify_export
from hezhang.audit.witness import WitnessFile, checkpoint_line, restored_line

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
PUBLIC = KEY.public_key()
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
N = 20


def build(n: int = N) -> tuple[list[AuditEvent], list[Checkpoint]]:
    """n events, one transaction each, each signed by a checkpoint as the store does (sizes 1, 2, ..., n)."""
    log = AuditLog(KEY, clock=lambda: T0)
    for i in range(n):
        log.record(actor=f"staff:{i % 3}", source="10.0.0.8", action="read", client=f"client:{i % 2}",
                   resource=f"bank_line/{i}", data_classes=("S1",), outcome="allowed", reason="复核",
                   request_id=f"req-{i}", at=T0 + timedelta(minutes=i))  # fmt: skip
        log.checkpoint(T0 + timedelta(minutes=i, seconds=1))
    return log.events, log.checkpoints


EVENTS, CHECKPOINTS = build()
WITNESS = b"".join(checkpoint_line(c) for c in CHECKPOINTS)


def check(events: list[AuditEvent], checkpoints: list[Checkpoint], *witnesses: bytes) -> Report:
    return verify_export(write_export(events, checkpoints), PUBLIC,
                         [(f"w{i}.jsonl", w) for i, w in enumerate(witnesses)])  # fmt: skip


def first_bad(report: Report) -> tuple[int | None, Kind]:
    assert report.failure is not None, "tampering went unnoticed"
    return report.failure.sequence, report.failure.kind


def rewritten(events: list[AuditEvent], start: int) -> list[AuditEvent]:
    """The events with event `start` given another reason and its hash and every later one recomputed."""
    out = list(events[: start - 1])
    for event in events[start - 1 :]:
        fields = {f: getattr(event, f) for f in ("at", "actor", "source", "action", "client", "resource",
                                                  "data_classes", "outcome", "reason", "request_id")}  # fmt: skip
        if event.sequence == start:
            fields["reason"] = "改过"
        out.append(append(out[-1] if out else None, **fields))  # type: ignore[arg-type]
    return out


def test_an_untouched_trail_agrees_with_its_witness() -> None:
    report = check(EVENTS, CHECKPOINTS, WITNESS)
    assert report.ok and (report.events, report.covered, report.witnessed, report.witness_size) == (N, N, N, N)
    assert not report.notices


@pytest.mark.parametrize("kept", [0, 1, 12, N - 1])
def test_events_removed_from_the_end_with_their_checkpoints_are_named_from_the_witness(kept: int) -> None:
    assert check(EVENTS[:kept], CHECKPOINTS[:kept]).ok  # the export alone cannot tell
    report = check(EVENTS[:kept], CHECKPOINTS[:kept], WITNESS)
    assert first_bad(report) == (kept + 1, Kind.TRUNCATED)
    assert report.failure is not None and report.failure.source == "w0.jsonl" and report.failure.line == N
    assert f"见证文件记录了 {N} 条事件的签名检查点" in report.failure.message_zh()
    assert f"the witness holds a checkpoint of {N} events signed at 2026-03-01T09:19:01.000000Z; the export holds " \
        f"{kept}" in report.failure.message_en()  # fmt: skip


@pytest.mark.parametrize("start", [1, 7, N])
def test_a_rewritten_tail_is_named_at_its_first_event_by_the_last_checkpoint_that_holds(start: int) -> None:
    events = rewritten(EVENTS, start)
    sequence, kind = first_bad(check(events, CHECKPOINTS))  # the export's own checkpoints tell
    assert (sequence, kind) == (start, Kind.CHANGED)
    report = check(events, CHECKPOINTS[: start - 1], WITNESS)  # so does the witness, when they were removed
    assert first_bad(report) == (start, Kind.CHANGED)
    assert report.failure is not None and report.failure.source == "w0.jsonl"
    if start > 1:
        assert f"changed after the checkpoint of {start - 1} events signed at" in report.failure.message_en()


def test_the_first_event_named_is_the_one_after_the_last_checkpoint_that_holds() -> None:
    """Checkpoints at 5 and 10 only: a rewrite from 7 on is somewhere in 6..10, and 6 is named."""
    events = rewritten(EVENTS, 7)
    report = check(events, [CHECKPOINTS[4], CHECKPOINTS[9]])
    assert first_bad(report) == (6, Kind.CHANGED)
    assert report.failure is not None and "events 6–10 changed after the checkpoint of 5 events" in (
        report.failure.message_en()
    )
    assert "the first that can differ is 6" in report.failure.message_en()


def test_a_witness_behind_the_trail_is_noted_not_failed() -> None:
    report = check(EVENTS, CHECKPOINTS, b"".join(checkpoint_line(c) for c in CHECKPOINTS[:5]))
    assert report.ok and report.witness_size == 5
    assert any("reach event 5" in n.en for n in report.notices)


def test_a_cut_line_or_an_unreadable_line_is_noted_not_failed() -> None:
    cut = WITNESS[:-40]  # an append interrupted: the last line has no end
    report = check(EVENTS, CHECKPOINTS, cut)
    assert report.ok and report.witness_size == N - 1
    assert any("cut short" in n.en and f"line {N}" in n.en for n in report.notices)
    lines = WITNESS.splitlines(keepends=True)
    garbled = b"".join([*lines[:3], b"not a checkpoint\n", *lines[3:]])
    report = check(EVENTS, CHECKPOINTS, garbled)
    assert report.ok and any("line 4" in n.en and "cannot be read" in n.en for n in report.notices)


def test_a_witness_line_with_a_bad_signature_fails_where_it_stands() -> None:
    forged = sign_checkpoint(7, root([e.hash for e in EVENTS[:7]]), T0, Ed25519PrivateKey.generate())
    report = check(EVENTS, CHECKPOINTS, WITNESS + checkpoint_line(forged))
    assert first_bad(report) == (7, Kind.BAD_SIGNATURE)
    assert report.failure is not None and report.failure.line == N + 1 and report.failure.source == "w0.jsonl"


def test_a_clients_access_history_and_an_earlier_export_are_witnesses_too() -> None:
    cp = CHECKPOINTS[-1]
    mine = [e for e in EVENTS if e.client == "client:0"]
    proofs = inclusion_proofs([e.sequence - 1 for e in mine], [e.hash for e in EVENTS])
    history = b"".join(access_history_lines("client:0", cp, mine, {e.sequence: proofs[e.sequence - 1] for e in mine},
                                            KEY))  # fmt: skip
    earlier = write_export(EVENTS, CHECKPOINTS).encode()
    assert check(EVENTS, CHECKPOINTS, history, earlier).ok
    for witness in (history, earlier):
        assert first_bad(check(EVENTS[:15], CHECKPOINTS[:15], witness)) == (16, Kind.TRUNCATED)
    with pytest.raises(ValueError, match="whole-trail export"):
        verify_export(history, PUBLIC, [("w", WITNESS)])


def restored(size: int, at: datetime, key: Ed25519PrivateKey = KEY) -> bytes:
    return restored_line(sign_restore(size, root([e.hash for e in EVENTS[:size]]), at, key))


def test_a_restore_line_sets_aside_the_checkpoints_of_the_lost_store() -> None:
    """The store lost everything after event 12 and was restored from a backup of 12 events; it went on with new
    events 13.. (other events than the lost ones)."""
    later = T0 + timedelta(hours=1)
    log = AuditLog(KEY, clock=lambda: later)
    for event in EVENTS[:12]:
        log.events.append(event)
        log._frontier.push(event.hash)
    for i in range(3):
        log.record(actor="ops", source="local", action="backup.restore" if i == 0 else "read", client=None,
                   resource="r", data_classes=("S0",), outcome="allowed", reason="", request_id=f"n{i}")  # fmt: skip
        log.checkpoint()
    new_lines = b"".join(checkpoint_line(c) for c in log.checkpoints)
    assert first_bad(check(log.events, CHECKPOINTS[:12] + log.checkpoints, WITNESS + new_lines))[1] in (
        Kind.CHANGED,
        Kind.TRUNCATED,
    )  # without the restore line the old store's checkpoints speak against the new trail
    witness = WITNESS + restored(12, later) + new_lines
    report = check(log.events, CHECKPOINTS[:12] + log.checkpoints, witness)
    assert report.ok, report.failure
    assert any("a restore at" in n.en and "13 to 20 were lost" in n.en for n in report.notices), report.notices
    # A truncation after the restore is named again.
    assert first_bad(check(log.events[:13], CHECKPOINTS[:12] + log.checkpoints[:1], witness)) == (14, Kind.TRUNCATED)


def test_a_copied_restore_line_cannot_hide_a_later_truncation() -> None:
    """Appended again after later checkpoints, a restore line still sets aside only what was signed before it."""
    marker = restored(5, T0 - timedelta(days=1))
    witness = marker + WITNESS + marker
    assert check(EVENTS, CHECKPOINTS, witness).ok
    assert first_bad(check(EVENTS[:12], CHECKPOINTS[:12], witness)) == (13, Kind.TRUNCATED)


def test_a_restore_line_needs_its_own_signature() -> None:
    """A checkpoint's signature relabelled as a restore line, or a restore line signed by another key, sets nothing
    aside and fails."""
    relabelled = checkpoint_line(CHECKPOINTS[4]).replace(b'{"checkpoint":', b'{"restored":', 1)
    for fake in (relabelled, restored(5, T0 + timedelta(days=1), Ed25519PrivateKey.generate())):
        report = check(EVENTS[:12], CHECKPOINTS[:12], WITNESS + fake)
        assert first_bad(report) == (5, Kind.BAD_SIGNATURE)


@settings(max_examples=150)
@given(st.data())
def test_any_single_bit_flipped_in_the_witness_fails_or_is_noted(data: st.DataObject) -> None:
    witness = bytearray(WITNESS)
    offset = data.draw(st.integers(0, len(witness) - 1), label="byte")
    witness[offset] ^= 1 << data.draw(st.integers(0, 7), label="bit")
    report = check(EVENTS, CHECKPOINTS, bytes(witness))
    assert report.failure is not None or report.notices


def test_the_file_appends_whole_lines_at_mode_0600_and_starts_anew_after_a_cut_line(tmp_path: Path) -> None:
    witness = WitnessFile(tmp_path / "witness.jsonl")
    assert list(witness.lines()) == []
    witness.append(CHECKPOINTS[0])
    assert (witness.path.stat().st_mode & 0o777) == 0o600
    with witness.path.open("ab") as handle:
        handle.write(checkpoint_line(CHECKPOINTS[1])[:50])  # an append cut short
    witness.append(CHECKPOINTS[2])
    lines = list(witness.lines())
    assert lines[0] == checkpoint_line(CHECKPOINTS[0]) and lines[-1] == checkpoint_line(CHECKPOINTS[2])
    report = check(EVENTS[:3], CHECKPOINTS[:3], witness.path.read_bytes())
    assert report.ok and report.witnessed == 2
    assert any("line 2" in n.en for n in report.notices)


def test_processes_appending_at_once_never_interleave_their_lines(tmp_path: Path) -> None:
    path = tmp_path / "witness.jsonl"
    script = (
        "import sys\n"
        "from hezhang.audit.witness import WitnessFile\n"
        "from unit.audit.test_witness import CHECKPOINTS\n"
        "w = WitnessFile(__import__('pathlib').Path(sys.argv[1]))\n"
        "for _ in range(100):\n"
        "    for c in CHECKPOINTS:\n"
        "        w.append(c)\n"
    )
    tests = Path(__file__).parents[2]
    workers = [subprocess.Popen([sys.executable, "-c", script, str(path)], cwd=tests) for _ in range(4)]
    assert all(w.wait() == 0 for w in workers)
    lines = path.read_bytes().splitlines(keepends=True)
    assert len(lines) == 4 * 100 * N
    whole = {checkpoint_line(c) for c in CHECKPOINTS}
    assert all(line in whole for line in lines)


def test_the_lone_verifier_takes_witnesses(tmp_path: Path) -> None:
    script = tmp_path / "verify.py"
    shutil.copy(verifier.__file__, script)
    key = tmp_path / "audit.pem"
    key.write_bytes(PUBLIC.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    cut = tmp_path / "trail.jsonl"
    cut.write_text(write_export(EVENTS[:12], CHECKPOINTS[:12]), encoding="utf-8")
    (tmp_path / "audit-witness.jsonl").write_bytes(WITNESS)

    def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-I", str(script), *map(str, args)], capture_output=True, text=True,
                              cwd=tmp_path, check=False)  # fmt: skip

    alone = run(cut, "--key", key)
    assert alone.returncode == 0, alone.stdout + alone.stderr
    failed = run(cut, "--key", key, "--witness", tmp_path / "audit-witness.jsonl")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "见证文件记录了 20 条事件的签名检查点" in failed.stdout and "sequence 13 truncated" in failed.stdout
    assert "audit-witness.jsonl, line 20" in failed.stdout
