"""Case lists: the queue filter adds the visibility condition itself; a row's columns are loaded in
one query; state and grade labels are the fields' own choices, in the active language."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from wenzheng.casework.access import visible_cases, visible_condition
from wenzheng.casework.queues import QUEUES, queue_cases, queues_for
from wenzheng.casework.selectors import for_case_rows
from wenzheng.casework.workflow import State
from wenzheng.testing.chain import case_in_state, new_case

PERSONAS = ["intake", "dispatcher", "supervisor", "a_liaison", "b_liaison", "a_leader", "b_leader", "citizen"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_queue_stays_within_what_the_user_may_see(world, persona):
    for state in (State.RECEIVED, State.REGISTERED, State.ASSIGNED, State.HANDLING, State.PUBLISHED):
        case_in_state(world, state)
    user = world.by_name(persona)
    visible = set(visible_cases(user).values_list("pk", flat=True))
    for queue in queues_for(user):
        assert set(queue_cases(user, queue.key).values_list("pk", flat=True)) <= visible


def test_a_queue_of_someone_who_sees_nothing_is_empty(world):
    case_in_state(world, State.REGISTERED)
    world.dispatcher.is_active = False
    assert visible_condition(world.dispatcher) is None
    assert not queue_cases(world.dispatcher, QUEUES["to_assign"].key).exists()


def test_a_list_row_needs_no_query_of_its_own(world):
    for state in (State.ASSIGNED, State.HANDLING, State.PUBLISHED):
        case_in_state(world, state)
    new_case(world)
    listed = for_case_rows(visible_cases(world.supervisor)).order_by("-received_at")
    with CaptureQueriesContext(connection) as queries:
        rows = list(listed)
        shown = [
            (
                c.number,
                c.subject,
                c.received_at,
                c.state_label,
                c.grade_label,
                c.is_key_supervised,
                c.category.name if c.category else "",
                c.territory.name if c.territory else "",
                c.lead_unit.name if c.lead_unit else "",
            )
            for c in rows
        ]
    assert len(shown) == 4
    assert len(queries.captured_queries) == 1
    assert any(c.lead_unit is not None for c in rows)


def test_labels_are_the_choices_of_the_field_in_the_active_language(world):
    case = case_in_state(world, State.HANDLING)
    for language in ("zh-hans", "en"):
        with translation.override(language):
            assert case.state_label == case.get_state_display()
            assert case.grade_label == case.get_grade_display()
            assert case.channel_label == case.get_channel_display()
    with translation.override("zh-hans"):
        chinese = case.state_label
    with translation.override("en"):
        assert case.state_label != chinese


def test_a_ledger_with_cases_cannot_stop_running(world):
    from django.core.exceptions import ValidationError

    new_case(world)
    world.city.runs_ledger = False
    with pytest.raises(ValidationError) as refused:
        world.city.full_clean()
    assert "runs_ledger" in refused.value.message_dict
    world.city.refresh_from_db()
    assert world.city.runs_ledger is True


def test_a_queue_holds_the_cases_of_every_ledger_of_the_jurisdiction(world):
    from wenzheng.accounts.models import OrgUnit, UnitKind

    district_ledger = OrgUnit.objects.create(
        code="DL",
        name="区级台账",
        kind=UnitKind.DISTRICT,
        parent=world.city,
        runs_ledger=True,
        case_prefix="DL",
    )
    in_city = new_case(world)
    from wenzheng.casework import actions

    in_district = actions.do_receive_message(
        channel="web", org=district_ledger, subject="路灯不亮", body="一周了"
    ).case
    listed = set(queue_cases(world.intake, "to_register").values_list("pk", flat=True))
    assert {in_city.pk, in_district.pk} <= listed
