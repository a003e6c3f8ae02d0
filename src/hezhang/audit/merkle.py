"""RFC 6962 (Certificate Transparency) Merkle tree over event hashes: root, inclusion and consistency proofs.

Leaves are the events' hashes; leaf hash = SHA-256(0x00 || leaf), node = SHA-256(0x01 || left || right), and a
tree of n leaves splits at the largest power of two smaller than n. Proofs follow RFC 6962 §2.1.1 (PATH) and
§2.1.2 (PROOF / SUBPROOF), written as loops; the checking half (RFC 9162's algorithms) lives in `verify`.
Every function here hashes each leaf at most once: O(n) for any proof (`inclusion_proofs`: for many at once).
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left
from collections.abc import Iterable, Sequence

from hezhang.audit.verify import EMPTY_ROOT, Frontier, leaf_hash, node_hash, verify_consistency, verify_inclusion

__all__ = [
    "EMPTY_ROOT",
    "Frontier",
    "consistency_proof",
    "inclusion_proof",
    "inclusion_proofs",
    "leaf_hash",
    "node_hash",
    "root",
    "verify_consistency",
    "verify_inclusion",
]

_sha256 = hashlib.sha256


def _split(n: int) -> int:
    """The largest power of two smaller than n (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def root(leaves: Sequence[bytes]) -> bytes:
    """MTH(D[n]): built level by level; an odd last node moves up unchanged, which gives RFC 6962's shape."""
    if not leaves:
        return EMPTY_ROOT
    level = [_sha256(b"\x00" + leaf).digest() for leaf in leaves]
    while len(level) > 1:
        pairs = [_sha256(b"\x01" + level[i] + level[i + 1]).digest() for i in range(0, len(level) - 1, 2)]
        if len(level) & 1:
            pairs.append(level[-1])
        level = pairs
    return level[0]


def inclusion_proof(index: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PATH(index, D[n]): the sibling subtree roots from the leaf up to the root."""
    if not 0 <= index < len(leaves):
        raise ValueError(f"leaf {index} is not in a tree of {len(leaves)} leaves")
    path: list[bytes] = []  # collected from the root down, returned leaf first
    lo, hi = 0, len(leaves)
    while hi - lo > 1:
        k = _split(hi - lo)
        if index < lo + k:
            path.append(root(leaves[lo + k : hi]))
            hi = lo + k
        else:
            path.append(root(leaves[lo : lo + k]))
            lo += k
    return path[::-1]


def inclusion_proofs(indices: Iterable[int], leaves: Sequence[bytes]) -> dict[int, list[bytes]]:
    """PATH(i, D[n]) for each of `indices` at once: each leaf is hashed once, so O(n + k log n) for k proofs.

    A subtree with no chosen leaf is hashed whole (`root`); one with chosen leaves is split, and each half's
    root becomes the next proof node of the chosen leaves on the other side (collected leaf first).
    """
    chosen = sorted(set(indices))
    if chosen and not 0 <= chosen[0] <= chosen[-1] < len(leaves):
        raise ValueError(f"leaves {chosen[0]}..{chosen[-1]} are not all in a tree of {len(leaves)} leaves")
    proofs: dict[int, list[bytes]] = {i: [] for i in chosen}

    def subtree(lo: int, hi: int, inside: list[int]) -> bytes:  # depth <= 64: the recursion is bounded
        if not inside:
            return root(leaves[lo:hi])
        if hi - lo == 1:
            return leaf_hash(leaves[lo])
        mid = lo + _split(hi - lo)
        cut = bisect_left(inside, mid)
        left, right = subtree(lo, mid, inside[:cut]), subtree(mid, hi, inside[cut:])
        for i in inside[:cut]:
            proofs[i].append(right)
        for i in inside[cut:]:
            proofs[i].append(left)
        return node_hash(left, right)

    if chosen:
        subtree(0, len(leaves), chosen)
    return proofs


def consistency_proof(m: int, n: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PROOF(m, D[n]): shows the tree of the first m leaves is a prefix of the tree of the first n."""
    if not 0 <= m <= n <= len(leaves):
        raise ValueError(f"no consistency proof from {m} to {n} leaves over {len(leaves)} leaves")
    if m in (0, n):
        return []
    path: list[bytes] = []
    lo, hi, start_known = 0, n, True
    while m != hi - lo:
        k = _split(hi - lo)
        if m <= k:
            path.append(root(leaves[lo + k : hi]))
            hi = lo + k
        else:
            path.append(root(leaves[lo : lo + k]))
            lo, m, start_known = lo + k, m - k, False
    if not start_known:
        path.append(root(leaves[lo:hi]))
    return path[::-1]
