"""The monthly feedback report: this month beside the previous one, by category and territory."""

from __future__ import annotations

from wenzheng.insight.reports.documents import render_report
from wenzheng.insight.reports.feedback import build_feedback, working_time
from wenzheng.insight.reports.tests.helpers import pdf_text
from wenzheng.insight.reports.tests.ledger import NOW


def test_it_compares_the_month_with_the_previous_one(world, ledger):
    f = build_feedback(world.city, "2026-11", now=NOW)
    totals = {c.label: c for c in f.totals}
    # November: 10 received (the duplicate counts only as merged); October: the carried case.
    assert (totals["收到留言"].current, totals["收到留言"].previous, totals["收到留言"].change) == (
        "10",
        "1",
        "+9",
    )
    assert totals["办结"].current == "3"  # late, good1, good2
    rates = {c.label: c for c in f.rates}
    assert rates["满意率"].current == "100.0%"
    assert rates["满意率"].previous == "—"
    times = {c.label: c.current for c in f.times}
    assert times["认领用时（中位数）"] == "0.3工作小时"  # every claim 20 minutes after assignment
    assert {r.label for r in f.by_territory} >= {world.district_a.name, world.district_b.name}


def test_it_says_working_time_in_hours_or_days():
    assert working_time(90) == "1.5工作小时"
    assert working_time(840) == "2.0个工作日"
    assert working_time(None) == "—"


def test_the_pdf_and_html_carry_the_figures(world, ledger):
    text = pdf_text(render_report("feedback.pdf", world.city, "2026-11", now=NOW).content)
    assert "测试市网民留言办理情况反馈" in text
    assert "2026年11月办理情况" in text
    for heading in ("总体情况", "按分类", "按属地", "办理时效", "满意度", world.district_b.name):
        assert heading in text
    html = render_report("feedback.html", world.city, "2026-11", now=NOW).content.decode()
    assert "按期办结率" in html
    assert world.district_a.name in html
