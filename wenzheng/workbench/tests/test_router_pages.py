"""The router in the workbench and on the portal: advice while typing, one-click acceptance,
special-report warnings, the administrators' router page."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from wenzheng.casework import actions
from wenzheng.casework.models import Case
from wenzheng.casework.models.case import Channel, Grade
from wenzheng.casework.workflow import State
from wenzheng.core import clock
from wenzheng.insight.router import services
from wenzheng.insight.router.engine import train_bundle
from wenzheng.insight.router.models import Alert, RouterModel, Suggestion
from wenzheng.insight.router.tests.test_router_in_ledger import synthetic
from wenzheng.testing.personas import World


@pytest.fixture
def trained(world: World) -> RouterModel:
    from wenzheng.casework.models import Category

    Category.objects.create(name="大气污染", parent=Category.objects.create(name="环境保护"))
    result = train_bundle(synthetic(120))
    return services.store_version(
        result.bundle,
        source="test",
        examples=result.examples,
        evaluation=result.evaluation,
        train_seconds=1.0,
    )


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_hotline_desk_gets_advice_while_typing(world: World, trained: RouterModel) -> None:
    response = client_for(world.intake).get(
        reverse("workbench:advice"), {"subject": "甲一街道电梯又坏了", "body": "物业不作为，电梯困人"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "城乡建设/住房保障/物业管理" in html
    assert "甲一街道" in html
    # The "use all" button fills the hotline form's text fields by name.
    fill = re.search(r'data-fill="([^"]*category[^"]*territory[^"]*)"', html)
    assert fill is not None
    assert "物业管理" in fill.group(1)
    assert "甲一街道" in fill.group(1)
    assert 'data-fill-form="#hotline-form"' in html


def test_too_little_text_gets_no_advice(world: World, trained: RouterModel) -> None:
    response = client_for(world.intake).get(reverse("workbench:advice"), {"subject": "电梯", "body": ""})
    assert response.status_code == 200
    assert response.content.decode().strip() == ""


def test_the_case_page_shows_the_suggestion_and_registers_it_in_one_click(
    world: World, trained: RouterModel, committed
) -> None:
    with committed():
        case = actions.do_receive_message(
            channel=Channel.WEB,
            org=world.city,
            subject="甲区电梯又坏了",
            body="甲区幸福小区电梯坏了，物业不管。",
        ).case
    client = client_for(world.intake)
    page = client.get(reverse("workbench:case", args=[case.number])).content.decode()
    assert 'id="router-advice"' in page
    assert "采用建议并登记" in page
    suggestion = Suggestion.objects.get(case=case)
    with committed():
        response = client.post(
            reverse("workbench:act", args=[case.number, "register"]),
            {
                "category": suggestion.category_id,
                "territory": suggestion.territory_id or "",
                "grade": suggestion.grade,
            },
        )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == State.REGISTERED
    assert case.category_id == suggestion.category_id
    suggestion.refresh_from_db()
    assert suggestion.category_corrected is False


def test_supervisors_see_and_acknowledge_warnings_of_their_ledger_only(world: World) -> None:
    case = actions.do_receive_message(
        channel=Channel.WEB, org=world.city, subject="某小区有人扬言跳楼", body="扬言跳楼"
    ).case
    alert = Alert.objects.create(
        case=case, org=world.city, created_at=clock.now(), kinds=["self_harm"], score=2
    )
    supervisor = client_for(world.supervisor)
    page = supervisor.get(reverse("workbench:alerts")).content.decode()
    assert case.number in page
    home = supervisor.get(reverse("workbench:home")).content.decode()
    assert 'class="badge"' in home
    outsider = client_for(world.other_dispatcher)  # a supervisor of another city
    assert case.number not in outsider.get(reverse("workbench:alerts")).content.decode()
    response = outsider.post(reverse("workbench:alert_acknowledge", args=[alert.pk]))
    assert response.status_code == 404
    response = supervisor.post(reverse("workbench:alert_acknowledge", args=[alert.pk]))
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.acknowledged_by == world.supervisor
    assert alert.acknowledged_at is not None
    listed = supervisor.get(reverse("workbench:alerts")).content.decode()
    assert reverse("workbench:case", args=[case.number]) not in listed  # no longer open


def test_administrators_retrain_and_roll_back_from_the_router_page(
    world: World, trained: RouterModel
) -> None:
    for i in range(25):
        for subject, category in (("饭店油烟直排扰民", "环境保护/大气污染"), ("物业乱收费电梯坏", None)):
            case = actions.do_receive_message(
                channel=Channel.WEB, org=world.city, subject=f"{subject}{i}", body=subject
            ).case
            from wenzheng.casework.models import Category

            target = Category.objects.get(full_name=category) if category else world.leaf
            actions.do_register(case, acting_user=world.intake, category=target, grade=Grade.GENERAL)
    admin = client_for(world.admin)
    page = admin.get(reverse("workbench:router")).content.decode()
    assert "v1" in page
    response = admin.post(reverse("workbench:router_action"), {"do": "retrain"})
    assert response.status_code == 302
    assert RouterModel.objects.get(is_active=True).version == 2  # jobs run at once in tests
    response = admin.post(reverse("workbench:router_action"), {"do": "activate", "version": trained.pk})
    assert RouterModel.objects.get(is_active=True).version == 1
    response = admin.post(reverse("workbench:router_action"), {"do": "activate", "version": 999})
    assert RouterModel.objects.get(is_active=True).version == 1
    assert Case.objects.count() == 50


def test_the_portal_offers_topic_and_place_to_the_writer(
    world: World, trained: RouterModel, settings
) -> None:
    response = Client().get(
        reverse("portal:suggestions"), {"subject": "甲区小区电梯又坏了", "body": "物业不作为，电梯困人"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "城乡建设" in html
    assert 'data-fill-form="#write-form"' in html
    assert f"&quot;category&quot;: {world.category.pk}" in html
