"""German texts for pydantic's validation errors. The input value is never repeated."""

from __future__ import annotations

from typing import Any

_MESSAGES = {
    "missing": "Pflichtangabe fehlt.",
    "extra_forbidden": "Unbekanntes Feld.",
    "json_invalid": "Der Inhalt ist kein gültiges JSON.",
    "json_type": "Der Inhalt ist kein gültiges JSON.",
    "model_attributes_type": "Erwartet wird ein JSON-Objekt.",
    "dict_type": "Erwartet wird ein JSON-Objekt.",
    "list_type": "Erwartet wird eine Liste.",
    "string_type": "Erwartet wird ein Text.",
    "int_type": "Erwartet wird eine ganze Zahl.",
    "int_parsing": "Erwartet wird eine ganze Zahl.",
    "int_from_float": "Erwartet wird eine ganze Zahl.",
    "bool_type": "Erwartet wird true oder false.",
    "bool_parsing": "Erwartet wird true oder false.",
    "date_type": "Erwartet wird ein Datum im Format JJJJ-MM-TT.",
    "date_parsing": "Erwartet wird ein Datum im Format JJJJ-MM-TT.",
    "date_from_datetime_parsing": "Erwartet wird ein Datum im Format JJJJ-MM-TT.",
    "date_from_datetime_inexact": "Erwartet wird ein Datum ohne Uhrzeit.",
    "datetime_parsing": "Erwartet wird ein Zeitpunkt nach ISO 8601.",
    "datetime_type": "Erwartet wird ein Zeitpunkt nach ISO 8601.",
    "uuid_parsing": "Erwartet wird eine UUID.",
    "uuid_type": "Erwartet wird eine UUID.",
    "string_pattern_mismatch": "Das Format stimmt nicht.",
    "too_short": "Die Liste hat zu wenige Einträge.",
    "too_long": "Die Liste hat zu viele Einträge.",
}


def german_message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind in ("value_error", "assertion_error") and "error" in ctx:
        return str(ctx["error"])
    if kind == "enum":
        return f"Ungültiger Wert; erlaubt sind: {ctx.get('expected', '')}."
    if kind == "literal_error":
        return f"Ungültiger Wert; erlaubt ist: {ctx.get('expected', '')}."
    if kind == "string_too_short":
        minimum = ctx.get("min_length", 1)
        return "Darf nicht leer sein." if minimum == 1 else f"Mindestens {minimum} Zeichen."
    if kind == "string_too_long":
        return f"Höchstens {ctx.get('max_length')} Zeichen."
    if kind in ("greater_than_equal", "greater_than"):
        return f"Der Wert muss mindestens {ctx.get('ge', ctx.get('gt'))} sein."
    if kind in ("less_than_equal", "less_than"):
        return f"Der Wert darf höchstens {ctx.get('le', ctx.get('lt'))} sein."
    return _MESSAGES.get(kind, "Ungültige Angabe.")
