"""The generated client-months: deterministic, balanced vouchers, a consistent ground truth, files hezhang reads."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from hezhang.domain.lines import Direction
from hezhang.domain.period import Period
from hezhang.importers import parse_bank, parse_journal
from hezhang.reconciliation.model import OutstandingKind
from hezhang.samples.client_month import ClientMonth, generate_client_month

SEEDS = range(6)
_LEDGER_FIELDS = ("row", "date", "voucher_no", "entry_no", "account_code", "account_name", "direction", "amount",
                  "memo", "settlement_method", "settlement_no", "preparer")  # fmt: skip


@pytest.fixture(scope="module")
def months() -> list[ClientMonth]:
    return [generate_client_month(seed) for seed in SEEDS]


def test_the_same_seed_gives_the_same_month_and_another_seed_another() -> None:
    assert generate_client_month(7, lines=80) == generate_client_month(7, lines=80)
    assert generate_client_month(7, lines=80).bank_lines != generate_client_month(8, lines=80).bank_lines


def test_the_month_has_about_the_lines_asked_for_inside_its_period() -> None:
    month = generate_client_month(3, lines=120, period=Period.month(2026, 3))
    assert 120 <= len(month.bank_lines) < 140
    assert all(line.date in month.period for line in [*month.bank_lines, *month.journal])
    assert all(60 <= len(m.bank_lines) <= 430 for m in (generate_client_month(s) for s in range(3)))


def test_every_voucher_balances_and_bank_lines_sit_on_100201(months: list[ClientMonth]) -> None:
    for month in months:
        totals: Counter[str] = Counter()
        for line in month.journal:
            totals[line.voucher_no] += line.signed_fen
        assert set(totals.values()) == {0}
        assert [line.row for line in month.journal] == list(range(1, len(month.journal) + 1))
        assert {line.account_code for line in month.ledger_lines} == {"100201"}
        assert any(not line.account_code.startswith("1002") for line in month.journal)


def test_the_bank_statement_runs_from_its_opening_to_its_closing_balance(months: list[ClientMonth]) -> None:
    for month in months:
        balance = month.bank_opening_fen
        for line in month.bank_lines:
            balance += line.signed_fen
            assert line.balance is not None and line.balance.fen == balance
        assert balance == month.bank_closing_fen
        assert month.book_opening_fen == month.bank_opening_fen


def test_every_line_is_in_exactly_one_true_group_or_outstanding_item(months: list[ClientMonth]) -> None:
    for month in months:
        bank = [r for g in month.groups for r in g.bank_rows] + [o.bank_row for o in month.outstanding if o.bank_row]
        ledger = [r for g in month.groups for r in g.ledger_rows]
        ledger += [o.ledger_row for o in month.outstanding if o.ledger_row]
        assert sorted(bank) == [line.row for line in month.bank_lines]
        assert sorted(ledger) == [line.row for line in month.ledger_lines]


def test_true_groups_add_up_and_fees_are_outstanding_on_the_book_side(months: list[ClientMonth]) -> None:
    for month in months:
        bank = {line.row: line for line in month.bank_lines}
        ledger = {line.row: line for line in month.journal}
        fees = {o.group: o for o in month.outstanding if o.group is not None}
        for i, g in enumerate(month.groups):
            difference = sum(ledger[r].signed_fen for r in g.ledger_rows) - sum(bank[r].signed_fen for r in g.bank_rows)
            assert difference == g.fee_fen
            n, m = len(g.bank_rows), len(g.ledger_rows)
            shape = "1:1" if n == m == 1 else "N:1" if m == 1 else "1:N" if n == 1 else "N:M"
            assert g.kind == ("fee" if g.fee_fen else shape)
            if g.fee_fen:
                assert fees[i].kind is OutstandingKind.BANK_PAID_BOOK_NOT and fees[i].amount_fen == g.fee_fen
        assert len(fees) == sum(1 for g in month.groups if g.kind == "fee")


def test_outstanding_items_have_the_kind_of_their_side_and_direction(months: list[ClientMonth]) -> None:
    for month in months:
        bank = {line.row: line for line in month.bank_lines}
        ledger = {line.row: line for line in month.journal}
        for o in month.outstanding:
            if o.bank_row is not None:
                line = bank[o.bank_row]
                assert o.side == "bank" and o.kind.adjusts_book and o.amount_fen == line.amount.fen
                assert (o.kind is OutstandingKind.BANK_RECEIVED_BOOK_NOT) == (line.direction is Direction.IN)
            elif o.ledger_row is not None:
                entry = ledger[o.ledger_row]
                assert o.side == "ledger" and not o.kind.adjusts_book and o.amount_fen == entry.amount.fen
                assert (o.kind is OutstandingKind.BOOK_RECEIVED_BANK_NOT) == (entry.direction is Direction.IN)


def test_the_statement_built_from_the_truth_balances(months: list[ClientMonth]) -> None:
    for month in months:
        total: Counter[OutstandingKind] = Counter()
        for o in month.outstanding:
            total[o.kind] += o.amount_fen
        book = month.book_closing_fen + total[OutstandingKind.BANK_RECEIVED_BOOK_NOT]
        book -= total[OutstandingKind.BANK_PAID_BOOK_NOT]
        bank = month.bank_closing_fen + total[OutstandingKind.BOOK_RECEIVED_BANK_NOT]
        bank -= total[OutstandingKind.BOOK_PAID_BANK_NOT]
        assert book == bank


def test_interchangeable_groups_come_in_clusters_of_equal_amounts() -> None:
    months = [generate_client_month(seed, lines=60) for seed in range(40)]
    clusters = [[g for g in m.groups if not g.decidable] for m in months]
    assert any(clusters)
    for month, doubtful in zip(months, clusters, strict=True):
        amounts = {line.row: line.amount.fen for line in month.bank_lines}
        for c in {g.cluster for g in doubtful}:
            members = [g for g in doubtful if g.cluster == c]
            assert len(members) >= 2 and len({amounts[g.bank_rows[0]] for g in members}) == 1


def test_the_months_hold_what_a_bookkeeper_meets(months: list[ClientMonth]) -> None:
    kinds = Counter(g.kind for m in months for g in m.groups)
    assert set(kinds) == {"1:1", "N:1", "1:N", "N:M", "fee"}
    assert {o.kind for m in months for o in m.outstanding} == set(OutstandingKind)
    scenarios = {g.scenario for m in months for g in m.groups}
    assert {"receipt", "payment", "payroll", "taxes", "fees", "invoices", "fee_receipt", "twins"} <= scenarios
    memos = [line.memo or "" for m in months for line in m.journal]
    assert any(memo.startswith("收") and "货款" in memo for memo in memos)
    assert any(g.fee_fen > 0 for m in months for g in m.groups)


def test_books_lag_the_bank_by_at_most_five_days_in_receipts_and_payments(months: list[ClientMonth]) -> None:
    for month in months:
        bank = {line.row: line.date for line in month.bank_lines}
        ledger = {line.row: line.date for line in month.journal}
        lags = [(ledger[g.ledger_rows[0]] - bank[g.bank_rows[0]]).days for g in month.groups
                if g.scenario in ("receipt", "payment")]  # fmt: skip
        assert lags and all(-2 <= lag <= 5 for lag in lags)
        assert any(lag != 0 for lag in lags)


@pytest.mark.parametrize("seed", [0, 11])
def test_the_written_files_parse_back_into_the_same_lines(seed: int, tmp_path: Path) -> None:
    month = generate_client_month(seed, lines=150)
    bank_path, journal_path = month.write(tmp_path)
    bank = parse_bank(bank_path.read_bytes(), bank_path.name)
    journal = parse_journal(journal_path.read_bytes(), journal_path.name, account_prefix=month.account_code)
    assert bank.ok and journal.ok, (bank.problems[:3], journal.problems[:3])
    assert bank_path.read_bytes().startswith(b"\xef\xbb\xbf") and journal_path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert list(bank.bank_lines()) == month.bank_lines
    assert bank.meta.opening_balance is not None and bank.meta.opening_balance.fen == month.bank_opening_fen
    assert bank.meta.closing_balance is not None and bank.meta.closing_balance.fen == month.bank_closing_fen
    got = [tuple(getattr(line, f) for f in _LEDGER_FIELDS) for line in journal.ledger_lines()]
    assert got == [tuple(getattr(line, f) for f in _LEDGER_FIELDS) for line in month.ledger_lines]
    assert journal.context is not None and journal.context.height + journal.lines.height == len(month.journal)


def test_a_period_other_than_october_dates_the_lines_inside_it() -> None:
    month = generate_client_month(5, lines=70, period=Period.month(2027, 2))
    assert min(line.date for line in month.bank_lines) >= date(2027, 2, 1)
    assert max(line.date for line in month.journal) <= date(2027, 2, 28)
