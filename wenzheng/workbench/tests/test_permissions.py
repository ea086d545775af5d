"""The permission matrix: every workbench URL × every persona. Each gets the page, or a 404 (the
page does not exist for them), or the login page — and never another scope's data."""

from __future__ import annotations

import io
from dataclasses import dataclass

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from wenzheng.casework import actions
from wenzheng.casework.queues import QUEUES
from wenzheng.casework.workflow import State
from wenzheng.testing.chain import case_in_state
from wenzheng.testing.personas import PERSONAS, World

STAFF_A = {
    "intake",
    "dispatcher",
    "reviewer",
    "supervisor",
    "analyst",
    "admin",
    "a_liaison",
    "a_handler",
    "a_leader",
    "housing_liaison",
}
QUEUE_ROLES = {
    "intake": {"intake_operator"},
    "dispatcher": {"dispatcher"},
    "reviewer": {"reviewer"},
    "supervisor": {"supervisor"},
    "analyst": {"analyst"},
    "admin": {"administrator"},
    "a_liaison": {"liaison"},
    "a_handler": {"handler"},
    "a_leader": {"unit_leader"},
    "b_liaison": {"liaison"},
    "b_handler": {"handler"},
    "b_leader": {"unit_leader"},
    "housing_liaison": {"liaison", "handler"},
    "other_dispatcher": {"dispatcher", "intake_operator", "supervisor", "reviewer"},
}


@dataclass
class Url:
    name: str
    path: str
    allowed: set[str]  # personas who get a 200
    method: str = "get"


@pytest.fixture
def scene(world: World):
    """A district-A case in handling (housing co-handles) with a special-report warning, an issued
    letter, and its number."""
    from wenzheng.core import clock
    from wenzheng.insight.router.models import Alert

    case = case_in_state(world, State.HANDLING)
    Alert.objects.create(case=case, org=case.org, created_at=clock.now(), kinds=["safety"], score=2.0)
    letter = actions.do_issue_assignment_letters([case], acting_user=world.dispatcher)[0]
    return case, letter


def urls(world: World, case, letter) -> list[Url]:
    def queue_allowed(key: str) -> set[str]:
        return {p for p, roles in QUEUE_ROLES.items() if roles & {r.value for r in QUEUES[key].roles}}

    staff = set(QUEUE_ROLES)
    items = [
        Url("home", reverse("workbench:home"), staff),
        Url("case", reverse("workbench:case", args=[case.number]), STAFF_A),
        Url("reply_template", reverse("workbench:reply_template", args=[case.number]), STAFF_A),
        Url("reply_similar", reverse("workbench:reply_similar", args=[case.number]), STAFF_A),
        Url("reply_check", reverse("workbench:reply_check", args=[case.number]), STAFF_A, method="post"),
        Url("reply_review_check", reverse("workbench:reply_review_check", args=[case.number]), STAFF_A),
        Url(
            "reply_template_options",
            reverse("workbench:reply_template_options", args=[case.number]) + "?outcome=resolved",
            STAFF_A,
        ),
        Url(
            "proposal",
            reverse("workbench:proposal", args=[case.number]) + f"?category={world.leaf.pk}",
            STAFF_A,
        ),
        Url("hotline", reverse("workbench:hotline"), {"intake", "other_dispatcher"}),
        Url("dispatch", reverse("workbench:dispatch"), {"dispatcher", "other_dispatcher"}),
        Url("supervision", reverse("workbench:supervision"), {"supervisor", "other_dispatcher"}),
        Url(
            "advice",
            reverse("workbench:advice") + "?subject=甲区电梯坏了&body=物业不管",
            {"intake", "dispatcher", "other_dispatcher"},
        ),
        Url("alerts", reverse("workbench:alerts") + "?show=all", {"supervisor", "other_dispatcher"}),
        Url("router", reverse("workbench:router"), {"admin"}),
        Url(
            "dashboard",
            reverse("workbench:dashboard"),
            {"supervisor", "analyst", "admin", "other_dispatcher"},
        ),
        Url(
            "problems",
            reverse("workbench:problems"),
            {
                "supervisor",
                "analyst",
                "admin",
                "a_liaison",
                "a_leader",
                "b_liaison",
                "b_leader",
                "housing_liaison",
                "other_dispatcher",
            },
        ),
        Url("reports", reverse("workbench:reports"), {"supervisor", "analyst", "other_dispatcher"}),
        Url(
            "report",
            reverse("workbench:report_download", args=["bulletin.pdf"]) + "?org=T-C&month=2026-11",
            {"supervisor", "analyst"},
        ),
        Url("search", reverse("workbench:search") + "?q=", staff),
        Url("export", reverse("workbench:search_export") + "?q=", staff),
        Url("missing case", reverse("workbench:case", args=["WZ-1999-000001"]), set()),
        Url("contact_log", reverse("workbench:contact_log"), {"supervisor", "admin", "other_dispatcher"}),
        Url("inbox", reverse("workbench:inbox"), staff),
        Url(
            "dashboard_cases",
            reverse("workbench:dashboard_cases") + "?metric=received",
            {"supervisor", "analyst", "admin", "other_dispatcher"},
        ),
        Url("problem_new", reverse("workbench:problem_new"), {"supervisor", "other_dispatcher"}),
    ]
    items += [
        Url(
            f"letter {kind}",
            reverse("workbench:letter", args=[letter.pk, kind]),
            {"dispatcher", "supervisor", "a_liaison", "a_handler", "a_leader"},
        )
        for kind in ("letter.pdf", "list.pdf", "list.xlsx")
    ]
    items += [
        Url(f"queue {key}", reverse("workbench:queue", args=[key]), queue_allowed(key)) for key in QUEUES
    ]
    items += live_urls(world, staff)
    items += participation_urls(world)
    items += hotspot_urls(world, case)
    return items


def hotspot_urls(world: World, case) -> list[Url]:
    """A hot issue of the city holding the scene's case: supervisors, analysts and administrators
    of the city read it; the other city's supervisor sees the list of their own ledger only."""
    from wenzheng.core import clock
    from wenzheng.insight.hotspots.models import HotIssue, IssueMembership

    issue = HotIssue.objects.filter(org=world.city).first()
    if issue is None:
        now = clock.now()
        issue = HotIssue.objects.create(
            org=world.city,
            title="甲区小区电梯故障",
            size=1,
            first_at=now,
            last_at=now,
            created_at=now,
            computed_at=now,
        )
        IssueMembership.objects.create(
            issue=issue, case=case, org=world.city, received_at=case.received_at, joined_at=now
        )
    readers = {"supervisor", "analyst", "admin"}
    return [
        Url("hotspots", reverse("workbench:hotspots"), readers | {"other_dispatcher"}),
        Url("hotspot", reverse("workbench:hotspot", args=[issue.pk]), readers),
    ]


def participation_urls(world: World) -> list[Url]:
    """Consultations and polls organised by district A (open and draft): administrators and the
    organiser unit's liaison/leader manage, supervisors and analysts of the jurisdiction read."""
    from wenzheng.participation.conftest import make_citizen, open_consultation, running_poll
    from wenzheng.participation.consultations.actions import do_comment
    from wenzheng.participation.consultations.models import Comment, Consultation
    from wenzheng.participation.polls.models import Poll

    consultation = Consultation.objects.filter(status="published").first() or open_consultation(world)
    draft = Consultation.objects.filter(status="draft").first() or open_consultation(world, publish=False)
    if not Comment.objects.exists():
        do_comment(consultation, acting_user=make_citizen(900), body="建议")
    poll = Poll.objects.filter(status="published").first() or running_poll(world)
    draft_poll = Poll.objects.filter(status="draft").first() or running_poll(
        world, publish=False, title="草稿"
    )
    # other_dispatcher is a supervisor elsewhere: sees the (empty) list of their own jurisdiction.
    listed = {"admin", "supervisor", "analyst", "a_liaison", "a_leader", "b_liaison", "b_leader"}
    listed |= {"housing_liaison", "other_dispatcher"}
    organisers = {"admin", "a_liaison", "a_leader", "b_liaison", "b_leader", "housing_liaison"}
    sees = {"admin", "supervisor", "analyst", "a_liaison", "a_leader"}
    manages = {"admin", "a_liaison", "a_leader"}
    c, p = consultation.pk, poll.pk
    return [
        Url("consultations", reverse("workbench:consultations:index"), listed),
        Url("consultation new", reverse("workbench:consultations:new"), organisers),
        Url("consultation", reverse("workbench:consultations:detail", args=[c]), sees),
        Url("consultation edit", reverse("workbench:consultations:edit", args=[draft.pk]), manages),
        Url("consultation moderation", reverse("workbench:consultations:moderation", args=[c]), sees),
        Url("consultation response", reverse("workbench:consultations:response", args=[c]), sees),
        Url("consultation missing", reverse("workbench:consultations:detail", args=[c + 1000]), set()),
        Url("polls", reverse("workbench:polls:index"), listed),
        Url("poll new", reverse("workbench:polls:new"), organisers),
        Url("poll", reverse("workbench:polls:detail", args=[p]), sees),
        Url("poll edit", reverse("workbench:polls:edit", args=[draft_poll.pk]), manages),
        Url("poll missing", reverse("workbench:polls:detail", args=[p + 1000]), set()),
    ]


def live_urls(world: World, staff: set[str]) -> list[Url]:
    """Live Q&A: a session hosted by the intake centre with district A and housing taking part,
    moderated by the intake operator (POST-only actions: wenzheng/participation/live/tests)."""
    from wenzheng.participation.live.models import LiveSession
    from wenzheng.participation.live.tests.conftest import schedule

    session = LiveSession.objects.first() or schedule(world)
    sees = {"admin", "supervisor", "analyst", "intake", "a_liaison", "a_handler", "a_leader"}
    sees |= {"housing_liaison"}
    unit_staff = {"a_liaison", "a_handler", "a_leader", "b_liaison", "b_handler", "b_leader"}
    unit_staff |= {"housing_liaison"}
    organisers = {"admin", "a_liaison", "a_leader", "b_liaison", "b_leader", "housing_liaison"}
    return [
        Url("live index", reverse("workbench:live:index"), staff),
        Url("live new", reverse("workbench:live:new"), organisers),
        Url("live session", reverse("workbench:live:session", args=[session.pk]), sees),
        Url("live edit", reverse("workbench:live:edit", args=[session.pk]), {"admin"}),
        Url("live activity", reverse("workbench:live:activity", args=[session.pk]), sees),
        Url("live desk", reverse("workbench:live:desk"), unit_staff),
        Url("live desk activity", reverse("workbench:live:desk_activity"), unit_staff),
        Url("live missing session", reverse("workbench:live:session", args=[session.pk + 1000]), set()),
        *commitments_and_observation_urls(world, staff),
    ]


def commitments_and_observation_urls(world: World, staff: set[str]) -> list[Url]:
    """A draft report and commitment of district A (written by its leader); observation previews."""
    from datetime import timedelta

    from wenzheng.core import clock
    from wenzheng.participation.commitments import actions as commitments
    from wenzheng.participation.commitments.models import Commitment, WorkReport

    today = clock.now().astimezone(clock.local_tz()).date()
    report = WorkReport.objects.first() or commitments.do_create_report(
        world.district_a, acting_user=world.a_leader, period=today, title="甲区月报", body="正文"
    )
    promise = Commitment.objects.first() or commitments.do_create_commitment(
        world.district_a, acting_user=world.a_leader, title="甲区承诺", target_date=today + timedelta(days=30)
    )
    readers_a = {"admin", "supervisor", "analyst", "a_liaison", "a_leader"}
    leaders = {"admin", "a_leader", "b_leader"}
    return [
        Url("commitments index", reverse("workbench:commitments:index"), staff),
        Url("report new", reverse("workbench:commitments:report_new"), leaders),
        Url("commitment new", reverse("workbench:commitments:commitment_new"), leaders),
        Url("report", reverse("workbench:commitments:report", args=[report.pk]), readers_a),
        Url("commitment", reverse("workbench:commitments:commitment", args=[promise.pk]), readers_a),
        Url(
            "observation",
            reverse("workbench:observation:index"),
            {"supervisor", "analyst", "admin", "other_dispatcher"},
        ),
    ]


def body_text(response) -> str:
    if response["Content-Type"].startswith("application/vnd.openxmlformats"):
        book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
        return " ".join(str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row)
    if response["Content-Type"].startswith("application/pdf"):
        return ""
    return response.content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_serves_each_url_only_within_the_personas_scope(world, scene, persona):
    case, letter = scene
    client = Client()
    client.force_login(world.by_name(persona))
    for url in urls(world, case, letter):
        response = getattr(client, url.method)(url.path)
        expected = 200 if persona in url.allowed else 404
        assert response.status_code == expected, f"{persona} {url.name}: {response.status_code}"
        if response.status_code == 200 and persona not in STAFF_A:
            assert case.number not in body_text(response), f"{persona} saw {case.number} on {url.name}"


def test_it_sends_anonymous_users_to_the_login_page(world, scene):
    case, letter = scene
    client = Client()
    for url in urls(world, case, letter):
        response = client.get(url.path)
        assert response.status_code == 302, url.name
        assert response["Location"].startswith(reverse("workbench:login"))


def test_it_refuses_actions_posted_outside_the_scope_and_changes_nothing(world, scene):
    case, _letter = scene
    version = case.version
    client = Client()
    client.force_login(world.b_handler)
    response = client.post(reverse("workbench:act", args=[case.number, "draft_reply"]), {"body": "越权答复"})
    assert response.status_code == 404
    client.force_login(world.a_leader)  # sees the case, but drafting is the handler's
    response = client.post(reverse("workbench:act", args=[case.number, "draft_reply"]), {"body": "越权答复"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.version == version
    assert not case.replies.exists()


NOTE_TAKERS = {
    "intake",
    "dispatcher",
    "reviewer",
    "supervisor",
    "a_liaison",
    "a_handler",
    "a_leader",
    "housing_liaison",
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_takes_a_posted_action_only_from_those_who_may(world, scene, persona):
    from wenzheng.casework.models import CaseEvent

    case, _letter = scene
    client = Client()
    client.force_login(world.by_name(persona))
    before = CaseEvent.objects.filter(case=case).count()
    response = client.post(reverse("workbench:act", args=[case.number, "add_note"]), {"text": "已电话联系"})
    after = CaseEvent.objects.filter(case=case).count()
    if persona in NOTE_TAKERS:
        assert response.status_code == 302
        assert after == before + 1
    elif persona in STAFF_A:  # sees the case, may not take notes on it (analyst, administrator)
        assert response.status_code == 302
        assert after == before
    else:
        assert response.status_code == 404
        assert after == before
