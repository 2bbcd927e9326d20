"""Versions per part of a case, and the tag (ETag) a caller sees of the parts it may see.

A case has a version per part: the core (phase, lead, contact person, participants, segment letter,
dates, invitations) and one section per (category, owner) of its sealed records, whose version is
made of its records' ids and versions. A caller's tag is a keyed hash of each part it may see, so it
moves only when something the caller may see moves, and reveals nothing about the rest (not even how
many other parts there are). A change is checked against the parts it touches: a tag still holding
the token of every such part is current enough, whatever else moved in the meantime. Adding a record
touches no existing part and needs no tag at all.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from app.domain.cases.sealed import SealedCase, SealedItem
from app.domain.categories import DataCategory
from app.domain.errors import StaleVersion

CORE = "core"
_TOKEN_HEX = 12
_TOKEN = re.compile(rf"[0-9a-f]{{{_TOKEN_HEX}}}")


@dataclass(frozen=True, order=True)
class Section:
    """The records of one category owned by one institution."""

    category: DataCategory
    owner_institution_id: uuid.UUID


Part = str | Section  # CORE or a section


def section_of(item: SealedItem) -> Section:
    return Section(item.category, item.owner_institution_id)


@dataclass(frozen=True)
class VersionTag:
    """The tokens of the parts one caller saw; or, from a client that names the case's `version`
    (a bare number, the core's version), that number: it covers the core only."""

    tokens: frozenset[str]
    core_version: int | None = None

    def render(self) -> str:
        return '"' + ".".join(sorted(self.tokens)) + '"'

    @classmethod
    def parse(cls, tag: str) -> VersionTag:
        """A strong ETag as rendered here, or the core's version; anything else (weak, malformed)
        matches nothing."""
        tag = tag.strip()
        if tag.startswith("W/") or len(tag) < 2 or not (tag.startswith('"') and tag.endswith('"')):
            raise StaleVersion()
        inner = tag[1:-1]
        if inner.isascii() and inner.isdigit() and len(inner) < _TOKEN_HEX:  # a token is never shorter
            return cls(frozenset(), int(inner))
        tokens = inner.split(".")
        if not all(_TOKEN.fullmatch(token) for token in tokens):
            raise StaleVersion()
        return cls(frozenset(tokens))


class PartVersions:
    """The tokens of every part of one case as loaded (or as the last save left it)."""

    def __init__(self, key: bytes, sealed: SealedCase) -> None:
        self._key = key
        self._case_id = sealed.case.id
        self._core_version = sealed.case.version
        self._sections: dict[Section, list[SealedItem]] = {}
        for item in sealed.items:
            self._sections.setdefault(section_of(item), []).append(item)

    @property
    def parts(self) -> Iterable[Part]:
        return [CORE, *self._sections]

    def token(self, part: Part) -> str | None:
        """None for a section that holds no record."""
        if part == CORE:
            message = f"{self._case_id}|core|{self._core_version}"
        else:
            assert isinstance(part, Section)
            items = self._sections.get(part)
            if not items:
                return None
            versions = ",".join(sorted(f"{item.id}:{item.version}" for item in items))
            message = f"{self._case_id}|{part.category.value}|{part.owner_institution_id}|{versions}"
        return hmac.new(self._key, message.encode(), hashlib.sha256).hexdigest()[:_TOKEN_HEX]

    def seen_by(self, may_see: Callable[[Part], bool]) -> VersionTag:
        tokens = (self.token(part) for part in self.parts if may_see(part))
        return VersionTag(frozenset(t for t in tokens if t is not None))

    def still_current(
        self, tag: VersionTag, touched: Iterable[Part], may_see: Callable[[Part], bool]
    ) -> bool:
        """Whether the caller's tag holds the token of every part the change touches that it may see
        (a part it may not see it could not have read: the database guards those against races)."""
        for part in touched:
            if tag.core_version is not None:
                if part == CORE and tag.core_version != self._core_version:
                    return False
                continue
            if not may_see(part):
                continue
            token = self.token(part)
            if token is not None and token not in tag.tokens:
                return False
        return True
