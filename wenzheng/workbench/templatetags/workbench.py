from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from wenzheng.casework.models import Satisfaction
from wenzheng.casework.sla import ClockStatus

register = template.Library()

WORKING_DAY_MINUTES = 420  # 08:30–12:00 and 14:00–17:30


def _duration(minutes: int) -> str:
    days, rest = divmod(abs(minutes), WORKING_DAY_MINUTES)
    hours = rest // 60
    if days:
        return _("%(days)s working days %(hours)s h") % {"days": days, "hours": hours}
    return _("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": rest % 60}


@register.simple_tag
def clock_status(status: ClockStatus) -> SafeString:
    clock = status.clock
    if clock.is_cancelled:
        return format_html('<span class="muted">{}</span>', _("cancelled"))
    if clock.stopped_at is not None:
        if clock.is_late:
            return format_html(
                '<span class="late">{}</span>',
                _("done %(days)s working day(s) late") % {"days": clock.late_working_days},
            )
        return format_html('<span class="ok">{}</span>', _("done in time"))
    if status.working_minutes_left < 0:
        return format_html(
            '<span class="late">{}</span>',
            _("overdue by %(duration)s") % {"duration": _duration(status.working_minutes_left)},
        )
    return format_html(
        '<span class="left">{}</span>',
        _("%(duration)s left") % {"duration": _duration(status.working_minutes_left)},
    )


@register.filter
def satisfaction_label(value: str) -> str:
    try:
        return str(Satisfaction(value).label)
    except ValueError:
        return value


@register.filter
def attr_htmx(field: Any, number: str) -> SafeString:
    """The template picker: choosing a template replaces the draft text (htmx GET)."""
    url = reverse("workbench:reply_template", args=[number])
    return field.as_widget(
        attrs={
            "hx-get": url,
            "hx-target": "#id_body",
            "hx-swap": "outerHTML",
            "hx-trigger": "change",
            "name": "template",
        }
    )
