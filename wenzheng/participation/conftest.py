"""Fixtures shared by the participation components' tests (live/, commitments/, … may use them)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest

from wenzheng.accounts.models import User
from wenzheng.core.clock import now
from wenzheng.participation.consultations import actions as consultation_actions
from wenzheng.participation.consultations.actions import SectionInput
from wenzheng.participation.consultations.models import Consultation
from wenzheng.participation.polls import actions as poll_actions
from wenzheng.participation.polls.models import Poll
from wenzheng.testing.personas import HOSTILE_SUBJECT, World


def make_citizen(index: int, *, name: str = "张小明", phone: str | None = None) -> User:
    """A portal account registered by mobile number (the eligibility of polls)."""
    number = phone if phone is not None else f"139{index:08d}"
    return User.objects.create_user(
        username=f"citizen-{index}", password=f"pw-citizen-{index}", phone=number, full_name=name
    )


@pytest.fixture
def citizens(db: None) -> Callable[..., User]:
    return make_citizen


def open_consultation(
    world: World, *, moderation: str = "pre", organiser: Any = None, **extra: Any
) -> Consultation:
    """A published consultation of district A, open since an hour, closing in a week, two sections."""
    start = extra.pop("opens_at", now() - timedelta(hours=1))
    consultation = consultation_actions.do_create_consultation(
        organiser or world.district_a,
        acting_user=world.a_liaison if organiser is None else world.admin,
        title=extra.pop("title", "甲区老旧小区改造三年行动方案（征求意见稿）" + HOSTILE_SUBJECT),
        summary=extra.pop("summary", "现就方案公开征求意见。"),
        moderation=moderation,
        opens_at=start,
        closes_at=extra.pop("closes_at", now() + timedelta(days=7)),
        sections=[
            SectionInput("总体目标", "到2028年完成全部老旧小区改造。"),
            SectionInput("重点任务", "加装电梯、雨污分流、停车设施。"),
        ],
    )
    if extra.pop("publish", True):
        consultation_actions.do_open_consultation(consultation, acting_user=world.admin)
    return consultation


def running_poll(
    world: World, *, kind: str = "single", results_visibility: str = "always", **extra: Any
) -> Poll:
    start: datetime = extra.pop("opens_at", now() - timedelta(hours=1))
    poll = poll_actions.do_create_poll(
        extra.pop("organiser", world.district_a),
        acting_user=world.a_liaison,
        title=extra.pop("title", "您最希望优先改造的公共设施是？"),
        description="",
        kind=kind,
        min_choices=extra.pop("min_choices", 1),
        max_choices=extra.pop("max_choices", 1 if kind == "single" else 2),
        results_visibility=results_visibility,
        opens_at=start,
        closes_at=extra.pop("closes_at", now() + timedelta(days=7)),
        choices=extra.pop("choices", ["加装电梯", "停车位", "社区食堂"]),
    )
    if extra.pop("publish", True):
        poll_actions.do_open_poll(poll, acting_user=world.a_liaison)
    return poll
