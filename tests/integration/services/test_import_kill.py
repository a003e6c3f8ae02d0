"""An import killed with SIGKILL in the middle of writing leaves the store exactly as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, func, select, text

from factories.people import session_token, staff
from hezhang.config import load_settings
from hezhang.samples.bank_exports import render_standard_csv
from hezhang.samples.statements import generate_bank_lines
from hezhang.security.keyring import Keyring
from hezhang.security.policy import Role
from hezhang.services.clients import add_bank_account, create_client
from hezhang.services.store_access import Store
from hezhang.store.tables import bank_lines, statement_imports
from hezhang.store.uow import UnitOfWork

if TYPE_CHECKING:
    from integration.conftest import StoreDb


def _counts(engine: Engine) -> tuple[int, int]:
    with engine.connect() as c:
        return tuple(
            int(c.execute(select(func.count()).select_from(t)).scalar_one()) for t in (statement_imports, bank_lines)
        )  # type: ignore[return-value]


def _writing(store_db: StoreDb, admin_engine: Engine) -> bool:
    """True once the import is inserting lines, not yet committed."""
    if store_db.kind == "sqlite":
        wal = Path(store_db.url.split("///", 1)[1] + "-wal")
        return wal.exists() and wal.stat().st_size > 512 * 1024
    with admin_engine.connect() as c:
        found = c.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE 'INSERT INTO bank_lines%'"
            )
        ).scalar_one()
    return int(found) > 0


def test_sigkill_midway_leaves_the_store_as_before(store_db: StoreDb, admin_engine: Engine, tmp_path: Path) -> None:
    settings = load_settings({"HEZHANG_DATA_DIR": str(tmp_path), "HEZHANG_DATABASE_URL": store_db.url})
    Keyring.create(settings.keyring_path)
    store = Store(settings)
    client = create_client(store, staff(store, Role.FIRM_ADMIN), "戊公司")
    wang = staff(store, Role.ACCOUNTANT, clients=[client])
    account = add_bank_account(store, wang, client, "6222020000000000002")
    big = tmp_path / "big.csv"
    big.write_bytes(render_standard_csv(generate_bank_lines(60_000, seed=5, start=date(2026, 1, 1), days=300)))
    before = _counts(admin_engine)
    env = {**os.environ, "HEZHANG_DATA_DIR": str(tmp_path), "HEZHANG_DATABASE_URL": store_db.url,
           "HEZHANG_SESSION": session_token(store, wang)}  # the child imports as wang, signed in  # fmt: skip
    command = [sys.executable, "-m", "hezhang", "import", "bank", "--client", str(client), "--account", str(account)]
    process = subprocess.Popen([*command, str(big)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not _writing(store_db, admin_engine):
        assert process.poll() is None, "the import ended before it was caught writing; make the file larger"
        assert time.monotonic() < deadline, "the import was never seen writing"
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert _counts(admin_engine) == before
    with UnitOfWork(store.engine, [client]) as uow:  # its audit event would have gone in with the lines
        assert "import" not in {event.action for event in uow.audit.client_events(client)}
    # The store is usable at once: nothing is left locked or half-written.
    add_bank_account(store, wang, client, "6222020000000000003")
