"""`cockpit demo figures`: a synthetic canton for trying and measuring the steering figures."""

from __future__ import annotations

import time
from datetime import date

import typer


def demo_figures(
    cases: int = typer.Option(10_000, "--cases", min=1, max=1_000_000, help="Anzahl synthetischer Fälle"),
    seed: int = typer.Option(2026, "--seed", help="Startwert des Zufallsgenerators (reproduzierbar)"),
    today: str = typer.Option("", "--stichtag", help="Stichtag JJJJ-MM-TT (Standard: heute)"),
) -> None:
    """Synthetische Fälle für die Kennzahlen anlegen: 13 Sozialregionen in drei Einführungswellen,
    Segmentpfade, Ablösungen, Nachbetreuungen, Massnahmen. Ohne Personendaten (nicht in Produktion)."""
    from app.bootstrap.operator import insert_synthetic_canton
    from app.entrypoints.cli.wiring import load_settings

    settings = load_settings()
    if settings.is_production:
        typer.echo("Synthetische Daten sind im Produktionsmodus nicht erlaubt.", err=True)
        raise typer.Exit(2)
    day = date.fromisoformat(today) if today else date.today()
    started = time.perf_counter()
    count, regions = insert_synthetic_canton(settings, cases, day, seed)
    elapsed = time.perf_counter() - started
    typer.echo(f"{count} synthetische Fälle in {regions} Sozialregionen angelegt ({elapsed:.1f} s).")
