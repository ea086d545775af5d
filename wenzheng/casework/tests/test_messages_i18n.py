"""Messages raised by the actions and the transition labels are English source strings shown in the
active language: Simplified Chinese first, English when asked."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import override

from wenzheng.accounts.models import OrgUnit
from wenzheng.casework import actions
from wenzheng.casework.models import Case, CaseEvent, Category
from wenzheng.casework.workflow import TRANSITIONS, State, mermaid_diagram
from wenzheng.core.errors import InvalidInput
from wenzheng.testing.chain import case_in_state


def _refused_return(world, case: Case) -> InvalidInput:
    with pytest.raises(InvalidInput) as excinfo:
        actions.do_return(case, acting_user=world.a_liaison, reason="  ")
    return excinfo.value


def test_it_renders_an_action_error_in_the_active_language(world):
    case = case_in_state(world, State.ASSIGNED)
    with override("zh-hans"):
        chinese = _refused_return(world, case)
        assert chinese.as_dict()["message"] == "“退回”必须填写理由。"
    with override("en"):
        english = _refused_return(world, case)
        assert english.as_dict()["message"] == "“Return” needs a reason."
    assert chinese.details == english.details == {"field": "reason"}
    case.refresh_from_db()
    assert case.state == State.ASSIGNED


def test_it_renders_the_transition_labels_in_the_active_language():
    claim = TRANSITIONS["claim"]
    with override("zh-hans"):
        assert str(claim.label) == "认领"
        assert CaseEvent(kind="claim").get_kind_display() == "认领"
    with override("en"):
        assert str(claim.label) == "Claim"
        assert "assigned --> handling: Claim" in mermaid_diagram("en")
    # The generated docs are in the site language whatever is active.
    with override("en"):
        assert "assigned --> handling: 认领" in mermaid_diagram()


@pytest.mark.django_db
def test_it_refuses_a_bad_parent_as_a_form_error():
    root = OrgUnit.objects.create(code="r", name="Root", kind="city")
    child = OrgUnit.objects.create(code="c", name="Child", kind="district", parent=root)
    root.parent = child
    with override("zh-hans"), pytest.raises(ValidationError) as excinfo:
        root.full_clean()
    assert excinfo.value.message_dict["parent"] == ["不能把单位移到其自身或其下级单位之下。"]

    first = Category.objects.create(name="一级")
    second = Category.objects.create(name="二级", parent=first)
    third = Category.objects.create(name="三级", parent=second)
    with pytest.raises(ValidationError) as excinfo:
        Category(name="四级", parent=third).full_clean()
    with override("en"):  # the message is lazy: rendered in the language of the page showing it
        assert "three levels" in excinfo.value.message_dict["parent"][0]
    with override("zh-hans"):
        assert excinfo.value.message_dict["parent"] == ["分类最多三级，三级分类下不能再设子分类。"]
