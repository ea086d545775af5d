"""The workbench inbox: only one's own notifications, keyset pages, mark as read, the nav badge."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.urls import reverse

from wenzheng.core import clock
from wenzheng.notifications.models import Notification
from wenzheng.testing.personas import HOSTILE_SUBJECT, World


def notify(user, count: int, subject: str = "提醒") -> list[Notification]:
    now = clock.now()
    return Notification.objects.bulk_create(
        Notification(
            recipient=user,
            kind="reminder",
            subject=f"{subject} {i:02d}",
            body=HOSTILE_SUBJECT,
            link="/workbench/",
            created_at=now - timedelta(minutes=i),
            dedupe_key=f"test:{user.pk}:{subject}:{i}",
        )
        for i in range(count)
    )


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_it_shows_only_the_users_own_notifications_escaped(world: World):
    notify(world.a_liaison, 2, "甲区提醒")
    notify(world.b_liaison, 1, "乙区提醒")
    page = client_for(world.b_liaison).get(reverse("workbench:inbox")).content.decode()
    assert "乙区提醒 00" in page
    assert "甲区提醒" not in page
    assert "<script>alert" not in page
    assert "&lt;script&gt;" in page
    page = client_for(world.a_liaison).get(reverse("workbench:inbox")).content.decode()
    assert "甲区提醒 00" in page
    assert "甲区提醒 01" in page
    assert "乙区提醒" not in page


def test_it_is_for_staff_only(world: World):
    notify(world.citizen, 1)
    assert client_for(world.citizen).get(reverse("workbench:inbox")).status_code == 404
    response = Client().get(reverse("workbench:inbox"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("workbench:login"))


def test_it_pages_by_keyset(world: World):
    notify(world.a_liaison, 35)
    client = client_for(world.a_liaison)
    first = client.get(reverse("workbench:inbox"))
    page = first.context["page"]
    assert len(page.items) == 30
    assert page.next_cursor
    second = client.get(reverse("workbench:inbox") + f"?cursor={page.next_cursor}").context["page"]
    assert [n.subject for n in second.items] == [f"提醒 {i:02d}" for i in range(30, 35)]
    assert second.next_cursor is None


def test_it_marks_read_only_the_users_own_and_counts_unread_in_the_nav(world: World):
    mine = notify(world.a_liaison, 3)
    theirs = notify(world.b_liaison, 1)
    client = client_for(world.a_liaison)
    page = client.get(reverse("workbench:home")).content.decode()
    assert 'class="badge" aria-label' in page
    assert ">3</span>" in page
    client.post(reverse("workbench:inbox_read"), {"id": [str(mine[0].pk), str(theirs[0].pk)]})
    assert Notification.objects.filter(recipient=world.a_liaison, read_at__isnull=True).count() == 2
    assert Notification.objects.get(pk=theirs[0].pk).read_at is None
    unread = client.get(reverse("workbench:inbox") + "?show=unread").context["page"]
    assert len(unread.items) == 2
    client.post(reverse("workbench:inbox_read"), {"all": "1"})
    assert not Notification.objects.filter(recipient=world.a_liaison, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=theirs[0].pk).read_at is None
    assert client.get(reverse("workbench:inbox_read")).status_code == 405
