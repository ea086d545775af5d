"""The unit's written result (files attached to a draft reply) passes the same content checks as
citizens' attachments: the type comes from the file's first bytes and must match its name."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from wenzheng.casework.models import Attachment
from wenzheng.casework.workflow import State
from wenzheng.testing.chain import case_in_state
from wenzheng.testing.personas import World

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def draft(world: World, case, *files: SimpleUploadedFile):
    client = Client()
    client.force_login(world.a_handler)
    url = reverse("workbench:act", args=[case.number, "draft_reply"])
    return client.post(url, {"body": "经调查核实，已处理。", "attachments": list(files)})


def test_it_refuses_an_executable_named_like_a_pdf_and_keeps_nothing(world: World) -> None:
    case = case_in_state(world, State.HANDLING)

    response = draft(world, case, SimpleUploadedFile("办理结果.pdf", EXE, content_type="application/pdf"))

    assert response.status_code == 400
    assert "办理结果.pdf" in response.content.decode()
    assert not case.replies.exists()
    assert not Attachment.objects.filter(case=case).exists()


def test_it_refuses_a_pdf_named_like_an_image(world: World) -> None:
    case = case_in_state(world, State.HANDLING)

    response = draft(world, case, SimpleUploadedFile("现场照片.jpg", PDF, content_type="image/jpeg"))

    assert response.status_code == 400
    assert not case.replies.exists()


def test_it_keeps_a_real_pdf_as_the_written_result(world: World) -> None:
    case = case_in_state(world, State.HANDLING)

    response = draft(world, case, SimpleUploadedFile("办理结果.pdf", PDF, content_type="application/pdf"))

    assert response.status_code == 302
    assert Attachment.objects.filter(case=case, is_result=True, original_name="办理结果.pdf").exists()
