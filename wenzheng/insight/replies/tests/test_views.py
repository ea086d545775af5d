"""The workbench fragments: similar cases for the handler, the draft check, the review check and
the template picker; the case page loads them lazily."""

from django.test import Client
from django.urls import reverse

from wenzheng.casework import actions
from wenzheng.casework.models import ReplyTemplate
from wenzheng.insight.replies.tests.helpers import handled_case
from wenzheng.testing.chain import new_case

ELEVATOR = ("景蓉华苑小区电梯坏了两周没人修", "景蓉华苑小区3栋电梯停运两周，物业不维修，老人上下楼困难。")


def _handling(world):
    case = new_case(world, subject="景蓉华苑小区电梯又坏了", body="景蓉华苑3栋电梯再次停运，请问何时修好？")
    actions.do_register(
        case, acting_user=world.intake, category=world.leaf, grade="general", territory=world.district_a
    )
    actions.do_assign(case, acting_user=world.dispatcher, lead_unit=world.district_a)
    actions.do_claim(case, acting_user=world.a_liaison)
    return case


def test_it_gives_the_handler_the_similar_card_and_the_check_button(world):
    case = _handling(world)
    client = Client()
    client.force_login(world.a_handler)
    page = client.get(reverse("workbench:case", args=[case.number])).content.decode()
    assert reverse("workbench:reply_similar", args=[case.number]) in page
    assert reverse("workbench:reply_check", args=[case.number]) in page
    assert reverse("workbench:reply_template_options", args=[case.number]) in page
    client.force_login(world.supervisor)
    page = client.get(reverse("workbench:case", args=[case.number])).content.decode()
    assert reverse("workbench:reply_similar", args=[case.number]) not in page


def test_it_lists_similar_published_cases_with_their_replies(world):
    past = handled_case(world, *ELEVATOR)
    case = _handling(world)
    client = Client()
    client.force_login(world.a_handler)
    response = client.get(reverse("workbench:reply_similar", args=[case.number]))
    html = response.content.decode()
    assert response.status_code == 200
    assert past.number in html
    assert "经调查核实" in html
    assert world.leaf.full_name in html


def test_it_checks_a_posted_draft_and_shows_the_missing_points(world):
    case = _handling(world)
    client = Client()
    client.force_login(world.a_handler)
    url = reverse("workbench:reply_check", args=[case.number])
    weak = client.post(url, {"body": "已转相关部门。"}).content.decode()
    assert 'data-check="completeness"' in weak
    assert "未回应" in weak
    assert "处理依据" in weak
    empty = client.post(url, {"body": "  "})
    assert empty.status_code == 200
    assert 'data-check="' not in empty.content.decode()
    case.refresh_from_db()
    assert not case.replies.exists()  # checking never saves
    assert client.get(url).status_code == 405


def test_it_shows_the_reviewer_the_check_of_the_submitted_draft(world):
    case = _handling(world)
    actions.do_draft_reply(case, acting_user=world.a_handler, body="您好！已处理。谢谢。")
    actions.do_submit_reply(case, acting_user=world.a_leader)
    client = Client()
    client.force_login(world.reviewer)
    page = client.get(reverse("workbench:case", args=[case.number])).content.decode()
    url = reverse("workbench:reply_review_check", args=[case.number])
    assert url in page
    html = client.get(url).content.decode()
    assert 'data-check="explainability"' in html
    assert "过于简略" in html


def test_it_offers_the_outcomes_templates_first_in_the_picker(world):
    case = _handling(world)
    ReplyTemplate.objects.create(org=world.city, outcome="resolved", title="通用已解决", body="…")
    ReplyTemplate.objects.create(
        org=world.city, category=world.leaf, outcome="explained", title="物业解释", body="…"
    )
    client = Client()
    client.force_login(world.a_handler)
    url = reverse("workbench:reply_template_options", args=[case.number])
    html = client.get(url, {"outcome": "resolved"}).content.decode()
    assert html.index("通用已解决") < html.index("物业解释")
    html = client.get(url, {"outcome": "explained"}).content.decode()
    assert html.index("物业解释") < html.index("通用已解决")
    assert client.get(url, {"outcome": "<script>"}).status_code == 200


def test_it_hides_the_fragments_outside_the_scope(world):
    case = _handling(world)
    client = Client()
    client.force_login(world.b_handler)
    for name in ("reply_similar", "reply_review_check", "reply_template_options"):
        assert client.get(reverse(f"workbench:{name}", args=[case.number])).status_code == 404
    assert client.post(reverse("workbench:reply_check", args=[case.number]), {"body": "x"}).status_code == 404
