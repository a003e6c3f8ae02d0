"""The vectorized subset search finds exactly the subsets an exhaustive search finds, counted by lines."""

from __future__ import annotations

from itertools import combinations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from hezhang.matching.subset_kernel import MAX_SOLUTIONS, solve

amounts = st.lists(st.one_of(st.integers(-50_000, 50_000).filter(bool), st.sampled_from([500, 1_000, -1_000])),
                   min_size=0, max_size=9)  # fmt: skip


def _exhaustive(values: list[int], target: int, max_lines: int) -> list[tuple[int, ...]]:
    return [c for size in range(2, min(max_lines, len(values)) + 1) for c in combinations(range(len(values)), size)
            if sum(values[i] for i in c) == target]  # fmt: skip


@settings(max_examples=200)
@given(st.lists(st.tuples(amounts, st.integers(-100_000, 100_000)), min_size=1, max_size=12), st.integers(2, 6))
def test_every_target_gets_the_subsets_an_exhaustive_search_finds(
    cases: list[tuple[list[int], int]], max_lines: int
) -> None:
    width = max(len(values) for values, _ in cases) or 1
    matrix = np.full((len(cases), width), np.nan)
    for i, (values, _) in enumerate(cases):
        matrix[i, : len(values)] = values
    # a target that some subset of its candidates makes, half of the time
    targets = [sum(values[:2]) if i % 2 and len(values) >= 2 else target for i, (values, target) in enumerate(cases)]
    solved = solve(matrix, np.array(targets, dtype=np.float64), max_lines)
    for i, (values, _) in enumerate(cases):
        expected = _exhaustive(values, targets[i], max_lines)
        assert solved.count[i] == min(len(expected), MAX_SOLUTIONS)
        assert solved.found[i] == expected[:MAX_SOLUTIONS]


def test_two_identical_instalments_are_two_solutions() -> None:
    """Which 500.00 of two paid the 1,000.00 with the 500.00 left over is nothing the amounts say."""
    matrix = np.array([[500.0, 500.0, 500.0]])
    solved = solve(matrix, np.array([1000.0]), 6)
    assert solved.count[0] == 3 and solved.found[0] == [(0, 1), (0, 2), (1, 2)]


def test_members_may_run_both_ways() -> None:
    """A discounted bill: face value in, interest out, the bank's net receipt the target."""
    matrix = np.array([[24129400.0, -128509.0, 700.0]])
    solved = solve(matrix, np.array([24000891.0]), 6)
    assert solved.found[0] == [(0, 1)]
