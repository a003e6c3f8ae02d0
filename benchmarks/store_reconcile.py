"""Reconciling a stored client's 10,000 bank lines against 10,000 ledger lines, on SQLite and PostgreSQL.

    python -m benchmarks.store_reconcile [--lines 10000] [--repeat 3] [--postgres]

The lines are generated column-wise (`benchmarks.matching.files`: 97 % have a counterpart booked 0–5 days
later), imported through the services (sealed), then `services.stored_reconciliation.reconcile_period` reads,
opens, matches, reconciles and saves them over the period they span.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.matching import files
from benchmarks.people import person
from benchmarks.store_import import _database
from hezhang.config import load_settings
from hezhang.domain.period import Period
from hezhang.security.keyring import Keyring
from hezhang.security.policy import Role
from hezhang.services.clients import add_bank_account, create_client
from hezhang.services.imports import import_file
from hezhang.services.store_access import Store
from hezhang.services.stored_reconciliation import reconcile_period

YEAR = Period.parse("2026-01-01..2026-12-31")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    bank_bytes, journal_bytes = files(args.lines)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        bank_path, journal_path = folder / "bank.csv", folder / "journal.csv"
        bank_path.write_bytes(bank_bytes)
        journal_path.write_bytes(journal_bytes)
        url, _ = _database(folder, args.postgres)
        settings = load_settings({"HEZHANG_DATA_DIR": str(folder), "HEZHANG_DATABASE_URL": url})
        Keyring.create(settings.keyring_path)
        store = Store(settings)
        client = create_client(store, person(store, Role.FIRM_ADMIN), "基准客户")
        accountant = person(store, Role.ACCOUNTANT, (client,))
        account = add_bank_account(store, accountant, client, "6222020000000000077", ledger_code="100201")
        start = time.perf_counter()
        bank = import_file(store, accountant, client, bank_path, "bank", bank_account_id=account)
        journal = import_file(store, accountant, client, journal_path, "journal", account_prefix="100201")
        imported = time.perf_counter() - start
        times, balanced = [], True
        for _ in range(args.repeat):
            start = time.perf_counter()
            outcome = reconcile_period(store, accountant, client, account, YEAR)  # book opening from the bank side
            times.append(time.perf_counter() - start)
            balanced &= outcome.statement.balanced
        store.engine.dispose()
    db = "PostgreSQL" if args.postgres else "SQLite"
    print("| store | bank lines | journal rows | import both s | reconcile median s | balanced |")
    print("|---|---:|---:|---:|---:|---|")
    print(f"| {db} | {bank.lines:,} | {journal.lines:,} | {imported:.2f} | "
          f"{statistics.median(times):.2f} | {balanced} |")  # fmt: skip


if __name__ == "__main__":
    main()
