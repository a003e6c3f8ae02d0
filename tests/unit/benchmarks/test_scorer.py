"""The benchmark scorer on small hand-made cases, and the baselines on a generated month."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

import polars as pl
import pytest
from benchmarks.baselines import erpnext, gnucash, gnucash_score, result_from
from benchmarks.scorer import Scores, aggregate, score

from hezhang.domain.period import Period
from hezhang.importers import parse_bank, parse_journal
from hezhang.matching.model import Match, MatchResult, Status
from hezhang.reconciliation.model import BalanceReconciliation, OutstandingItem, OutstandingKind
from hezhang.samples.client_month import GroundTruth, TrueGroup, TrueOutstanding, generate_client_month

K = OutstandingKind
DAY = date(2026, 10, 31)
BANK_ROWS, LEDGER_ROWS = range(1, 8), range(10, 16)

#: 1:1, N:1, a fee-deducted receipt, two interchangeable rents, one line outstanding on each side.
TRUTH = GroundTruth(
    groups=(
        TrueGroup((1,), (10,), "1:1", "receipt"),
        TrueGroup((2, 3), (11,), "N:1", "taxes"),
        TrueGroup((4,), (12,), "fee", "fee_receipt", fee_fen=1500),
        TrueGroup((5,), (13,), "1:1", "rent", decidable=False, cluster=1),
        TrueGroup((6,), (14,), "1:1", "rent", decidable=False, cluster=1),
    ),
    outstanding=(
        TrueOutstanding(K.BANK_PAID_BOOK_NOT, "bank", 1500, "fee_receipt", group=2),
        TrueOutstanding(K.BANK_RECEIVED_BOOK_NOT, "bank", 500, "interest", bank_row=7),
        TrueOutstanding(K.BOOK_PAID_BANK_NOT, "ledger", 300, "cheque", ledger_row=15),
    ),
)


def m(
    match_id: int, bank: tuple[int, ...], ledger: tuple[int, ...], status: Status = Status.AUTO, diff: int = 0
) -> Match:
    return Match(match_id, status, bank, ledger, "test", 1.0, diff, ())


PERFECT = (
    m(1, (1,), (10,)),
    m(2, (2, 3), (11,)),
    m(3, (4,), (12,), diff=1500),
    m(4, (5,), (13,), Status.SUGGESTED),
    m(5, (6,), (14,), Status.SUGGESTED),
)


def result(*matches: Match) -> MatchResult:
    return result_from(matches, BANK_ROWS, LEDGER_ROWS)


def statement(*items: OutstandingItem, gap: int = 0) -> BalanceReconciliation:
    """Book 10,000 + 500 − 1,500 = bank 9,300 − 300 (`gap` unbalances it)."""
    return BalanceReconciliation("100201", Period.month(2026, 10), "CNY", 10_000 + gap, 9_300, items, 0)


GOOD_ITEMS = (
    OutstandingItem(K.BANK_PAID_BOOK_NOT, 1500, DAY, match_id=3),
    OutstandingItem(K.BANK_RECEIVED_BOOK_NOT, 500, DAY, bank_row=7),
    OutstandingItem(K.BOOK_PAID_BANK_NOT, 300, DAY, ledger_row=15),
)


def ratios(s: Scores) -> list[float]:
    return [
        s.auto_precision,
        s.auto_recall,
        s.found_recall,
        s.group_exactness,
        s.outstanding_accuracy,
        s.balanced_share,
    ]


def test_a_perfect_result_scores_one_everywhere() -> None:
    s = score(TRUTH, result(*PERFECT), statement(*GOOD_ITEMS))
    assert ratios(s) == [1.0] * 6
    assert (s.auto_pairs, s.decidable_pairs, s.true_pairs, s.decidable_groups) == (4, 4, 6, 3)
    assert s.exactness_of("N:1") == 1.0 and s.exactness_in("fee_receipt") == 1.0 and s.guessed_pairs == 0


def test_a_wrong_auto_pair_lowers_precision_but_not_recall() -> None:
    s = score(TRUTH, result(*PERFECT, m(6, (7,), (15,))), statement(*GOOD_ITEMS[:1]))
    assert s.auto_precision == pytest.approx(4 / 5)
    assert s.auto_recall == 1.0 and s.group_exactness == 1.0
    assert s.outstanding_accuracy == pytest.approx(1 / 3)


def test_a_suggested_only_pair_counts_for_auto_plus_suggested_recall_only() -> None:
    suggested = (replace(PERFECT[0], status=Status.SUGGESTED), *PERFECT[1:])
    s = score(TRUTH, result(*suggested), statement(*GOOD_ITEMS))
    assert s.auto_precision == 1.0
    assert s.auto_recall == pytest.approx(3 / 4)
    assert s.found_recall == 1.0
    assert s.group_exactness == pytest.approx(2 / 3)


def test_an_automatic_pick_among_interchangeable_lines_is_a_guess() -> None:
    guessed = (*PERFECT[:3], m(4, (5,), (14,)), m(5, (6,), (13,)))
    s = score(TRUTH, result(*guessed), statement(*GOOD_ITEMS))
    assert s.guessed_pairs == 2
    assert s.auto_precision == pytest.approx(4 / 6)
    assert s.found_recall == 1.0  # either pairing of a cluster is found: a person decides


def test_part_of_a_group_is_a_correct_pair_but_not_an_exact_group() -> None:
    partial = (PERFECT[0], m(2, (2,), (11,)), *PERFECT[2:])
    s = score(TRUTH, result(*partial), statement(*GOOD_ITEMS))
    assert s.auto_precision == 1.0
    assert s.auto_recall == pytest.approx(3 / 4)
    assert s.group_exactness == pytest.approx(2 / 3) and s.exactness_of("N:1") == 0.0


def test_outstanding_items_of_the_wrong_kind_or_place_are_wrong() -> None:
    items = (
        OutstandingItem(K.BANK_PAID_BOOK_NOT, 1500, DAY, match_id=1),  # the fee on another match
        OutstandingItem(K.BANK_PAID_BOOK_NOT, 500, DAY, bank_row=7),  # money in, read as money out
        OutstandingItem(K.BOOK_PAID_BANK_NOT, 300, DAY, ledger_row=15),
    )
    s = score(TRUTH, result(*PERFECT), statement(*items))
    assert s.outstanding_accuracy == pytest.approx(1 / 3)


def test_an_unbalanced_statement_is_counted() -> None:
    s = score(TRUTH, result(*PERFECT), statement(*GOOD_ITEMS, gap=1))
    assert s.balanced == 0 and s.balanced_share == 0.0


def test_aggregate_sums_counts_so_ratios_are_micro_averages() -> None:
    good = score(TRUTH, result(*PERFECT), statement(*GOOD_ITEMS))
    worse = score(TRUTH, result(*PERFECT, m(6, (7,), (15,))), statement(*GOOD_ITEMS, gap=1))
    total = aggregate([good, worse])
    assert total.auto_pairs == good.auto_pairs + worse.auto_pairs == 9
    assert total.auto_precision == pytest.approx(8 / 9)
    assert total.balanced_share == 0.5
    assert total.groups_by_kind == {"1:1": 2, "N:1": 2, "fee": 2}
    assert aggregate([]).auto_precision == 1.0


def test_gnucash_points_follow_its_import_matcher() -> None:
    assert gnucash_score(100, 100, 0, None, None, None, None, None, None) == 6  # amount +3, same day +3
    assert gnucash_score(100, 250, 0, None, None, None, None, None, None) == 5  # within 2.00: +2
    assert gnucash_score(100, 100, 3, None, None, "货款", "货款", None, None) == 7  # within 4 days +2, memo +2
    assert gnucash_score(100, 100, 20, "123", "124", None, None, None, None) == -4  # far -5, numbers differ -2
    assert gnucash_score(100, 100, 9, None, None, "货款", None, None, None) == 4  # an empty book memo: +1


@pytest.mark.parametrize("baseline", [gnucash, erpnext])
def test_the_baselines_return_automatic_one_to_one_matches(
    baseline: Callable[[pl.DataFrame, pl.DataFrame], MatchResult],
) -> None:
    month = generate_client_month(2, lines=80)
    bank_bytes, journal_bytes = month.render()
    bank = parse_bank(bank_bytes, "bank.csv").lines
    ledger = parse_journal(journal_bytes, "journal.csv", account_prefix=month.account_code).lines
    got = baseline(bank, ledger)
    assert got.auto and all(len(x.bank_rows) == len(x.ledger_rows) == 1 for x in got.matches)
    assert not got.suggested
    used = [x.bank_rows[0] for x in got.auto]
    assert len(used) == len(set(used)) and len(used) + len(got.unmatched_bank_rows) == bank.height
    assert score(month.truth, got, statement()).auto_precision > 0.9
