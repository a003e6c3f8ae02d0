"""Every automatic match says why nothing else explains its lines; every suggestion names the suggestions it
competes with (a person chooses among them), on months of the adversarial generator."""

from __future__ import annotations

import pytest
from benchmarks.matching_adversarial import frames

from hezhang.matching import match
from hezhang.samples.adversarial import generate_adversarial_month

WHY_ALONE = ("唯一", "明显较弱")


@pytest.mark.parametrize(("seed", "habit"), [(3, "bank-day"), (4, "month-end")])
def test_auto_matches_say_why_and_suggestions_name_their_alternatives(seed: int, habit: str) -> None:
    bank, ledger, context = frames(generate_adversarial_month(seed, habit))
    result = match(bank, ledger, context=context)
    assert result.auto and result.suggested
    for m in result.auto:
        assert any(word in m.explanation_zh for word in WHY_ALONE), m.explanation_zh
        assert not m.alternatives
    lines: dict[tuple[str, int], set[int]] = {}
    for m in result.suggested:
        for key in [*(("b", r) for r in m.bank_rows), *(("l", r) for r in m.ledger_rows)]:
            lines.setdefault(key, set()).add(m.match_id)
    for m in result.suggested:
        rivals = {o for key in [*(("b", r) for r in m.bank_rows), *(("l", r) for r in m.ledger_rows)]
                  for o in lines[key]} - {m.match_id}  # fmt: skip
        assert set(m.alternatives) == rivals
        if rivals:
            assert all(f"#{o}" in m.explanation_zh for o in rivals), m.explanation_zh
