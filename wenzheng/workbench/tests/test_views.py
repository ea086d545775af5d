"""The workbench pages do what they say: hotline entry, bulk dispatch with letters, errors that
save nothing, search and a masked, injection-safe export."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from wenzheng.casework import actions
from wenzheng.casework.models import AssignmentLetter, Case, CaseEvent
from wenzheng.casework.workflow import State
from wenzheng.testing.chain import case_in_state, new_case


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_it_enters_and_registers_a_phone_appeal_in_one_step(world):
    response = client_for(world.intake).post(
        reverse("workbench:hotline"),
        {
            "contact_phone": "13912345678",
            "contact_name": "李先生",
            "subject": "小区路灯不亮",
            "body": "三栋门口路灯坏了一周",
            "category": world.leaf.full_name,
            "territory": world.district_a.name,
            "grade": "general",
            "is_public": "on",
        },
    )
    assert response.status_code == 302
    case = Case.objects.get(subject="小区路灯不亮")
    assert case.channel == "hotline"
    assert case.state == State.REGISTERED
    assert case.category == world.leaf
    assert case.proposed_unit == world.district_a
    assert list(CaseEvent.objects.filter(case=case).values_list("actor", flat=True)) == [world.intake.pk] * 2


@pytest.mark.parametrize(
    ("field", "data"),
    [
        ("contact_phone", {"contact_phone": "abc"}),
        ("subject", {"subject": ""}),
        ("body", {"body": "长" * 20001}),
        ("category", {"category": "不存在的分类"}),
        ("territory", {"territory": "邻市"}),
    ],
)
def test_it_refuses_a_bad_phone_appeal_in_chinese_and_saves_nothing(world, field, data):
    form = {"contact_phone": "13912345678", "subject": "路灯", "body": "坏了", "grade": "general", **data}
    response = client_for(world.intake).post(reverse("workbench:hotline"), form)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert any("\u4e00" <= ch <= "\u9fff" for ch in " ".join(response.context["form"].errors[field]))
    assert Case.objects.count() == 0


def test_it_assigns_many_cases_at_once_and_issues_one_letter_per_unit(world):
    cases = []
    for territory in (world.district_a, world.district_a, world.district_b):
        case = new_case(world)
        actions.do_register(case, acting_user=world.intake, category=world.leaf, territory=territory)
        cases.append(case)
    response = client_for(world.dispatcher).post(
        reverse("workbench:dispatch_assign"), {"cases": [c.number for c in cases]}
    )
    assert response.status_code == 302
    states = {c.number: c.state for c in Case.objects.filter(pk__in=[c.pk for c in cases])}
    assert set(states.values()) == {State.ASSIGNED}
    letters = list(AssignmentLetter.objects.order_by("seq"))
    assert {letter.to_unit for letter in letters} == {world.district_a, world.housing}
    assert [letter.seq for letter in letters] == [1, 2]
    assert sum(letter.cases.count() for letter in letters) == 3
    pdf = client_for(world.dispatcher).get(reverse("workbench:letter", args=[letters[0].pk, "letter.pdf"]))
    assert pdf.content.startswith(b"%PDF")
    assert "attachment" in pdf["Content-Disposition"]


def test_it_shows_an_action_error_in_chinese_and_changes_nothing(world):
    case = case_in_state(world, State.ASSIGNED)
    response = client_for(world.a_liaison).post(
        reverse("workbench:act", args=[case.number, "return"]), {"reason": ""}
    )
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.state == State.ASSIGNED
    assert "必填" in response.content.decode() or "理由" in response.content.decode()


def test_it_masks_contacts_for_reviewers_and_shows_them_to_the_handling_unit(world):
    case = case_in_state(world, State.HANDLING, contact_name="王小明", contact_phone="13912345678")
    page_for_reviewer = (
        client_for(world.reviewer).get(reverse("workbench:case", args=[case.number])).content.decode()
    )
    assert "13912345678" not in page_for_reviewer
    assert "139****5678" in page_for_reviewer
    page_for_handler = (
        client_for(world.a_handler).get(reverse("workbench:case", args=[case.number])).content.decode()
    )
    assert "13912345678" in page_for_handler


def test_it_exports_search_results_masked_and_without_formulas(world):
    case = case_in_state(
        world,
        State.HANDLING,
        subject='=HYPERLINK("http://x","点我") 电话13912345678',
        contact_phone="13912345678",
    )
    response = client_for(world.reviewer).get(reverse("workbench:search_export") + "?q=")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.active
    rows = list(sheet.iter_rows(min_row=2))
    row = next(r for r in rows if r[0].value == case.number)
    assert all(cell.data_type != "f" for cell in row)
    assert "13912345678" not in " ".join(str(c.value) for c in row)
    assert str(row[3].value).startswith("'=")


def test_it_escapes_hostile_text_on_the_case_page(world):
    case = case_in_state(world, State.HANDLING)  # default subject and body are hostile markup
    html = client_for(world.intake).get(reverse("workbench:case", args=[case.number])).content.decode()
    assert "<script>alert('xss')</script>" not in html
    assert "&lt;script&gt;" in html
    assert "<img src=x onerror" not in html
