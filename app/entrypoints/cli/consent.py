"""`cockpit consent ...`: list, confirm, show the history of and revoke consents from the operator shell.

The CLI acts as a named user (`--user`), who must be allowed to open the case; every call leaves
the same audit event as the API.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar

import typer

from app.entrypoints.cli.wiring import wired

if TYPE_CHECKING:
    from app.bootstrap import Container
    from app.domain.consent import Consent
    from app.services.context import RequestContext
    from app.services.ports import UnitOfWork

T = TypeVar("T")

consent_app = typer.Typer(
    help="Einwilligungen (Liste, offene Bestätigungen, Bestätigung, Verlauf, Widerruf)", no_args_is_help=True
)

CaseOption = typer.Option(..., "--case", help="Fall-ID")
UserOption = typer.Option(..., "--user", help="Benutzername, unter dem die Aktion protokolliert wird")


@contextmanager
def _acting(username: str) -> Iterator[tuple[Container, RequestContext]]:
    with wired() as container:
        with container.uow_factory() as uow:
            user = uow.users.by_username(username)
        if user is None or not user.active:
            typer.echo("Unbekannter oder gesperrter Benutzer.", err=True)
            raise typer.Exit(2)
        ctx = container.context_for(user.as_principal(), f"cli-{uuid.uuid4()}", "Fallführung (CLI)")
        yield container, ctx


def _refused(error: Exception) -> typer.Exit:
    typer.echo(getattr(error, "message", "Die Anfrage wurde abgelehnt."), err=True)
    return typer.Exit(1)


def _as_user(username: str, use_case: Callable[[UnitOfWork, RequestContext], T]) -> T:
    """Run one use case as the named user; a refusal ends the command with its German message."""
    from app.domain.errors import DomainError
    from app.services.errors import ServiceError

    with _acting(username) as (container, ctx):
        try:
            return use_case(container.uow_factory(), ctx)
        except (ServiceError, DomainError) as error:
            raise _refused(error) from None


def _categories(consent: Consent) -> str:
    return ", ".join(sorted(c.value for c in consent.categories))


@consent_app.command("list")
def consent_list(case: uuid.UUID = CaseOption, user: str = UserOption) -> None:
    """Die Einwilligungen eines Falls mit ihrem heutigen Status."""
    from app.services.consents import list_consents

    states = _as_user(user, lambda uow, ctx: list_consents(uow, ctx, case))
    if not states:
        typer.echo("Keine Einwilligungen.")
    for state in states:
        consent = state.consent
        typer.echo(
            f"{consent.id}  {state.status.label:<18} {_categories(consent)}  "
            f"bis {consent.valid_until:%Y-%m-%d}  ({len(consent.flows)} Datenflüsse)"
        )


@consent_app.command("history")
def consent_history(
    consent_id: uuid.UUID = typer.Argument(..., help="Einwilligungs-ID"),
    case: uuid.UUID = CaseOption,
    user: str = UserOption,
) -> None:
    """Der Verlauf einer Einwilligung: Erfassung, Widerruf, Ersatz."""
    from app.services import consents

    events = _as_user(user, lambda uow, ctx: consents.consent_history(uow, ctx, case, consent_id))
    for event in events:
        typer.echo(f"{event.occurred_at:%Y-%m-%d %H:%M} UTC  {event.kind.value:<10} {event.note}")


@consent_app.command("revoke")
def consent_revoke(
    consent_id: uuid.UUID = typer.Argument(..., help="Einwilligungs-ID"),
    case: uuid.UUID = CaseOption,
    user: str = UserOption,
    reason: str = typer.Option(..., "--reason", help="Wie und wann der Widerruf erklärt wurde"),
) -> None:
    """Eine Einwilligung widerrufen; wirkt ab der nächsten Anfrage."""
    from app.services import consents

    _as_user(user, lambda uow, ctx: consents.revoke_consent(uow, ctx, case, consent_id, reason))
    typer.echo(f"Einwilligung {consent_id} widerrufen.")


@consent_app.command("awaiting")
def consent_awaiting(user: str = UserOption) -> None:
    """Einwilligungen, die Daten der eigenen Stelle freigeben und auf ihre Bestätigung warten."""
    from app.services.consent_inbox import consents_awaiting_confirmation

    waiting = _as_user(user, consents_awaiting_confirmation)
    if not waiting:
        typer.echo("Keine Einwilligung wartet auf die Bestätigung Ihrer Stelle.")
    for item in waiting:
        consent = item.consent
        typer.echo(
            f"{consent.id}  Fall {consent.case_id} ({item.local_reference})  {_categories(consent)}  "
            f"erfasst {consent.granted_at:%Y-%m-%d}"
        )


@consent_app.command("confirm")
def consent_confirm(
    consent_id: uuid.UUID = typer.Argument(..., help="Einwilligungs-ID"),
    case: uuid.UUID = CaseOption,
    user: str = UserOption,
) -> None:
    """Als Stelle, deren Daten freigegeben werden, eine Einwilligung bestätigen."""
    from app.services import consents

    state = _as_user(user, lambda uow, ctx: consents.confirm_consent(uow, ctx, case, consent_id))
    typer.echo(f"Einwilligung {consent_id} bestätigt ({state.status.label}).")
