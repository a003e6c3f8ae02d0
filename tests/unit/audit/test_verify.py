"""The standalone verifier on exports: whatever is changed, deleted, inserted, duplicated, reordered, truncated,
garbled or signed by someone else, it fails and names the first bad sequence number exactly."""

from __future__ import annotations

import ast
import dataclasses
import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

import hezhang.audit.verify as verifier
from hezhang.audit import write_export
from hezhang.audit.chain import AuditLog, append
from hezhang.audit.checkpoint import Checkpoint
from hezhang.audit.event import AuditEvent
from hezhang.audit.verify import Kind, Report, verify_export

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
PUBLIC = KEY.public_key()
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
N = 30


def build(n: int = N) -> tuple[list[AuditEvent], list[Checkpoint]]:
    """n events with a checkpoint every 7 and one on demand at the end (sizes 7, 14, 21, 28, n)."""
    log = AuditLog(KEY, checkpoint_every=7, clock=lambda: T0)
    for i in range(n):
        log.record(actor=f"staff:{i % 3}", source="10.0.0.8", action="read" if i % 4 else "reveal",
                   client=None if i % 5 == 0 else f"client:{i % 2}", resource=f"bank_line/{i}",
                   data_classes=("S1", "S2"), outcome="denied" if i % 6 == 0 else "allowed",
                   reason="复核凭证" if i % 2 else "", request_id=f"req-{i}", at=T0 + timedelta(minutes=i))  # fmt: skip
    log.checkpoint(T0 + timedelta(hours=1))
    return log.events, log.checkpoints


EVENTS, CHECKPOINTS = build()


def check(events: list[AuditEvent], checkpoints: list[Checkpoint] = CHECKPOINTS) -> Report:
    return verify_export(write_export(events, checkpoints), PUBLIC)


def first_bad(report: Report) -> tuple[int | None, Kind]:
    assert report.failure is not None, "tampering went unnoticed"
    return report.failure.sequence, report.failure.kind


def forged(prev: AuditEvent | None, i: int) -> AuditEvent:
    return append(prev, at=T0, actor="intruder", source="6.6.6.6", action="read", client="client:0",
                  resource=f"forged/{i}", data_classes=("S2",), outcome="allowed", reason="",
                  request_id="x")  # fmt: skip


def rehashed(events: list[AuditEvent], index: int, **changes: object) -> list[AuditEvent]:
    """The log with one event changed and its hash recomputed (the others untouched)."""
    out = list(events)
    changed = dataclasses.replace(events[index], **changes)  # type: ignore[arg-type]
    prev = events[index - 1] if index else None
    redone = append(prev, **{f: getattr(changed, f) for f in ("at", "actor", "source", "action", "client",
                                                               "resource", "data_classes", "outcome", "reason",
                                                               "request_id")})  # fmt: skip
    out[index] = redone
    return out


def test_an_untouched_export_verifies_and_reports_what_the_checkpoints_cover() -> None:
    report = check(EVENTS)
    assert report.ok and (report.events, report.checkpoints, report.covered) == (N, 5, N)
    assert verify_export("", PUBLIC).ok


@settings(max_examples=200)
@given(st.data())
def test_any_single_bit_flipped_anywhere_in_the_export_is_caught_at_its_event(data: st.DataObject) -> None:
    lines = write_export(EVENTS, CHECKPOINTS).encode().split(b"\n")[:-1]
    index = data.draw(st.integers(0, len(lines) - 1), label="line")
    line = bytearray(lines[index] + b"\n")
    offset = data.draw(st.integers(0, len(line) - 1), label="byte")
    line[offset] ^= 1 << data.draw(st.integers(0, 7), label="bit")
    damaged = b"\n".join([*lines[:index], bytes(line)[:-1] if line[-1:] == b"\n" else bytes(line), *lines[index + 1 :]])
    sequence, kind = first_bad(verify_export(damaged + b"\n", PUBLIC))
    if index < N:
        assert sequence == index + 1 and kind in (Kind.CHANGED, Kind.GARBAGE)
    else:
        assert kind in (Kind.BAD_SIGNATURE, Kind.GARBAGE)


FIELD_CHANGES: dict[str, Callable[[AuditEvent], object]] = {
    "sequence": lambda e: e.sequence ^ 64,
    "at": lambda e: e.at + timedelta(microseconds=1),
    "actor": lambda e: e.actor + " ",
    "source": lambda e: "10.0.0.9",
    "action": lambda e: "export",
    "client": lambda e: None if e.client else "client:9",
    "resource": lambda e: e.resource.replace("/", "\\"),
    "data_classes": lambda e: ("S1",),
    "outcome": lambda e: "error",
    "reason": lambda e: e.reason + "。",
    "request_id": lambda e: e.request_id.upper(),
    "prev_hash": lambda e: bytes([e.prev_hash[0] ^ 1]) + e.prev_hash[1:],
    "hash": lambda e: e.hash[:-1] + bytes([e.hash[-1] ^ 128]),
}


@pytest.mark.parametrize("name", sorted(FIELD_CHANGES))
def test_a_changed_field_is_named_at_its_event_wherever_it_is(name: str) -> None:
    for index in range(N):
        events = list(EVENTS)
        events[index] = dataclasses.replace(events[index], **{name: FIELD_CHANGES[name](events[index])})  # type: ignore[arg-type]
        assert first_bad(check(events)) == (index + 1, Kind.CHANGED)


def test_a_changed_event_with_its_hash_recomputed_is_named_by_the_link_after_it() -> None:
    for index in range(N - 1):
        assert first_bad(check(rehashed(EVENTS, index, reason="改过"))) == (index + 1, Kind.CHANGED)
    sequence, _ = first_bad(check(rehashed(EVENTS, N - 1, reason="改过")))  # only the last checkpoint holds it
    assert sequence is not None and 28 < sequence <= N


def test_a_rewritten_tail_with_every_hash_recomputed_is_caught_by_the_checkpoint() -> None:
    events = EVENTS[:10]
    for i in range(10, N):
        events.append(forged(events[-1], i))
    assert first_bad(check(events)) == (8, Kind.CHANGED)  # somewhere in 8..14, the span of the broken checkpoint


def test_a_deleted_event_is_named() -> None:
    for index in range(N):
        sequence, kind = first_bad(check(EVENTS[:index] + EVENTS[index + 1 :]))
        assert sequence == index + 1
        assert kind == (Kind.MISSING if index < N - 1 else Kind.TRUNCATED)


def test_an_inserted_event_is_named_even_when_it_chains_correctly() -> None:
    for index in range(N):
        intruder = forged(EVENTS[index - 1] if index else None, index)
        assert intruder.sequence == index + 1
        assert first_bad(check([*EVENTS[:index], intruder, *EVENTS[index:]])) == (index + 1, Kind.INSERTED)


@settings(max_examples=200)
@given(st.integers(0, N - 1), st.integers(0, N))
def test_a_duplicated_event_is_named_where_the_copy_stands(original: int, position: int) -> None:
    events = [*EVENTS[:position], EVENTS[original], *EVENTS[position:]]
    expected = position + 2 if position == original else position + 1
    assert first_bad(check(events)) == (expected, Kind.DUPLICATED)


@settings(max_examples=200)
@given(st.integers(0, N - 1), st.integers(0, N - 1))
def test_a_moved_event_is_named_where_the_order_first_breaks(source: int, target: int) -> None:
    events = list(EVENTS)
    events.insert(target, events.pop(source))
    if source == target:
        assert check(events).ok
    else:
        assert first_bad(check(events)) == (min(source, target) + 1, Kind.REORDERED)


def test_a_log_truncated_after_a_checkpoint_is_named_at_the_first_missing_event() -> None:
    for kept in range(N):
        assert first_bad(check(EVENTS[:kept])) == (kept + 1, Kind.TRUNCATED)


@settings(max_examples=200)
@given(st.binary(min_size=1, max_size=200))
def test_garbage_put_before_the_export_is_named_at_sequence_1(garbage: bytes) -> None:
    report = verify_export(garbage + b"\n" + write_export(EVENTS, CHECKPOINTS).encode(), PUBLIC)
    assert first_bad(report) == (1, Kind.GARBAGE)
    glued = verify_export(garbage + write_export(EVENTS, CHECKPOINTS).encode(), PUBLIC)
    assert first_bad(glued)[0] == 1


def test_checkpoints_signed_by_another_key_fail_at_the_first_checkpoint() -> None:
    report = verify_export(write_export(EVENTS, CHECKPOINTS), Ed25519PrivateKey.generate().public_key())
    assert first_bad(report) == (7, Kind.BAD_SIGNATURE)
    forged_cp = dataclasses.replace(CHECKPOINTS[2], signature=bytes(64))
    assert first_bad(check(EVENTS, [*CHECKPOINTS[:2], forged_cp, *CHECKPOINTS[3:]])) == (21, Kind.BAD_SIGNATURE)


def test_the_verifier_imports_only_the_standard_library_and_cryptography() -> None:
    tree = ast.parse(Path(verifier.__file__).read_text(encoding="utf-8"))
    names = {a.name for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names}
    names |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level == 0}
    assert all(name == "__future__" or name.split(".")[0] in sys.stdlib_module_names or
               name.split(".")[0] == "cryptography" for name in names), names  # fmt: skip
    assert not any(isinstance(node, ast.ImportFrom) and node.level for node in ast.walk(tree))


def test_the_verifier_runs_as_a_lone_file_and_reports_in_chinese_and_english(tmp_path: Path) -> None:
    script = tmp_path / "verify.py"
    shutil.copy(verifier.__file__, script)
    key = tmp_path / "audit.pub.pem"
    key.write_bytes(PUBLIC.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    good, bad = tmp_path / "good.jsonl", tmp_path / "bad.jsonl"
    good.write_text(write_export(EVENTS, CHECKPOINTS), encoding="utf-8")
    bad.write_text(write_export(EVENTS[:4] + EVENTS[5:], CHECKPOINTS), encoding="utf-8")

    def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, *map(str, args)], capture_output=True, text=True, cwd=tmp_path,
                              check=False)  # fmt: skip

    ok = run("-I", script, good, "--key", key)
    assert ok.returncode == 0 and "审计记录完好" in ok.stdout and "intact" in ok.stdout, ok.stderr
    failed = run("-I", script, bad, "--key", key)
    assert failed.returncode == 1
    assert "第 5 条" in failed.stdout and "sequence 5 missing" in failed.stdout
    as_module = run("-m", "hezhang.audit.verify", bad, "--key", key)
    assert as_module.returncode == 1 and "sequence 5" in as_module.stdout and not as_module.stderr


@settings(max_examples=300)
@given(st.data())
def test_the_fast_reading_of_an_event_line_agrees_with_parsing_it(data: st.DataObject) -> None:
    """An event line is read by one pattern when it is as hezhang writes it, else by parsing its JSON: whatever
    the line (as written, bytes flipped, cut, respaced, keys reordered), both give the same answer."""
    import json

    line = write_export(EVENTS, []).encode().splitlines()[data.draw(st.integers(0, N - 1))]
    how = data.draw(st.sampled_from(["as written", "flip", "cut", "respaced", "reordered", "escaped"]))
    if how == "flip":
        at = data.draw(st.integers(0, len(line) - 1))
        line = line[:at] + bytes([line[at] ^ 1 << data.draw(st.integers(0, 7))]) + line[at + 1 :]
    elif how == "cut":
        line = line[: data.draw(st.integers(0, len(line) - 1))]
    elif how in ("respaced", "reordered"):
        obj = json.loads(line)
        if how == "reordered":
            obj["event"] = dict(reversed(obj["event"].items()))
        line = json.dumps(obj, ensure_ascii=False, separators=(", ", ": ")).encode()
    elif how == "escaped":
        line = line.replace(b'"actor":"staff', b'"actor":"\\u0073taff')
    assert verifier._event(line) == verifier._event_parsed(line)
    if how == "as written":
        assert verifier._EVENT_LINE.fullmatch(line) is not None  # the fast way is the one taken
