"""The workbench's reports page: supervisors and analysts of the ledger's jurisdiction only."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from wenzheng.insight.reports.tests.helpers import pdf_text, xlsx_sheets
from wenzheng.testing.personas import World


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def download(user, kind: str, org: str, **period: str):
    return client_for(user).get(reverse("workbench:report_download", args=[kind]), {"org": org, **period})


def test_supervisors_and_analysts_get_the_page_with_their_ledgers(world: World):
    for user in (world.supervisor, world.analyst):
        page = client_for(user).get(reverse("workbench:reports")).content.decode()
        assert 'value="T-C"' in page
        assert "邻市" not in page
        assert reverse("workbench:report_download", args=["digest.pdf"]) in page
    page = client_for(world.other_dispatcher).get(reverse("workbench:reports")).content.decode()
    assert 'value="T-O"' in page
    assert 'value="T-C"' not in page


@pytest.mark.parametrize("name", ["a_liaison", "b_leader", "dispatcher", "citizen", "nobody"])
def test_other_roles_see_nothing(world: World, name: str):
    user = world.by_name(name)
    assert client_for(user).get(reverse("workbench:reports")).status_code == 404
    assert download(user, "bulletin.pdf", "T-C", month="2026-11").status_code == 404


def test_another_citys_supervisor_cannot_download_this_ledger(world: World):
    assert download(world.other_dispatcher, "bulletin.xlsx", "T-C", month="2026-11").status_code == 404
    assert download(world.other_dispatcher, "digest.pdf", "T-C", week="2026-W46").status_code == 404
    assert download(world.other_dispatcher, "digest.pdf", "T-O", week="2026-W46").status_code == 200


def test_anonymous_users_are_sent_to_log_in():
    response = Client().get(reverse("workbench:reports"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_a_wrong_period_or_kind_is_refused(world: World):
    response = download(world.supervisor, "bulletin.pdf", "T-C", month="2026-13")
    assert response.status_code == 302
    assert download(world.supervisor, "bulletin.docx", "T-C", month="2026-11").status_code == 404


def test_the_downloads_carry_the_ledgers_cases(world: World, ledger):
    response = download(world.supervisor, "bulletin.pdf", "T-C", month="2026-11")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="bulletin-T-C-2026-11.pdf"'
    assert ledger.open.number in pdf_text(response.content)
    sheets = xlsx_sheets(download(world.analyst, "bulletin.xlsx", "T-C", month="2026-11").content)
    assert ledger.late.number in [r[2] for r in sheets["逾期办结清单"][1:]]
    digest = download(world.analyst, "digest.html", "T-C", week="2026-W46")
    assert digest["Content-Security-Policy"].startswith("default-src 'none'")
    assert ledger.alarming.number in digest.content.decode()
    assert ledger.important.number in pdf_text(
        download(world.supervisor, "digest.pdf", "T-C", week="2026-W46").content
    )
    assert "满意度" in pdf_text(download(world.supervisor, "feedback.pdf", "T-C", month="2026-11").content)
