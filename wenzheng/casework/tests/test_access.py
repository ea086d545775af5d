"""Scoping: who sees which cases. A forbidden number looks exactly like a missing one."""

import pytest

from wenzheng.casework import actions
from wenzheng.casework.access import access_case_by_number, access_case_by_query_code, visible_cases
from wenzheng.casework.workflow import State
from wenzheng.core.errors import NotFound
from wenzheng.testing.chain import case_in_state, new_case


@pytest.fixture
def cases(world):
    in_a = case_in_state(world, State.HANDLING)  # district A leads, housing co-handles
    unassigned = new_case(world, citizen=None)
    return in_a, unassigned


@pytest.mark.parametrize(
    ("persona", "sees_a", "sees_unassigned"),
    [
        ("intake", True, True),
        ("dispatcher", True, True),
        ("reviewer", True, True),
        ("supervisor", True, True),
        ("analyst", True, True),
        ("admin", True, True),
        ("a_liaison", True, False),
        ("a_handler", True, False),
        ("housing_liaison", True, False),
        ("b_liaison", False, False),
        ("b_handler", False, False),
        ("b_leader", False, False),
        ("other_dispatcher", False, False),
        ("citizen", True, False),
        ("nobody", False, False),
    ],
)
def test_it_scopes_cases_to_each_persona(world, cases, persona, sees_a, sees_unassigned):
    in_a, unassigned = cases
    user = world.by_name(persona)
    visible = set(visible_cases(user).values_list("pk", flat=True))
    assert (in_a.pk in visible) is sees_a
    assert (unassigned.pk in visible) is sees_unassigned
    if not sees_a:
        with pytest.raises(NotFound) as excinfo:
            access_case_by_number(user, in_a.number)
        missing = pytest.raises(NotFound)
        with missing as missing_info:
            access_case_by_number(user, "WZ-1999-999999")
        assert excinfo.value.as_dict() == missing_info.value.as_dict()
    else:
        assert access_case_by_number(user, in_a.number).pk == in_a.pk


def test_it_lets_a_district_unit_see_the_cases_of_its_streets(world):
    case = new_case(world)
    actions.do_register(case, acting_user=world.intake, category=world.leaf)
    actions.do_assign(case, acting_user=world.dispatcher, lead_unit=world.street_a1)
    assert visible_cases(world.a_leader).filter(pk=case.pk).exists()
    assert not visible_cases(world.b_leader).filter(pk=case.pk).exists()


def test_it_finds_a_case_by_number_and_query_code_only(world):
    receipt = actions.do_receive_message(channel="web", org=world.city, subject="噪音扰民", body="夜间施工")
    assert access_case_by_query_code(receipt.case.number, receipt.query_code).pk == receipt.case.pk
    with pytest.raises(NotFound):
        access_case_by_query_code(receipt.case.number, "AAAAAAAA")
    with pytest.raises(NotFound):
        access_case_by_query_code("WZ-2000-000001", receipt.query_code)


def test_it_hides_everything_from_an_inactive_staff_member(world, cases):
    world.intake.is_active = False
    world.intake.save()
    assert not visible_cases(world.intake).exists()
