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
    from app.adapters.db.engine import make_engine, make_session_factory
    from app.adapters.db.figures_bulk import insert_synthetic_cases, institution_ids, set_introductions
    from app.adapters.db.models import InstitutionRow
    from app.demo.directory import INSTITUTIONS, IV_SO, RAV_SOLOTHURN, stable_id
    from app.domain.figures.synthetic import REGIONS, synthetic_canton
    from app.entrypoints.cli.main import _settings

    settings = _settings()
    if settings.is_production:
        typer.echo("Synthetische Daten sind im Produktionsmodus nicht erlaubt.", err=True)
        raise typer.Exit(2)
    day = date.fromisoformat(today) if today else date.today()
    started = time.perf_counter()
    generated = synthetic_canton(cases, day, seed)
    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as session, session.begin():
            codes = [*REGIONS, RAV_SOLOTHURN, IV_SO]
            known = institution_ids(session, codes)
            for kind, code, name in INSTITUTIONS:
                if code in codes and code not in known:
                    session.add(
                        InstitutionRow(
                            id=stable_id("institution", code), kind=kind.value, code=code, name=name
                        )
                    )
            session.flush()
            ids = institution_ids(session, codes)
            set_introductions(session, {ids[code]: introduced for code, (_, introduced) in REGIONS.items()})
            regions = {code: ids[code] for code in REGIONS}
            insert_synthetic_cases(session, generated, regions, ids[RAV_SOLOTHURN], ids[IV_SO])
    finally:
        engine.dispose()
    elapsed = time.perf_counter() - started
    typer.echo(
        f"{len(generated)} synthetische Fälle in {len(REGIONS)} Sozialregionen angelegt ({elapsed:.1f} s)."
    )
