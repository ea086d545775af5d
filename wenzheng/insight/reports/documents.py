"""One entry point for the workbench and the command: a report kind, an organisation and a
period in, the document's bytes, content type and file name out.

Kinds: bulletin.pdf, bulletin.xlsx (period: a month "2026-10"), digest.pdf, digest.html
(period: an ISO week "2026-W43"), feedback.pdf, feedback.html (a month)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from wenzheng.accounts.models import OrgUnit
from wenzheng.core.dbrouter import replica
from wenzheng.insight.reports.bulletin import build_bulletin
from wenzheng.insight.reports.digest import build_digest
from wenzheng.insight.reports.feedback import build_feedback
from wenzheng.insight.reports.periods import month_range, week_range
from wenzheng.insight.reports.render_html import digest_html, feedback_html
from wenzheng.insight.reports.render_pdf import bulletin_pdf, digest_pdf, feedback_pdf
from wenzheng.insight.reports.render_xlsx import bulletin_xlsx, digest_xlsx

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HTML = "text/html; charset=utf-8"

# kind → (report, period type, content type)
KINDS: dict[str, tuple[str, str, str]] = {
    "bulletin.pdf": ("bulletin", "month", PDF),
    "bulletin.xlsx": ("bulletin", "month", XLSX),
    "digest.pdf": ("digest", "week", PDF),
    "digest.html": ("digest", "week", HTML),
    "digest.xlsx": ("digest", "week", XLSX),
    "feedback.pdf": ("feedback", "month", PDF),
    "feedback.html": ("feedback", "month", HTML),
}


@dataclass(frozen=True)
class Document:
    content: bytes
    content_type: str
    filename: str


def check_period(kind: str, period: str) -> str:
    """The period normalised ("2026-10", "2026-W43"); ValueError for a wrong kind or period."""
    if kind not in KINDS:
        raise ValueError(f"Unknown report {kind!r}; known: {', '.join(KINDS)}")
    if KINDS[kind][1] == "week":
        monday, _ = week_range(period)
        year, week, _ = monday.isocalendar()
        return f"{year}-W{week:02d}"
    first, _ = month_range(period)
    return f"{first.year}-{first.month:02d}"


# A past month or week, read only: from a replica when there is one (wenzheng/core/dbrouter.py).
@replica()
def render_report(kind: str, org: OrgUnit, period: str, *, now: datetime | None = None) -> Document:
    """Build and render one report. The caller has checked that the user may see ``org``."""
    period = check_period(kind, period)
    report, _, content_type = KINDS[kind]
    content: bytes
    if kind == "bulletin.pdf":
        content = bulletin_pdf(build_bulletin(org, period, now=now))
    elif kind == "bulletin.xlsx":
        content = bulletin_xlsx(build_bulletin(org, period, now=now))
    elif kind == "digest.pdf":
        content = digest_pdf(build_digest(org, period, now=now))
    elif kind == "digest.html":
        content = digest_html(build_digest(org, period, now=now))
    elif kind == "digest.xlsx":
        content = digest_xlsx(build_digest(org, period, now=now))
    elif kind == "feedback.pdf":
        content = feedback_pdf(build_feedback(org, period, now=now))
    else:
        content = feedback_html(build_feedback(org, period, now=now))
    extension = kind.rsplit(".", 1)[1]
    # ASCII names: the organisation's code, never its Chinese name (header-safe everywhere).
    code = "".join(ch for ch in org.code if ch.isalnum() or ch in "-_") or "org"
    return Document(content, content_type, f"{report}-{code}-{period}.{extension}")
