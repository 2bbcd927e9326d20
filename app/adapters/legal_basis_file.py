"""Reading the versioned legal-basis rules shipped with the code (app/domain/legal_bases/rules.toml)."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources

from app.domain.legal_bases import RuleBook, RuleBookError, parse_rule_book

RULES_PACKAGE = "app.domain.legal_bases"
RULES_FILE = "rules.toml"


@lru_cache(maxsize=1)
def packaged_rule_book() -> RuleBook:
    text = resources.files(RULES_PACKAGE).joinpath(RULES_FILE).read_text(encoding="utf-8")
    return parse_rule_book(tomllib.loads(text))


def rule_book_without(disabled_ids: frozenset[str]) -> RuleBook:
    """The packaged rules minus those switched off; an unknown id is a configuration error."""
    book = packaged_rule_book()
    unknown = disabled_ids - {rule.id for rule in book.rules}
    if unknown:
        raise RuleBookError(f"Unbekannte Regel-IDs in COCKPIT_DISABLED_LEGAL_RULES: {sorted(unknown)}")
    return book.enabled(disabled_ids)
