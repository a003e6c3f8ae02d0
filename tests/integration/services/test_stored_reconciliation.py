"""Reconciling from the store: a draft saved with its items sealed, carry-forward, and maker-checker."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from uuid import UUID

import pytest

from factories.people import staff, user_name
from hezhang.domain.money import format_fen
from hezhang.samples.client_month import generate_client_month
from hezhang.security.policy import Reason, Role
from hezhang.services.clients import add_bank_account, create_client
from hezhang.services.context import Context
from hezhang.services.door import AccessDeniedError
from hezhang.services.errors import UserError
from hezhang.services.imports import import_file
from hezhang.services.match_decisions import confirm, manual_match, unmatch
from hezhang.services.store_access import Store
from hezhang.services.stored_reconciliation import advance, reconcile_period

if TYPE_CHECKING:
    from hezhang.samples.client_month import ClientMonth


@pytest.fixture(scope="module")
def admin(store: Store) -> Context:
    return staff(store, Role.FIRM_ADMIN)


def imported_month(
    store: Store, admin: Context, tmp_path: Path, seed: int, name: str
) -> tuple[ClientMonth, UUID, Context, UUID]:
    """A generated month imported into a new client by its assigned accountant: (month, client, accountant,
    bank account)."""
    month = generate_client_month(seed)
    bank_path, journal_path = month.write(tmp_path)
    client = create_client(store, admin, name)
    wang = staff(store, Role.ACCOUNTANT, clients=[client])
    account = add_bank_account(store, wang, client, f"62220200000000{seed:05d}", ledger_code=month.account_code)
    assert import_file(store, wang, client, bank_path, "bank", bank_account_id=account).problems == ()
    assert import_file(store, wang, client, journal_path, "journal", account_prefix=month.account_code).problems == ()
    return month, client, wang, account


def test_a_stored_month_reconciles_balances_and_follows_maker_checker(
    store: Store, admin: Context, tmp_path: Path
) -> None:
    month, client, wang, account = imported_month(store, admin, tmp_path, 21, "己公司")
    # Two supervisors: one prepares (a supervisor may reconcile too), the other reviews.
    maker, checker = (staff(store, Role.SUPERVISOR, clients=[client]) for _ in range(2))
    outcome = reconcile_period(
        store, maker, client, account, month.period, book_opening=format_fen(month.book_opening_fen)
    )
    assert outcome.statement.balanced
    assert len(outcome.result.auto) > 0.9 * len(month.truth.groups)
    with store.work([client]) as (uow, _):
        saved = uow.reconciliations.get(outcome.reconciliation_id)
        assert saved is not None and saved.status == "draft" and saved.statement is not None
        assert saved.statement["balanced"] is True
        assert len(uow.reconciliations.outstanding(outcome.reconciliation_id)) == len(outcome.statement.items)
    maker_name, checker_name = user_name(store, maker), user_name(store, checker)
    assert saved.preparer == maker_name
    rec = outcome.reconciliation_id
    advance(store, maker, client, rec, "prepared")
    with pytest.raises(AccessDeniedError, match="prepared it") as denied:
        advance(store, maker, client, rec, "reviewed")
    assert denied.value.decision.reason is Reason.PREPARER_REVIEWS
    with pytest.raises(AccessDeniedError) as denied:
        advance(store, wang, client, rec, "reviewed")  # an accountant never reviews
    assert denied.value.decision.reason is Reason.ROLE
    advance(store, checker, client, rec, "reviewed")
    with pytest.raises(AccessDeniedError, match="prepared it") as denied:
        advance(store, maker, client, rec, "locked")
    assert denied.value.decision.reason is Reason.PREPARER_REVIEWS
    advance(store, checker, client, rec, "locked")
    with pytest.raises(UserError, match="cannot become"):
        advance(store, checker, client, rec, "reviewed")
    with store.work([client]) as (uow, _):
        saved = uow.reconciliations.get(rec)
        assert saved is not None and saved.status == "locked"
        assert (saved.preparer, saved.reviewer) == (maker_name, checker_name)


def test_whoever_decided_a_match_is_a_maker_and_may_not_review_it(store: Store, admin: Context, tmp_path: Path) -> None:
    """Maker-checker covers decisions too: a supervisor who undid a match in the statement is one of its makers."""
    month, client, wang, account = imported_month(store, admin, tmp_path, 23, "癸公司")
    decider, checker = (staff(store, Role.SUPERVISOR, clients=[client]) for _ in range(2))
    first = reconcile_period(
        store, wang, client, account, month.period, book_opening=format_fen(month.book_opening_fen)
    )
    rec = first.reconciliation_id
    unmatch(store, decider, client, rec, first.result.auto[0].match_id, "凭证号录错，待核实")
    advance(store, wang, client, rec, "prepared")
    with pytest.raises(AccessDeniedError, match="decided its matches") as denied:
        advance(store, decider, client, rec, "reviewed")
    assert denied.value.decision.reason is Reason.PREPARER_REVIEWS
    advance(store, checker, client, rec, "reviewed")
    decider_name, checker_name = user_name(store, decider), user_name(store, checker)
    with store.work([client]) as (uow, _):
        assert uow.reconciliations.deciders(rec) == {decider_name}
        saved = uow.reconciliations.get(rec)
        assert saved is not None and (saved.status, saved.reviewer) == ("reviewed", checker_name)


def test_a_person_confirms_rejects_matches_by_hand_and_unmatches(store: Store, admin: Context, tmp_path: Path) -> None:
    month, client, wang, account = imported_month(store, admin, tmp_path, 22, "辛公司")
    opening = format_fen(month.book_opening_fen)
    first = reconcile_period(store, wang, client, account, month.period, book_opening=opening)
    rec = first.reconciliation_id
    auto = first.result.auto[0]
    # Undo an automatic match: its lines become outstanding, and the statement still balances.
    undone = unmatch(store, wang, client, rec, auto.match_id, "凭证号录错，待核实")
    rows = {i.bank_row for i in undone.statement.items} | {i.ledger_row for i in undone.statement.items}
    assert set(auto.bank_rows) <= rows and undone.statement.balanced
    # Match the same lines by hand again, with a reason.
    bank_rows, ledger_rows = list(auto.bank_rows), list(auto.ledger_rows)
    redone = manual_match(store, wang, client, rec, bank_rows, ledger_rows, "核对原始凭证后确认")
    assert len(redone.statement.items) == len(first.statement.items) and redone.statement.balanced
    with pytest.raises(UserError, match="another match"):
        manual_match(store, wang, client, rec, list(auto.bank_rows), list(auto.ledger_rows), "重复")
    with pytest.raises(UserError, match="reason"):
        unmatch(store, wang, client, rec, auto.match_id, " ")
    if first.result.suggested:
        suggestion = first.result.suggested[0]
        confirmed = confirm(store, wang, client, rec, suggestion.match_id)
        assert confirmed.statement.balanced
    wang_name = user_name(store, wang)
    with store.work([client]) as (uow, _):
        stored = list(uow.reconciliations.matches(rec))
        kinds = {r["status"] for r in stored}
        assert {"auto", "unmatched", "manual"} <= kinds
        assert {r["confirmed_by"] for r in stored if r["status"] == "manual"} == {wang_name}
        saved = uow.reconciliations.get(rec)
        assert saved is not None and saved.status == "draft"


def test_a_confirmed_suggestion_is_learned_and_next_month_matches_by_itself(
    store: Store, admin: Context, tmp_path: Path
) -> None:
    from datetime import date

    from hezhang.domain.lines import BankLine, Direction, LedgerLine
    from hezhang.domain.money import Money
    from hezhang.domain.period import Period
    from hezhang.samples.bank_exports import render_standard_csv
    from hezhang.samples.journal import render_standard_journal

    payers = (("上海开发区世创商贸有限公司", "收SC货款"), ("北京恒达科技股份有限公司", "收HD货款"))
    client = create_client(store, admin, "壬公司")
    wang = staff(store, Role.ACCOUNTANT, clients=[client])
    account = add_bank_account(store, wang, client, "6222020000000000023", ledger_code="100201")

    def month(m: int) -> Period:
        day = date(2026, m, 5)
        bank = [BankLine(row=i, date=day, direction=Direction.IN, amount=Money(500_000), counterparty_name=n)
                for i, (n, _) in enumerate(payers, start=1)]  # fmt: skip
        book: list[LedgerLine] = []
        for k, (_, memo) in enumerate(reversed(payers), start=1):
            for code, d in (("100201", Direction.IN), ("1122", Direction.OUT)):
                book.append(LedgerLine(row=len(book) + 1, date=day, voucher_no=f"记-{m}{k:03d}", account_code=code,
                                       account_name="银行存款" if code == "100201" else "应收账款", direction=d,
                                       amount=Money(500_000), memo=memo))  # fmt: skip
        (tmp_path / f"b{m}.csv").write_bytes(render_standard_csv(bank))
        (tmp_path / f"j{m}.csv").write_bytes(render_standard_journal(book))
        import_file(store, wang, client, tmp_path / f"b{m}.csv", "bank", bank_account_id=account)
        import_file(store, wang, client, tmp_path / f"j{m}.csv", "journal", account_prefix="100201")
        return Period.month(2026, m)

    october = reconcile_period(store, wang, client, account, month(10), book_opening="0.00")
    assert not october.result.auto  # nothing tells the two payers apart yet
    right = {((1,), (2,)), ((2,), (1,))}  # the period's own bank-account lines, numbered 1, 2 on each side
    for m in october.result.suggested:
        if (m.bank_rows, m.ledger_rows) in right:
            confirm(store, wang, client, october.reconciliation_id, m.match_id)
    november = reconcile_period(store, wang, client, account, month(11))
    assert {(m.bank_rows, m.ledger_rows) for m in november.result.auto} == right
