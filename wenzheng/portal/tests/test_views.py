"""The public pages: writing (and every kind of bad input), tracking with lock-out, rating, the
board's privacy, accounts and the large-text switch."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from wenzheng.accounts.models import User
from wenzheng.casework import actions
from wenzheng.casework.models import Attachment, Case
from wenzheng.casework.workflow import State
from wenzheng.portal.models import PublicEntry
from wenzheng.testing.chain import case_in_state

CJK = re.compile(r"[\u4e00-\u9fff]")
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
PDF = b"%PDF-1.4\n" + b"0" * 64


def message(**extra):
    return {
        "subject": "小区路灯不亮",
        "body": "东湖区桂花街道三号路口路灯坏了两周",
        "contact_phone": "13912345678",
        "is_public": "1",
        **extra,
    }


def errors_of(response, field: str) -> list[str]:
    return [str(e) for e in response.context["form"].errors.get(field, [])]


def test_it_takes_a_message_without_an_account_and_shows_number_and_code_once(world):
    client = Client()
    response = client.post(reverse("portal:write"), message())
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.channel == "web"
    assert case.citizen is None
    page = client.get(reverse("portal:written")).content.decode()
    assert case.number in page
    code = re.search(r'id="query-code">([A-Z0-9]{8})<', page).group(1)
    assert client.get(reverse("portal:written")).status_code == 302  # shown once only
    assert Client().post(reverse("portal:track"), {"number": case.number, "code": code}).status_code == 302


def test_it_sends_a_message_to_a_leader_mailbox(world):
    response = Client().post(reverse("portal:write"), message(mailbox=world.mayor_mailbox.pk))
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.channel == "mailbox"
    assert case.mailbox == world.mayor_mailbox


def test_it_links_the_message_to_a_logged_in_citizen(world):
    client = Client()
    client.force_login(world.citizen)
    client.post(reverse("portal:write"), message())
    case = Case.objects.get()
    assert case.citizen == world.citizen
    assert case.number in client.get(reverse("portal:my")).content.decode()
    assert client.get(reverse("portal:tracked", args=[case.number])).status_code == 200


@pytest.mark.parametrize(
    ("field", "data"),
    [
        ("subject", {"subject": ""}),
        ("body", {"body": "   "}),
        ("body", {"body": "长" * 50_000}),
        ("contact_phone", {"contact_phone": "12345"}),
        ("contact_phone", {"contact_phone": ""}),
        ("contact_email", {"contact_phone": "", "contact_email": "not-an-email"}),
    ],
)
def test_it_refuses_bad_input_in_chinese_and_saves_nothing(world, field, data):
    response = Client().post(reverse("portal:write"), message(**data))
    assert response.status_code == 400
    errors = errors_of(response, field)
    assert errors
    assert all(CJK.search(e) for e in errors), errors
    assert Case.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("photo.jpg", PDF, "image/jpeg"),  # a PDF pretending to be a photo
        ("photo.png", b"MZ\x90\x00" + b"\x00" * 64, "image/png"),  # a Windows program
        ("big.jpg", JPEG + b"\x00" * (10 * 1024 * 1024), "image/jpeg"),  # over 10 MB
        ("empty.pdf", b"", "application/pdf"),
    ],
)
def test_it_refuses_a_bad_attachment_and_saves_nothing(
    world, settings, tmp_path, name, content, content_type
):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    response = Client().post(reverse("portal:write"), {**message(), "attachments": [upload]})
    assert response.status_code == 400
    assert all(CJK.search(e) for e in errors_of(response, "attachments"))
    assert Case.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert not any(tmp_path.rglob("*.*"))


def test_it_keeps_good_attachments(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    files = [
        SimpleUploadedFile("现场.jpg", JPEG, "image/jpeg"),
        SimpleUploadedFile("说明.pdf", PDF, "application/pdf"),
    ]
    assert Client().post(reverse("portal:write"), {**message(), "attachments": files}).status_code == 302
    assert sorted(Attachment.objects.values_list("original_name", flat=True)) == ["现场.jpg", "说明.pdf"]


def test_it_limits_messages_per_hour_and_asks_a_question_after_a_few(world, settings):
    settings.WENZHENG_SUBMISSIONS_PER_HOUR = 3
    settings.WENZHENG_CAPTCHA_AFTER = 1
    client = Client()
    assert client.post(reverse("portal:write"), message(subject="第一条")).status_code == 302
    response = client.post(reverse("portal:write"), message(subject="第二条"))  # no answer given
    assert response.status_code == 400
    assert errors_of(response, "captcha")
    question = response.context["question"]
    assert question
    assert Case.objects.count() == 1
    for subject in ("第三条", "第四条", "第五条"):
        client.post(reverse("portal:write"), message(subject=subject))
    assert Case.objects.count() == 1  # no correct answers: nothing more got through


def test_it_locks_out_repeated_wrong_query_codes(world):
    receipt = actions.do_receive_message(channel="web", org=world.city, subject="噪音", body="夜间施工")
    client = Client()
    for _ in range(5):
        response = client.post(reverse("portal:track"), {"number": receipt.case.number, "code": "WRONG123"})
        assert response.status_code == 400
    response = client.post(
        reverse("portal:track"), {"number": receipt.case.number, "code": receipt.query_code}
    )
    assert response.status_code == 400
    text = " ".join(response.context["form"].non_field_errors())
    assert CJK.search(text)
    assert "分钟" in text


def test_it_shows_the_reply_and_reopens_the_case_on_an_unsatisfied_rating(
    world, django_capture_on_commit_callbacks
):
    receipt = actions.do_receive_message(
        channel="web", org=world.city, subject="电梯故障", body="三栋电梯坏了"
    )
    case = receipt.case
    from wenzheng.testing.chain import PATH, step

    with django_capture_on_commit_callbacks(execute=True):
        for target in PATH[1 : PATH.index(State.PUBLISHED) + 1]:
            step(world, case, target)
    client = Client()
    client.post(reverse("portal:track"), {"number": case.number, "code": receipt.query_code})
    page = client.get(reverse("portal:tracked", args=[case.number])).content.decode()
    assert "经调查核实" in page
    response = client.post(
        reverse("portal:rate", args=[case.number]), {"result": "unsatisfied", "comment": ""}
    )
    assert response.status_code == 400  # a reason is asked for
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("portal:rate", args=[case.number]), {"result": "unsatisfied", "comment": "电梯仍然坏"}
        )
    case.refresh_from_db()
    assert case.state == State.HANDLING
    assert PublicEntry.objects.get(case=case).is_rehandling


def test_it_never_shows_a_private_case_in_public(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        private = case_in_state(world, State.PUBLISHED, is_public=False, subject="私密留言标题")
        public = case_in_state(world, State.PUBLISHED, subject="公开留言标题")
    client = Client()
    board = client.get(reverse("portal:board")).content.decode()
    assert "公开留言标题" in board
    assert "私密留言标题" not in board
    assert client.get(reverse("portal:board_detail", args=[private.number])).status_code == 404
    assert client.get(reverse("portal:board_detail", args=[public.number])).status_code == 200
    assert (
        client.get(reverse("portal:tracked", args=[private.number])).status_code == 302
    )  # asks for the code
    assert "私密留言标题" not in client.get(reverse("portal:home")).content.decode()


def test_it_registers_and_logs_in_with_a_phone_or_an_email(world):
    client = Client()
    response = client.post(
        reverse("portal:register"),
        {"login": "139 0000 1111", "password1": "qinglan-2026!", "password2": "qinglan-2026!"},
    )
    assert response.status_code == 302
    assert User.objects.get(User.phone_lookup("13900001111"))
    client.post(reverse("portal:logout"))
    assert client.login(username="13900001111", password="qinglan-2026!")
    other = Client()
    other.post(
        reverse("portal:register"),
        {"login": "Wang@Example.com", "password1": "qinglan-2026!", "password2": "qinglan-2026!"},
    )
    assert other.login(username="wang@example.com", password="qinglan-2026!")
    again = Client().post(
        reverse("portal:register"),
        {"login": "wang@example.COM", "password1": "qinglan-2026!", "password2": "qinglan-2026!"},
    )
    assert again.status_code == 400
    assert User.objects.filter(email__iexact="wang@example.com").count() == 1


def test_it_switches_large_text_and_never_redirects_off_site(world):
    client = Client()
    response = client.get(reverse("portal:large_text") + "?next=/board/")
    assert response["Location"] == "/board/"
    assert 'class="large-text"' in client.get(reverse("portal:home")).content.decode()
    response = client.get(reverse("portal:large_text") + "?next=https://evil.example/")
    assert response["Location"] == "/"
