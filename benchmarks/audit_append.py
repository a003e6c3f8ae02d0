"""Appending to the audit trail in the store: hash chain, lock, a signed checkpoint with every transaction and its
line in the witness file, beside a plain INSERT of the same rows.

    python -m benchmarks.audit_append [--events 20000] [--single 3000] [--repeat 5] [--postgres]

Four ways, each on a fresh database (SQLite: a temporary file; PostgreSQL: a new database, as the application
role), each run once with one event per transaction (`--single` events: every commit waits for the disk) and once
with 1,000 events per transaction (`--events` events):

- "trail": `uow.audit.record` (SHA-256 chain over canonical JSON, the append lock, the head and the latest
  checkpoint read once per transaction, a driver-level INSERT), then, as each transaction commits, an Ed25519-signed
  checkpoint from the stored frontier and, after the commit, its line appended to a witness file.
- "plain INSERT, driver": the same rows (hashes included, made beforehand) sent the same way, nothing else.
- "plain INSERT, Core": the same rows through SQLAlchemy Core, one `execute` per row: what a naive repository does.

Nothing here asserts a timing. The aim (issue 5): at least 20,000 events/s on SQLite.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from uuid import UUID

from sqlalchemy import create_engine, text

from benchmarks.store_import import PG_ADMIN, _database
from hezhang.audit.chain import append
from hezhang.audit.event import AuditEvent, format_time
from hezhang.audit.signer import KeyringSigner
from hezhang.audit.witness import WitnessFile
from hezhang.security.keyring import Keyring
from hezhang.store.engine import make_engine
from hezhang.store.repositories.audit import _DriverInsert
from hezhang.store.tables import audit_events
from hezhang.store.uow import UnitOfWork

T0 = datetime(2026, 1, 1, tzinfo=UTC)
CLIENTS = [str(UUID(int=i + 1)) for i in range(300)]
ACTIONS, CLASSES = ("client.read", "reconciliation.read", "import", "reveal"), (("S1",), ("S1", "S2"), ("S0",))
Fields = dict[str, Any]


def fields(i: int) -> Fields:
    """The i-th event's fields, as a service would hand them to the trail."""
    return {"at": T0 + timedelta(milliseconds=i), "actor": f"员工{i % 40} <{CLIENTS[i % 40]}>",
            "source": f"10.0.{i % 7}.{i % 250}", "action": ACTIONS[i % 4],
            "client": None if i % 10 == 0 else CLIENTS[i % 300], "resource": f"bank_lines:{i}",
            "data_classes": CLASSES[i % 3], "outcome": "denied" if i % 50 == 0 else "allowed",
            "reason": "月末对账" if i % 2 else "", "request_id": f"req-{i:08d}"}  # fmt: skip


def row(event: AuditEvent) -> Fields:
    return {"sequence": event.sequence, "at": event.at, "actor": event.actor, "source": event.source,
            "action": event.action, "client_id": None if event.client is None else UUID(event.client),
            "resource": event.resource, "data_classes": ",".join(event.data_classes), "outcome": event.outcome,
            "reason": event.reason, "request_id": event.request_id, "prev_hash": event.prev_hash,
            "hash": event.hash}  # fmt: skip


def chained_rows(n: int) -> list[Fields]:
    rows, prev = [], None
    for i in range(n):
        prev = append(prev, **fields(i))
        rows.append(row(prev))
    return rows


def run_trail(url: str, signer: KeyringSigner, n: int, per: int, witness: Path) -> float:
    engine = make_engine(url)
    inputs = [fields(i) for i in range(n)]  # what the services hand over; made before the clock starts
    witness.unlink(missing_ok=True)
    try:
        gc.collect()  # the inputs just made go to the oldest generation: young collections do not rescan them
        start = time.perf_counter()
        for first in range(0, n, per):
            with UnitOfWork(engine, [], audit_signer=signer, audit_witness=WitnessFile(witness)) as uow:
                for given in inputs[first : first + per]:
                    uow.audit.record(**given)
        elapsed = time.perf_counter() - start
        with UnitOfWork(engine, []) as uow:
            assert uow.audit.size() == n and len(uow.audit.checkpoints()) == -(-n // per)
        assert len(witness.read_bytes().splitlines()) == -(-n // per)
        return elapsed
    finally:
        engine.dispose()


def run_plain(url: str, rows: list[Fields], per: int, driver: bool) -> float:
    engine = make_engine(url)
    insert = audit_events.insert()
    try:
        gc.collect()
        start = time.perf_counter()
        for first in range(0, len(rows), per):
            with engine.begin() as connection:
                send, cursor = _DriverInsert.of(connection.dialect), connection.connection.cursor()
                for values in rows[first : first + per]:
                    if driver:
                        row = dict(values)  # converted as the trail converts them: the time, the client id
                        row["at"] = send.at(row["at"], format_time(row["at"]))
                        row["client_id"] = None if row["client_id"] is None else send.client(row["client_id"])
                        send.send(cursor, row)
                    else:
                        connection.execute(insert, values)
        return time.perf_counter() - start
    finally:
        engine.dispose()


def measure(folder: Path, postgres: bool, job: Callable[[str], float]) -> float:
    """Run `job` on a fresh, migrated database and drop it afterwards."""
    url, database = _database(folder, postgres)
    try:
        return job(url)
    finally:
        if postgres:
            admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
            with admin.connect() as c:
                c.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            admin.dispose()
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(url.split("///", 1)[1] + suffix).unlink(missing_ok=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000, help="events in the 1,000-per-transaction runs")
    parser.add_argument("--single", type=int, default=3_000, help="events in the one-per-transaction runs")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each way; the median is reported")
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    store = "PostgreSQL" if args.postgres else "SQLite"
    results: list[tuple[str, int, int, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        signer = KeyringSigner(Keyring.create(folder / "keyring.json"))
        for per, n in ((1, args.single), (1000, args.events)):
            rows = chained_rows(n)
            jobs = {
                "trail": partial(run_trail, signer=signer, n=n, per=per, witness=folder / "audit-witness.jsonl"),
                "plain INSERT, driver": partial(run_plain, rows=rows, per=per, driver=True),
                "plain INSERT, Core": partial(run_plain, rows=rows, per=per, driver=False),
            }
            for way, job in jobs.items():
                runs = [measure(folder, args.postgres, job) for _ in range(args.repeat)]
                results.append((way, per, n, statistics.median(runs)))
    print("| store | way | events/transaction | events | seconds | events/s | vs plain INSERT, driver |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for way, per, n, seconds in results:
        base = next(s for w, p, _, s in results if w == "plain INSERT, driver" and p == per)
        print(f"| {store} | {way} | {per:,} | {n:,} | {seconds:.2f} | {n / seconds:,.0f} | {seconds / base:.2f}x |")
    print(f"\nMedian of {args.repeat} runs each. Trail: a checkpoint and a witness line per transaction. "
          f"CPUs: {os.cpu_count()}, load average at the end: {os.getloadavg()[0]:.1f}.")  # fmt: skip


if __name__ == "__main__":
    main()
