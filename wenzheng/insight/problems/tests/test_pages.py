"""The common-problem pages in the workbench: list, entry, the problem page and its forms, and
nothing for anyone outside the problem's organisation or responsible unit."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from wenzheng.insight.problems import actions
from wenzheng.insight.problems.models import CommonProblem, ProblemStatus, RectificationStep
from wenzheng.testing.personas import HOSTILE_SUBJECT


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def create(world, cases=(), title="老旧小区加装电梯推进缓慢"):
    return actions.do_create_problem(
        world.city, acting_user=world.supervisor, title=title, responsible_unit=world.district_a, cases=cases
    )


def test_a_supervisor_enters_a_problem_with_its_cases(world, cases):
    client = client_for(world.supervisor)
    page = client.get(reverse("workbench:problem_new"), {"cases": cases[0].number})
    assert page.status_code == 200
    assert cases[0].number in page.content.decode()
    response = client.post(
        reverse("workbench:problem_new"),
        {
            "org": world.city.pk,
            "title": "小区停车难",
            "description": "多条留言反映",
            "responsible_unit": world.district_a.pk,
            "territory": world.district_a.pk,
            "case_numbers": f"{cases[0].number}, {cases[1].number}\n{cases[0].number}",
        },
    )
    problem = CommonProblem.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("workbench:problem", args=[problem.pk])
    assert set(problem.cases.all()) == {cases[0], cases[1]}
    assert problem.created_by == world.supervisor


def test_an_unknown_or_hidden_case_number_enters_nothing(world, cases):
    from wenzheng.testing.chain import new_case

    foreign = new_case(world, org=world.other_city)
    response = client_for(world.supervisor).post(
        reverse("workbench:problem_new"),
        {
            "org": world.city.pk,
            "title": "小区停车难",
            "responsible_unit": world.district_a.pk,
            "case_numbers": f"{cases[0].number} {foreign.number} WZ-0000-404",
        },
    )
    assert response.status_code == 400
    errors = response.context["form"].errors["case_numbers"]
    assert foreign.number in errors[0]
    assert "WZ-0000-404" in errors[0]
    assert not CommonProblem.objects.exists()


def test_the_list_and_the_page_are_for_readers_and_the_responsible_unit(world, cases):
    problem = create(world, cases, title=HOSTILE_SUBJECT)
    for persona in ("supervisor", "analyst", "admin", "a_liaison", "a_leader"):
        client = client_for(getattr(world, persona))
        listing = client.get(reverse("workbench:problems"))
        assert listing.status_code == 200
        assert [p.pk for p in listing.context["page"].items] == [problem.pk]
        page = client.get(reverse("workbench:problem", args=[problem.pk]))
        assert page.status_code == 200
        body = page.content.decode()
        assert "<script>alert" not in body
        if persona in ("a_liaison", "a_leader"):  # the cases are not (yet) their unit's
            assert page.context["hidden_cases"] == 3
            assert cases[0].number not in body
        else:
            assert cases[0].number in body
    for persona in ("a_handler", "b_handler", "citizen", "nobody"):
        client = client_for(getattr(world, persona))
        assert client.get(reverse("workbench:problems")).status_code == 404
        assert client.get(reverse("workbench:problem", args=[problem.pk])).status_code == 404
    for persona in ("b_liaison", "other_dispatcher"):
        client = client_for(getattr(world, persona))
        assert client.get(reverse("workbench:problems")).context["page"].items == []
        assert client.get(reverse("workbench:problem", args=[problem.pk])).status_code == 404
    assert client_for(world.analyst).get(reverse("workbench:problem_new")).status_code == 404


def test_the_page_offers_each_user_only_their_forms(world, cases):
    problem = create(world, cases)
    url = reverse("workbench:problem", args=[problem.pk])
    assert set(client_for(world.supervisor).get(url).context["forms"]) == {"add_cases"}
    assert set(client_for(world.a_liaison).get(url).context["forms"]) == {"add_step"}
    assert set(client_for(world.analyst).get(url).context["forms"]) == set()


def test_forms_post_through_the_actions(world, cases):
    problem = create(world, cases[:1])
    act = lambda user, action, data: client_for(user).post(  # noqa: E731
        reverse("workbench:problem_act", args=[problem.pk, action]), data
    )
    assert (
        act(world.a_liaison, "add_step", {"description": "排查完毕", "evidence": "照片 3 张"}).status_code
        == 302
    )
    assert act(world.supervisor, "add_cases", {"case_numbers": cases[1].number}).status_code == 302
    assert act(world.supervisor, "schedule_recheck", {"scheduled_on": "2099-01-01"}).status_code == 302
    response = act(world.supervisor, "close", {"notes": ""})
    assert response.status_code == 409  # not before a re-check found it rectified
    assert response.context["forms"]["close"].non_field_errors()
    assert (
        act(world.supervisor, "record_recheck", {"result": "rectified", "notes": "已核实"}).status_code == 302
    )
    assert act(world.supervisor, "close", {"notes": "销号"}).status_code == 302
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.CLOSED
    assert problem.cases.count() == 2


def test_a_refused_post_changes_nothing(world, cases):
    problem = create(world, cases[:1])
    url = reverse("workbench:problem_act", args=[problem.pk, "add_step"])
    response = client_for(world.analyst).post(url, {"description": "我来整改"})
    assert response.status_code == 403
    assert not RectificationStep.objects.exists()
    response = client_for(world.a_liaison).post(url, {"description": "", "evidence": "x"})
    assert response.status_code == 400
    assert response.context["forms"]["add_step"].errors["description"]
    assert not RectificationStep.objects.exists()
    assert client_for(world.b_liaison).post(url, {"description": "x"}).status_code == 404
    assert (
        client_for(world.supervisor)
        .post(reverse("workbench:problem_act", args=[problem.pk, "explode"]), {})
        .status_code
        == 404
    )
    assert client_for(world.supervisor).get(url).status_code == 405
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.OPEN
