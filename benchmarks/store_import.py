"""Importing a statement into the store with field encryption, beside the same import without it.

    python -m benchmarks.store_import [--lines 100000] [--repeat 3] [--postgres]

Both runs go through `services.imports.import_file` (parse, seal, insert in one transaction). The baseline
swaps the envelope sealer for one that stores the plaintext bytes: a benchmark-only stand-in, never selectable
by a configuration. Each run uses a fresh database.
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path
from uuid import UUID

from sqlalchemy import create_engine, make_url, text

from benchmarks.people import person
from hezhang.config import load_settings
from hezhang.samples.bank_exports import render_standard_csv
from hezhang.samples.statements import generate_bank_lines
from hezhang.security.keyring import Keyring
from hezhang.security.policy import Role
from hezhang.services import imports, sealer
from hezhang.services import store_access as access
from hezhang.services.clients import add_bank_account, create_client
from hezhang.services.store_access import Store
from hezhang.store import migrate

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


class PlainSealer(sealer.EnvelopeSealer):
    """Stores plaintext (the baseline): the same calls, no cryptography."""

    def seal(self, client_id: UUID, table: str, column: str, row_id: UUID, plaintext: bytes) -> bytes:
        return plaintext

    def blind(self, client_id: UUID, domain: str, plaintext: bytes) -> bytes:
        return plaintext[:16]


def _database(folder: Path, postgres: bool) -> tuple[str, str]:
    if not postgres:
        url = f"sqlite+pysqlite:///{folder / f'{secrets.token_hex(4)}.db'}"
        migrate.upgrade(url)
        return url, url
    name = f"hz_bench_{secrets.token_hex(4)}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    base = make_url(PG_ADMIN).set(database=name)
    migrate.upgrade(base.render_as_string(hide_password=False))
    return base.set(username="hezhang_app").render_as_string(hide_password=False), name


def _run(path: Path, folder: Path, postgres: bool, encrypt: bool) -> float:
    url, _ = _database(folder, postgres)
    settings = load_settings({"HEZHANG_DATA_DIR": str(folder), "HEZHANG_DATABASE_URL": url})
    if not settings.keyring_path.exists():
        Keyring.create(settings.keyring_path)
    store = Store(settings)
    client = create_client(store, person(store, Role.FIRM_ADMIN), "基准客户")
    accountant = person(store, Role.ACCOUNTANT, (client,))
    account = add_bank_account(store, accountant, client, "6222020000000000009")
    access.EnvelopeSealer = sealer.EnvelopeSealer if encrypt else PlainSealer  # type: ignore[misc]
    try:
        start = time.perf_counter()
        outcome = imports.import_file(store, accountant, client, path, "bank", bank_account_id=account)
        elapsed = time.perf_counter() - start
    finally:
        access.EnvelopeSealer = sealer.EnvelopeSealer  # type: ignore[misc]
    assert outcome.problems == (), outcome.problems[:3]
    store.engine.dispose()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "statement.csv"
        path.write_bytes(render_standard_csv(generate_bank_lines(args.lines, seed=9, start=date(2026, 1, 1), days=365)))
        db = "PostgreSQL" if args.postgres else "SQLite"
        runs = {
            "with encryption": [_run(path, folder, args.postgres, True) for _ in range(args.repeat)],
            "without (plaintext)": [_run(path, folder, args.postgres, False) for _ in range(args.repeat)],
        }
    base = statistics.median(runs["without (plaintext)"])
    print(f"| store | import of {args.lines:,} lines | median s | lines/s | vs without |")
    print("|---|---|---:|---:|---:|")
    for name, times in runs.items():
        m = statistics.median(times)
        print(f"| {db} | {name} | {m:.2f} | {args.lines / m:,.0f} | {m / base:.2f}x |")


if __name__ == "__main__":
    main()
