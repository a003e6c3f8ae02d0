"""Bounded exact subset-sum: which few lines add up to a target amount. Pure Python, small inputs."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SubsetSearch:
    #: Distinct solutions (indices into the candidate list), at most `max_solutions`, in the order found.
    solutions: tuple[tuple[int, ...], ...]
    #: True when the node budget ran out before the whole space was searched.
    truncated: bool
    #: Nodes visited (for callers that bound the work of many searches together).
    nodes: int = 0


def find_subsets(
    target: int,
    amounts: list[int],
    kinds: list[int],
    *,
    max_lines: int,
    budget: int,
    max_solutions: int = 3,
    min_lines: int = 2,
) -> SubsetSearch:
    """Subsets of 2..max_lines positive amounts summing exactly to `target`.

    Solutions that differ only by swapping interchangeable candidates (equal `kinds`) count once.
    The search is depth-first over amounts in descending order with two prunings: a partial sum
    over the target, and a partial sum that cannot reach the target with what is left.
    """
    order = sorted(range(len(amounts)), key=lambda i: (-amounts[i], kinds[i], i))
    values = [amounts[i] for i in order]
    suffix = [0] * (len(values) + 1)
    for i in range(len(values) - 1, -1, -1):
        suffix[i] = suffix[i + 1] + values[i]
    found: list[tuple[int, ...]] = []
    seen: set[tuple[int, ...]] = set()
    nodes = 0
    truncated = False
    chosen: list[int] = []

    def walk(start: int, total: int) -> bool:
        nonlocal nodes, truncated
        for i in range(start, len(values)):
            nodes += 1
            if nodes > budget:
                truncated = True
                return False
            if i > start and values[i] == values[i - 1] and kinds[order[i]] == kinds[order[i - 1]]:
                continue  # the same choice as the previous sibling
            new = total + values[i]
            if new > target:
                continue
            if new + suffix[i + 1] < target and new != target:
                return True  # smaller amounts follow: nothing further on can reach the target either
            chosen.append(order[i])
            if new == target:
                if len(chosen) >= min_lines:
                    signature = tuple(sorted(kinds[j] for j in chosen))
                    if signature not in seen:
                        seen.add(signature)
                        found.append(tuple(sorted(chosen)))
                        if len(found) >= max_solutions:
                            chosen.pop()
                            return False
            elif len(chosen) < max_lines and not walk(i + 1, new):
                chosen.pop()
                return False
            chosen.pop()
        return True

    if target > 0 and values:
        walk(0, 0)
    return SubsetSearch(tuple(found), truncated, nodes)
