"""The public board follows the ledger: only public, published cases, masked, flagged while re-handled."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from wenzheng.casework import actions
from wenzheng.casework.models import Case, Satisfaction
from wenzheng.casework.workflow import State
from wenzheng.lib.masking import mask_text
from wenzheng.portal import publication
from wenzheng.portal.models import PublicEntry
from wenzheng.portal.publication import rebuild_all, refresh_entry
from wenzheng.testing.chain import case_in_state, step
from wenzheng.testing.personas import World

SUBJECT = "小区电梯坏了，联系13912345678"
BODY = "我叫王小明，电话13912345678，住在甲区幸福小区3栋2单元501室，电梯坏了三周。"
SECRETS = ("13912345678", "王小明", "小明", "501室")

Capture = Callable[..., AbstractContextManager[Any]]


@pytest.fixture
def published(world: World, committed: Callable[[], AbstractContextManager[Any]]) -> Case:
    with committed():
        return case_in_state(world, State.PUBLISHED, subject=SUBJECT, body=BODY)


def republish(world: World, case: Case, reply: str) -> None:
    """Handle a sent-back case again, through to a new publication."""
    actions.do_draft_reply(case, acting_user=world.a_handler, body=reply)
    for target in (State.IN_REVIEW, State.APPROVED, State.PUBLISHED):
        step(world, case, target)


def test_it_publishes_a_public_case_with_masked_texts(world: World, published: Case) -> None:
    entry = PublicEntry.objects.get(case=published)

    assert entry.number == published.number
    assert entry.subject == mask_text(SUBJECT)
    assert entry.body == mask_text(BODY)
    assert entry.reply == "经调查核实，已于本周修复。"
    assert entry.reply_unit == world.district_a.name
    assert not entry.is_rehandling
    for secret in SECRETS:
        assert secret not in entry.subject
        assert secret not in entry.body
        assert secret not in entry.search_text
    assert "139****5678" in entry.body
    assert "王**" in entry.body
    assert (entry.lead_unit, entry.org, entry.territory) == (world.district_a, world.city, world.district_a)
    assert entry.territory_path == world.district_a.path
    assert (entry.category, entry.category_path) == (world.leaf, "城乡建设/住房保障/物业管理")
    assert entry.published_at == published.published_at
    assert entry.received_at == published.received_at
    assert entry.search_text.startswith(" ")
    assert entry.search_text.endswith(" ")
    assert " 电梯 " in entry.search_text


def test_it_masks_personal_data_in_the_reply(world: World, committed: Any) -> None:
    with committed():
        case = case_in_state(world, State.HANDLING, subject="路灯不亮", body="路灯坏了")
        actions.do_draft_reply(
            case, acting_user=world.a_handler, body="已联系反映人王小明（13912345678），路灯已修复。"
        )
        for target in (State.IN_REVIEW, State.APPROVED, State.PUBLISHED):
            step(world, case, target)

    entry = PublicEntry.objects.get(case=case)
    assert "13912345678" not in entry.reply
    assert "王小明" not in entry.reply
    assert "路灯已修复" in entry.reply
    assert " 13912345678 " not in entry.search_text


def test_it_never_puts_a_private_case_on_the_board(world: World, committed: Any) -> None:
    with committed():
        case = case_in_state(world, State.PUBLISHED, is_public=False, subject=SUBJECT, body=BODY)
        step(world, case, State.FOLLOWED_UP)
        step(world, case, State.ARCHIVED)

    assert case.published_at is not None
    assert not PublicEntry.objects.exists()
    assert refresh_entry(case) is None


def test_it_leaves_unpublished_cases_off_the_board(world: World, committed: Any) -> None:
    with committed():
        case = case_in_state(world, State.APPROVED)

    assert refresh_entry(case) is None
    assert not PublicEntry.objects.exists()


def test_it_keeps_a_sent_back_entry_flagged_until_the_next_publication(
    world: World, published: Case, committed: Any
) -> None:
    first_published_at = published.published_at

    with committed():
        actions.do_send_back(published, acting_user=world.supervisor, reason="明察暗访发现电梯仍未修复")
    entry = PublicEntry.objects.get(case=published)
    assert entry.is_rehandling
    assert entry.reply == "经调查核实，已于本周修复。"

    with committed():
        republish(world, published, "已更换电梯主板，经回访电梯运行正常。")
    entry.refresh_from_db()
    assert not entry.is_rehandling
    assert entry.reply == "已更换电梯主板，经回访电梯运行正常。"
    assert first_published_at is not None
    assert entry.published_at > first_published_at
    assert " 主板 " in entry.search_text
    assert PublicEntry.objects.count() == 1


def test_it_flags_re_handling_after_an_unsatisfied_rating(
    world: World, published: Case, committed: Any
) -> None:
    with committed():
        actions.do_rate(published, acting_user=world.citizen, result=Satisfaction.UNSATISFIED)

    published.refresh_from_db()
    assert published.state == State.HANDLING
    entry = PublicEntry.objects.get(case=published)
    assert entry.is_rehandling
    assert entry.satisfaction == ""


def test_it_keeps_the_entry_through_follow_up_and_archive(
    world: World, published: Case, committed: Any
) -> None:
    with committed():
        step(world, published, State.FOLLOWED_UP)
    assert PublicEntry.objects.get(case=published).satisfaction == Satisfaction.SATISFIED

    with committed():
        step(world, published, State.ARCHIVED)
    entry = PublicEntry.objects.get(case=published)
    assert not entry.is_rehandling
    assert entry.satisfaction == Satisfaction.SATISFIED


def test_it_removes_the_entry_when_a_re_handled_case_is_withdrawn(
    world: World, published: Case, committed: Any
) -> None:
    with committed():
        actions.do_send_back(published, acting_user=world.supervisor, reason="结果不合格")
    assert PublicEntry.objects.filter(case=published).exists()

    with committed():
        actions.do_withdraw(published, acting_user=world.citizen)
    assert not PublicEntry.objects.filter(case=published).exists()


def test_it_refreshes_idempotently(published: Case) -> None:
    before = PublicEntry.objects.get(case=published)

    again = refresh_entry(published)
    refresh_entry(published)

    assert again is not None
    assert again.pk == before.pk
    assert PublicEntry.objects.count() == 1
    assert (again.subject, again.body, again.reply, again.search_text) == (
        before.subject,
        before.body,
        before.reply,
        before.search_text,
    )


def test_it_rebuilds_missing_entries_and_drops_private_cases(world: World, committed: Any) -> None:
    with committed():
        kept = case_in_state(world, State.PUBLISHED, subject="小区电梯坏了", body="电梯坏了")
        hidden = case_in_state(world, State.ARCHIVED, subject="路灯不亮", body="路灯坏了")
        case_in_state(world, State.HANDLING, subject="未发布", body="还在办理")
    assert PublicEntry.objects.count() == 2
    PublicEntry.objects.filter(case=kept).delete()
    Case.objects.filter(pk=hidden.pk).update(is_public=False)

    shown = rebuild_all(batch_size=1)

    assert shown == 1
    assert list(PublicEntry.objects.values_list("case_id", flat=True)) == [kept.pk]


def test_it_rebuilds_from_the_command(published: Case) -> None:
    PublicEntry.objects.all().delete()
    out = StringIO()

    call_command("portal", "rebuild", "--batch-size", "10", stdout=out)

    assert "1 entries" in out.getvalue()
    assert PublicEntry.objects.filter(case=published).exists()


def test_it_logs_instead_of_raising_when_the_board_cannot_be_updated(
    world: World, committed: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(case: Case) -> None:
        raise RuntimeError("board down")

    with committed():
        case = case_in_state(world, State.APPROVED)
    monkeypatch.setattr(publication, "refresh_entry", broken)

    with caplog.at_level(logging.ERROR, logger="wenzheng.portal.publication"), committed():
        actions.do_publish(case, acting_user=world.intake)

    case.refresh_from_db()
    assert case.state == State.PUBLISHED
    assert not PublicEntry.objects.exists()
    messages = [r.getMessage() for r in caplog.records if r.name == "wenzheng.portal.publication"]
    assert messages == [f"Could not refresh the public entry of case {case.pk} after publish"]
