"""Witnesses (institutions' systems, the DPO) fetch signed checkpoints and check proofs themselves."""

from __future__ import annotations

import base64

from cryptography.hazmat.primitives.serialization import load_pem_public_key
from sqlalchemy import Engine

from app.domain.audit_chain.checkpoint import Checkpoint
from app.domain.audit_chain.merkle import verify_consistency, verify_inclusion
from tests.api_helpers import Api
from tests.audit_chain_helpers import fill_log
from tests.audit_log import audit_events


def _checkpoint(api: Api, user: str = "dpo") -> dict:
    api.client.app.state.audit_ledger.checkpoint()  # type: ignore[attr-defined]  # the sequencer's turn
    response = api.client.get("/api/v1/audit/checkpoints/latest", headers=api.headers(user))
    assert response.status_code == 200, response.text
    return response.json()


def test_a_witness_checks_the_signature_and_an_inclusion_proof(api: Api, engine: Engine) -> None:
    fill_log(api)
    kept = _checkpoint(api)
    key = api.client.get("/api/v1/audit/public-key", headers=api.headers("dpo")).json()
    checkpoint = Checkpoint.from_document(kept)
    load_pem_public_key(key["public_key_pem"].encode()).verify(  # type: ignore[union-attr]
        base64.b64decode(kept["signature"]), checkpoint.signed_body()
    )
    event = audit_events(engine)[2]
    proof = api.client.get(
        "/api/v1/audit/proofs/inclusion",
        params={"event_id": str(event.id), "tree_size": kept["tree_size"]},
        headers=api.headers("dpo"),
    ).json()
    path = [bytes.fromhex(p) for p in proof["path"]]
    leaf = bytes.fromhex(proof["leaf_hash"])
    assert verify_inclusion(leaf, proof["leaf_index"], kept["tree_size"], path, checkpoint.root_hash)
    assert not verify_inclusion(leaf, proof["leaf_index"] + 1, kept["tree_size"], path, checkpoint.root_hash)


def test_a_later_checkpoint_is_consistent_with_a_kept_one(api: Api) -> None:
    fill_log(api, cases=1)
    first = Checkpoint.from_document(_checkpoint(api))
    fill_log(api, cases=2)
    second = Checkpoint.from_document(_checkpoint(api))
    assert second.tree_size > first.tree_size
    proof = api.client.get(
        "/api/v1/audit/proofs/consistency",
        params={"first": first.tree_size, "second": second.tree_size},
        headers=api.headers("dpo"),
    ).json()
    path = [bytes.fromhex(p) for p in proof["path"]]
    assert verify_consistency(first.tree_size, second.tree_size, path, first.root_hash, second.root_hash)
    listed = api.client.get("/api/v1/audit/checkpoints", headers=api.headers("dpo")).json()["checkpoints"]
    assert [c["tree_size"] for c in listed] == [first.tree_size, second.tree_size]


def test_reading_witness_material_never_seals_or_signs(api: Api, engine: Engine) -> None:
    fill_log(api, cases=1)
    before = _checkpoint(api)
    fill_log(api, cases=1)  # queued, not yet sealed
    again = api.client.get("/api/v1/audit/checkpoints/latest", headers=api.headers("dpo")).json()
    assert again == before
    listed = api.client.get("/api/v1/audit/checkpoints", headers=api.headers("dpo")).json()["checkpoints"]
    assert len(listed) == 1
    newest = audit_events(engine)[-1]
    unsealed = api.client.get(
        "/api/v1/audit/proofs/inclusion", params={"event_id": str(newest.id)}, headers=api.headers("dpo")
    )
    assert unsealed.status_code == 404


def test_caseworkers_are_no_witnesses(api: Api) -> None:
    fill_log(api, cases=1)
    response = api.client.get("/api/v1/audit/checkpoints/latest", headers=api.headers("sd"))
    assert response.status_code == 403
