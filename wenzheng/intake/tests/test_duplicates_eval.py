"""The duplicate finder's evaluation: the labelled set's rules, the metrics, and the command."""

from __future__ import annotations

import csv
import json
from datetime import datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from wenzheng.core.clock import local_tz
from wenzheng.intake import duplicates_eval as ev
from wenzheng.intake.duplicates import (
    Appeal,
    appeal_of,
    find_duplicate_candidates,
    normalise,
    score_pair,
)
from wenzheng.intake.management.commands.duplicates import DEFAULT_DATA_DIR
from wenzheng.testing.chain import new_case

ELEVATOR = "甲区阳光花园小区3号楼电梯已经停运一个多月，物业说在等配件，老人上下楼非常困难，请督促尽快维修。"
NOISE = "乙区幸福路工地每天夜里十一点以后还在打桩施工，噪音很大，严重影响周边居民休息，希望依法查处。"
WAGES = "锦绣城项目包工头拖欠二十多名农民工三个月工资共四十多万元，开发商和总包互相推诿，恳请讨回血汗钱。"
T0 = timezone.make_aware(datetime(2019, 5, 1, 9, 0), local_tz())


def _row(
    key: str, subject: str, body: str, *, user: str = "", time: datetime | None = T0, file: str = "votes"
):
    return ev.Row(
        key=key,
        file=file,
        user=user,
        subject=subject,
        body=body,
        time=time,
        category="",
        norm_subject=normalise(subject),
        norm_body=normalise(body),
        place=ev.place_of(subject, body),
    )


def _pair(a: str, b: str, duplicate: bool, family: str = "same_text") -> ev.LabelledPair:
    return ev.LabelledPair(ev.Side(f"a:{a}", "", a), ev.Side(f"b:{b}", "", b), duplicate, family)


# --- Metrics, computed by hand ----------------------------------------------------------------------


def test_it_computes_precision_recall_and_f1_as_counted_by_hand():
    scored = [(0.9, True), (0.5, True), (0.34, True), (0.35, False), (0.1, False), (0.0, False), (0.6, False)]

    metrics = ev.compute_metrics(scored, 0.35)

    # Flagged at >= 0.35: 0.9 (dup), 0.5 (dup), 0.35 (not), 0.6 (not); missed: 0.34 (dup).
    assert (metrics.tp, metrics.fp, metrics.fn, metrics.tn) == (2, 2, 1, 2)
    assert metrics.precision == pytest.approx(2 / 4)
    assert metrics.recall == pytest.approx(2 / 3)
    assert metrics.f1 == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3))  # 4/7
    assert metrics.f1 == pytest.approx(4 / 7)
    assert metrics.false_positive_rate == pytest.approx(2 / 4)


def test_it_gives_zero_rather_than_dividing_by_zero():
    nothing_flagged = ev.compute_metrics([(0.1, True), (0.2, False)], 0.5)
    no_duplicates = ev.compute_metrics([(0.9, False)], 0.5)
    empty = ev.compute_metrics([], 0.5)

    assert (nothing_flagged.precision, nothing_flagged.recall, nothing_flagged.f1) == (0.0, 0.0, 0.0)
    assert (no_duplicates.recall, no_duplicates.false_positive_rate) == (0.0, 1.0)
    assert (empty.tp, empty.fp, empty.fn, empty.tn, empty.f1) == (0, 0, 0, 0, 0.0)


def test_it_scores_a_tiny_labelled_set_with_the_finders_pair_score():
    pairs = [
        _pair(ELEVATOR, ELEVATOR, True),  # identical: score 1.0, found
        _pair(ELEVATOR, ELEVATOR.replace("，", " ").replace("。", "！"), True),  # punctuation only: 1.0
        _pair(ELEVATOR, NOISE, False, "same_place"),  # unrelated: near 0, correctly left out
        _pair(NOISE, WAGES, False, "same_place"),
        _pair(WAGES, "请问社保卡丢了去哪里补办？", True, "same_subject"),  # mislabelled on purpose: missed
    ]

    at_threshold, table, families = ev.evaluate_pairs(pairs, threshold=0.35, thresholds=(0.0, 0.35))

    assert (at_threshold.tp, at_threshold.fp, at_threshold.fn, at_threshold.tn) == (2, 0, 1, 2)
    assert at_threshold.precision == 1.0
    assert at_threshold.recall == pytest.approx(2 / 3)
    assert at_threshold.f1 == pytest.approx(0.8)
    # At 0 every pair is flagged: precision 3/5, recall 1.
    assert table[0].threshold == 0.0
    assert (table[0].precision, table[0].recall) == (pytest.approx(0.6), 1.0)
    by_family = {f.family: f for f in families}
    assert by_family["same_text"].pairs == 2
    assert by_family["same_text"].flagged == 2
    assert by_family["same_text"].mean_score == 1.0
    assert by_family["same_place"].flagged == 0
    assert by_family["same_subject"].flagged == 0


def test_it_scores_pairs_exactly_as_the_finder_does(world):
    first = new_case(world, subject="阳光花园电梯停运", body=ELEVATOR, contact_phone="13800138000")
    second = new_case(world, subject="反映阳光花园电梯故障", body=ELEVATOR[:40], contact_phone="13912345678")

    candidate = find_duplicate_candidates(second, min_score=0.0)[0]

    assert candidate.case == first
    assert candidate.score == round(score_pair(appeal_of(second), appeal_of(first)).score, 4)
    # The evaluation's sides become the same Appeal the finder builds (minus what exports lack).
    side = ev.Side("x", first.subject, first.body, first.citizen_id, first.received_at)
    assert ev.appeal_of_side(side) == Appeal.of(
        first.subject, first.body, citizen=first.citizen_id, received_at=first.received_at
    )


def test_it_leaves_account_and_time_out_when_asked_for_text_only():
    a = ev.Side("a", "电梯", ELEVATOR, "votes:u1", T0)
    b = ev.Side("b", "噪音", NOISE, "votes:u1", T0)

    full = ev.score_pairs([ev.LabelledPair(a, b, False, "same_account")])[0][0]
    text = ev.score_pairs([ev.LabelledPair(a, b, False, "same_account")], text_only=True)[0][0]

    assert full == pytest.approx(text + 0.20 + 0.05)  # CITIZEN_BONUS + RECENT_BONUS


# --- The labelled set's rules ---------------------------------------------------------------------------


def test_it_collapses_copies_of_one_post_but_keeps_reposts():
    timed = _row("votes:2", "电梯坏了", ELEVATOR)
    untimed_copy = _row("labelled:9", "电梯坏了", ELEVATOR, time=None, file="labelled")
    reformatted_copy = _row("votes:3", "电梯 坏了！", ELEVATOR.replace("，", ","))
    repost = _row("votes:4", "电梯坏了", ELEVATOR, time=T0 + timedelta(days=2))

    kept = ev.collapse_copies([untimed_copy, timed, reformatted_copy, repost])

    assert [r.key for r in kept] == ["votes:2", "votes:4"]


def test_it_labels_pairs_by_the_written_rules():
    rows = [
        # One body, two subjects, two days apart: same_text.
        _row("votes:2", "阳光花园电梯停运", ELEVATOR, user="u1"),
        _row("votes:3", "甲区电梯坏了没人修", ELEVATOR, user="u9", time=T0 + timedelta(days=2)),
        # One account, nearly the same subject, reworded body: same_subject.
        _row("votes:4", "锦绣城工地拖欠农民工工资", WAGES, user="u2"),
        _row(
            "votes:5",
            "锦绣城工地拖欠农民工工资！",
            "再次反映：" + WAGES[:30],
            user="u2",
            time=T0 + timedelta(days=5),
        ),
        # The same account about another district: same_account (different appeals).
        _row("votes:6", "A3区阳光花园电梯停运", "A3区" + ELEVATOR, user="u3"),
        _row("votes:7", "A5区幸福路夜间施工扰民", "A5区" + NOISE, user="u3"),
        # Too far apart for the finder's window: no pair at all.
        _row("votes:8", "锦绣城工地拖欠农民工工资", WAGES, user="u4"),
        _row("votes:9", "锦绣城工地拖欠农民工工资", WAGES + "。", user="u4", time=T0 + timedelta(days=40)),
    ]

    pairs = ev.build_labelled_set(rows, synthetic=0)

    found = {(p.family, p.a.key, p.b.key, p.duplicate) for p in pairs}
    assert ("same_text", "votes:2", "votes:3", True) in found
    assert ("same_subject", "votes:4", "votes:5", True) in found
    assert ("same_account", "votes:6", "votes:7", False) in found
    assert not any("votes:9" in (p.a.key, p.b.key) for p in pairs)
    same_text = next(p for p in pairs if p.family == "same_text")
    assert same_text.a.citizen == "votes:u1"
    assert same_text.b.received_at == T0 + timedelta(days=2)


def test_it_builds_the_same_set_from_the_same_rows_and_seed():
    rows = [
        _row(f"votes:{i}", f"A3区第{i}号楼电梯停运", ELEVATOR + str(i) * 40, user=f"u{i % 3}")
        for i in range(30)
    ]

    first = ev.build_labelled_set(rows, synthetic=10, seed=7)
    again = ev.build_labelled_set(rows, synthetic=10, seed=7)

    assert first == again
    assert sum(p.family == "hotline_summary" for p in first) == 10


def test_it_summarises_like_an_operator_without_greetings_or_courtesies():
    row = _row(
        "votes:2",
        "阳光花园电梯停运",
        "尊敬的领导：您好！感谢您在百忙之中抽空阅读我的留言。" + ELEVATOR + "谢谢！",
    )

    subject, body = ev.hotline_summary(row)

    assert body.startswith("来电人反映：甲区阳光花园小区3号楼电梯已经停运一个多月 物业说在等配件")
    assert "感谢" not in body
    assert "尊敬" not in body
    assert subject == body.removeprefix("来电人反映：")[:20]
    assert len(body) <= len("来电人反映：") + ev.SUMMARY_LENGTH + len("。诉求：请相关部门核实处理。")


def test_it_names_the_most_specific_place():
    assert ev.place_of("A市A3区某小区电梯停运", "") == "A3区"
    assert ev.place_of("A市地铁何时通车", "K4县的朋友说") == "K4县"
    assert ev.place_of("关于社保的问题", "") == ""


# --- The command --------------------------------------------------------------------------------------------


def _write_exports(folder: Path) -> None:
    """Three tiny exports with the platform's own headers."""
    headers = {
        "messages_labelled.csv": ["留言编号", "留言用户", "留言主题", "留言时间", "留言详情", "一级标签"],
        "messages_with_votes.csv": [
            "留言编号",
            "留言用户",
            "留言主题",
            "留言时间",
            "留言详情",
            "反对数",
            "点赞数",
        ],
        "messages_with_replies.csv": [
            "留言编号",
            "留言用户",
            "留言主题",
            "留言时间",
            "留言详情",
            "答复意见",
            "答复时间",
        ],
    }
    bodies = {
        "messages_labelled.csv": [("", "", "A3区电梯停运", "", ELEVATOR, "城乡建设")],
        "messages_with_votes.csv": [
            ("1", "A1", "A3区电梯又坏了", "2019/5/1 9:00:00", ELEVATOR, "0", "1"),
            ("2", "A2", "A3区夜间施工扰民", "2019/5/2 9:00:00", NOISE, "0", "0"),
        ],
        "messages_with_replies.csv": [
            ("3", "U1", "A3区拖欠工资", "2019-05-03 10:00:00", WAGES, "已转办", "2019/5/9")
        ],
    }
    for name, header in headers.items():
        with (folder / name).open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(bodies[name])


def test_it_runs_on_exports_in_the_platforms_format(tmp_path):
    _write_exports(tmp_path)
    out = StringIO()

    call_command("duplicates", "eval", "--data-dir", str(tmp_path), "--json", "--synthetic", "2", stdout=out)

    figures = json.loads(out.getvalue())
    assert figures["rows"] == 4
    # The labelled row and the first votes row have one subject each and one body: two posts.
    assert figures["posts"] == 4
    same_text = next(f for f in figures["families"] if f["family"] == "same_text")
    assert same_text["pairs"] == 1


def test_it_refuses_a_folder_without_the_exports(tmp_path):
    with pytest.raises(CommandError, match="lacks"):
        call_command("duplicates", "eval", "--data-dir", str(tmp_path), stdout=StringIO())


@pytest.mark.skipif(
    not (DEFAULT_DATA_DIR / "messages_with_votes.csv").exists(),
    reason=f"the real exports are not beside this checkout ({DEFAULT_DATA_DIR})",
)
def test_it_reports_figures_between_0_and_1_on_the_real_data():
    out = StringIO()
    call_command("duplicates", "eval", "--limit", "40", "--synthetic", "40", "--json", stdout=out)

    figures = json.loads(out.getvalue())
    assert figures["pairs"] > 100
    assert 0 < figures["duplicates"] < figures["pairs"]
    for metrics in [figures["at_threshold"], *figures["table"]]:
        for name in ("precision", "recall", "f1", "false_positive_rate"):
            assert 0.0 <= metrics[name] <= 1.0, (name, metrics)
    recalls = [m["recall"] for m in figures["table"]]
    assert recalls == sorted(recalls, reverse=True)  # a higher threshold never finds more

    text = StringIO()
    call_command("duplicates", "eval", "--limit", "10", "--synthetic", "10", stdout=text)
    assert "At threshold 0.35: precision " in text.getvalue()
