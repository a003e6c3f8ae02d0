"""Reconciling from the store: a draft saved with its items sealed, carry-forward, and maker-checker."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from hezhang.config import load_settings
from hezhang.domain.money import format_fen
from hezhang.samples.client_month import generate_client_month
from hezhang.security.keyring import Keyring
from hezhang.services.clients import add_bank_account, create_client
from hezhang.services.errors import UserError
from hezhang.services.imports import import_file
from hezhang.services.store_access import Store
from hezhang.services.stored_reconciliation import advance, reconcile_period

if TYPE_CHECKING:
    from integration.conftest import StoreDb


@pytest.fixture(scope="module")
def store(store_db: StoreDb, tmp_path_factory: pytest.TempPathFactory) -> Store:
    folder = tmp_path_factory.mktemp("keys")
    settings = load_settings({"HEZHANG_DATA_DIR": str(folder), "HEZHANG_DATABASE_URL": store_db.url})
    Keyring.create(settings.keyring_path)
    return Store(settings)


def test_a_stored_month_reconciles_balances_and_follows_maker_checker(store: Store, tmp_path: Path) -> None:
    month = generate_client_month(21)
    bank_path, journal_path = month.write(tmp_path)
    client = create_client(store, "己公司")
    account = add_bank_account(store, client, "6222020000000000021", ledger_code=month.account_code)
    assert import_file(store, client, bank_path, "bank", bank_account_id=account).problems == ()
    assert import_file(store, client, journal_path, "journal", account_prefix=month.account_code).problems == ()
    outcome = reconcile_period(
        store, client, account, month.period, actor="accountant:wang", book_opening=format_fen(month.book_opening_fen)
    )
    assert outcome.statement.balanced
    assert len(outcome.result.auto) > 0.9 * len(month.truth.groups)
    with store.work([client]) as (uow, _):
        saved = uow.reconciliations.get(outcome.reconciliation_id)
        assert saved is not None and saved.status == "draft" and saved.statement is not None
        assert saved.statement["balanced"] is True
        assert len(uow.reconciliations.outstanding(outcome.reconciliation_id)) == len(outcome.statement.items)
    advance(store, client, outcome.reconciliation_id, "prepared", "accountant:wang")
    with pytest.raises(UserError, match="preparer"):
        advance(store, client, outcome.reconciliation_id, "reviewed", "accountant:wang")
    advance(store, client, outcome.reconciliation_id, "reviewed", "supervisor:li")
    with pytest.raises(UserError, match="preparer"):
        advance(store, client, outcome.reconciliation_id, "locked", "accountant:wang")
    advance(store, client, outcome.reconciliation_id, "locked", "supervisor:li")
    with pytest.raises(UserError):
        advance(store, client, outcome.reconciliation_id, "reviewed", "supervisor:li")
