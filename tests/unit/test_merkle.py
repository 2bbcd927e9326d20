"""Merkle tree math against the recursive definitions of RFC 9162."""

from __future__ import annotations

import hashlib

from hypothesis import given
from hypothesis import strategies as st

from app.domain.audit_chain import merkle


def _reference_root(leaves: list[bytes]) -> bytes:
    """MTH(D[n]) exactly as RFC 9162 §2.1.1 writes it."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return merkle.node_hash(_reference_root(leaves[:k]), _reference_root(leaves[k:]))


def _leaves(n: int) -> list[bytes]:
    return [merkle.leaf_hash(i.to_bytes(4, "big")) for i in range(n)]


def test_leaf_and_node_hashes_use_the_rfc_9162_prefixes() -> None:
    assert merkle.leaf_hash(b"x") == hashlib.sha256(b"\x00x").digest()
    assert merkle.node_hash(b"a" * 32, b"b" * 32) == hashlib.sha256(b"\x01" + b"a" * 32 + b"b" * 32).digest()
    assert merkle.leaf_hash(b"x") != hashlib.sha256(b"x").digest()


@given(st.integers(min_value=0, max_value=70))
def test_incremental_root_equals_the_recursive_definition(n: int) -> None:
    leaves = _leaves(n)
    assert merkle.root(leaves) == _reference_root(leaves)
    frontier: list[tuple[int, bytes]] = []
    for leaf in leaves:
        frontier = merkle.append_to_frontier(frontier, leaf)
    assert merkle.frontier_size(frontier) == n


@given(st.data())
def test_every_inclusion_proof_verifies_and_a_wrong_leaf_does_not(data: st.DataObject) -> None:
    n = data.draw(st.integers(min_value=1, max_value=64))
    index = data.draw(st.integers(min_value=0, max_value=n - 1))
    leaves = _leaves(n)
    root = merkle.root(leaves)
    proof = merkle.inclusion_proof(leaves, index)
    assert merkle.verify_inclusion(leaves[index], index, n, proof, root)
    assert not merkle.verify_inclusion(merkle.leaf_hash(b"forged"), index, n, proof, root)
    if n > 1:
        assert not merkle.verify_inclusion(leaves[index], (index + 1) % n, n, proof, root)


@given(st.data())
def test_every_consistency_proof_verifies_and_a_rewritten_prefix_does_not(data: st.DataObject) -> None:
    second = data.draw(st.integers(min_value=1, max_value=64))
    first = data.draw(st.integers(min_value=1, max_value=second))
    leaves = _leaves(second)
    proof = merkle.consistency_proof(leaves, first)
    first_root, second_root = merkle.root(leaves[:first]), merkle.root(leaves)
    assert merkle.verify_consistency(first, second, proof, first_root, second_root)
    rewritten = [merkle.leaf_hash(b"rewritten"), *leaves[1:]]
    if first < second:
        assert not merkle.verify_consistency(
            first, second, proof, merkle.root(rewritten[:first]), second_root
        )
