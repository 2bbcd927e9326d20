"""Demo data for the DFF pilot in the canton of Solothurn: `cockpit demo seed`.

Creates the institutions of the IIZ (13 Sozialregionen, five RAV, the IV-Stelle, the Kanton), demo
users and a dozen shared cases spread over the five pilot regions. The cases are written through the
use cases in `app.services`, acting as the demo user of the responsible institution, so they obey
every rule of the DFF and leave the same audit trail as real work.

Idempotent: institutions are found by code, users by username and persons by AHVN13; a case is only
built for a person that does not exist yet. A second run changes nothing. Institutions and users get
fixed ids (uuid5) so links to them are stable across runs and machines.

All dates are relative to the `now` passed in: `ago(5, 10)` means five months and ten days before
today. Within a case, the steps are listed in chronological order (checked while seeding).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time

from app.adapters.institutions import FORMATS
from app.demo.cases import COMPLETED, DEMO_CASES, OWN_REGISTRATION
from app.demo.directory import (
    ASSIGNED_ON_JOIN,
    CORRELATION_ID,
    DEMO_CONSENT_FORM,
    INSTITUTIONS,
    PURPOSE,
    USERS,
    stable_id,
)
from app.demo.referrals import DEMO_REFERRALS, DemoReferral
from app.demo.steps import (
    Activate,
    AddGoal,
    AddMeasure,
    Ago,
    Archive,
    Assess,
    Close,
    Conference,
    ConfirmConsent,
    DemoCase,
    FactValue,
    FollowUpDone,
    FollowUpStarted,
    GiveConsent,
    ImportDossier,
    Invite,
    Join,
    Leave,
    Minutes,
    Note,
    ReviewHeld,
    RevokeConsent,
    ScheduleConference,
    Segmentation,
    Step,
)
from app.domain.cases import (
    GoalProgress,
)
from app.domain.cases.segment import DEFAULT_REASSESSMENT_INTERVAL_MONTHS
from app.domain.consent import Flow, months
from app.domain.exchange import CaseExport, PersonFacts
from app.domain.institutions import Institution
from app.domain.persons import Address
from app.domain.principal import Principal, PrincipalKind
from app.domain.referral import AdmissionOutcome, Urgency
from app.domain.users import User
from app.services import (
    assignments,
    cases,
    closure,
    conferences,
    consents,
    dossier_import,
    invitations,
    participants,
    persons,
    plan,
    records,
    referrals,
    segmentation,
)
from app.services.context import LOCAL_TIME, RequestContext
from app.services.dossier_import import ImportOptions, RecordOutcome
from app.services.ports import UnitOfWork

# -- the report -----------------------------------------------------------------------------------------


@dataclass
class SeedReport:
    institutions_created: int = 0
    institutions_present: int = 0
    users_created: int = 0
    users_present: int = 0
    persons_created: int = 0
    persons_present: int = 0
    cases_created: int = 0
    cases_present: int = 0
    referrals_created: int = 0

    @property
    def created_total(self) -> int:
        return self.institutions_created + self.users_created + self.persons_created + self.cases_created

    def summary(self) -> str:
        rows = (
            ("Stellen", self.institutions_created, self.institutions_present),
            ("Benutzer", self.users_created, self.users_present),
            ("Personen", self.persons_created, self.persons_present),
            ("Fälle", self.cases_created, self.cases_present),
        )
        lines = ["Demodaten (neu angelegt / bereits vorhanden):"]
        lines += [f"  {label:<9} {created:>3} / {present}" for label, created, present in rows]
        if self.created_total == 0:
            lines.append("Nichts geändert: die Demodaten sind bereits vollständig vorhanden.")
        else:
            lines.append("Demo-Benutzer: " + ", ".join(username for username, *_ in USERS))
        return "\n".join(lines)


# -- seeding --------------------------------------------------------------------------------------------

UowFactory = Callable[[], UnitOfWork]


class SeedConflict(RuntimeError):
    """The database holds something under a demo key that does not fit the demo data."""


def seed_demo(
    uow_factory: UowFactory,
    now: datetime,
    default_interval_months: int = DEFAULT_REASSESSMENT_INTERVAL_MONTHS,
) -> SeedReport:
    report = SeedReport()
    institutions = _ensure_institutions(uow_factory, report)
    users = _ensure_users(uow_factory, institutions, report)
    contexts = {
        name: RequestContext(user.as_principal(), CORRELATION_ID, now, PURPOSE)
        for name, user in users.items()
    }
    for demo in DEMO_CASES:
        with uow_factory() as uow:
            present = uow.persons.by_ahvn13(demo.client.ahvn13) is not None
        if present:
            report.persons_present += 1
            report.cases_present += 1
            continue
        _CaseBuilder(uow_factory, demo, institutions, users, contexts, default_interval_months).build()
        report.persons_created += 1
        report.cases_created += 1
    for demo_referral in DEMO_REFERRALS:
        report.referrals_created += _seed_referral(uow_factory, demo_referral, institutions, contexts)
    created = _seed_own_registration(uow_factory, contexts["sd-olten"], default_interval_months)
    report.persons_created += created
    report.cases_created += created
    report.persons_present += 1 - created
    report.cases_present += 1 - created
    return report


def _seed_own_registration(uow_factory: UowFactory, ctx: RequestContext, default_interval_months: int) -> int:
    """The Sozialregion Olten registers Marco Brunner, a client of Wasseramt, on its own: with its own
    spelling and address and a case it leads, as for anyone it does not know. The Wasseramt case
    holds the client's routing consent to Olten, so Olten's reference directory names Wasseramt."""
    with uow_factory() as uow:
        if uow.persons.registrations_related_to(OWN_REGISTRATION.ahvn13, ctx.principal.institution_id):
            return 0
    client = OWN_REGISTRATION
    postal_code, city = client.place.split(" ", 1)
    data = persons.PersonData(
        client.ahvn13,
        client.family_name,
        client.given_name,
        client.birth_date,
        Address(client.street, postal_code, city),
    )
    person = persons.register_person(uow_factory(), ctx, data)
    opened = cases.OpenCase(person.id, "OL-2026-118", ctx.today, ctx.principal.id)
    cases.open_case(uow_factory(), ctx, opened, default_interval_months)
    return 1


def _seed_referral(
    uow_factory: UowFactory,
    demo: DemoReferral,
    institutions: dict[str, Institution],
    contexts: dict[str, RequestContext],
) -> int:
    """A referral by the RAV, left waiting or declined and before the clearing body; once only."""
    with uow_factory() as uow:
        if uow.persons.by_ahvn13(demo.client.ahvn13) is not None:
            return 0
    ctx = contexts[demo.referring_user]
    client = demo.client
    postal_code, city = client.place.split(" ", 1)
    data = persons.PersonData(
        client.ahvn13,
        client.family_name,
        client.given_name,
        client.birth_date,
        Address(client.street, postal_code, city),
    )
    person = persons.register_person(uow_factory(), ctx, data)
    new = referrals.NewReferral(
        person.id,
        institutions[demo.region].id,
        demo.reason,
        demo.tried,
        Urgency.URGENT if demo.urgent else Urgency.NORMAL,
    )
    referral = referrals.refer_client(uow_factory(), ctx, new, referrals.ReferralConfig())
    if demo.declined_by:
        decision = referrals.Decision(AdmissionOutcome.DECLINED, demo.decline_reason)
        referrals.decide_admission(uow_factory(), contexts[demo.declined_by], referral.id, decision)
    if demo.to_clearing:
        referrals.request_clearing(uow_factory(), ctx, referral.id)
    return 1


def _ensure_institutions(uow_factory: UowFactory, report: SeedReport) -> dict[str, Institution]:
    found: dict[str, Institution] = {}
    with uow_factory() as uow:
        for kind, code, name in INSTITUTIONS:
            institution = uow.institutions.by_code(code)
            if institution is None:
                institution = Institution(kind, code, name, id=stable_id("institution", code))
                uow.institutions.add(institution)
                report.institutions_created += 1
            else:
                report.institutions_present += 1
            found[code] = institution
    return found


def _ensure_users(
    uow_factory: UowFactory, institutions: dict[str, Institution], report: SeedReport
) -> dict[str, User]:
    found: dict[str, User] = {}
    with uow_factory() as uow:
        for username, display_name, code, roles in USERS:
            institution_id = institutions[code].id
            user = uow.users.by_username(username)
            if user is None:
                user = User(stable_id("user", username), username, display_name, institution_id, roles)
                uow.users.add(user)
                report.users_created += 1
            elif user.institution_id != institution_id:
                raise SeedConflict(
                    f"Benutzer {username} gibt es schon, aber bei einer anderen Stelle als "
                    f"{institutions[code].name}; Demodaten nicht angelegt."
                )
            else:
                report.users_present += 1
            found[username] = user
    return found


class _CaseBuilder:
    """Registers the client, opens the case and plays its steps through the use cases."""

    def __init__(
        self,
        uow_factory: UowFactory,
        demo: DemoCase,
        institutions: dict[str, Institution],
        users: dict[str, User],
        contexts: dict[str, RequestContext],
        default_interval_months: int,
    ) -> None:
        self.uow_factory = uow_factory
        self.demo = demo
        self.institutions = institutions
        self.users = users
        self.contexts = contexts
        self.default_interval_months = default_interval_months
        caseworker = contexts[demo.caseworker]
        self.today = caseworker.today
        self.opened_on = demo.opened.on(self.today)
        self.last_event = self.opened_on
        self.goals: dict[str, uuid.UUID] = {}
        self.consents: dict[str, uuid.UUID] = {}
        self.case_id = uuid.UUID(int=0)

    def build(self) -> None:
        demo, ctx = self.demo, self.contexts[self.demo.caseworker]
        client = demo.client
        postal_code, city = client.place.split(" ", 1)
        address = Address(client.street, postal_code, city)
        data = persons.PersonData(
            client.ahvn13, client.family_name, client.given_name, client.birth_date, address
        )
        person = persons.register_person(self.uow_factory(), ctx, data)
        self._check(self.opened_on)
        opened = cases.open_case(
            self.uow_factory(),
            ctx,
            cases.OpenCase(person.id, demo.reference, self.opened_on, self.users[demo.caseworker].id),
            self.default_interval_months,
        )
        self.case_id = opened.case.id
        for step in demo.steps:
            self._play(step)

    def _event(self, when: Ago) -> date:
        """A date something happened: not in the future, not before opening, not before the last step."""
        return self._check(when.on(self.today))

    def _check(self, on: date) -> date:
        if not self.last_event <= on <= self.today:
            raise ValueError(f"Demofall {self.demo.reference}: Datum {on} ausserhalb der Reihenfolge.")
        self.last_event = on
        return on

    def _institution(self, code: str) -> uuid.UUID:
        return self.institutions[code].id

    def _play(self, step: Step) -> None:
        ctx = self.contexts[step.by or self.demo.caseworker]
        uow, case_id = self.uow_factory(), self.case_id
        match step:
            case Join(institution, reference, on):
                self._join(ctx, institution, reference, self._event(on))
                if institution in ASSIGNED_ON_JOIN:
                    supervisor, caseworker = ASSIGNED_ON_JOIN[institution]
                    assignments.assign_caseworker(
                        self.uow_factory(), self.contexts[supervisor], case_id, self.users[caseworker].id
                    )
            case GiveConsent():
                self._give_consent(ctx, step)
            case ConfirmConsent(key, on):
                confirming = self._at(ctx, self._event(on))
                consents.confirm_consent(uow, confirming, case_id, self.consents[key])
            case RevokeConsent(key, on, note):
                revoking = self._at(ctx, self._event(on))
                consents.revoke_consent(uow, revoking, case_id, self.consents[key], note)
            case Leave(institution, on):
                participants.remove_participant(
                    uow, ctx, case_id, None, self._institution(institution), self._event(on)
                )
            case Segmentation(segment, on, reason, category):
                segmentation.assess_segment(
                    uow, ctx, case_id, None, segment, self._event(on), reason, category
                )
            case Activate():
                segmentation.activate_case(uow, ctx, case_id, None)
            case AddGoal(key, title, description, target):
                target_on = target.on(self.today) if target else None
                view = plan.add_goal(uow, ctx, case_id, None, plan.NewGoal(title, description, target_on))
                self.goals[key] = view.case.goals[-1].id
            case AddMeasure():
                self._add_measure(uow, ctx, step)
            case Assess(kind, on, findings, recommendation):
                new = records.NewAssessment(kind, self._event(on), findings, recommendation)
                records.record_assessment(uow, ctx, case_id, None, new)
            case ReviewHeld(on, summary, progress, next_on):
                ratings = [GoalProgress(self.goals[key], rating, note) for key, rating, note in progress]
                next_review_on = next_on.on(self.today) if next_on else None
                new_review = records.NewReview(self._event(on), summary, ratings, next_review_on)
                records.record_review(uow, ctx, case_id, None, new_review)
            case Conference(on, codes, decisions, category):
                ids = [self._institution(code) for code in codes]
                new_conference = records.NewConference(self._event(on), ids, decisions, category)
                records.record_conference(uow, ctx, case_id, None, new_conference)
            case Invite(institution, reference, on):
                participants.add_participant(
                    uow,
                    self._at(ctx, self._event(on)),
                    case_id,
                    None,
                    self._institution(institution),
                    reference,
                    None,
                )
            case ScheduleConference(on, codes, client_attends):
                plan_ = conferences.ConferencePlan(
                    self._event(on), [self._institution(c) for c in codes], client_attends
                )
                conferences.schedule_conference(uow, ctx, case_id, None, plan_)
            case Minutes(decisions, items):
                self._minutes(ctx, decisions, items)
            case Note(on, category, subject, text):
                entry = records.NewJournalEntry(category, text, subject, self._event(on))
                records.add_journal_entry(uow, ctx, case_id, None, entry)
            case Close(reason, on, note, category):
                closure.close_case(
                    uow, ctx, case_id, None, reason, self._event(on), note, note_category=category
                )
            case FollowUpStarted(on):
                closure.start_follow_up(uow, ctx, case_id, None, self._event(on))
            case FollowUpDone(result, on, note, category):
                closure.complete_follow_up(
                    uow, ctx, case_id, None, result, self._event(on), note, note_category=category
                )
            case Archive():
                closure.archive_case(uow, ctx, case_id, None)
            case ImportDossier():
                self._import_dossier(ctx, step)
            case _:
                raise TypeError(f"Unbekannter Schritt: {step!r}")

    def _minutes(self, ctx: RequestContext, decisions: str, items: tuple[tuple[str, str, Ago], ...]) -> None:
        with self.uow_factory() as uow:
            case = uow.cases.get(self.case_id)
            assert case is not None
            conference_id = next(c.id for c in reversed(case.conferences) if c.scheduled)
        minutes = conferences.Minutes(
            decisions,
            client_attended=True,
            action_items=[
                conferences.NewActionItem(title, self._institution(code), due.on(self.today))
                for title, code, due in items
            ],
        )
        conferences.record_minutes(self.uow_factory(), ctx, self.case_id, None, conference_id, minutes)

    def _join(self, ctx: RequestContext, code: str, reference: str, on: date) -> None:
        """Invited by the lead and accepted by the institution the same day."""
        institution_id = self._institution(code)
        view = participants.add_participant(
            self.uow_factory(), self._at(ctx, on), self.case_id, None, institution_id, reference, None
        )
        invitation = view.case.pending_invitation_for(institution_id)
        assert invitation is not None
        invitations.answer_invitation(
            self.uow_factory(),
            self._at(self._acting_for(code), on),
            self.case_id,
            invitation.id,
            invitations.Answer(accept=True),
        )

    def _acting_for(self, code: str) -> RequestContext:
        """A demo user of the institution, or else its system client (an institution without demo users)."""
        if code in ASSIGNED_ON_JOIN:
            return self.contexts[ASSIGNED_ON_JOIN[code][0]]
        any_ctx = self.contexts[self.demo.caseworker]
        institution_id = self._institution(code)
        system = Principal(
            uuid.uuid5(institution_id, "demo-system"),
            PrincipalKind.SYSTEM,
            f"{code.lower()}-system",
            institution_id,
        )
        return replace(any_ctx, principal=system)

    def _at(self, ctx: RequestContext, on: date) -> RequestContext:
        """The context as of noon of `on` (Solothurn time): a consent is granted or revoked that day."""
        when = datetime.combine(on, time(12), LOCAL_TIME)
        return replace(ctx, now=min(when, ctx.now))

    def _give_consent(self, ctx: RequestContext, step: GiveConsent) -> None:
        past = self._at(ctx, self._event(step.on))
        flows = tuple(Flow(self._institution(a), self._institution(b)) for a, b in step.flows)
        command = consents.GrantConsent(
            flows=flows,
            categories=frozenset(step.categories),
            purpose=step.purpose,
            form_version="DFF-EW-2025.1",
            collected_by_user_id=ctx.principal.id,
            collected_at=past.now,
            language="de",
            evidence_file=DEMO_CONSENT_FORM,
            valid_until=past.now + months(step.months),
        )
        state = consents.grant_consent(self.uow_factory(), past, self.case_id, command)
        self.consents[step.key] = state.consent.id

    def _import_dossier(self, ctx: RequestContext, step: ImportDossier) -> None:
        institution = next(i for i in self.institutions.values() if i.id == ctx.principal.institution_id)
        client = self.demo.client
        export = CaseExport(
            case_id=self.case_id,
            kind=institution.kind,
            office_code=institution.code,
            local_reference=step.reference,
            registered_on=step.registered.on(self.today),
            person=PersonFacts(client.ahvn13, client.family_name, client.given_name, client.birth_date),
            facts={key: self._fact(value) for key, value in step.facts},
            measures=(),
        )
        fmt = FORMATS[institution.kind]
        report = dossier_import.import_file(self.uow_factory(), ctx, fmt, fmt.render(export), ImportOptions())
        if [r.outcome for r in report.results] != [RecordOutcome.CREATED]:
            raise ValueError(f"Demofall {self.demo.reference}: Dossier nicht übernommen ({report.results}).")

    def _fact(self, value: FactValue) -> object:
        if isinstance(value, Ago):
            return value.on(self.today).isoformat()
        if isinstance(value, tuple):
            return [{key: self._fact(v) for key, v in record} for record in value]
        return value

    def _add_measure(self, uow: UnitOfWork, ctx: RequestContext, step: AddMeasure) -> None:
        start_on = self._event(step.start) if step.start else None
        end_on = step.end.on(self.today) if step.end else None
        if step.status is COMPLETED and (end_on is None or end_on > self.today):
            raise ValueError(f"Demofall {self.demo.reference}: abgeschlossene Massnahme ohne Ende.")
        new = plan.NewMeasure(
            title=step.title,
            kind=step.kind,
            owner_institution_id=self._institution(step.owner) if step.owner else None,
            provider=step.provider,
            goal_id=self.goals[step.goal] if step.goal else None,
            start_on=start_on,
            end_on=end_on,
            status=step.status,
        )
        plan.add_measure(uow, ctx, self.case_id, None, new)
