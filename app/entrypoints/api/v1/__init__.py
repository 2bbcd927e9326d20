"""API version 1."""

from fastapi import APIRouter

from app.entrypoints.api.v1 import (
    admin,
    admin_accounts,
    audit_review,
    audit_witness,
    case_assignments,
    case_closure,
    case_plan,
    case_process,
    case_records,
    case_team,
    cases,
    consents,
    documents,
    events,
    exchange,
    figures,
    institutions,
    pendenzen,
    persons,
    reference_directory,
    referrals,
    supervision,
)
from app.entrypoints.api.v1.responses import problems

# Every operation needs an authenticated principal. The topics' routes under one prefix, in the order
# a request is matched against them (app/entrypoints/api/route_table.py lists them for the app).
router = APIRouter(prefix="/api/v1", responses=problems(401))
topics: tuple[APIRouter, ...] = (
    *(
        module.router
        for module in (
            institutions,
            persons,
            cases,
            case_team,
            case_plan,
            case_records,
            case_closure,
            figures,
            case_process,
            pendenzen,
            referrals,
            supervision,
            documents,
            consents,
            case_assignments,
            exchange,
            reference_directory,
            events,
            audit_review,
            audit_witness,
            admin_accounts,
            admin,
        )
    ),
    consents.inbox,
)
