"""Offboarding on SQLite and PostgreSQL: the export holds the original files byte for byte, the lines and the
reconciliation in open formats with a manifest, in a private folder; shredding afterwards leaves nothing readable."""

from __future__ import annotations

import csv
import hashlib
import json
import stat
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from factories.people import client_user, staff
from hezhang.domain.money import format_fen
from hezhang.domain.period import Period
from hezhang.samples.client_month import generate_client_month
from hezhang.security.policy import Role
from hezhang.services.clients import UNREADABLE, add_bank_account, create_client, view_client
from hezhang.services.context import Context
from hezhang.services.errors import UserError
from hezhang.services.freeze import ClientFrozenError, request_freeze
from hezhang.services.imports import import_file
from hezhang.services.offboarding import export_client
from hezhang.services.store_access import Store
from hezhang.services.stored_reconciliation import reconcile_period
from hezhang.store.sealer import MissingDataKeyError

if TYPE_CHECKING:
    from uuid import UUID


ACCOUNT = "6222020000000000777"


@pytest.fixture(scope="module")
def admin(store: Store) -> Context:
    return staff(store, Role.FIRM_ADMIN)


def reconciled_client(
    store: Store, admin: Context, folder: Path, seed: int
) -> tuple[UUID, Path, Path, list[str], Context, Context]:
    """A client with a month reconciled by its accountant; returns it, both original files, the bank
    counterparty names, the accountant and the client's supervisor (who exports)."""
    month = generate_client_month(seed, lines=50, period=Period.month(2026, 10))
    bank_path, journal_path = month.write(folder / "in")
    client = create_client(store, admin, f"移交客户{seed}", contact_name="赵敏", contact_phone="13812345678")
    wang = staff(store, Role.ACCOUNTANT, clients=[client])
    li = staff(store, Role.SUPERVISOR, clients=[client])
    account = add_bank_account(store, wang, client, ACCOUNT, ledger_code=month.account_code)
    assert import_file(store, wang, client, bank_path, "bank", bank_account_id=account).problems == ()
    imported = import_file(store, wang, client, journal_path, "journal", account_prefix=month.account_code)
    assert imported.problems == ()
    book = format_fen(month.book_opening_fen)
    reconcile_period(store, wang, client, account, month.period, book_opening=book)
    names = sorted({line.counterparty_name for line in month.bank_lines if line.counterparty_name})
    return client, bank_path, journal_path, names, wang, li


def test_the_export_holds_the_original_files_lines_and_reconciliation(
    store: Store, admin: Context, tmp_path: Path
) -> None:
    client, bank_path, journal_path, names, _, li = reconciled_client(store, admin, tmp_path, 51)
    out = tmp_path / "handover"
    outcome = export_client(store, li, client, out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    originals = {hashlib.sha256(p.read_bytes()).hexdigest() for p in (bank_path, journal_path)}
    assert {f["sha256"] for f in manifest["files"]} == originals  # the import's SHA-256 of each file
    for f in manifest["files"]:
        assert hashlib.sha256((out / f["path"]).read_bytes()).hexdigest() == f["sha256"]
        assert f["retain_until"] == ("2036-12-31" if f["kind"] == "statement" else "2056-12-31")
        assert f["archive_type"] in ("statement_10y", "journal_30y")
    for relative, digest in manifest["written"].items():
        assert hashlib.sha256((out / relative).read_bytes()).hexdigest() == digest
    with (out / "lines" / "bank_lines.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == outcome.bank_lines == manifest["counts"]["bank_lines"] > 0
    assert {r["counterparty_name"] for r in rows if r["counterparty_name"]} == set(names)  # decrypted: a handover
    assert all("_bi" not in column for column in rows[0])  # blind indexes are of no use outside
    assert manifest["client"]["contact_phone"] == "13812345678"
    assert manifest["bank_accounts"][0]["account_number"] == ACCOUNT
    (rec,) = manifest["reconciliations"]
    body = json.loads((out / rec["path"]).read_text("utf-8"))
    assert body["period"] == "2026-10" and body["matches"] and body["statement"]["balanced"] is True
    assert outcome.reconciliations == 1 and not outcome.shredded
    with pytest.raises(UserError, match="new or empty"):
        export_client(store, li, client, out)


def test_shredding_after_the_export_leaves_the_stored_data_unreadable(
    store: Store, admin: Context, tmp_path: Path
) -> None:
    client, bank_path, _, _, wang, li = reconciled_client(store, admin, tmp_path, 52)
    assert view_client(store, wang, client).contact_phone == "138****5678"
    outcome = export_client(store, li, client, tmp_path / "out", shred=True)
    assert outcome.shredded
    exported = json.loads(outcome.manifest.read_text("utf-8"))
    statement = next(f for f in exported["files"] if f["kind"] == "statement")
    assert (tmp_path / "out" / statement["path"]).read_bytes() == bank_path.read_bytes()
    shown = view_client(store, wang, client)  # the client is still listed, its contacts unreadable
    assert (shown.status, shown.contact_name, shown.contact_phone) == ("offboarded", UNREADABLE, UNREADABLE)
    with store.work([client]) as (uow, sealer):
        row = uow.clients.get(client)
        assert row is not None and row.contact_name is not None
        with pytest.raises(MissingDataKeyError):
            sealer.open(client, "clients", "contact_name", client, row.contact_name)
        (stored,) = uow.imports.statements_of(uow.bank_accounts.list(client)[0].id)
        with pytest.raises(MissingDataKeyError):
            sealer.open(client, "statement_imports", "raw_file", stored.id, stored.raw_file)
    with pytest.raises(ClientFrozenError, match="offboarded"):
        export_client(store, li, client, tmp_path / "again")
    assert not (tmp_path / "again").exists()


def test_a_frozen_client_is_not_exported(store: Store, admin: Context, tmp_path: Path) -> None:
    client, _, _, _, _, li = reconciled_client(store, admin, tmp_path, 53)
    request_freeze(store, client_user(store, client), client)
    with pytest.raises(ClientFrozenError, match="frozen"):
        export_client(store, li, client, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_the_export_writes_formula_like_text_as_text(store: Store, admin: Context, tmp_path: Path) -> None:
    """A memo or counterparty that a spreadsheet would run (=, +, -, @) reaches the handover CSV neutralized."""
    from datetime import date

    from factories.month_files import Txn, bank_csv

    client = create_client(store, admin, "公式公司")
    wang = staff(store, Role.ACCOUNTANT, clients=[client])
    li = staff(store, Role.SUPERVISOR, clients=[client])
    account = add_bank_account(store, wang, client, ACCOUNT, ledger_code="100201")
    statement = tmp_path / "formula.csv"
    statement.write_bytes(bank_csv([Txn(date(2026, 10, 3), 100_00, "in", "@SUM(A1)", "=HYPERLINK(\"http://x\")"),
                                    Txn(date(2026, 10, 4), 50_00, "out", "某公司", "-1+2")]))  # fmt: skip
    assert import_file(store, wang, client, statement, "bank", bank_account_id=account).problems == ()
    out = tmp_path / "handover"
    export_client(store, li, client, out)
    with (out / "lines" / "bank_lines.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["memo"] for r in rows] == ['\'=HYPERLINK("http://x")', "'-1+2"]
    assert rows[0]["counterparty_name"] == "'@SUM(A1)"
