"""Figures as the documents print them: 0.99162 → 99.2%, no denominator → —."""

from __future__ import annotations

from django import template

from wenzheng.insight.metrics.selectors import percent

register = template.Library()


@register.filter
def rate(value: float | None) -> str:
    return percent(value)
