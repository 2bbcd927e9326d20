"""German messages for JSON Schema violations; never quoting the offending value (it may be personal)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from jsonschema import ValidationError


def json_pointer(parts: Iterable[object]) -> str:
    escaped = (str(part).replace("~", "~0").replace("/", "~1") for part in parts)
    return "".join(f"/{part}" for part in escaped)


def german_message(error: ValidationError) -> str:
    keyword = error.validator
    expected: Any = error.validator_value
    if keyword == "required":
        missing = [
            name for name in expected if isinstance(error.instance, dict) and name not in error.instance
        ]
        return f"Pflichtfeld «{missing[0] if missing else '?'}» fehlt."
    if keyword == "additionalProperties":
        return "Das Objekt enthält ein unbekanntes Feld."
    if keyword == "type":
        return f"Falscher Datentyp; erwartet: {_TYPE_WORDS.get(str(expected), str(expected))}."
    if keyword == "enum":
        return "Wert nicht erlaubt; erlaubt sind: " + ", ".join(str(v) for v in expected) + "."
    if keyword == "const":
        return f"Wert muss «{expected}» sein."
    if keyword in ("minimum", "maximum"):
        return "Zahl ausserhalb des erlaubten Bereichs."
    if keyword in ("minLength", "maxLength"):
        return "Text zu kurz oder zu lang."
    if keyword == "maxItems":
        return f"Höchstens {expected} Einträge erlaubt."
    if keyword in ("pattern", "format"):
        return "Der Wert hat nicht das verlangte Format."
    return "Der Wert entspricht nicht dem Schema."


_TYPE_WORDS = {
    "object": "Objekt",
    "array": "Liste",
    "string": "Text",
    "integer": "ganze Zahl",
    "boolean": "true oder false",
    "number": "Zahl",
}
