"""Sorting a case list by its column headers: the order stands in the query (`sortierung`, `richtung`),
so a sorted list can be bookmarked and paged; the sorted column says so with aria-sort."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import Request

from app.domain.cases.listing import CaseSort, CaseSortKey

KEYS = {
    "dossier": CaseSortKey.DOSSIER,
    "phase": CaseSortKey.PHASE,
    "segment": CaseSortKey.SEGMENT,
    "faellig": CaseSortKey.REASSESSMENT,
    "eroeffnet": CaseSortKey.OPENED,
}
_NAME_OF = {key: name for name, key in KEYS.items()}
_FIRST_DESCENDING = {CaseSortKey.OPENED}  # the newest first; every other column starts ascending
_WORDS = {
    CaseSortKey.DOSSIER: ("aufsteigend", "absteigend"),
    CaseSortKey.PHASE: ("von der Fallaufnahme zum Archiv", "vom Archiv zur Fallaufnahme"),
    CaseSortKey.SEGMENT: ("von A bis S", "von S bis A"),
    CaseSortKey.REASSESSMENT: ("früheste zuerst", "späteste zuerst"),
    CaseSortKey.OPENED: ("älteste zuerst", "neueste zuerst"),
}


@dataclass(frozen=True)
class SortHeader:
    href: str
    aria_sort: str | None  # "ascending" or "descending" on the column the list is sorted by
    hint: str  # what following the link does, for screen readers


def sort_of(sortierung: str, richtung: str) -> CaseSort:
    key = KEYS.get(sortierung)
    if key is None:
        return CaseSort()
    descending = richtung == "ab" if richtung in ("auf", "ab") else key in _FIRST_DESCENDING
    return CaseSort(key, descending)


def sort_headers(request: Request, current: CaseSort) -> dict[str, SortHeader]:
    """One link per sortable column: the current column turns its order round, another starts with its
    natural order. Filters stay; the page position starts again."""
    kept = [
        (k, v) for k, v in request.query_params.multi_items() if k not in {"sortierung", "richtung", "weiter"}
    ]
    headers = {}
    for key, name in _NAME_OF.items():
        if key is current.key:
            descending = not current.descending
            aria = "descending" if current.descending else "ascending"
        else:
            descending = key in _FIRST_DESCENDING
            aria = None
        query = urlencode([*kept, ("sortierung", name), ("richtung", "ab" if descending else "auf")])
        hint = "sortieren: " + _WORDS[key][1 if descending else 0]
        headers[name] = SortHeader(f"{request.url.path}?{query}", aria, hint)
    return headers


def sort_query(current: CaseSort) -> str:
    """The query part that keeps the order on the next page ("" for the default order)."""
    if current.is_default:
        return ""
    name = _NAME_OF[current.key]
    return "&" + urlencode({"sortierung": name, "richtung": "ab" if current.descending else "auf"})
