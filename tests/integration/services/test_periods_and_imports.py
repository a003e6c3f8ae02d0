"""Periods reconciled from every import that covers them, versions that never reset, and lines stored once,
on SQLite and PostgreSQL (findings of an outside review: each of these failed on the store as it was)."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from sqlalchemy import func, select

from factories.month_files import Txn, bank_csv, journal_csv
from factories.people import staff
from hezhang.domain.period import Period
from hezhang.security.policy import Role
from hezhang.services.clients import add_bank_account, create_client
from hezhang.services.context import Context
from hezhang.services.errors import UserError
from hezhang.services.imports import import_file
from hezhang.services.match_decisions import confirm
from hezhang.services.store_access import Store
from hezhang.services.stored_reconciliation import advance, read_reconciliation, reconcile_period
from hezhang.store.tables import bank_lines, ledger_lines

OCT, NOV, DEC = Period.month(2026, 10), Period.month(2026, 11), Period.month(2026, 12)


def _month(month: int, n: int = 4) -> list[Txn]:
    return [Txn(date(2026, month, 1 + (2 + 5 * i) % 28), (1_000 + 7 * i + month) * 100, "in" if i % 2 else "out",
                f"上海甲{i}贸易有限公司", f"货款{i}") for i in range(n)]  # fmt: skip


class Firm:
    """A client with an account, an accountant and a supervisor who reviews (never the preparer)."""

    def __init__(self, store: Store, folder: Path) -> None:
        self.store, self.folder = store, folder
        admin = staff(store, Role.FIRM_ADMIN)
        self.client = create_client(store, admin, f"甲公司{uuid4().hex[:6]}")
        self.wang = staff(store, Role.ACCOUNTANT, clients=[self.client], department=f"一部{self.client.hex[:4]}")
        self.li = staff(store, Role.SUPERVISOR, department=f"一部{self.client.hex[:4]}")
        self.account = add_bank_account(store, self.wang, self.client, "6222020000000011111", ledger_code="100201")

    def file(self, name: str, data: bytes) -> Path:
        path = self.folder / f"{self.client.hex[:8]}-{name}"
        path.write_bytes(data)
        return path

    def bank(self, name: str, txns: list[Txn], opening: int = 0, by: Context | None = None) -> object:
        return import_file(self.store, by or self.wang, self.client, self.file(name, bank_csv(txns, opening)), "bank",
                           bank_account_id=self.account)  # fmt: skip

    def journal(self, name: str, txns: list[Txn]) -> object:
        return import_file(self.store, self.wang, self.client, self.file(name, journal_csv(txns)), "journal",
                           account_prefix="100201")  # fmt: skip

    def stored_lines(self) -> tuple[int, int]:
        with self.store.work([self.client]) as (uow, _):
            return tuple(  # type: ignore[return-value]
                uow.connection.execute(select(func.count()).where(t.c.client_id == self.client)).scalar_one()
                for t in (bank_lines, ledger_lines)
            )


@pytest.fixture
def firm(store: Store, tmp_path: Path) -> Firm:
    return Firm(store, tmp_path)


def test_an_earlier_month_reconciled_after_later_imports_reads_its_own_lines(firm: Firm) -> None:
    firm.bank("oct.csv", _month(10))
    firm.journal("oct-j.csv", _month(10))
    october = reconcile_period(firm.store, firm.wang, firm.client, firm.account, OCT, book_opening="0.00")
    assert (october.bank_lines, october.ledger_lines) == (4, 4)
    advance(firm.store, firm.wang, firm.client, october.reconciliation_id, "prepared")
    advance(firm.store, firm.li, firm.client, october.reconciliation_id, "reviewed")
    firm.bank("nov-dec.csv", _month(11) + _month(12))
    firm.journal("nov-dec-j.csv", _month(11) + _month(12))
    with pytest.raises(UserError, match="new-version"):
        reconcile_period(firm.store, firm.wang, firm.client, firm.account, OCT)
    kept = read_reconciliation(firm.store, firm.wang, firm.client, october.reconciliation_id)
    assert kept.status == "reviewed" and kept.statement["balanced"] is True
    again = reconcile_period(firm.store, firm.wang, firm.client, firm.account, OCT, book_opening="0.00",
                             new_version=True)  # fmt: skip
    assert (again.bank_lines, again.ledger_lines, again.version) == (4, 4, 2)
    assert again.statement.balanced
    history = read_reconciliation(firm.store, firm.wang, firm.client, again.reconciliation_id).versions
    assert [(v.version, v.status) for v in history] == [(1, "reviewed"), (2, "draft")]
    assert history[0].superseded_by == again.reconciliation_id
    with pytest.raises(UserError, match="取代"):  # the old version no longer moves
        advance(firm.store, firm.li, firm.client, october.reconciliation_id, "locked")


def test_a_period_with_nothing_stored_is_refused_not_saved_empty_and_balanced(firm: Firm) -> None:
    firm.bank("nov.csv", _month(11))
    firm.journal("nov-j.csv", _month(11))
    with pytest.raises(UserError, match="2026-10"):
        reconcile_period(firm.store, firm.wang, firm.client, firm.account, OCT)


def test_a_period_is_reconciled_from_every_import_that_covers_it(firm: Firm) -> None:
    october = _month(10, n=6)
    firm.bank("first-half.csv", october[:3])
    firm.bank("second-half.csv", october[3:], opening=sum(t.fen if t.direction == "in" else -t.fen
                                                           for t in october[:3]))  # fmt: skip
    firm.journal("j-a.csv", october[:2])
    firm.journal("j-b.csv", october[2:])
    outcome = reconcile_period(firm.store, firm.wang, firm.client, firm.account, OCT, book_opening="0.00")
    assert (outcome.bank_lines, outcome.ledger_lines) == (6, 6)
    assert outcome.statement.balanced and len(outcome.result.auto) == 6
    rows = sorted(b for m in outcome.result.auto for b in m.bank_rows)
    assert rows == [1, 2, 3, 4, 5, 6]  # numbered once each, across both imports


def test_the_same_file_twice_is_refused_and_an_overlapping_export_adds_only_its_new_lines(firm: Firm) -> None:
    october, november = _month(10), _month(11)
    firm.bank("oct.csv", october)
    with pytest.raises(UserError, match="已于"):
        firm.bank("oct.csv", october)  # the very same bytes
    overlap = firm.bank("oct-nov.csv", october + november)  # this month's export repeats last month
    assert (overlap.lines, overlap.duplicates) == (4, 4)  # type: ignore[attr-defined]
    with pytest.raises(UserError, match="均已在库中"):
        firm.bank("nov-again.csv", november, opening=sum(t.fen if t.direction == "in" else -t.fen for t in october))
    firm.journal("j-oct.csv", october)
    again = firm.journal("j-oct-nov.csv", october + november)
    assert (again.lines, again.duplicates) == (4, 8)  # type: ignore[attr-defined]  # both lines of 4 vouchers
    assert firm.stored_lines() == (8, 16)


def test_a_draft_nobody_decided_on_is_replaced_and_one_with_decisions_is_kept(firm: Firm) -> None:
    rent = [Txn(date(2026, 10, 5), 8_000_00, "out", landlord, "房租") for landlord in ("房东甲", "房东乙")]
    firm.bank("oct.csv", rent)
    firm.journal("oct-j.csv", [Txn(t.day, t.fen, t.direction, "房东", "付房租") for t in rent])
    first = reconcile_period(firm.store, firm.wang, firm.client, firm.account, OCT, book_opening="0.00")
    second = reconcile_period(firm.store, firm.wang, firm.client, firm.account, OCT, book_opening="0.00")
    assert (second.reconciliation_id, second.version) == (first.reconciliation_id, 1)
    assert not second.result.auto and second.result.suggested  # nothing tells the landlords apart: suggestions
    suggestion = second.result.suggested[0]
    confirm(firm.store, firm.wang, firm.client, second.reconciliation_id, suggestion.match_id)
    with pytest.raises(UserError, match="new-version"):
        reconcile_period(firm.store, firm.wang, firm.client, firm.account, OCT)
    advance(firm.store, firm.wang, firm.client, second.reconciliation_id, "prepared")
    other = second.result.suggested[-1]
    with pytest.raises(UserError, match="draft"):  # decisions on a prepared statement: back to draft first
        confirm(firm.store, firm.wang, firm.client, second.reconciliation_id, other.match_id)
    assert advance(firm.store, firm.wang, firm.client, second.reconciliation_id, "draft") == "draft"


def test_an_import_may_use_only_a_bank_account_of_its_own_client(store: Store, tmp_path: Path) -> None:
    ours, theirs = Firm(store, tmp_path), Firm(store, tmp_path)
    both = staff(store, Role.ACCOUNTANT, clients=[ours.client, theirs.client])
    data = ours.file("oct.csv", bank_csv(_month(10)))
    with pytest.raises(UserError) as foreign:
        import_file(store, both, ours.client, data, "bank", bank_account_id=theirs.account)
    with pytest.raises(UserError) as missing:
        import_file(store, both, ours.client, data, "bank", bank_account_id=UUID(int=7))
    assert str(foreign.value).replace(str(theirs.account), "X") == str(missing.value).replace(str(UUID(int=7)), "X")
    assert ours.stored_lines() == (0, 0) and theirs.stored_lines() == (0, 0)


def test_a_value_longer_than_its_column_is_refused_the_same_way_everywhere(firm: Firm) -> None:
    long_ref = [Txn(date(2026, 10, 3), 100_00, "in", "甲公司", "货款", ref="R" * 300)]
    outcome = firm.bank("long.csv", long_ref)
    problems = outcome.problems  # type: ignore[attr-defined]
    assert problems and problems[0].column == "bank_ref" and "64" in problems[0].message
    assert "INSERT" not in str(problems[0]) and firm.stored_lines() == (0, 0)


def test_two_imports_of_one_account_at_once_store_each_line_once(firm: Firm) -> None:
    october = _month(10, n=30)
    paths = [firm.file(f"a{i}.csv", bank_csv(october) + b"\r\n" * i) for i in range(2)]  # two files, same lines
    outcomes: list[object] = []

    def run(path: Path) -> None:
        try:
            outcomes.append(import_file(firm.store, firm.wang, firm.client, path, "bank", bank_account_id=firm.account))
        except UserError as refused:
            outcomes.append(refused)

    threads = [threading.Thread(target=run, args=(p,)) for p in paths]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(type(o).__name__ for o in outcomes) == ["ImportOutcome", "UserError"], outcomes
    assert firm.stored_lines()[0] == 30
