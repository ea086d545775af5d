"""The weekly digest's hot-issue section and the ``wenzheng hotspots`` command."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from wenzheng.insight.hotspots.evaluation import LABELS_CSV, load_labels, score
from wenzheng.insight.hotspots.tests.conftest import NOW
from wenzheng.insight.hotspots.tests.texts import OTHER_DISTRICT, OTHER_PROBLEM, SAME, UNRELATED
from wenzheng.insight.reports.digest import build_digest
from wenzheng.insight.reports.documents import render_report
from wenzheng.insight.reports.tests.helpers import xlsx_sheets

DATA = Path(__file__).resolve().parents[5] / "shared" / "data" / "messages_with_votes.csv"
WEEK = "2026-W47"  # Mon 16 – Sun 22 November 2026


def test_it_lists_the_hot_issues_of_the_week_in_the_digest(world, messages):
    d = build_digest(world.city, WEEK, now=NOW)
    assert len(d.hot_issues) == 1
    hot = d.hot_issues[0]
    assert hot.size == 2  # the two messages of the week; the third was received the week before
    assert hot.territory == world.district_a.name
    assert hot.place == "桂园小区"
    assert set(hot.numbers) <= {c.number for c in messages["same"]}
    html = render_report("digest.html", world.city, WEEK, now=NOW).content.decode()
    assert "三、本周热点问题" in html
    assert "桂园小区" in html
    sheets = xlsx_sheets(render_report("digest.xlsx", world.city, WEEK, now=NOW).content)
    assert sheets["热点问题"][1][2] == f"{world.district_a.name} 桂园小区"


def test_it_says_so_when_the_week_has_no_hot_issue(world, messages):
    d = build_digest(world.city, "2026-W40", now=NOW)
    assert d.hot_issues == []
    html = render_report("digest.html", world.city, "2026-W40", now=NOW).content.decode()
    assert "本周无两件以上留言反映的同一问题" in html


def _export(path: Path) -> Path:
    """A board export of hand-written messages (the columns of messages_with_votes.csv)."""
    rows = []
    for n, (subject, body) in enumerate(SAME * 2):
        rows.append([f"9{n:05d}", f"A00012345{n}", subject, f"2019/11/{10 + n} 10:00:00", body, 0, 5 * n])
    for n, (subject, body) in enumerate([OTHER_DISTRICT, OTHER_PROBLEM, *UNRELATED]):
        rows.append([f"8{n:05d}", f"B00054321{n}", subject, f"2019/10/{10 + n} 09:00:00", body, 1, 0])
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["留言编号", "留言用户", "留言主题", "留言时间", "留言详情", "反对数", "点赞数"])
        writer.writerows(rows)
    return path


@pytest.mark.django_db
def test_it_prints_the_top_issues_of_an_export_with_masked_writers(tmp_path):
    out = io.StringIO()
    call_command(
        "hotspots", "top", "--from-csv", str(_export(tmp_path / "board.csv")), "--top", "2", stdout=out
    )
    text = out.getvalue()
    assert "#1" in text
    assert "#2" not in text  # one issue has two or more messages
    assert "桂园小区" in text
    assert "6 messages from 6 writers" in text
    assert "75 likes" in text
    assert "2019-11-10 — 2019-11-15" in text
    assert "A00*****50" in text  # the board's user id, masked
    assert "A000123450" not in text


@pytest.mark.django_db
def test_it_prints_json_for_an_export(tmp_path):
    out = io.StringIO()
    call_command("hotspots", "top", "--from-csv", str(_export(tmp_path / "b.csv")), "--json", stdout=out)
    payload = json.loads(out.getvalue())
    assert payload["messages"] == 6 + 2 + len(UNRELATED)
    [issue] = payload["issues"]
    assert issue["size"] == 6
    assert len(issue["representatives"]) == 3


@pytest.mark.django_db
def test_it_refuses_a_missing_file_and_a_bad_date(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("hotspots", "top", "--from-csv", str(tmp_path / "none.csv"))
    with pytest.raises(CommandError, match="Not a date"):
        call_command("hotspots", "top", "--from-csv", str(tmp_path / "none.csv"), "--from", "11/2019")


def test_it_scores_purity_and_recall():
    truth = {"a": "x", "b": "x", "c": "y", "d": "z"}
    perfect = score(truth, {"a": 1, "b": 1, "c": 2, "d": 3})
    assert (perfect.purity, perfect.bcubed_precision, perfect.bcubed_recall) == (1.0, 1.0, 1.0)
    lumped = score(truth, {"a": 1, "b": 1, "c": 1, "d": 1})
    assert lumped.purity == 0.5
    assert lumped.bcubed_recall == 1.0
    split = score(truth, {"a": 1, "b": 2, "c": 3, "d": 4})
    assert split.bcubed_precision == 1.0
    assert split.bcubed_recall == 0.75


def test_the_labelled_set_holds_ids_only():
    labels = load_labels()
    assert len(labels) >= 500
    assert all(key.isdigit() for key in labels)
    text = LABELS_CSV.read_text(encoding="utf-8")
    assert "留言详情" not in text


@pytest.mark.skipif(
    not DATA.exists(), reason="../shared/data/messages_with_votes.csv is not beside this checkout"
)
@pytest.mark.django_db
def test_it_groups_the_labelled_real_messages_with_high_purity_and_recall():
    out = io.StringIO()
    call_command("hotspots", "eval", "--data", str(DATA), "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert result["missing_from_file"] == []
    whole = result["all"]
    assert whole["messages"] == len(load_labels())
    assert whole["purity"] >= 0.95
    assert whole["bcubed_recall"] >= 0.7
