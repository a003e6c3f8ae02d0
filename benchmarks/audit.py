"""Audit trail speed: build a hash-chained log in memory, export it, verify the export with the standalone verifier.

    python -m benchmarks.audit [--events 1000000] [--every 10000]

Each phase runs in a child process of its own, so its peak RSS is its own. "build" appends `--events` events to
an in-memory `AuditLog` (hashing each, keeping the Merkle frontier, signing a checkpoint every `--every`
events); "export" writes them as JSON lines to a temporary file; "verify" runs `hezhang.audit.verify` on that
file (every hash and link, the Merkle root at every checkpoint, every signature). The aim from issue 5 is
verify 1,000,000 events in under 10 s. Database append rates are measured when the audit table exists.
Nothing here asserts a timing.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import resource
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

SEED_KEY = bytes(range(32))
T0 = datetime(2026, 1, 1, tzinfo=UTC)
Phase = tuple[str, float, int, str]  # name, seconds, peak RSS in MiB, note


def _peak_mib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def build_and_export(events: int, every: int, path: str) -> list[Phase]:
    from hezhang.audit import export_lines
    from hezhang.audit.chain import AuditLog
    from hezhang.audit.merkle import inclusion_proof, root

    key = Ed25519PrivateKey.from_private_bytes(SEED_KEY)
    log = AuditLog(key, checkpoint_every=every, clock=lambda: T0)
    actions, classes = ("read", "read", "read", "change", "reveal", "export"), (("S1",), ("S1", "S2"), ("S0",))
    start = time.perf_counter()
    for i in range(events):
        log.record(actor=f"staff:{i % 40}", source=f"10.0.{i % 7}.{i % 250}", action=actions[i % 6],
                   client=f"client:{i % 300:04d}", resource=f"bank_line/{i}", data_classes=classes[i % 3],
                   outcome="denied" if i % 50 == 0 else "allowed", reason="月末对账" if i % 2 else "",
                   request_id=f"req-{i:08d}", at=T0 + timedelta(milliseconds=i))  # fmt: skip
    built = time.perf_counter() - start
    if events % every:
        log.checkpoint(T0)
    phases: list[Phase] = [("build", built, _peak_mib(), f"{len(log.checkpoints)} checkpoints signed")]
    start = time.perf_counter()
    hashes = log.hashes()
    assert root(hashes) == log.root()
    phases.append(("Merkle root of all event hashes", time.perf_counter() - start, _peak_mib(), "merkle.root"))
    start = time.perf_counter()
    inclusion_proof(events // 3, hashes)
    phases.append(("one inclusion proof", time.perf_counter() - start, _peak_mib(), "O(n), no cache"))
    start = time.perf_counter()
    with open(path, "wb") as handle:
        handle.writelines(export_lines(log.events, log.checkpoints))
    size = os.path.getsize(path)
    phases.append(("export", time.perf_counter() - start, _peak_mib(), f"{size / 2**20:,.0f} MiB of JSON lines"))
    return phases


def verify(path: str) -> list[Phase]:
    from hezhang.audit.verify import verify_lines

    public_key = Ed25519PrivateKey.from_private_bytes(SEED_KEY).public_key()
    start = time.perf_counter()
    with open(path, "rb") as handle:
        report = verify_lines(handle, public_key)
    seconds = time.perf_counter() - start
    if not report.ok:
        raise RuntimeError(f"the benchmark export does not verify: {report.failure}")
    note = f"{report.events:,} events, {report.checkpoints} checkpoints, covered {report.covered:,}"
    return [("verify export", seconds, _peak_mib(), note)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--every", type=int, default=10_000, help="events between signed checkpoints")
    args = parser.parse_args()
    context = mp.get_context("spawn")
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "audit.jsonl")
        with ProcessPoolExecutor(1, mp_context=context) as pool:
            phases = pool.submit(build_and_export, args.events, args.every, path).result()
        with ProcessPoolExecutor(1, mp_context=context) as pool:
            phases += pool.submit(verify, path).result()
    print(f"## Audit trail: {args.events:,} events, a signed checkpoint every {args.every:,}\n")
    print("| phase | seconds | events/s | peak RSS (MiB) | note |")
    print("|---|---:|---:|---:|---|")
    for name, seconds, peak, note in phases:
        rate = f"{args.events / seconds:,.0f}" if name in ("build", "export", "verify export") else ""
        print(f"| {name} | {seconds:.2f} | {rate} | {peak:,} | {note} |")
    print(f"\nAim (issue 5): verify 1,000,000 events in under 10 s. CPUs: {os.cpu_count()}, "
          f"load average at the end: {os.getloadavg()[0]:.1f}.")  # fmt: skip


if __name__ == "__main__":
    main()
