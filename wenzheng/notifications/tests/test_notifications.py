"""Who is told what, on which channel: staff by inbox, email and SMS for the sweeps' steps and new
assignments; citizens by SMS and email for the published reply, a granted extension and a send-back;
preferences, opt-outs, templates and idempotent delivery."""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from wenzheng.casework import actions
from wenzheng.casework.models import Case
from wenzheng.casework.sweeps import run_sweeps
from wenzheng.casework.workflow import State
from wenzheng.core.clock import frozen_at
from wenzheng.notifications.delivery import DeliveryFailed, do_deliver, do_notify_event
from wenzheng.notifications.models import (
    CitizenOptOut,
    Delivery,
    DeliveryStatus,
    MessageTemplate,
    Notification,
)
from wenzheng.notifications.optout import unsubscribe_token
from wenzheng.notifications.sms import LocmemSmsBackend
from wenzheng.testing.chain import case_in_state, new_case, step
from wenzheng.testing.personas import World

SH = ZoneInfo("Asia/Shanghai")
PHONE = "13800138000"


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 3, day, hour, 0, tzinfo=SH)


@pytest.fixture(autouse=True)
def sms(settings):
    settings.WENZHENG_SMS_BACKEND = "wenzheng.notifications.sms.LocmemSmsBackend"
    LocmemSmsBackend.outbox.clear()
    return LocmemSmsBackend.outbox


def inbox(user) -> list[str]:
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def assigned(world: World, committed) -> Case:
    with committed(), frozen_at(at(9)):
        case = new_case(world)
        step(world, case, State.REGISTERED)
        step(world, case, State.ASSIGNED)
    return case


def sweep(committed, *days: int) -> None:
    for day in days:
        with committed(), frozen_at(at(day, 11)):
            run_sweeps()


def test_it_tells_the_responsible_staff_and_only_them(world, committed):
    case = assigned(world, committed)
    # Assignment: the lead unit's and the co-handling unit's liaisons.
    assert inbox(world.a_liaison) == ["assigned"]
    assert inbox(world.housing_liaison) == ["assigned"]
    sweep(committed, 10, 11, 12, 13, 16, 18)
    assert inbox(world.a_liaison) == sorted(
        ["assigned", "reminder", "reminder", "overdue", "urged", "urged", "key_supervision"]
    )
    assert inbox(world.a_handler) == ["urged", "urged"]
    assert inbox(world.a_leader) == ["escalated", "key_supervision"]
    assert inbox(world.supervisor) == ["escalated", "key_supervision", "overdue"]
    for outsider in (world.b_liaison, world.b_handler, world.b_leader, world.other_dispatcher, world.citizen):
        assert inbox(outsider) == [], outsider
    entry = Notification.objects.get(recipient=world.a_leader, kind="escalated")
    assert case.number in entry.subject
    assert entry.link == reverse("workbench:case", args=[case.number])
    assert "\u202e" not in entry.body  # no direction overrides from the citizen's subject in our texts


def test_it_sends_email_and_sms_to_staff_once_and_respects_their_choices(world, committed, sms):
    world.a_leader.email, world.a_leader.phone = "leader@example.gov.cn", "13912345678"
    world.a_leader.save()
    world.supervisor.email = "supervisor@example.gov.cn"
    world.supervisor.save()
    client = Client()
    client.force_login(world.supervisor)
    # The supervisor keeps the inbox but wants no email about escalations.
    on = [f"{k}:{c}" for k in ("escalated", "key_supervision", "overdue") for c in ("inbox", "email")]
    on.remove("escalated:email")
    client.post(reverse("workbench:inbox_preferences"), {"on": on})
    assigned(world, committed)
    sweep(committed, 13, 13, 13)
    # Three runs, one email each: the escalation to the leader, the overdue mark to the supervisor.
    assert sorted(m.to[0] for m in mail.outbox) == ["leader@example.gov.cn", "supervisor@example.gov.cn"]
    assert [phone for phone, _text in sms] == ["13912345678"]  # the escalation, once
    supervisor_kinds = set(Delivery.objects.filter(recipient=world.supervisor).values_list("kind", flat=True))
    assert supervisor_kinds == {"overdue"}
    assert "escalated" in inbox(world.supervisor)


def test_it_tells_the_citizen_of_the_reply_extension_and_send_back(world, committed, sms):
    with committed():
        case = case_in_state(world, State.HANDLING, contact_email="me@example.com")
        other = case_in_state(world, State.HANDLING, contact_phone="13700001111", contact_name="李四")
        actions.do_request_extension(case, acting_user=world.a_liaison, working_days=3, reason="需要现场勘查")
        actions.do_grant_extension(case, acting_user=world.dispatcher)
    assert [phone for phone, _text in sms] == [PHONE]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["me@example.com"]
    text = sms[0][1]
    assert case.number in text
    assert reverse("portal:unsubscribe", args=[unsubscribe_token(case)]) in text
    for foreign in (other.number, "13700001111", "李四", PHONE):
        assert foreign not in text
    with committed():
        for target in (State.DRAFTED, State.IN_REVIEW, State.APPROVED, State.PUBLISHED):
            step(world, case, target)
    assert len(sms) == 2
    assert case.number in sms[1][1]
    with committed():
        actions.do_send_back(case, acting_user=world.supervisor, reason="群众反映问题未解决")
    assert len(sms) == 3
    assert "群众反映问题未解决" not in sms[2][1]  # staff's reasons stay inside
    assert {d.kind for d in Delivery.objects.filter(recipient=None)} == {
        "extension_granted",
        "reply_published",
        "sent_back",
    }


def test_it_stops_non_essential_messages_after_the_citizen_unsubscribes(world, committed, sms):
    case = case_in_state(world, State.HANDLING)
    client = Client()
    url = reverse("portal:unsubscribe", args=[unsubscribe_token(case)])
    page = client.get(url)
    assert page.status_code == 200
    assert "138****8000" in page.content.decode()
    assert PHONE not in page.content.decode()
    assert not CitizenOptOut.objects.exists()  # looking is not unsubscribing
    assert client.post(url, {"scope": "address"}).status_code == 200
    assert client.get(reverse("portal:unsubscribe", args=["1.forged"])).status_code == 404
    with committed():
        actions.do_request_extension(case, acting_user=world.a_liaison, working_days=2, reason="需要协调")
        actions.do_grant_extension(case, acting_user=world.dispatcher)
        # The same number on another case is unsubscribed too.
        second = case_in_state(world, State.HANDLING)
        actions.do_request_extension(second, acting_user=world.a_liaison, working_days=2, reason="需要协调")
        actions.do_grant_extension(second, acting_user=world.dispatcher)
    assert sms == []
    with committed():
        for target in (State.DRAFTED, State.IN_REVIEW, State.APPROVED, State.PUBLISHED):
            step(world, case, target)
    assert len(sms) == 1  # the published reply is essential


def test_it_stops_messages_about_one_case_only(world, committed, sms):
    case = case_in_state(world, State.HANDLING)
    other = case_in_state(world, State.HANDLING)
    Client().post(reverse("portal:unsubscribe", args=[unsubscribe_token(case)]), {"scope": "case"})
    with committed():
        for c in (case, other):
            actions.do_request_extension(c, acting_user=world.a_liaison, working_days=2, reason="需要协调")
            actions.do_grant_extension(c, acting_user=world.dispatcher)
    assert len(sms) == 1
    assert other.number in sms[0][1]


def test_an_administrator_can_override_a_template_safely(world, committed, sms):
    MessageTemplate.objects.create(
        kind="extension_granted", channel="sms", body="您的留言{{ case_number }}延期至{{ due }}。{{ secret }}"
    )
    with committed():
        case = case_in_state(world, State.HANDLING)
        actions.do_request_extension(case, acting_user=world.a_liaison, working_days=2, reason="需要协调")
        actions.do_grant_extension(case, acting_user=world.dispatcher)
    assert sms[0][1].startswith(f"您的留言{case.number}延期至2")
    assert sms[0][1].endswith("。")  # unknown variables render empty
    for source in ("{% load static %}x", "{% include 'x.txt' %}", "{% if %}"):
        with pytest.raises(ValidationError):
            MessageTemplate(kind="reminder", channel="inbox", body=source).full_clean()


def test_it_delivers_once_and_retries_failures_without_leaking_the_number(world, settings, caplog, sms):
    case = case_in_state(world, State.HANDLING)
    with frozen_at(at(9)):
        actions.do_request_extension(case, acting_user=world.a_liaison, working_days=2, reason="需要协调")
        actions.do_grant_extension(case, acting_user=world.dispatcher)
    event = case.events.get(kind="grant_extension")
    ids = do_notify_event(event.pk)
    assert do_notify_event(event.pk) == ids  # the same event again: no new delivery
    assert Delivery.objects.count() == 1
    settings.WENZHENG_SMS_BACKEND = "wenzheng.notifications.sms.FailingSmsBackend"
    with caplog.at_level(logging.INFO), pytest.raises(DeliveryFailed):
        do_deliver(ids[0])
    delivery = Delivery.objects.get(pk=ids[0])
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 1)
    assert PHONE not in caplog.text
    assert "138****8000" in caplog.text
    settings.WENZHENG_SMS_BACKEND = "wenzheng.notifications.sms.LocmemSmsBackend"
    assert do_deliver(ids[0]) is True
    assert do_deliver(ids[0]) is False
    assert len(sms) == 1
    assert Delivery.objects.get(pk=ids[0]).status == DeliveryStatus.SENT
