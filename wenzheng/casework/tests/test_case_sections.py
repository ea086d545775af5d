"""casework.selectors.case_sections: which of a case's side lists hold rows, in one query."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wenzheng.casework.models import CaseLink, FollowUp, Satisfaction
from wenzheng.casework.models.case import FollowUpMethod
from wenzheng.casework.selectors import CASE_SECTIONS, case_sections
from wenzheng.casework.workflow import State
from wenzheng.testing.chain import case_in_state, new_case


def test_a_new_case_has_none_of_them(world):
    case = new_case(world)
    with CaptureQueriesContext(connection) as captured:
        assert case_sections(case) == frozenset()
    assert len(captured) == 1


def test_each_list_is_reported_for_its_own_case_only(world):
    case = case_in_state(world, State.HANDLING)
    other = new_case(world)
    CaseLink.objects.create(case=case, other=other, created_by=world.intake, created_at=timezone.now())
    FollowUp.objects.create(
        case=other,
        method=FollowUpMethod.PHONE,
        result=Satisfaction.SATISFIED,
        recorded_by=world.supervisor,
        created_at=timezone.now(),
    )

    assert "links_out" in case_sections(case)
    assert "links_in" not in case_sections(case)
    assert {"links_in", "follow_ups"} <= case_sections(other)
    assert "follow_ups" not in case_sections(case)
    assert case_sections(case) <= set(CASE_SECTIONS)
