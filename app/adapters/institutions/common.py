"""What the three formats share: limits, text decoding, dates and the German vocabularies."""

from __future__ import annotations

import re
from datetime import date

from app.domain.ahvn13 import Ahvn13
from app.domain.cases import MeasureKind, MeasureStatus
from app.domain.errors import InvalidValue
from app.domain.exchange import FormatError, ImportLimits, PersonFacts

Limits = ImportLimits


def check_size(payload: bytes, limits: Limits) -> None:
    if len(payload) > limits.max_bytes:
        raise FormatError(f"Die Datei ist grösser als erlaubt ({limits.max_bytes} Bytes).")
    if not payload.strip():
        raise FormatError("Die Datei ist leer.")


def check_count(count: int, limits: Limits) -> None:
    if count > limits.max_records:
        raise FormatError(
            f"Die Datei enthält {count} Datensätze; erlaubt sind höchstens {limits.max_records}."
        )


MEASURE_KINDS = {
    "kurs": MeasureKind.COURSE,
    "coaching": MeasureKind.JOB_COACHING,
    "praktikum": MeasureKind.PRACTICAL_PLACEMENT,
    "berufliche_massnahme": MeasureKind.IV_VOCATIONAL,
    "fruehintervention": MeasureKind.IV_EARLY_INTERVENTION,
    "amm": MeasureKind.LABOUR_MARKET,
    "soziale_integration": MeasureKind.SOCIAL_INTEGRATION,
    "andere": MeasureKind.OTHER,
}
MEASURE_KIND_WORDS = {kind: word for word, kind in MEASURE_KINDS.items()}

# A status set by closing the case is never imported; the domain refuses it.
MEASURE_STATUSES = {
    "geplant": MeasureStatus.PLANNED,
    "laufend": MeasureStatus.RUNNING,
    "abgeschlossen": MeasureStatus.COMPLETED,
    "abgebrochen": MeasureStatus.CANCELLED,
}
MEASURE_STATUS_WORDS = {status: word for word, status in MEASURE_STATUSES.items()}
MEASURE_STATUS_WORDS[MeasureStatus.ENDED_BY_CLOSURE] = "abgeschlossen"
MEASURE_STATUS_WORDS[MeasureStatus.ENDED_BY_LEAVING] = "abgebrochen"


def measure_kind(word: str) -> MeasureKind:
    try:
        return MEASURE_KINDS[word.strip().lower()]
    except KeyError:
        allowed = ", ".join(MEASURE_KINDS)
        raise InvalidValue(f"Unbekannte Massnahmenart; erlaubt sind: {allowed}.") from None


def measure_status(word: str) -> MeasureStatus:
    try:
        return MEASURE_STATUSES[word.strip().lower()]
    except KeyError:
        allowed = ", ".join(MEASURE_STATUSES)
        raise InvalidValue(f"Unbekannter Massnahmenstatus; erlaubt sind: {allowed}.") from None


def iso_date(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidValue(f"{what}: Datum im Format JJJJ-MM-TT erwartet.") from None


# What `strptime` accepted for %d.%m.%Y and %Y-%m-%d (day and month with one digit or two), matched
# without it: strptime consults the locale on every call, a tenth of an import's parsing. Stricter in
# two corners: a day or month padded with a space, and digits other than 0-9, are refused.
_SWISS_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", re.ASCII)
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})", re.ASCII)


def swiss_date(text: str, what: str) -> date:
    """Case-management software writes TT.MM.JJJJ; ISO dates are accepted too."""
    value = text.strip()
    try:
        if found := _SWISS_DATE.fullmatch(value):
            return date(int(found[3]), int(found[2]), int(found[1]))
        if found := _ISO_DATE.fullmatch(value):
            return date(int(found[1]), int(found[2]), int(found[3]))
    except ValueError:
        pass
    raise InvalidValue(f"{what}: Datum im Format TT.MM.JJJJ erwartet.")


def person_facts(ahvn13: str, family_name: str, given_name: str, birth_date: date) -> PersonFacts:
    if not family_name.strip():
        raise InvalidValue("Der Nachname fehlt.")
    if not given_name.strip():
        raise InvalidValue("Der Vorname fehlt.")
    return PersonFacts(Ahvn13.parse(ahvn13), family_name.strip(), given_name.strip(), birth_date)


def decode_text(payload: bytes) -> str:
    """UTF-8 with or without BOM; Windows-1252 as exported by older software."""
    if payload.startswith(b"\xef\xbb\xbf"):
        payload = payload[3:]
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return payload.decode("cp1252")
    except UnicodeDecodeError:
        raise FormatError("Die Datei ist weder UTF-8 noch Windows-1252 kodiert.") from None
