"""The adversarial client-months: deterministic, files hezhang reads without a problem, a truth that covers every
line once and reconciles, every scenario class present, and undecidable pairings labelled as such."""

from __future__ import annotations

from collections import Counter
from itertools import product

import pytest
from benchmarks.baselines import result_from
from benchmarks.matching_adversarial import frames
from benchmarks.scorer import score

from hezhang.importers import ImportResult, parse_bank, parse_journal
from hezhang.matching.model import Match, Status
from hezhang.reconciliation import reconcile
from hezhang.reconciliation.model import OutstandingKind
from hezhang.samples.adversarial import CLASSES, HABITS, AdversarialMonth, generate_adversarial_month

K = OutstandingKind
SEEDS = range(4)


@pytest.fixture(scope="module")
def months() -> list[AdversarialMonth]:
    return [generate_adversarial_month(seed, habit) for seed, habit in product(SEEDS, HABITS)]


def parsed(month: AdversarialMonth) -> tuple[ImportResult, ImportResult]:
    bank = parse_bank(month.bank_csv.encode(), "bank.csv")
    journal = parse_journal(month.journal_csv.encode(), "journal.csv", account_prefix=month.account_code)
    return bank, journal


def test_the_same_seed_and_habit_give_the_same_month_and_others_another() -> None:
    month = generate_adversarial_month(11, "weekly", lines=60)
    assert month == generate_adversarial_month(11, "weekly", lines=60)
    assert month.bank_csv != generate_adversarial_month(12, "weekly", lines=60).bank_csv
    assert month.bank_csv != generate_adversarial_month(11, "bank-day", lines=60).bank_csv


def test_an_unknown_habit_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown booking habit"):
        generate_adversarial_month(1, "daily")


def test_a_month_has_about_the_bank_lines_asked_for(months: list[AdversarialMonth]) -> None:
    for lines in (30, 120, 400):
        bank, _ = parsed(generate_adversarial_month(5, "bank-day", lines=lines))
        assert lines <= bank.lines.height <= lines + 25
    assert all(25 <= parsed(m)[0].lines.height <= 430 for m in months)


def test_both_files_parse_without_a_problem_and_every_voucher_balances(months: list[AdversarialMonth]) -> None:
    for month in months:
        bank, journal = parsed(month)
        assert bank.ok and journal.ok, (month.seed, month.habit, bank.problems[:2], journal.problems[:2])
        assert bank.problems == () and journal.problems == ()
        assert journal.context is not None and journal.context.height > 0
        assert set(journal.lines["account_code"]) == {month.account_code}
        assert bank.meta.closing_balance is not None and bank.meta.closing_balance.fen == month.bank_closing_fen


def test_every_line_is_in_exactly_one_true_group_or_outstanding_item(months: list[AdversarialMonth]) -> None:
    for month in months:
        bank, journal = parsed(month)
        bank_rows = [r for g in month.groups for r in g.bank_rows] + [
            o.bank_row for o in month.outstanding if o.bank_row
        ]
        ledger_rows = [r for g in month.groups for r in g.ledger_rows]
        ledger_rows += [o.ledger_row for o in month.outstanding if o.ledger_row]
        carried = Counter("bank" if i.kind.adjusts_book else "ledger" for i in month.carried)
        assert sorted(bank_rows) == [-n for n in range(carried["bank"], 0, -1)] + bank.lines["row"].to_list()
        assert sorted(ledger_rows) == [-n for n in range(carried["ledger"], 0, -1)] + journal.lines["row"].to_list()


def test_true_groups_add_up_and_a_fee_is_outstanding_on_the_book_side(months: list[AdversarialMonth]) -> None:
    for month in months:
        bank_frame, ledger_frame, _ = frames(month)
        signed = {
            ("b", r): a if d == "in" else -a for r, d, a in bank_frame.select("row", "direction", "amount").rows()
        }
        signed |= {
            ("l", r): a if d == "in" else -a for r, d, a in ledger_frame.select("row", "direction", "amount").rows()
        }
        fees = {o.group: o for o in month.outstanding if o.group is not None}
        for i, g in enumerate(month.groups):
            books = sum(signed["l", r] for r in g.ledger_rows)
            assert books - sum(signed["b", r] for r in g.bank_rows) == g.fee_fen
            n, k = len(g.bank_rows), len(g.ledger_rows)
            assert g.kind == (
                "fee" if g.fee_fen else "1:1" if n == k == 1 else "N:1" if k == 1 else "1:N" if n == 1 else "N:M"
            )
            if g.fee_fen:
                assert fees[i].kind is K.BANK_PAID_BOOK_NOT and fees[i].amount_fen == g.fee_fen
            assert g.decidable == (g.cluster is None)


def test_book_and_bank_balances_reconcile_with_the_true_outstanding_items(months: list[AdversarialMonth]) -> None:
    for month in months:
        _, journal = parsed(month)
        moved = sum(a if d == "in" else -a for d, a in journal.lines.select("direction", "amount").rows())
        book = month.book_opening_fen + moved
        assert book == month.book_closing_fen
        total = {kind: sum(o.amount_fen for o in month.outstanding if o.kind is kind) for kind in K}
        adjusted_book = book + total[K.BANK_RECEIVED_BOOK_NOT] - total[K.BANK_PAID_BOOK_NOT]
        adjusted_bank = month.bank_closing_fen + total[K.BOOK_RECEIVED_BANK_NOT] - total[K.BOOK_PAID_BANK_NOT]
        assert adjusted_book == adjusted_bank


def test_matching_the_truth_gives_a_balanced_statement_that_finds_every_true_item(
    months: list[AdversarialMonth],
) -> None:
    """hezhang's statement, fed the true groups as auto matches and last month's items as carried, balances and
    lists every true 未达账项 (fees included) with its kind."""
    for month in months[:6]:
        bank, ledger, _ = frames(month)
        matches = [
            Match(i, Status.AUTO, g.bank_rows, g.ledger_rows, "truth", 1.0, g.fee_fen, ())
            for i, g in enumerate(month.groups, start=1)
        ]
        result = result_from(matches, bank["row"].to_list(), ledger["row"].to_list())
        rec = reconcile(
            bank,
            ledger,
            result,
            account=month.account_code,
            period=month.period,
            book_opening_fen=month.book_opening_fen,
            bank_closing_fen=month.bank_closing_fen,
            carried=month.carried,
        )
        scores = score(month.truth, result, rec)
        assert rec.balanced and scores.outstanding_accuracy == 1.0 and scores.found_recall == 1.0
        assert scores.auto_pairs - scores.correct_auto_pairs == scores.guessed_pairs


def test_every_scenario_class_occurs_and_month_end_unique_in_month_end_months() -> None:
    seen: Counter[tuple[str, str]] = Counter()
    for seed, habit in product(range(8), HABITS):
        for g in generate_adversarial_month(seed, habit).groups:
            seen[habit, g.scenario] += 1
    for habit in HABITS:
        missing = [c for c in CLASSES if c != "month-end-unique" and not seen[habit, c]]
        assert not missing, (habit, missing)
    assert seen["month-end", "month-end-unique"] > seen["bank-day", "month-end-unique"]


def test_what_nothing_tells_apart_is_undecidable_and_what_names_tell_apart_is_not(
    months: list[AdversarialMonth],
) -> None:
    by_variant: dict[str, Counter[bool]] = {}
    for month in months + [generate_adversarial_month(s, h) for s, h in product(range(4, 10), HABITS)]:
        for g, variant in zip(month.groups, month.variants, strict=True):
            by_variant.setdefault(f"{g.scenario}/{variant}", Counter())[g.decidable] += 1
    for never in ("shared-core/same-amount", "twins/identical", "twins/unnamed"):
        assert by_variant[never][True] == 0 and by_variant[never][False] > 0, never
    for always in (
        "shared-core/aux-tells",
        "shared-core/city-tells",
        "twins/named",
        "other-party-memo/elsewhere",
        "month-end-unique/month-end",
        "round-instalments/numbered",
    ):
        assert by_variant[always][False] == 0 and by_variant[always][True] > 0, always
    for month in months:  # interchangeable groups share a cluster; clusters are numbered 1, 2, … in each month
        clusters = {g.cluster for g in month.groups if not g.decidable}
        assert clusters == set(range(1, len(clusters) + 1))
