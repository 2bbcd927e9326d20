"""Merkle tree hashing, inclusion and consistency proofs as in RFC 9162 (Certificate Transparency 2.0).

Leaves are hashed with the prefix 0x00 and inner nodes with 0x01, so a leaf can never pass for a node.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    k = 1
    while k << 1 < n:
        k <<= 1
    return k


def root(leaves: Sequence[bytes]) -> bytes:
    """MTH over leaf hashes (RFC 9162 §2.1.1), iteratively via the compact range."""
    if not leaves:
        return EMPTY_ROOT
    frontier: list[tuple[int, bytes]] = []
    for leaf in leaves:
        frontier = append_to_frontier(frontier, leaf)
    return frontier_root(frontier)


def append_to_frontier(frontier: list[tuple[int, bytes]], leaf: bytes) -> list[tuple[int, bytes]]:
    """The compact range: roots of the perfect subtrees left to right as (height, hash)."""
    merged = [*frontier, (0, leaf)]
    while len(merged) > 1 and merged[-1][0] == merged[-2][0]:
        (height, left), (_, right) = merged[-2], merged[-1]
        merged[-2:] = [(height + 1, node_hash(left, right))]
    return merged


def frontier_root(frontier: Sequence[tuple[int, bytes]]) -> bytes:
    if not frontier:
        return EMPTY_ROOT
    current = frontier[-1][1]
    for _, left in reversed(frontier[:-1]):
        current = node_hash(left, current)
    return current


def frontier_size(frontier: Sequence[tuple[int, bytes]]) -> int:
    return sum(1 << height for height, _ in frontier)


def _subtree_root(leaves: Sequence[bytes]) -> bytes:
    return root(leaves)


def inclusion_proof(leaves: Sequence[bytes], index: int) -> list[bytes]:
    """PATH(m, D[n]) of RFC 9162 §2.1.3.1."""
    if not 0 <= index < len(leaves):
        raise ValueError("index outside the tree")
    if len(leaves) == 1:
        return []
    k = _split(len(leaves))
    if index < k:
        return [*inclusion_proof(leaves[:k], index), _subtree_root(leaves[k:])]
    return [*inclusion_proof(leaves[k:], index - k), _subtree_root(leaves[:k])]


def consistency_proof(leaves: Sequence[bytes], first_size: int) -> list[bytes]:
    """PROOF(m, D[n]) of RFC 9162 §2.1.4.1, for 0 < m <= n."""
    if not 0 < first_size <= len(leaves):
        raise ValueError("first size outside the tree")
    return _subproof(first_size, leaves, complete=True)


def _subproof(m: int, leaves: Sequence[bytes], *, complete: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if complete else [_subtree_root(leaves)]
    k = _split(n)
    if m <= k:
        return [*_subproof(m, leaves[:k], complete=complete), _subtree_root(leaves[k:])]
    return [*_subproof(m - k, leaves[k:], complete=False), _subtree_root(leaves[:k])]


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], expected_root: bytes
) -> bool:
    """RFC 9162 §2.1.3.2."""
    if index >= size:
        return False
    fn, sn = index, size - 1
    r = leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == expected_root


def verify_consistency(
    first_size: int, second_size: int, proof: Sequence[bytes], first_root: bytes, second_root: bytes
) -> bool:
    """RFC 9162 §2.1.4.2."""
    if first_size > second_size or first_size == 0:
        return False
    if first_size == second_size:
        return not proof and first_root == second_root
    path = list(proof)
    if first_size & (first_size - 1) == 0:  # a power of two: the first root is part of the path
        path.insert(0, first_root)
    if not path:
        return False
    fn, sn = first_size - 1, second_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == first_root and sr == second_root
