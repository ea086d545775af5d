"""The contact access log: every unmasked view of a complainant's contact details leaves a row."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from wenzheng.casework.models import ContactAccess
from wenzheng.casework.workflow import State
from wenzheng.testing.chain import case_in_state, new_case
from wenzheng.testing.personas import World


@pytest.fixture
def case(world: World):
    return case_in_state(world, State.HANDLING, contact_name="王小明", contact_email="wang@example.com")


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_it_logs_who_saw_the_contact_details_on_the_case_page(world: World, case) -> None:
    response = as_user(world.a_handler).get(reverse("workbench:case", args=[case.number]))

    assert response.status_code == 200
    assert "13800138000" in response.content.decode()
    row = ContactAccess.objects.get()
    assert row.user == world.a_handler
    assert row.case == case
    assert row.org == world.city
    assert row.fields == ["name", "phone", "email"]
    assert row.place == "page"
    assert row.path == reverse("workbench:case", args=[case.number])
    assert "a_handler" in row.user_label


def test_it_logs_nothing_when_the_details_are_masked(world: World, case) -> None:
    response = as_user(world.analyst).get(reverse("workbench:case", args=[case.number]))

    assert response.status_code == 200
    assert "13800138000" not in response.content.decode()
    assert not ContactAccess.objects.exists()


def test_it_logs_each_case_of_an_export_with_contact_details(world: World, case) -> None:
    other = new_case(world, contact_phone="13900139000")
    silent = new_case(world, contact_phone="", contact_name="")

    response = as_user(world.supervisor).get(reverse("workbench:search_export"), {"q": ""})

    assert response.status_code == 200
    rows = ContactAccess.objects.filter(place="export")
    assert {r.case_id for r in rows} == {case.pk, other.pk}  # the case without details is not logged
    assert silent.pk not in {r.case_id for r in rows}
    assert all(r.user == world.supervisor and set(r.fields) <= {"name", "phone"} for r in rows)


def test_it_logs_no_export_whose_details_are_masked(world: World, case) -> None:
    response = as_user(world.a_handler).get(reverse("workbench:search_export"), {"q": ""})

    assert response.status_code == 200
    assert not ContactAccess.objects.exists()


def test_it_logs_the_admin_sites_case_page(world: World, case) -> None:
    world.admin.is_staff = True
    world.admin.is_superuser = True
    world.admin.save()

    response = as_user(world.admin).get(reverse("admin:casework_case_change", args=[case.pk]))

    assert response.status_code == 200
    row = ContactAccess.objects.get()
    assert (row.user, row.place) == (world.admin, "admin")


def test_it_shows_the_log_to_supervisors_of_the_jurisdiction_only(world: World, case) -> None:
    as_user(world.intake).get(reverse("workbench:case", args=[case.number]))
    url = reverse("workbench:contact_log")

    page = as_user(world.supervisor).get(url)
    assert page.status_code == 200
    assert case.number in page.content.decode()
    assert "intake" in page.content.decode()

    neighbour = as_user(world.other_dispatcher).get(url)  # a supervisor of another city
    assert neighbour.status_code == 200
    assert case.number not in neighbour.content.decode()

    for persona in ("a_handler", "intake", "analyst", "citizen"):
        assert as_user(world.by_name(persona)).get(url).status_code == 404, persona


def test_it_filters_the_log_by_case_and_by_user(world: World, case) -> None:
    other = case_in_state(world, State.HANDLING, contact_phone="13900139000")
    as_user(world.intake).get(reverse("workbench:case", args=[case.number]))
    as_user(world.a_handler).get(reverse("workbench:case", args=[other.number]))
    url = reverse("workbench:contact_log")
    supervisor = as_user(world.supervisor)

    by_case = supervisor.get(url, {"case": other.number}).context["page"].items
    by_user = supervisor.get(url, {"user": "intake"}).context["page"].items

    assert [r.case_id for r in by_case] == [other.pk]
    assert [r.case_id for r in by_user] == [case.pk]


def test_it_keeps_the_log_append_only(world: World, case) -> None:
    as_user(world.intake).get(reverse("workbench:case", args=[case.number]))
    row = ContactAccess.objects.get()

    row.fields = []
    with pytest.raises(ValueError, match="append-only"):
        row.save()
    with pytest.raises(ValueError, match="append-only"):
        row.delete()
