"""A bank statement whose own running balance breaks is read, and its 调节表 is not balanced until a person accepts
the gap with a reason: in file mode (`reconcile --accept-gaps`) and in the store (recorded with the version)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from factories.month_files import Txn, bank_csv, journal_csv, yuan
from factories.people import staff
from hezhang.domain.period import Period
from hezhang.security.policy import Role
from hezhang.services.clients import add_bank_account, create_client
from hezhang.services.errors import UserError
from hezhang.services.imports import import_file
from hezhang.services.match_decisions import reject
from hezhang.services.reconciling import reconcile_files
from hezhang.services.store_access import Store
from hezhang.services.stored_reconciliation import read_reconciliation, reconcile_period

MONTH = [Txn(date(2026, 10, 3 + 4 * i), (2_000 + 13 * i) * 100, "in" if i % 2 else "out", f"某{i}贸易有限公司",
             f"货款{i}") for i in range(5)]  # fmt: skip
#: Two rents of one day to two landlords the books do not tell apart: suggestions for a person.
RENT = [Txn(date(2026, 10, 25), 8_000_00, "out", landlord, "房租") for landlord in ("房东甲", "房东乙")]


def _files(folder: Path) -> tuple[Path, Path]:
    """The month's bank export with one line's running balance mistyped (one yuan off), and its journal."""
    text = bank_csv(MONTH + RENT, opening=100_000_00).decode()
    lines = text.splitlines()
    cells = lines[2].split(",")  # the second line
    cells[8] = yuan(int(cells[8].replace(".", "")) + 100)
    lines[2] = ",".join(cells)
    bank, journal = folder / "bank.csv", folder / "journal.csv"
    bank.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    journal.write_bytes(journal_csv(MONTH + [Txn(t.day, t.fen, t.direction, "房东", "付房租") for t in RENT]))
    return bank, journal


def test_file_mode_is_not_balanced_until_the_gap_is_accepted(tmp_path: Path) -> None:
    bank, journal = _files(tmp_path)
    plain = reconcile_files(bank, journal, tmp_path / "a", account_prefix="100201", book_opening="100000.00")
    assert plain.statement is not None and plain.statement.agrees and not plain.statement.balanced
    assert [g.row for g in plain.statement.gaps] == [2, 3]  # the wrong balance and the line after it
    assert any(c.code == "statement_gap" for c in plain.statement.causes)
    with pytest.raises(UserError, match="reason"):
        reconcile_files(bank, journal, tmp_path / "b", account_prefix="100201", accept_gaps="ok")
    accepted = reconcile_files(bank, journal, tmp_path / "c", account_prefix="100201", book_opening="100000.00",
                               accept_gaps="银行回单核对，余额栏印刷错误")  # fmt: skip
    assert accepted.statement is not None and accepted.statement.balanced
    assert accepted.statement.gaps_acknowledged == "银行回单核对，余额栏印刷错误"


def test_the_store_keeps_the_gap_with_the_import_and_the_acceptance_with_the_version(
    store: Store, tmp_path: Path
) -> None:
    admin = staff(store, Role.FIRM_ADMIN)
    client = create_client(store, admin, "缺口公司")
    wang = staff(store, Role.ACCOUNTANT, clients=[client])
    account = add_bank_account(store, wang, client, "6222020000000044444", ledger_code="100201")
    bank, journal = _files(tmp_path)
    assert import_file(store, wang, client, bank, "bank", bank_account_id=account).problems == ()
    assert import_file(store, wang, client, journal, "journal", account_prefix="100201").problems == ()
    october = Period.month(2026, 10)
    first = reconcile_period(store, wang, client, account, october, book_opening="100000.00")
    assert first.statement.agrees and not first.statement.balanced and len(first.statement.gaps) == 2
    shown = read_reconciliation(store, wang, client, first.reconciliation_id).statement
    assert shown["balanced"] is False and len(shown["gaps"]) == 2 and shown["gaps_acknowledged"] is None
    accepted = reconcile_period(store, wang, client, account, october, book_opening="100000.00",
                                accept_gaps="与银行核对：余额栏打印有误，金额无误")  # fmt: skip
    assert accepted.statement.balanced
    assert accepted.statement.gaps_acknowledged is not None and accepted.statement.gaps_acknowledged.startswith(
        wang_name := str(accepted.statement.gaps_acknowledged.split(":")[0])
    )
    assert wang_name and "余额栏" in accepted.statement.gaps_acknowledged
    # a later decision recomputes the statement from the version's lines and keeps the acceptance
    after = reject(store, wang, client, accepted.reconciliation_id, accepted.result.suggested[0].match_id)
    assert after.statement.gaps_acknowledged == accepted.statement.gaps_acknowledged and after.statement.balanced
    shown = read_reconciliation(store, wang, client, accepted.reconciliation_id).statement
    assert shown["balanced"] is True and shown["gaps_acknowledged"].endswith("余额栏打印有误，金额无误")
