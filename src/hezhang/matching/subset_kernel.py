"""Which few candidate lines add up to a target, for many targets at once: a bounded enumeration as one matrix
product.

Each target has at most `K` candidate lines (its nearest linked lines). Every subset of 2..`max_lines` of `K`
positions is a row of a 0/1 matrix (`combinations`: 6,461 rows for K = 14, max_lines = 6); the sums of all of
them for a batch of targets are one product of the targets' candidate amounts with that matrix (BLAS, in float64:
exact for integer fen below 2**53, and no sum of six amounts of a statement comes near). Targets with fewer
candidates use the subsets of just their positions.
Signed amounts (money in positive, out negative) let a group's members run in both directions.

The answer per target: how many subsets (by lines, so two identical lines make two solutions: nothing tells them
apart) add up exactly, capped at `MAX_SOLUTIONS`, and the first solutions as candidate positions.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from itertools import combinations as subsets

import numpy as np
import numpy.typing as npt

#: Solutions kept per target (two are enough to know a target is ambiguous; a third helps a person choose).
MAX_SOLUTIONS = 3
#: Targets per matrix product (memory: chunk x combinations x 8 bytes).
CHUNK = 1024


@cache
def combinations(k: int, max_lines: int, min_lines: int = 2) -> tuple[npt.NDArray[np.float64], list[tuple[int, ...]]]:
    """Every subset of `min_lines`..`max_lines` of `k` positions as a row of 0/1 (smaller subsets first), and the
    positions of each."""
    rows = [c for size in range(min_lines, min(max_lines, k) + 1) for c in subsets(range(k), size)]
    matrix = np.zeros((len(rows), k), dtype=np.float64)
    for i, row in enumerate(rows):
        matrix[i, list(row)] = 1.0
    matrix.setflags(write=False)
    return matrix, rows


@dataclass(frozen=True)
class Solutions:
    """Per target: how many subsets add up (at most `MAX_SOLUTIONS` counted) and the positions of each found."""

    count: npt.NDArray[np.int64]
    found: list[list[tuple[int, ...]]]


def solve(amounts: npt.NDArray[np.float64], targets: npt.NDArray[np.float64], max_lines: int) -> Solutions:
    """`amounts`: targets x K signed candidate amounts, left-packed (NaN after a target's last candidate);
    `targets`: each target's signed amount. Subsets of 2..`max_lines` candidates that add up to their target.

    Targets are taken by how many candidates they have, each with the subsets of just that many positions (most
    targets have a few candidates: 3 of them have 4 subsets, 14 have 6,461)."""
    n, k = amounts.shape
    counts = np.zeros(n, dtype=np.int64)
    found: list[list[tuple[int, ...]]] = [[] for _ in range(n)]
    if n == 0 or k < 2:
        return Solutions(counts, found)
    widths = (~np.isnan(amounts)).sum(axis=1)
    for width in np.unique(widths):
        if width < 2:
            continue
        matrix, positions = combinations(int(width), max_lines)
        rows = np.flatnonzero(widths == width)
        block = amounts[rows, :width]
        for start in range(0, len(rows), CHUNK):
            part = rows[start : start + CHUNK]
            hits = (block[start : start + CHUNK] @ matrix.T) == targets[part, None]
            per_target = hits.sum(axis=1)
            counts[part] = np.minimum(per_target, MAX_SOLUTIONS)
            for i in np.flatnonzero(per_target):
                found[part[i]] = [positions[c] for c in np.flatnonzero(hits[i])[:MAX_SOLUTIONS]]
    return Solutions(counts, found)
