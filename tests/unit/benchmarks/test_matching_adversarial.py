"""The adversarial benchmark runs hezhang on a generated month and scores it; an engine failure is scored, not
hidden."""

from __future__ import annotations

import pytest
from benchmarks import matching_adversarial
from benchmarks.matching_adversarial import run_month

from hezhang.samples.adversarial import HABITS, generate_adversarial_month


@pytest.mark.parametrize("habit", HABITS)
def test_a_month_is_matched_reconciled_and_scored_per_scenario(habit: str) -> None:
    scores, by_scenario, by_variant, (bank_lines, ledger_lines), error = run_month(3, habit)
    month = generate_adversarial_month(3, habit)
    assert error == ""
    assert scores.statements == 1 and scores.balanced == 1
    assert scores.true_pairs > 0 and scores.auto_pairs > 0
    assert sum(by_scenario.groups.values()) == sum(by_variant.groups.values()) == len(month.groups)
    assert sum(by_scenario.undecidable.values()) == sum(not g.decidable for g in month.groups)
    assert bank_lines >= len({r for g in month.groups for r in g.bank_rows}) and ledger_lines > 0


def test_a_month_the_engine_fails_on_counts_as_matched_by_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(matching_adversarial, "match", broken)
    scores, _, _, _, error = run_month(3, "weekly")
    assert error.endswith("RuntimeError: boom")
    assert scores.auto_pairs == 0 and scores.found_pairs == 0 and scores.balanced == 1
