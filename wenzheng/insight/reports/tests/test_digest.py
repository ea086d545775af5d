"""The weekly digest: special reports first, then the important, representative and typical
messages by territory and unit; the rest of the week is left out."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from wenzheng.insight.reports.digest import build_digest
from wenzheng.insight.reports.documents import render_report
from wenzheng.insight.reports.management.commands.report import Command
from wenzheng.insight.reports.periods import week_range
from wenzheng.insight.reports.tests.helpers import pdf_text
from wenzheng.insight.reports.tests.ledger import MASKED_PHONE, NOW, PHONE

WEEK = "2026-W46"  # Mon 9 – Sun 15 November 2026


def test_it_reads_iso_weeks():
    assert [d.isoformat() for d in week_range(WEEK)] == ["2026-11-09", "2026-11-15"]
    with pytest.raises(ValueError, match="YYYY-Www"):
        week_range("2026-46")


def test_it_selects_by_grade_topic_volume_and_signals(world, ledger):
    d = build_digest(world.city, WEEK, now=NOW)
    assert [s.item.number for s in d.specials] == [ledger.alarming.number]
    kinds = {i.number: i.kind for i in d.selected}
    assert kinds == {
        ledger.important.number: "important",
        # five messages on one topic (category × district A): one stands for them all
        ledger.late.number: "representative",
        # a message raised twice (its duplicate merged into it)
        ledger.repeated.number: "typical",
    }
    representative = next(i for i in d.selected if i.kind == "representative")
    assert representative.similar == 5
    assert "同类留言5件" in representative.reasons
    assert MASKED_PHONE in representative.subject
    assert PHONE not in representative.subject
    assert ledger.alarming.number not in kinds  # reported once, as a special report
    territories = [t for t, _ in d.groups]
    assert set(territories) == {world.district_a.name, world.district_b.name}
    b_units = dict(dict(d.groups)[world.district_b.name])
    assert {i.number for i in b_units["未交办"]} == {ledger.important.number, ledger.repeated.number}


def test_the_pdf_lists_special_reports_first_and_leaves_out_the_rest(world, ledger):
    text = pdf_text(render_report("digest.pdf", world.city, WEEK, now=NOW).content)
    assert "测试市舆情信息周报" in text
    assert "2026年第46周（11月9日—11月15日）" in text
    specials, rest = text.split("二、重要、代表性和典型留言")
    assert ledger.alarming.number in specials
    assert "扬言自伤" in specials
    assert "待签收" in specials
    assert ledger.important.number not in specials
    for case in (ledger.important, ledger.late, ledger.repeated):
        assert case.number in rest
    for case in (ledger.quiet, ledger.twin, ledger.good1, ledger.last_week, ledger.duplicate):
        assert case.number not in text
    assert MASKED_PHONE in text
    assert PHONE not in text
    assert text.index(ledger.alarming.number) < text.index(ledger.important.number)


def test_the_html_digest_escapes_and_masks(world, ledger):
    ledger.repeated.subject = "<script>alert(1)</script>菜市场噪音"
    ledger.repeated.save(update_fields=["subject"])
    html = render_report("digest.html", world.city, WEEK, now=NOW).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;" in html
    assert ledger.alarming.number in html
    assert ledger.important.number in html
    assert MASKED_PHONE in html
    assert PHONE not in html
    assert html.index(ledger.alarming.number) < html.index(ledger.important.number)


def test_the_workbook_lists_the_same_selection_special_reports_first(world, ledger):
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(render_report("digest.xlsx", world.city, WEEK, now=NOW).content))
    assert book.sheetnames == ["周报摘要", "入选留言", "分属地", "分单位", "热点问题"]
    rows = list(book["入选留言"].iter_rows(min_row=2, values_only=True))
    numbers = [r[2] for r in rows]
    assert numbers[0] == ledger.alarming.number
    assert rows[0][1] == "专报"
    assert {ledger.important.number, ledger.late.number, ledger.repeated.number} <= set(numbers)
    for case in (ledger.quiet, ledger.twin, ledger.good1, ledger.last_week, ledger.duplicate):
        assert case.number not in numbers
    cells = " ".join(str(v) for r in rows for v in r if v is not None)
    assert PHONE not in cells


def test_the_command_refuses_a_wrong_format_or_period(world, ledger, tmp_path):
    with pytest.raises(CommandError, match="pdf, html, xlsx"):
        call_command(
            Command(), "digest", "--org", world.city.code, "--week", WEEK, "--out", str(tmp_path / "d.docx")
        )
    with pytest.raises(CommandError, match="--week"):
        call_command(
            Command(),
            "digest",
            "--org",
            world.city.code,
            "--month",
            "2026-11",
            "--out",
            str(tmp_path / "d.pdf"),
        )
    with pytest.raises(CommandError, match="No ledger"):
        call_command(Command(), "digest", "--org", "NOPE", "--week", WEEK, "--out", str(tmp_path / "d.pdf"))
    out = tmp_path / "d.html"
    call_command(Command(), "digest", "--org", world.city.code, "--week", WEEK, "--out", str(out))
    assert ledger.alarming.number in out.read_text(encoding="utf-8")
