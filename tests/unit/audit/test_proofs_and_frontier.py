"""Inclusion proofs for many leaves at once equal the one-at-a-time proofs; a frontier is saved and grows on."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hezhang.audit.merkle import inclusion_proof, inclusion_proofs, root
from hezhang.audit.verify import Frontier, verify_inclusion


def leaves(n: int) -> list[bytes]:
    return [hashlib.sha256(i.to_bytes(4, "big")).digest() for i in range(n)]


@settings(max_examples=200)
@given(st.integers(1, 130).flatmap(lambda n: st.tuples(st.just(n), st.sets(st.integers(0, n - 1), min_size=1))))
def test_proofs_for_many_leaves_equal_the_proofs_one_at_a_time(case: tuple[int, set[int]]) -> None:
    n, chosen = case
    hashes = leaves(n)
    proofs = inclusion_proofs(chosen, hashes)
    assert set(proofs) == chosen
    for index in chosen:
        assert proofs[index] == inclusion_proof(index, hashes)
        assert verify_inclusion(hashes[index], index, n, proofs[index], root(hashes))


def test_proofs_for_no_leaf_or_a_leaf_outside_the_tree() -> None:
    assert inclusion_proofs([], leaves(5)) == {}
    for bad in ([5], [-1], [0, 9]):
        with pytest.raises(ValueError, match="not all in a tree"):
            inclusion_proofs(bad, leaves(5))


@settings(max_examples=100)
@given(st.integers(0, 300), st.integers(0, 40))
def test_a_restored_frontier_has_the_same_root_and_grows_like_the_original(size: int, more: int) -> None:
    hashes = leaves(size + more)
    frontier = Frontier()
    for leaf in hashes[:size]:
        frontier.push(leaf)
    nodes = frontier.nodes()
    assert len(nodes) == 32 * size.bit_count()
    restored = Frontier.restore(size, nodes)
    assert restored.size == size and restored.root() == frontier.root() == root(hashes[:size])
    for leaf in hashes[size:]:
        restored.push(leaf)
    assert restored.root() == root(hashes)


def test_a_frontier_with_the_wrong_number_of_nodes_is_refused() -> None:
    with pytest.raises(ValueError, match="nodes"):
        Frontier.restore(3, bytes(32))
    with pytest.raises(ValueError, match="nodes"):
        Frontier.restore(-1, b"")


@settings(max_examples=150)
@given(st.lists(st.integers(0, 70), max_size=6))
def test_a_frontier_extended_in_runs_is_the_tree_pushed_leaf_by_leaf(runs: list[int]) -> None:
    """`extend` builds whole subtrees a level at a time; after every run it is the frontier `push` makes."""
    hashes, pushed, extended, done = leaves(sum(runs)), Frontier(), Frontier(), 0
    for run in runs:
        for leaf in hashes[done : done + run]:
            pushed.push(leaf)
        extended.extend(b"".join(hashes[done : done + run]))
        done += run
        assert (extended.size, extended.nodes()) == (pushed.size, pushed.nodes())
        assert extended.root() == root(hashes[:done])


def test_leaves_that_are_not_32_bytes_each_are_refused() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        Frontier().extend(bytes(33))
