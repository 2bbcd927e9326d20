"""`cockpit consent ...`: list, show the history of and revoke consents from the operator shell.

The CLI acts as a named user (`--user`), who must be allowed to open the case; every call leaves
the same audit event as the API.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import typer

from app.entrypoints.cli.wiring import wired

if TYPE_CHECKING:
    from app.bootstrap import Container
    from app.services.context import RequestContext

consent_app = typer.Typer(help="Einwilligungen (Liste, Verlauf, Widerruf)", no_args_is_help=True)

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


@consent_app.command("list")
def consent_list(case: uuid.UUID = CaseOption, user: str = UserOption) -> None:
    """Die Einwilligungen eines Falls mit ihrem heutigen Status."""
    from app.domain.errors import DomainError
    from app.services.consents import list_consents
    from app.services.errors import ServiceError

    with _acting(user) as (container, ctx):
        try:
            states = list_consents(container.uow_factory(), ctx, case)
        except (ServiceError, DomainError) as error:
            raise _refused(error) from None
    if not states:
        typer.echo("Keine Einwilligungen.")
    for state in states:
        consent = state.consent
        categories = ", ".join(sorted(c.value for c in consent.categories))
        typer.echo(
            f"{consent.id}  {state.status.label:<18} {categories}  "
            f"bis {consent.valid_until:%Y-%m-%d}  ({len(consent.flows)} Datenflüsse)"
        )


@consent_app.command("history")
def consent_history(
    consent_id: uuid.UUID = typer.Argument(..., help="Einwilligungs-ID"),
    case: uuid.UUID = CaseOption,
    user: str = UserOption,
) -> None:
    """Der Verlauf einer Einwilligung: Erfassung, Widerruf, Ersatz."""
    from app.domain.errors import DomainError
    from app.services import consents
    from app.services.errors import ServiceError

    with _acting(user) as (container, ctx):
        try:
            events = consents.consent_history(container.uow_factory(), ctx, case, consent_id)
        except (ServiceError, DomainError) as error:
            raise _refused(error) from None
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
    from app.domain.errors import DomainError
    from app.services import consents
    from app.services.errors import ServiceError

    with _acting(user) as (container, ctx):
        try:
            consents.revoke_consent(container.uow_factory(), ctx, case, consent_id, reason)
        except (ServiceError, DomainError) as error:
            raise _refused(error) from None
    typer.echo(f"Einwilligung {consent_id} widerrufen.")
