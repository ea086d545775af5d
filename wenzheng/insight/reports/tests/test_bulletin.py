"""The monthly bulletin: its lists, tables, praise and criticism, as data, PDF and XLSX."""

from __future__ import annotations

from pathlib import Path

from django.core.management import call_command

from wenzheng.insight.reports.bulletin import build_bulletin
from wenzheng.insight.reports.documents import render_report
from wenzheng.insight.reports.management.commands.report import Command
from wenzheng.insight.reports.tests.helpers import pdf_text, xlsx_sheets
from wenzheng.insight.reports.tests.ledger import MASKED_PHONE, NOW, PHONE


def test_it_lists_the_cases_completed_late_and_overdue_not_done(world, ledger):
    b = build_bulletin(world.city, "2026-11", now=NOW)
    assert [i.number for i in b.completed_late] == [ledger.late.number]
    late = b.completed_late[0]
    assert (late.unit, late.days_late) == (world.district_a.name, 1)  # due Wed 18 17:30, done Thu 19
    assert MASKED_PHONE in late.subject
    assert PHONE not in late.subject
    overdue = {i.number: i for i in b.overdue_open}
    # The October case still open is carried into November's backlog; answered cases are not.
    assert set(overdue) == {ledger.open.number, ledger.carried.number}
    assert overdue[ledger.open.number].days_late == 4  # due Thu 19 17:30; Fri 20, Mon 23, Tue 24, Wed 25
    assert overdue[ledger.carried.number].unit == world.housing.name


def test_it_praises_the_punctual_and_criticises_the_late(world, ledger):
    b = build_bulletin(world.city, "2026-11", now=NOW)
    assert [m.unit for m in b.praise] == [world.district_b.name]
    assert [m.unit for m in b.criticism] == [world.district_a.name, world.housing.name]
    assert "逾期办结1件，逾期未办结1件" in b.criticism[0].reason
    ranked = [s.unit for s in b.scores]
    assert ranked[0] == world.district_b.name
    assert world.district_a.name in ranked


def test_the_pdf_shows_the_lists_per_unit_with_masked_subjects(world, ledger):
    text = pdf_text(render_report("bulletin.pdf", world.city, "2026-11", now=NOW).content)
    assert "测试市网络问政工作通报" in text
    assert "关于2026年11月网民留言办理情况的通报" in text
    late_part, open_part = text.split("六、逾期办结清单")[1].split("说明：")[0].split("七、逾期未办结清单")
    assert ledger.late.number in late_part
    assert ledger.open.number not in late_part
    assert ledger.open.number in open_part
    assert ledger.carried.number in open_part
    assert ledger.good1.number not in text
    assert ledger.twin.number not in text
    assert MASKED_PHONE in text
    assert PHONE not in text
    for heading in ("各单位办理情况", "考核排名", "表扬", "批评"):
        assert heading in text
    praise = text.split("四、表扬")[1].split("五、批评")[0]
    assert world.district_b.name in praise
    assert world.district_a.name not in praise


def test_the_workbook_has_the_lists_and_escapes_formulas(world, ledger):
    ledger.open.subject = '=HYPERLINK("http://x")'
    ledger.open.save(update_fields=["subject"])
    sheets = xlsx_sheets(render_report("bulletin.xlsx", world.city, "2026-11", now=NOW).content)
    assert list(sheets) == ["通报摘要", "逾期办结清单", "逾期未办结清单", "各单位办理情况", "考核排名"]
    late_rows = sheets["逾期办结清单"][1:]
    assert [(r[1], r[2], r[6]) for r in late_rows] == [(world.district_a.name, ledger.late.number, 1)]
    assert MASKED_PHONE in late_rows[0][3]
    open_rows = {r[2]: r for r in sheets["逾期未办结清单"][1:]}
    assert set(open_rows) == {ledger.open.number, ledger.carried.number}
    assert open_rows[ledger.open.number][3].startswith("'=")  # formula escaped
    units = [r[0] for r in sheets["各单位办理情况"][1:]]
    assert world.district_a.name in units
    assert world.district_b.name in units
    flat = [str(v) for rows in sheets.values() for r in rows for v in r]
    assert not any(PHONE in v for v in flat)


def test_the_command_writes_the_bulletin(world, ledger, tmp_path: Path):
    out = tmp_path / "b.xlsx"
    call_command(Command(), "bulletin", "--org", world.city.code, "--month", "2026-11", "--out", str(out))
    assert "逾期未办结清单" in xlsx_sheets(out.read_bytes())
    pdf = tmp_path / "b.pdf"
    call_command(Command(), "bulletin", "--org", world.city.code, "--month", "2026-11", "--out", str(pdf))
    assert "网络问政工作通报" in pdf_text(pdf.read_bytes())
