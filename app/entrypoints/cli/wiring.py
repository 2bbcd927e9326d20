"""How every command gets its settings and its container (app/bootstrap.py): one way, one message."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer

from app.bootstrap import Container, build_container, freeze_startup_objects, key_provider_error
from app.settings import Settings


def load_settings() -> Settings:
    """The settings, or the German reasons they are refused (not pydantic's report) and exit code 2."""
    from pydantic import ValidationError

    try:
        return Settings()
    except ValidationError as error:
        reasons = [str(item["msg"]).removeprefix("Value error, ") for item in error.errors()]
        typer.echo("Konfiguration ungültig: " + "\n".join(reasons), err=True)
        raise typer.Exit(2) from None


@contextmanager
def wired(settings: Settings | None = None) -> Iterator[Container]:
    """The container for one command; its connections are closed when the command ends."""
    try:
        container = build_container(settings or load_settings())
    except key_provider_error as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(2) from None
    freeze_startup_objects(container.settings)
    try:
        yield container
    finally:
        container.dispose()
