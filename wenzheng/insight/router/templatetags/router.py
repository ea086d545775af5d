import json
from typing import Any

from django import template

register = template.Library()


@register.simple_tag
def fill(**values: Any) -> str:
    """The JSON of a "fill these fields" button (data-fill); empty values are left out. Escaped by
    the template like any other tag output."""
    return json.dumps({k: v for k, v in values.items() if v not in (None, "")}, ensure_ascii=False)


@register.filter
def percent(value: float | None) -> str:
    return "" if value is None else f"{round(float(value) * 100)}%"
