"""A statement built on a bank statement whose own numbers disagree is never balanced until a person accepts it."""

from __future__ import annotations

from hezhang.domain.gap import BalanceGap, GapKind
from hezhang.domain.period import Period
from hezhang.reconciliation.model import BalanceReconciliation
from hezhang.reports.reconciliation_json import reconciliation_document

GAP = BalanceGap("6222020000001234", 7, 100_00, 90_00, "CNY", GapKind.RUNNING)


def _statement(**changes: object) -> BalanceReconciliation:
    base = {"account": "100201", "period": Period.month(2026, 10), "currency": "CNY", "book_balance_fen": 500_00,
            "bank_balance_fen": 500_00, "items": (), "book_opening_fen": 0}  # fmt: skip
    return BalanceReconciliation(**{**base, **changes})  # type: ignore[arg-type]


def test_sums_that_agree_are_balanced_only_without_gaps_or_with_them_accepted() -> None:
    assert _statement().balanced
    unaccepted = _statement(gaps=(GAP,))
    assert unaccepted.agrees and not unaccepted.balanced
    assert _statement(gaps=(GAP,), gaps_acknowledged="wang: 银行确认第 2 页缺失").balanced
    assert not _statement(gaps=(GAP,), gaps_acknowledged="wang: ok", bank_balance_fen=1).balanced  # sums still count


def test_the_document_says_which_gaps_and_who_accepted_them() -> None:
    doc = reconciliation_document(_statement(gaps=(GAP,)))
    assert doc["balanced"] is False and doc["agrees"] is True and doc["gaps_acknowledged"] is None
    (gap,) = doc["gaps"]
    assert (gap["kind"], gap["row"], gap["expected"], gap["stated"]) == ("running", 7, "100.00", "90.00")
    assert "1234" in gap["zh"] and "6222020000001234" not in gap["zh"]  # the account by its last four characters
