"""Data categories: consent and legal bases are granted per category."""

from __future__ import annotations

from enum import StrEnum


class Sensitivity(StrEnum):
    PERSONAL = "personal"
    SPECIAL = "special"  # besonders schützenswerte Personendaten (Art. 5 lit. c DSG)


class DataCategory(StrEnum):
    STAMMDATEN = "stammdaten"
    FALLFUEHRUNG = "fallfuehrung"
    INTEGRATIONSPLAN = "integrationsplan"
    POTENZIAL = "potenzial"
    ARBEITSMARKT = "arbeitsmarkt"
    GESUNDHEIT = "gesundheit"
    SOZIALHILFE = "sozialhilfe"

    @property
    def sensitivity(self) -> Sensitivity:
        return SPECIAL_CATEGORIES.get(self, Sensitivity.PERSONAL)

    @property
    def label(self) -> str:
        return CATEGORY_LABELS[self]


SPECIAL_CATEGORIES = {
    DataCategory.GESUNDHEIT: Sensitivity.SPECIAL,
    DataCategory.SOZIALHILFE: Sensitivity.SPECIAL,
}

CATEGORY_LABELS = {
    DataCategory.STAMMDATEN: "Stammdaten",
    DataCategory.FALLFUEHRUNG: "Fallführung",
    DataCategory.INTEGRATIONSPLAN: "Integrationsplan",
    DataCategory.POTENZIAL: "Potenzialabklärung",
    DataCategory.ARBEITSMARKT: "Arbeitsmarkt",
    DataCategory.GESUNDHEIT: "Gesundheit",
    DataCategory.SOZIALHILFE: "Sozialhilfe",
}

# Journal entries, conferences and documents carry the category of their content;
# these are the categories such free-text items may be filed under.
CONTENT_CATEGORIES = frozenset(DataCategory) - {DataCategory.STAMMDATEN}
