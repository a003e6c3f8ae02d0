"""The RFC 6962 tree: hezhang's iterative root and proofs against the RFC's recursive definitions, verification
by RFC 9162's algorithms, and proofs that are damaged in any bit, shortened or lengthened do not verify."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hezhang.audit.merkle import (
    EMPTY_ROOT,
    Frontier,
    consistency_proof,
    inclusion_proof,
    root,
    verify_consistency,
    verify_inclusion,
)

LEAVES = [hashlib.sha256(str(i).encode()).digest() for i in range(64)]


# -- the reference: RFC 6962 §2.1, word for word, recursive ------------------------------------------------
def ref_mth(d: list[bytes]) -> bytes:
    if not d:
        return hashlib.sha256(b"").digest()
    if len(d) == 1:
        return hashlib.sha256(b"\x00" + d[0]).digest()
    k = ref_split(len(d))
    return hashlib.sha256(b"\x01" + ref_mth(d[:k]) + ref_mth(d[k:])).digest()


def ref_split(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def ref_path(m: int, d: list[bytes]) -> list[bytes]:
    if len(d) == 1:
        return []
    k = ref_split(len(d))
    if m < k:
        return [*ref_path(m, d[:k]), ref_mth(d[k:])]
    return [*ref_path(m - k, d[k:]), ref_mth(d[:k])]


def ref_subproof(m: int, d: list[bytes], b: bool) -> list[bytes]:
    if m == len(d):
        return [] if b else [ref_mth(d)]
    k = ref_split(len(d))
    if m <= k:
        return [*ref_subproof(m, d[:k], b), ref_mth(d[k:])]
    return [*ref_subproof(m - k, d[k:], False), ref_mth(d[:k])]


def test_root_matches_the_rfc_for_every_size_up_to_64() -> None:
    for n in range(65):
        assert root(LEAVES[:n]) == ref_mth(LEAVES[:n])
        frontier = Frontier()
        for leaf in LEAVES[:n]:
            frontier.push(leaf)
        assert frontier.root() == ref_mth(LEAVES[:n])
    assert root([]) == EMPTY_ROOT


def test_inclusion_proofs_match_the_rfc_and_verify_for_every_leaf_of_every_tree_up_to_64() -> None:
    for n in range(1, 65):
        tree_root = root(LEAVES[:n])
        for index in range(n):
            proof = inclusion_proof(index, LEAVES[:n])
            assert proof == ref_path(index, LEAVES[:n])
            assert verify_inclusion(LEAVES[index], index, n, proof, tree_root)
            assert not verify_inclusion(LEAVES[(index + 1) % 64], index, n, proof, tree_root)
            assert not verify_inclusion(LEAVES[index], index, n + 1, proof, root(LEAVES[: n + 1]))
            if n > 1:
                assert not verify_inclusion(LEAVES[index], (index + 1) % n, n, proof, tree_root)


def test_consistency_proofs_match_the_rfc_and_verify_for_every_m_le_n_le_64() -> None:
    roots = [root(LEAVES[:n]) for n in range(65)]
    for n in range(1, 65):
        for m in range(1, n + 1):
            proof = consistency_proof(m, n, LEAVES)
            assert proof == (ref_subproof(m, LEAVES[:n], True) if m < n else [])
            assert verify_consistency(m, n, roots[m], roots[n], proof)
            if m < n:
                assert not verify_consistency(m, n, roots[m - 1], roots[n], proof)
                assert not verify_consistency(m, n, roots[m], roots[n - 1], proof)
                assert not verify_consistency(m, n, roots[m], roots[n], [])
    assert verify_consistency(0, 5, EMPTY_ROOT, roots[5], [])


def flip(data: bytes, bit: int) -> bytes:
    out = bytearray(data)
    out[bit // 8] ^= 1 << (bit % 8)
    return bytes(out)


@settings(max_examples=200)
@given(st.integers(1, 64), st.data())
def test_inclusion_proof_with_any_bit_flipped_or_cut_or_lengthened_fails(n: int, data: st.DataObject) -> None:
    index = data.draw(st.integers(0, n - 1))
    proof, tree_root = inclusion_proof(index, LEAVES[:n]), root(LEAVES[:n])
    if proof:
        k = data.draw(st.integers(0, len(proof) - 1))
        damaged = [*proof[:k], flip(proof[k], data.draw(st.integers(0, 255))), *proof[k + 1 :]]
        assert not verify_inclusion(LEAVES[index], index, n, damaged, tree_root)
        assert not verify_inclusion(LEAVES[index], index, n, proof[:-1], tree_root)
        assert not verify_inclusion(LEAVES[index], index, n, proof[1:], tree_root)
        assert not verify_inclusion(LEAVES[index], index, n, [*proof[:k], proof[k][:31], *proof[k + 1 :]], tree_root)
    assert not verify_inclusion(flip(LEAVES[index], data.draw(st.integers(0, 255))), index, n, proof, tree_root)
    assert not verify_inclusion(LEAVES[index], index, n, proof, flip(tree_root, data.draw(st.integers(0, 255))))
    assert not verify_inclusion(LEAVES[index], index, n, [*proof, LEAVES[0]], tree_root)


@settings(max_examples=200)
@given(st.integers(2, 64), st.data())
def test_consistency_proof_with_any_bit_flipped_or_cut_or_lengthened_fails(n: int, data: st.DataObject) -> None:
    m = data.draw(st.integers(1, n - 1))
    proof, root_m, root_n = consistency_proof(m, n, LEAVES), root(LEAVES[:m]), root(LEAVES[:n])
    k = data.draw(st.integers(0, len(proof) - 1))
    damaged = [*proof[:k], flip(proof[k], data.draw(st.integers(0, 255))), *proof[k + 1 :]]
    assert not verify_consistency(m, n, root_m, root_n, damaged)
    assert not verify_consistency(m, n, root_m, root_n, proof[:-1])
    assert not verify_consistency(m, n, root_m, root_n, proof[1:])
    assert not verify_consistency(m, n, root_m, root_n, [*proof, LEAVES[0]])
    assert not verify_consistency(m, n, flip(root_m, data.draw(st.integers(0, 255))), root_n, proof)
    assert not verify_consistency(m, n, root_m, flip(root_n, data.draw(st.integers(0, 255))), proof)


def test_proofs_refuse_positions_outside_the_tree() -> None:
    with pytest.raises(ValueError):
        inclusion_proof(3, LEAVES[:3])
    with pytest.raises(ValueError):
        consistency_proof(4, 3, LEAVES[:3])
    assert not verify_inclusion(LEAVES[0], 0, 0, [], EMPTY_ROOT)
    assert not verify_consistency(4, 3, EMPTY_ROOT, EMPTY_ROOT, [])
