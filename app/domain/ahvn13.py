"""AHVN13: the Swiss 13-digit social-security number (756.XXXX.XXXX.XC, EAN-13 check digit)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.domain.errors import InvalidValue

COUNTRY_PREFIX = "756"
_ACCEPTED = re.compile(r"^[0-9]{3}\.?[0-9]{4}\.?[0-9]{4}\.?[0-9]{2}$")  # ASCII digits only
_THIRTEEN_DIGITS = re.compile(r"[0-9]{13}")


def ean13_check_digit(first_twelve: str) -> int:
    """EAN-13: weights 1,3,1,3,… from the left over the first twelve digits."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first_twelve))
    return (10 - total % 10) % 10


@dataclass(frozen=True, slots=True)
class Ahvn13:
    """A valid AHVN13. Construct with `Ahvn13.parse`; `digits` holds the 13 digits only."""

    digits: str

    def __post_init__(self) -> None:
        if not _THIRTEEN_DIGITS.fullmatch(self.digits):
            raise InvalidValue("Die AHV-Nummer muss aus 13 Ziffern bestehen.")
        if not self.digits.startswith(COUNTRY_PREFIX):
            raise InvalidValue("Die AHV-Nummer muss mit 756 beginnen.")
        if ean13_check_digit(self.digits[:12]) != int(self.digits[12]):
            raise InvalidValue("Die Prüfziffer der AHV-Nummer stimmt nicht.")

    @classmethod
    def parse(cls, text: str) -> Ahvn13:
        """Accepts `756.1234.5678.97` or `7561234567897`, surrounding blanks ignored."""
        candidate = text.strip()
        if not _ACCEPTED.fullmatch(candidate):
            raise InvalidValue(
                "Die AHV-Nummer muss das Format 756.XXXX.XXXX.XX haben (13 Ziffern, Punkte optional)."
            )
        return cls(candidate.replace(".", ""))

    @property
    def formatted(self) -> str:
        d = self.digits
        return f"{d[0:3]}.{d[3:7]}.{d[7:11]}.{d[11:13]}"

    def __str__(self) -> str:
        return self.formatted
