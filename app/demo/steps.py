"""The vocabulary of the demo case table: dates relative to today and the steps of a case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from app.domain.ahvn13 import Ahvn13, ean13_check_digit
from app.domain.cases import (
    AssessmentKind,
    ClosureReason,
    FollowUpResult,
    MeasureKind,
    MeasureStatus,
    ProgressRating,
    Segment,
)
from app.domain.categories import DataCategory
from app.domain.dates import add_months

# -- dates relative to today ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Ago:
    months: int
    days: int = 0

    def on(self, today: date) -> date:
        return add_months(today, -self.months) - timedelta(days=self.days)


def ago(months: int, days: int = 0) -> Ago:
    """`months` and `days` before today; keep days below 28 so that the order of dates is obvious."""
    return Ago(months, days)


def ahead(months: int) -> Ago:
    return Ago(-months)


# -- what happens on a case, step by step ---------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Step:
    by: str = ""  # username acting; empty: the caseworker of the case (its lead institution)


@dataclass(frozen=True)
class Join(Step):
    institution: str
    reference: str
    on: Ago


@dataclass(frozen=True)
class Leave(Step):
    institution: str
    on: Ago


@dataclass(frozen=True)
class Segmentation(Step):
    segment: Segment
    on: Ago
    reason: str = ""
    category: DataCategory | None = None  # of the reason; default the author's own


@dataclass(frozen=True)
class Activate(Step):
    pass


@dataclass(frozen=True)
class AddGoal(Step):
    key: str  # to refer to the goal from measures and reviews
    title: str
    description: str = ""
    target: Ago | None = None


@dataclass(frozen=True)
class AddMeasure(Step):
    title: str
    kind: MeasureKind
    status: MeasureStatus
    start: Ago | None = None
    end: Ago | None = None
    goal: str = ""
    provider: str = ""
    owner: str = ""  # institution code; empty: the acting institution


@dataclass(frozen=True)
class Assess(Step):
    kind: AssessmentKind
    on: Ago
    findings: str
    recommendation: str = ""


@dataclass(frozen=True)
class ReviewHeld(Step):
    on: Ago
    summary: str
    progress: tuple[tuple[str, ProgressRating, str], ...] = ()
    next_on: Ago | None = None


@dataclass(frozen=True)
class Conference(Step):
    on: Ago
    institutions: tuple[str, ...]
    decisions: str
    category: DataCategory | None = None  # of the minutes; default the author's own


@dataclass(frozen=True)
class Invite(Step):
    """The lead invites an institution; the invitation stays open (the institution has not answered)."""

    institution: str
    reference: str
    on: Ago


@dataclass(frozen=True)
class ScheduleConference(Step):
    """A case conference planned ahead (the date may lie in the future)."""

    on: Ago
    institutions: tuple[str, ...]
    client_attends: bool = True


@dataclass(frozen=True)
class Minutes(Step):
    """The minutes of the last scheduled conference, its decisions as action items (owner, due date)."""

    decisions: str
    action_items: tuple[tuple[str, str, Ago], ...]  # (title, owner institution code, due)


@dataclass(frozen=True)
class Note(Step):
    on: Ago
    category: DataCategory
    subject: str
    text: str


@dataclass(frozen=True)
class Close(Step):
    reason: ClosureReason
    on: Ago
    note: str
    category: DataCategory | None = None  # of the note; default the author's own


@dataclass(frozen=True)
class FollowUpStarted(Step):
    on: Ago


@dataclass(frozen=True)
class FollowUpDone(Step):
    result: FollowUpResult
    on: Ago
    note: str
    category: DataCategory | None = None  # of the note; default the author's own


@dataclass(frozen=True)
class Archive(Step):
    pass


@dataclass(frozen=True)
class GiveConsent(Step):
    """The client signs a consent form; `key` names it for a later revocation."""

    key: str
    on: Ago
    flows: tuple[tuple[str, str], ...]  # (from institution code, to institution code)
    categories: tuple[DataCategory, ...]
    purpose: str
    months: int = 24


@dataclass(frozen=True)
class ConfirmConsent(Step):
    """The institution whose data a consent releases confirms it (`by` one of its users)."""

    key: str
    on: Ago


@dataclass(frozen=True)
class RevokeConsent(Step):
    key: str
    on: Ago
    note: str


# A fact's value in the demo table: plain JSON, a date relative to today, or a list of such records.
FactValue = str | int | bool | Ago | tuple[tuple[tuple[str, str | int | Ago], ...], ...]


@dataclass(frozen=True)
class ImportDossier(Step):
    """The acting institution's own system sends its dossier on the client (as an import would)."""

    reference: str  # the institution's own number (the one it joined the case with)
    registered: Ago
    facts: tuple[tuple[str, FactValue], ...]


@dataclass(frozen=True)
class Client:
    ahvn13_body: str  # the first twelve digits; the check digit is computed
    family_name: str
    given_name: str
    birth_date: date
    street: str
    place: str  # postal code and town, e.g. "4500 Solothurn"

    @property
    def ahvn13(self) -> Ahvn13:
        return Ahvn13(self.ahvn13_body + str(ean13_check_digit(self.ahvn13_body)))


@dataclass(frozen=True)
class DemoCase:
    region: str  # code of the lead Sozialregion
    caseworker: str  # a user of that region: opens the case and is its Ansprechperson
    reference: str  # Dossiernummer of the Sozialdienst
    opened: Ago
    client: Client
    steps: tuple[Step, ...]
