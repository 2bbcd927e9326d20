"""Witness material of the audit log: signed checkpoints, the public key, inclusion and consistency
proofs. For the institutions' systems and the DPO (Permission.AUDIT_WITNESS); no personal data."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from app.domain.permissions import Permission
from app.domain.principal import Principal
from app.entrypoints.api.deps import current_principal
from app.entrypoints.api.v1.responses import json_response, problems
from app.entrypoints.api.v1.schemas.audit import (
    CheckpointOut,
    CheckpointsOut,
    ConsistencyProofOut,
    InclusionProofOut,
    PublicKeyOut,
)
from app.services import audit_integrity as service
from app.services.audit_ports import AuditLedger
from app.services.authorization import require

router = APIRouter(prefix="/audit", tags=["Audit-Zeugen"])
Witness = Annotated[Principal, Depends(current_principal)]


def _ledger(request: Request) -> AuditLedger:
    ledger: AuditLedger = request.app.state.audit_ledger
    return ledger


Ledger = Annotated[AuditLedger, Depends(_ledger)]


@router.get("/checkpoints/latest", response_model=CheckpointOut, responses=problems(403, 404))
def latest_checkpoint(principal: Witness, ledger: Ledger) -> JSONResponse:
    """Den neuesten signierten Checkpoint holen und aufbewahren (der Sequencer signiert sie laufend)."""
    return json_response(CheckpointOut.of(service.latest_checkpoint(principal, ledger)))


@router.get("/checkpoints", response_model=CheckpointsOut, responses=problems(403))
def checkpoints(principal: Witness, ledger: Ledger) -> JSONResponse:
    return json_response(
        CheckpointsOut(checkpoints=[CheckpointOut.of(c) for c in service.list_checkpoints(principal, ledger)])
    )


@router.get("/public-key", response_model=PublicKeyOut, responses=problems(403))
def public_key(principal: Witness, request: Request) -> JSONResponse:
    """Der öffentliche Ed25519-Schlüssel, mit dem Checkpoints geprüft werden."""
    require(principal, Permission.AUDIT_WITNESS)
    signer = request.app.state.audit_ledger.signer
    return json_response(PublicKeyOut(key_id=signer.key_id, public_key_pem=signer.public_key_pem()))


@router.get("/proofs/inclusion", response_model=InclusionProofOut, responses=problems(403, 404, 422))
def inclusion_proof(
    principal: Witness,
    ledger: Ledger,
    event_id: uuid.UUID,
    tree_size: Annotated[int | None, Query(ge=1)] = None,
) -> JSONResponse:
    """Beweis (RFC 9162), dass ein Ereignis im Baum der angegebenen Grösse enthalten ist."""
    proof = service.inclusion_proof(principal, ledger, event_id, tree_size)
    return json_response(
        InclusionProofOut(
            event_id=proof.event_id,
            leaf_index=proof.leaf_index,
            tree_size=proof.tree_size,
            leaf_hash=proof.leaf_hash.hex(),
            path=[p.hex() for p in proof.path],
        )
    )


@router.get("/proofs/consistency", response_model=ConsistencyProofOut, responses=problems(403, 422))
def consistency_proof(
    principal: Witness,
    ledger: Ledger,
    first: Annotated[int, Query(ge=1)],
    second: Annotated[int, Query(ge=1)],
) -> JSONResponse:
    """Beweis (RFC 9162), dass der Baum der Grösse `second` den der Grösse `first` unverändert enthält."""
    path = service.consistency_proof(principal, ledger, first, second)
    return json_response(ConsistencyProofOut(first=first, second=second, path=[p.hex() for p in path]))
