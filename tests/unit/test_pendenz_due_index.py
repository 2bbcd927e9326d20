"""The plain due date kept beside each sealed item never misses a Pendenz: whatever `pendenzen_of_case`
finds due on an item, the item's kept date is on or before it, so the store's pre-selection keeps
the case."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from app.domain.cases import SharedCase
from app.domain.cases.plan import Goal, GoalStatus, Measure, MeasureKind, MeasureStatus
from app.domain.cases.records import ActionItem, CaseConference
from app.domain.pendenzen import DueWindow, PendenzenRules, PendenzKind, item_due_dates, pendenzen_of_case

TODAY = date(2026, 11, 30)
LEAD = uuid.uuid4()
OTHER = uuid.uuid4()
USER = uuid.uuid4()
NOW = datetime(2026, 11, 30, 9, tzinfo=UTC)
ITEM_KINDS = {PendenzKind.GOAL, PendenzKind.MEASURE, PendenzKind.CONFERENCE, PendenzKind.ACTION_ITEM}

days = st.integers(min_value=-400, max_value=400).map(lambda n: TODAY + timedelta(days=n))
goals = st.lists(
    st.builds(
        lambda target, status, owner: Goal("Ziel", owner, USER, NOW, target_on=target, status=status),
        st.none() | days,
        st.sampled_from(list(GoalStatus)),
        st.sampled_from([LEAD, OTHER]),
    ),
    max_size=4,
)
measures = st.lists(
    st.builds(
        lambda end, status: Measure(
            "Kurs",
            MeasureKind.COURSE,
            OTHER,
            USER,
            NOW,
            start_on=TODAY - timedelta(days=500),
            end_on=end,
            status=status,
        ),
        st.none() | days,
        st.sampled_from(list(MeasureStatus)),
    ),
    max_size=4,
)
action_items = st.lists(
    st.builds(lambda due, done: ActionItem("Abklären", OTHER, due, done), days, st.none() | st.just(TODAY)),
    max_size=3,
)


@given(goals, measures, action_items, st.booleans(), days)
def test_the_kept_date_never_misses_a_pendenz(
    goal_list: list[Goal],
    measure_list: list[Measure],
    items: list[ActionItem],
    scheduled: bool,
    held_on: date,
) -> None:
    case = SharedCase.open(
        person_id=uuid.uuid4(),
        lead_institution_id=LEAD,
        local_reference="R",
        opened_on=TODAY - timedelta(400),
        today=TODAY,
    )
    case.add_participant(OTHER, "X", TODAY - timedelta(400), TODAY)
    case.goals = goal_list
    case.measures = measure_list
    case.conferences = [
        CaseConference(
            held_on,
            LEAD,
            [OTHER],
            "" if scheduled else "Beschlüsse",
            USER,
            NOW,
            scheduled=scheduled,
            action_items=items,
        )
    ]
    kept = item_due_dates(case)
    source = {g.id: g.id for g in goal_list} | {m.id: m.id for m in measure_list}
    source |= {i.id: case.conferences[0].id for i in items} | {case.conferences[0].id: case.conferences[0].id}
    window = DueWindow.of(TODAY, PendenzenRules())
    for institution in (LEAD, OTHER):
        for pendenz in pendenzen_of_case(case, institution, TODAY, PendenzenRules()):
            if pendenz.kind not in ITEM_KINDS:
                continue
            assert pendenz.item_id is not None
            dated = kept[source[pendenz.item_id]]
            assert dated is not None and dated[1] <= pendenz.due_on <= window.due_by
