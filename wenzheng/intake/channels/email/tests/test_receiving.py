"""receive_email: one raw email into the ledger, idempotently, joining the case it answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from wenzheng.casework import actions
from wenzheng.casework.models import Attachment, Case, CaseEvent
from wenzheng.core import clock
from wenzheng.intake.channels.email.models import EmailAccount, InboundEmail, MessageLink, Outcome
from wenzheng.intake.channels.email.receiving import (
    AUTOMATIC,
    EMPTY,
    UNREADABLE,
    AccountNotReady,
    EmailChannel,
    do_record_sent_message,
    receive_email,
)
from wenzheng.intake.channels.email.tests.mails import JPEG, b64, crlf, simple

NOW = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)  # 11:00 in Beijing, the morning the mails are dated


@pytest.fixture(autouse=True)
def _frozen_now():
    with clock.frozen_at(NOW):
        yield


def _with_attachments(message_id: str = "<att@example.cn>") -> bytes:
    return crlf(
        "From: 张三 <zhangsan@example.cn>\nSubject: 路灯不亮\nDate: Mon, 02 Mar 2026 10:00:00 +0800\n"
        f"Message-ID: {message_id}\n"
        'Content-Type: multipart/mixed; boundary="m"\n\n'
        "--m\nContent-Type: text/plain; charset=utf-8\n\n人民路路灯坏了。\n"
        "--m\nContent-Type: image/jpeg\nContent-Disposition: attachment; filename=photo.jpg\n"
        "Content-Transfer-Encoding: base64\n\n" + b64(JPEG) + "\n"
        "--m\nContent-Type: image/jpeg\nContent-Disposition: attachment; filename=scan\n"
        "Content-Transfer-Encoding: base64\n\n" + b64(JPEG) + "\n"
        "--m\nContent-Type: application/vnd.openxmlformats-officedocument.wordprocessingml.document\n"
        "Content-Disposition: attachment; filename=report.docx\nContent-Transfer-Encoding: base64\n\n"
        + b64(b"PK\x03\x04" + b"\x00" * 3000)
        + "\n--m--\n"
    )


def test_it_creates_a_case_with_contact_and_attachments(account, world):
    delivery = receive_email(account, _with_attachments())
    assert delivery.outcome == Outcome.CREATED
    assert delivery.query_code
    case = Case.objects.get()
    assert delivery.case == case
    assert (case.org, case.channel, case.source, case.external_ref) == (
        world.city,
        "email",
        "email:intake",
        "att@example.cn",
    )
    assert case.number.startswith("WZ-2026-")
    assert (case.subject, case.body) == ("路灯不亮", "人民路路灯坏了。")
    assert (case.contact_name, case.contact_email) == ("张三", "zhangsan@example.cn")
    assert case.received_at == datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # the Date header
    stored = Attachment.objects.filter(case=case).order_by("id")
    assert [(a.original_name, a.content_type, a.size) for a in stored] == [
        ("photo.jpg", "image/jpeg", len(JPEG)),
        ("scan.jpg", "image/jpeg", len(JPEG)),  # named after its content
    ]
    assert stored[0].file.read() == JPEG
    entry = InboundEmail.objects.get()
    assert (entry.account, entry.message_id, entry.case, entry.outcome) == (
        account,
        "att@example.cn",
        case,
        Outcome.CREATED,
    )
    assert entry.dropped_attachments == [{"name": "report.docx", "problem": "unsupported"}]
    assert MessageLink.objects.filter(message_id="att@example.cn", case=case, direction="received").exists()


def test_it_recognises_a_redelivery(account):
    first = receive_email(account, _with_attachments())
    events = CaseEvent.objects.count()
    again = receive_email(account, _with_attachments())
    assert again.outcome == Outcome.DUPLICATE
    assert again.case == first.case
    assert again.query_code == ""
    assert Case.objects.count() == 1
    assert CaseEvent.objects.count() == events
    assert InboundEmail.objects.count() == 1
    assert Attachment.objects.count() == 2


def test_it_accepts_a_copy_sent_to_two_addresses_of_the_organisation_once(account, world):
    other = EmailAccount.objects.create(name="mayor", org=world.city, mailbox=world.mayor_mailbox)
    first = receive_email(account, simple())
    second = receive_email(other, simple())
    assert second.outcome == Outcome.DUPLICATE
    assert second.case == first.case
    assert Case.objects.count() == 1
    assert InboundEmail.objects.filter(account=other, outcome=Outcome.DUPLICATE, case=first.case).exists()


def test_it_addresses_mail_of_a_mailbox_account_to_the_leader_mailbox(world, media):
    mayor = EmailAccount.objects.create(name="mayor", org=world.city, mailbox=world.mayor_mailbox)
    case = receive_email(mayor, simple()).case
    assert case is not None
    assert case.mailbox == world.mayor_mailbox
    assert case.source == "email:mayor"


def _reply(
    *, message_id: str, subject: str, sender: str = "张三 <zhangsan@example.cn>", headers: str = ""
) -> bytes:
    return simple(
        message_id=message_id,
        sender=sender,
        subject=subject,
        body="楼道灯也坏了。\n\n在 2026年3月2日 10:00，市网络问政受理中心 写道：\n> 您的留言已受理。\n",
        extra_headers=headers,
        date="Mon, 02 Mar 2026 10:30:00 +0800",
    )


def _added_messages(case: Case) -> list[CaseEvent]:
    return list(CaseEvent.objects.filter(case=case, kind="add_message"))


def test_it_joins_a_reply_that_names_the_first_mail_in_in_reply_to(account):
    case = receive_email(account, simple()).case
    assert case is not None
    delivery = receive_email(
        account,
        _reply(
            message_id="<r1@example.cn>",
            subject="Re: 小区电梯坏了",
            headers="In-Reply-To: <m1@mail.example.cn>\n",
        ),
    )
    assert delivery.outcome == Outcome.JOINED
    assert delivery.case == case
    assert Case.objects.count() == 1
    [event] = _added_messages(case)
    assert event.reason == "楼道灯也坏了。"  # the quoted mail is cut
    assert event.data["channel"] == "email"
    assert event.data["external_ref"] == "r1@example.cn"
    assert event.is_public
    assert MessageLink.objects.filter(message_id="r1@example.cn", case=case).exists()
    # A redelivery of the reply adds nothing.
    assert (
        receive_email(account, _reply(message_id="<r1@example.cn>", subject="x")).outcome == Outcome.DUPLICATE
    )
    assert len(_added_messages(case)) == 1


def test_it_joins_a_reply_to_a_mail_we_sent(account):
    case = receive_email(account, simple()).case
    assert case is not None
    do_record_sent_message(case, "<ack-1@wenzheng.example.gov.cn>")
    delivery = receive_email(
        account,
        _reply(
            message_id="<r2@example.cn>",
            subject="Re: 受理通知",
            sender="家属 <relative@example.cn>",  # anyone in the thread
            headers="References: <ack-1@wenzheng.example.gov.cn>\n",
        ),
    )
    assert (delivery.outcome, delivery.case) == (Outcome.JOINED, case)


def test_it_joins_a_reply_with_the_case_number_in_the_subject_from_the_same_sender(account):
    case = receive_email(account, simple()).case
    assert case is not None
    subject = f"回复：小区电梯坏了 [{case.number}]"
    delivery = receive_email(
        account, _reply(message_id="<r3@example.cn>", subject=subject, sender="ZhangSan@Example.cn")
    )
    assert (delivery.outcome, delivery.case) == (Outcome.JOINED, case)
    assert len(_added_messages(case)) == 1


def test_it_adds_the_subject_when_a_reply_only_quotes_and_attaches(account):
    case = receive_email(account, simple()).case
    assert case is not None
    reply = crlf(
        "From: 张三 <zhangsan@example.cn>\nSubject: Re: 补充照片\nMessage-ID: <r6@example.cn>\n"
        "In-Reply-To: <m1@mail.example.cn>\n"
        'Content-Type: multipart/mixed; boundary="m"\n\n'
        "--m\nContent-Type: text/plain; charset=utf-8\n\n> 三号楼电梯坏了一周，无人维修。\n"
        "--m\nContent-Type: image/jpeg\nContent-Disposition: attachment; filename=photo.jpg\n"
        "Content-Transfer-Encoding: base64\n\n" + b64(JPEG) + "\n--m--\n"
    )
    delivery = receive_email(account, reply)
    assert delivery.outcome == Outcome.JOINED
    [event] = _added_messages(case)
    assert event.reason == "Re: 补充照片"
    assert event.data["attachments"] == ["photo.jpg"]


def test_it_does_not_let_a_stranger_write_into_a_case_by_its_number(account):
    case = receive_email(account, simple()).case
    assert case is not None
    delivery = receive_email(
        account, _reply(message_id="<r4@example.cn>", subject=f"关于 {case.number}", sender="x@spam.example")
    )
    assert delivery.outcome == Outcome.CREATED
    assert delivery.case != case
    assert _added_messages(case) == []


def test_it_opens_a_new_case_when_the_answered_case_is_closed(account, world):
    case = receive_email(account, simple()).case
    assert case is not None
    actions.do_reject(case, acting_user=world.intake, reason="不属于受理范围")
    delivery = receive_email(
        account,
        _reply(
            message_id="<r5@example.cn>",
            subject=f"Re: [{case.number}]",
            headers="In-Reply-To: <m1@mail.example.cn>\n",
        ),
    )
    assert delivery.outcome == Outcome.CREATED
    assert delivery.case is not None
    assert delivery.case != case
    assert "您的留言已受理" in delivery.case.body  # a new case keeps the whole text


def test_it_logs_an_unreadable_message_as_rejected_and_tries_it_again(account):
    first = receive_email(account, b"this is not an email\n")
    assert (first.outcome, first.reason) == (Outcome.REJECTED, UNREADABLE)
    again = receive_email(account, b"this is not an email\n")
    assert again.outcome == Outcome.REJECTED
    entry = InboundEmail.objects.get()
    assert entry.outcome == Outcome.REJECTED
    assert entry.message_id.startswith("sha256:")
    assert entry.error.startswith("unreadable")
    assert Case.objects.count() == 0


def test_it_rejects_auto_replies_and_empty_mail(account):
    auto = receive_email(account, simple(extra_headers="Auto-Submitted: auto-replied\n"))
    assert (auto.outcome, auto.reason) == (Outcome.REJECTED, AUTOMATIC)
    empty = receive_email(account, simple(message_id="<e@x>", subject="", body=""))
    assert (empty.outcome, empty.reason) == (Outcome.REJECTED, EMPTY)
    assert Case.objects.count() == 0


def test_it_fills_in_a_missing_subject_or_text(account):
    no_subject = receive_email(account, simple(message_id="<s1@x>", subject="", body="第一行是诉求\n第二行"))
    assert no_subject.case is not None
    assert no_subject.case.subject == "第一行是诉求"
    no_text = receive_email(account, simple(message_id="<s2@x>", subject="只有标题", body=""))
    assert no_text.case is not None
    assert no_text.case.body == "只有标题"


def test_it_shortens_what_the_ledger_cannot_hold(account):
    delivery = receive_email(account, simple(subject="长" * 300, body="字" * 30_000))
    assert delivery.case is not None
    assert len(delivery.case.subject) == 200
    assert len(delivery.case.body) == 20_000


def test_it_believes_a_recent_date_but_not_an_old_or_future_one(account):
    recent = receive_email(account, simple(message_id="<d1@x>", date="Sun, 01 Mar 2026 09:00:00 +0800")).case
    old = receive_email(account, simple(message_id="<d2@x>", date="Thu, 01 Jan 2015 09:00:00 +0800")).case
    future = receive_email(account, simple(message_id="<d3@x>", date="Fri, 01 Jan 2027 09:00:00 +0800")).case
    assert [case.received_at if case else None for case in (recent, old, future)] == [
        datetime(2026, 3, 1, 1, 0, tzinfo=UTC),
        NOW,
        NOW,
    ]


def test_it_believes_the_servers_arrival_time(account):
    arrived = NOW - timedelta(days=10)  # the poller was down; the server knows when it came
    case = receive_email(account, simple(), arrived_at=arrived).case
    assert case is not None
    assert case.received_at == arrived


def test_it_refuses_to_receive_for_an_account_that_is_not_ready(account, world):
    account.is_active = False
    with pytest.raises(AccountNotReady):
        receive_email(account, simple())
    account.is_active = True
    world.mayor_mailbox.is_active = False
    world.mayor_mailbox.save()
    account.mailbox = world.mayor_mailbox
    with pytest.raises(AccountNotReady):
        receive_email(account, simple())


def test_it_validates_the_account_configuration(world):
    account = EmailAccount(name="bad name", org=world.district_a, mailbox=None, host="imap.example.cn")
    with pytest.raises(ValidationError) as error:
        account.full_clean()
    assert set(error.value.message_dict) == {"name", "org", "username"}
    other = EmailAccount(name="other", org=world.other_city, mailbox=world.mayor_mailbox)
    with pytest.raises(ValidationError) as error:
        other.full_clean()
    assert set(error.value.message_dict) == {"mailbox"}


def test_it_reads_the_password_from_the_environment(monkeypatch, world):
    monkeypatch.setenv("WZ_TEST_IMAP_PASSWORD", "s3cret")
    assert EmailAccount(password="env:WZ_TEST_IMAP_PASSWORD").get_password() == "s3cret"
    assert EmailAccount(password="plain").get_password() == "plain"


def test_it_offers_the_channel_interface(account):
    [submission] = EmailChannel(account).parse(_with_attachments())
    assert (submission.channel, submission.source, submission.external_ref) == (
        "email",
        "email:intake",
        "att@example.cn",
    )
    assert [a.name for a in submission.attachments] == ["photo.jpg", "scan.jpg"]
    assert Case.objects.count() == 0  # parsing writes nothing
