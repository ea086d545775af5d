"""The digest and the feedback report as self-contained HTML pages (for the intranet or e-mail).

Rendered with a template engine of this package's own (``templates/reports``), autoescaping on,
so the documents do not depend on the site's template settings."""

from __future__ import annotations

from collections import Counter
from functools import cache
from pathlib import Path

from django.template import Context, Engine

from wenzheng.insight.reports.digest import Digest
from wenzheng.insight.reports.feedback import FeedbackReport
from wenzheng.insight.reports.periods import cn_date, cn_datetime
from wenzheng.insight.reports.render_pdf import (
    HOT_HEADERS,
    KIND_LABELS,
    breakdown_cells,
    distribution_cells,
    hot_issue_cells,
    stamp,
)

TEMPLATES = Path(__file__).resolve().parent / "templates"


@cache
def _engine() -> Engine:
    return Engine(dirs=[str(TEMPLATES)], autoescape=True, debug=False)


def _render(name: str, context: dict[str, object]) -> bytes:
    return _engine().get_template(name).render(Context(context)).encode("utf-8")


def _entry(item: object, kind: str | None = None) -> dict[str, object]:
    data = dict(vars(item))
    data["kind_label"] = KIND_LABELS.get(kind or data["kind"], "")
    data["received"] = stamp(data["received_at"])
    return data


def digest_html(d: Digest) -> bytes:
    picked_t = Counter(i.territory_key for i in d.selected)
    picked_u = Counter(i.unit_key for i in d.selected)
    return _render(
        "reports/digest.html",
        {
            "d": d,
            "issued": cn_datetime(d.issued_at),
            "graded": "，".join(f"{k}{v}件" for k, v in sorted(d.graded.items())) or "无",
            "specials": [
                {
                    **_entry(s.item, "special"),
                    "raised": stamp(s.raised_at),
                    "kinds": "、".join(s.kinds),
                    "acknowledged": s.acknowledged,
                }
                for s in d.specials
            ],
            "groups": [
                (territory, [(unit, [_entry(i) for i in items]) for unit, items in units])
                for territory, units in d.groups
            ],
            "hot_issues": hot_issue_cells(d),
            "hot_headers": HOT_HEADERS,
            "by_territory": [distribution_cells(r, picked_t) for r in d.by_territory],
            "by_unit": [distribution_cells(r, picked_u) for r in d.by_unit],
        },
    )


def feedback_html(f: FeedbackReport) -> bytes:
    return _render(
        "reports/feedback.html",
        {
            "f": f,
            "start": cn_date(f.start),
            "end": cn_date(f.end),
            "issued": cn_datetime(f.issued_at),
            "by_category": [breakdown_cells(r) for r in f.by_category],
            "by_territory": [breakdown_cells(r) for r in f.by_territory],
        },
    )
