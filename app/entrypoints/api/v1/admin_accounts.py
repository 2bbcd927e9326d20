"""Looking after accounts: ending login waits, a user's sessions (supervisors and administrators;
every user for their own sessions under /me)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Path
from fastapi.responses import JSONResponse

from app.entrypoints.api.deps import Context, Uow
from app.entrypoints.api.v1.responses import json_response, problems
from app.entrypoints.api.v1.schemas.common import Out
from app.services.identity import accounts as service
from app.services.identity.ports import IdentityUnitOfWork

router = APIRouter(tags=["Konten"])
Username = Path(min_length=1, max_length=64, description="Benutzername des Kontos")


class SessionOut(Out):
    handle: str
    stage: str
    created_at: datetime
    last_seen_at: datetime


class SessionListOut(Out):
    items: list[SessionOut]


class UnlockOut(Out):
    cleared: int


class EndedOut(Out):
    ended: int


def _identity(uow: Uow) -> IdentityUnitOfWork:
    return uow


@router.post("/admin/accounts/{username}/unlock", response_model=UnlockOut, responses=problems(404))
def unlock(uow: Uow, ctx: Context, username: str = Username) -> JSONResponse:
    """Anmeldesperren (Wartezeiten der Drosselung) eines Kontos aufheben: Vorgesetzte der eigenen
    Stelle oder Administration. Wird protokolliert."""
    return json_response(UnlockOut(cleared=service.unlock_account(_identity(uow), ctx, username)))


@router.get("/admin/accounts/{username}/sessions", response_model=SessionListOut, responses=problems(404))
def sessions(uow: Uow, ctx: Context, username: str = Username) -> JSONResponse:
    """Die laufenden Sitzungen eines Kontos (Vorgesetzte der eigenen Stelle, Administration)."""
    return _session_list(service.list_sessions(_identity(uow), ctx, username))


@router.delete("/admin/accounts/{username}/sessions", response_model=EndedOut, responses=problems(404))
def end_sessions(uow: Uow, ctx: Context, username: str = Username) -> JSONResponse:
    """Ein Konto überall abmelden (Vorgesetzte der eigenen Stelle, Administration)."""
    return json_response(EndedOut(ended=service.end_sessions(_identity(uow), ctx, username)))


@router.get("/me/sessions", response_model=SessionListOut)
def my_sessions(uow: Uow, ctx: Context) -> JSONResponse:
    """Die eigenen laufenden Sitzungen."""
    return _session_list(service.list_sessions(_identity(uow), ctx, ctx.principal.name))


@router.delete("/me/sessions", response_model=EndedOut)
def end_my_sessions(uow: Uow, ctx: Context) -> JSONResponse:
    """Sich überall abmelden (alle eigenen Sitzungen beenden, auch die aktuelle)."""
    return json_response(EndedOut(ended=service.end_sessions(_identity(uow), ctx, ctx.principal.name)))


def _session_list(found: list[service.SessionInfo]) -> JSONResponse:
    items = [SessionOut(**vars(info)) for info in found]
    return json_response(SessionListOut(items=items))
