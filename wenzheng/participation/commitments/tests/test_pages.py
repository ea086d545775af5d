"""Portal and workbench pages of reports and commitments."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from wenzheng.core import clock
from wenzheng.participation.commitments import actions
from wenzheng.participation.commitments.models import Commitment, Publication, WorkReport

pytestmark = pytest.mark.django_db


def today():
    return clock.now().astimezone(clock.local_tz()).date()


def test_it_shows_only_published_reports_and_commitments_on_the_portal(world, leader):
    published = actions.do_create_report(
        world.district_a,
        acting_user=world.a_leader,
        leader=leader,
        period=today(),
        title="已发布的月报",
        body="内容甲",
    )
    actions.do_publish_report(published, acting_user=world.a_leader)
    actions.do_create_report(
        world.district_a, acting_user=world.a_leader, period=today(), title="草稿月报", body="内容乙"
    )
    promise = actions.do_create_commitment(
        world.district_a,
        acting_user=world.a_leader,
        leader=leader,
        title="公开承诺一",
        target_date=today() + timedelta(days=9),
    )
    actions.do_publish_commitment(promise, acting_user=world.a_leader)
    actions.do_report_progress(promise, acting_user=world.a_leader, text="进展顺利")
    client = Client()
    month = published.period
    pages = [
        reverse("commitments:index"),
        reverse("commitments:month", args=[month.year, month.month]),
        reverse("commitments:unit", args=[world.district_a.code]),
        reverse("commitments:leader", args=[leader.pk]),
    ]
    for url in pages:
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200, url
        assert "已发布的月报" in html, url
        assert "草稿月报" not in html, url
        assert "<b>明</b>" not in html, url  # escaped
    unit_page = client.get(reverse("commitments:unit", args=[world.district_a.code])).content.decode()
    assert "公开承诺一" in unit_page
    assert "进展顺利" in unit_page
    assert client.get(reverse("commitments:report", args=[published.pk])).status_code == 200
    draft = WorkReport.objects.get(state=Publication.DRAFT)
    assert client.get(reverse("commitments:report", args=[draft.pk])).status_code == 404
    assert client.get(reverse("commitments:commitment", args=[promise.pk])).status_code == 200
    assert client.get(reverse("commitments:unit", args=[world.district_b.code])).status_code == 404


def test_it_writes_and_publishes_through_the_workbench(world, leader):
    client = Client()
    client.force_login(world.a_leader)
    response = client.post(
        reverse("workbench:commitments:report_new"),
        {
            "unit": world.district_a.pk,
            "leader": leader.pk,
            "period": today().strftime("%Y-%m"),
            "title": "页面月报",
            "body": "正文",
        },
    )
    assert response.status_code == 302
    report = WorkReport.objects.get()
    assert report.state == Publication.DRAFT
    assert "页面月报" not in Client().get(reverse("commitments:index")).content.decode()
    response = client.post(reverse("workbench:commitments:report_act", args=[report.pk, "publish"]))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == Publication.PUBLISHED
    assert "页面月报" in Client().get(reverse("commitments:index")).content.decode()

    bad = client.post(
        reverse("workbench:commitments:commitment_new"),
        {
            "unit": world.district_a.pk,
            "title": "过去的承诺",
            "target_date": (today() - timedelta(days=1)).isoformat(),
        },
    )
    assert bad.status_code == 400
    assert not Commitment.objects.exists()


def test_it_hides_another_units_drafts_and_refuses_their_forms(world, leader):
    report = actions.do_create_report(
        world.district_a, acting_user=world.a_leader, period=today(), title="甲区草稿", body="内容"
    )
    client = Client()
    client.force_login(world.b_leader)
    assert client.get(reverse("workbench:commitments:report", args=[report.pk])).status_code == 404
    assert (
        client.post(reverse("workbench:commitments:report_act", args=[report.pk, "publish"])).status_code
        == 404
    )
    client.force_login(world.a_liaison)  # sees the unit's drafts, does not publish them
    assert client.get(reverse("workbench:commitments:report", args=[report.pk])).status_code == 200
    assert (
        client.post(reverse("workbench:commitments:report_act", args=[report.pk, "publish"])).status_code
        == 403
    )
    report.refresh_from_db()
    assert report.state == Publication.DRAFT
