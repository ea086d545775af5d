"""`wenzheng import FILE`: all rows or none, every bad row listed with its number, idempotent,
the export's replies and times as the case's history."""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.utils.translation import override

from wenzheng.casework.models import Case, CaseCounter, Reply
from wenzheng.casework.workflow import State
from wenzheng.intake.channels.boards.tests.helpers import BASIC, WITH_REPLIES, write

SHANGHAI = ZoneInfo("Asia/Shanghai")
FULL = [*WITH_REPLIES, "点赞数", "反对数", "一级分类"]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def run(*args: str, stdout: io.StringIO | None = None) -> str:
    out = stdout or io.StringIO()
    call_command("import", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def run_failing(*args: str) -> tuple[CommandError, list[str]]:
    err = io.StringIO()
    with override("en"), pytest.raises(CommandError) as excinfo:
        call_command("import", *args, stdout=io.StringIO(), stderr=err)
    return excinfo.value, err.getvalue().splitlines()


@pytest.fixture(params=["csv", "xlsx"])
def suffix(request) -> str:
    return request.param


def good_rows() -> list[list]:
    return [
        [
            "101",
            "U1",
            "路灯不亮",
            "2019/4/25 9:32:09",
            "东街路灯坏了。",
            "已修复。",
            "2019/5/10 14:56:53",
            12,
            1,
            "城乡建设",
        ],
        ["102", "U2", "噪音扰民", "2019/4/26 22:10:00", "", "", "", 0, 0, "环境保护"],
        ["", "", "没有编号的留言", "", "内容", "", "", "", "", ""],
    ]


def test_it_imports_a_file_and_creates_nothing_the_second_time(
    world, tmp_path, suffix, django_capture_on_commit_callbacks
):
    from wenzheng.portal.models import PublicEntry

    path = write(tmp_path / f"export.{suffix}", FULL, good_rows())
    with django_capture_on_commit_callbacks(execute=True):
        out = run(str(path))
    assert "3 rows; 3 cases created, 0 already imported" in out
    assert "source 'board:export'" in out
    assert "1 cases came with their published reply." in out
    assert list(PublicEntry.objects.values_list("case__external_ref", flat=True)) == ["101"]
    assert Case.objects.filter(org=world.city, channel="board", source="board:export").count() == 3
    out = run(str(path))
    assert "3 rows; 0 cases created, 3 already imported" in out
    assert "published reply" not in out
    assert Case.objects.filter(source="board:export").count() == 3


def test_it_turns_replies_and_times_into_the_case_history(world, tmp_path, suffix):
    run(str(write(tmp_path / f"export.{suffix}", FULL, good_rows())))
    answered = Case.objects.get(external_ref="101")
    assert answered.state == State.PUBLISHED
    assert answered.category == world.category  # 城乡建设 is the world's level-1 category
    assert answered.received_at == datetime(2019, 4, 25, 9, 32, 9, tzinfo=SHANGHAI)
    assert answered.published_at == datetime(2019, 5, 10, 14, 56, 53, tzinfo=SHANGHAI)
    assert [(e.kind, e.created_at) for e in answered.events.order_by("seq")] == [
        ("receive", answered.received_at),
        ("publish", answered.published_at),
    ]
    assert answered.events.get(seq=1).data["likes"] == 12
    assert Reply.objects.get(case=answered).body == "已修复。"
    waiting = Case.objects.get(external_ref="102")
    assert (waiting.state, waiting.body, waiting.category) == (State.RECEIVED, "噪音扰民", None)
    assert waiting.events.get().data["label"] == "环境保护"
    unnumbered = Case.objects.get(subject="没有编号的留言")
    assert unnumbered.external_ref.startswith("sha256:")
    assert unnumbered.events.get().data["time_unknown"] is True


def test_it_imports_nothing_and_lists_every_bad_row(world, tmp_path, suffix):
    rows = [
        good_rows()[0],
        ["201", "U1", "", "2019/4/25 9:00:00", "缺主题", "", "", "", "", ""],
        ["202", "U1", "时间不对", "四月二十五日", "内容", "", "", "", "", ""],
        good_rows()[1],
        ["203", "U1", "先答复后留言", "2019/4/25 9:00:00", "内容", "答复", "2019/4/24 9:00:00", "", "", ""],
        ["204", "U1", "长" * 201, "2019/4/25 9:00:00", "内容", "", "", "", "", ""],
        ["205", "U1", "点赞数不对", "2019/4/25 9:00:00", "内容", "", "", "很多", "", ""],
        ["206", "U1", "没有答复时间", "2019/4/25 9:00:00", "内容", "答复", "", "", "", ""],
    ]
    error, lines = run_failing(str(write(tmp_path / f"bad.{suffix}", FULL, rows)))
    assert error.returncode == 1
    assert str(error).endswith("6 bad row(s); nothing was imported.")
    assert lines == [
        "row 3 (留言主题): Please fill in the subject.",
        "row 4 (留言时间): “四月二十五日” is not a date and time.",
        "row 6 (答复时间): The reply time is earlier than the message time.",
        "row 7 (留言主题): The subject cannot be longer than 200 characters.",
        "row 8 (点赞数): “很多” is not a whole number of at least 0.",
        "row 9 (答复时间): Please fill in the reply time.",
    ]
    assert not Case.objects.exists()
    assert not CaseCounter.objects.filter(value__gt=0).exists()


def test_it_lists_a_row_twice_when_it_has_two_problems(world, tmp_path):
    rows = [["301", "U1", "", "明天", "内容", "", "", "", "", ""]]
    _error, lines = run_failing(str(write(tmp_path / "bad.csv", FULL, rows)))
    assert lines == [
        "row 2 (留言时间): “明天” is not a date and time.",
        "row 2 (留言主题): Please fill in the subject.",
    ]


def test_it_checks_everything_and_writes_nothing_in_a_dry_run(world, tmp_path):
    path = write(tmp_path / "export.csv", FULL, good_rows())
    out = run(str(path), "--dry-run")
    assert "3 cases would be created (dry run, nothing written)" in out
    assert not Case.objects.exists()
    bad = write(tmp_path / "bad.csv", BASIC, [["1", "U1", "", "2019/4/25 9:00:00", "内容"]])
    _error, lines = run_failing(str(bad), "--dry-run")
    assert lines == ["row 2 (留言主题): Please fill in the subject."]


def test_it_takes_the_source_organisation_and_batch_size_from_options(world, tmp_path):
    path = write(tmp_path / "export.csv", FULL, good_rows())
    run(str(path), "--source", "board:人民网", "--org", world.other_city.code, "--batch-size", "1")
    assert set(Case.objects.values_list("source", "org")) == {("board:人民网", world.other_city.pk)}
    assert sorted(Case.objects.values_list("number", flat=True))[:2] == ["LS-2019-000001", "LS-2019-000002"]
    # Another source: the same rows are other messages.
    assert "3 cases created" in run(str(path))


def test_it_imports_into_the_first_ledger_by_default(world, tmp_path):
    run(str(write(tmp_path / "export.csv", FULL, good_rows())))
    assert set(Case.objects.values_list("org", flat=True)) == {world.city.pk}


def test_it_refuses_bad_options_and_unreadable_files(world, tmp_path):
    path = write(tmp_path / "export.csv", FULL, good_rows())
    error, _ = run_failing(str(path), "--org", "NOWHERE")
    assert "NOWHERE" in str(error)
    error, _ = run_failing(str(tmp_path / "missing.csv"))
    assert "No such file" in str(error)
    error, _ = run_failing(str(path), "--batch-size", "0")
    assert "--batch-size" in str(error)
    no_subject_column = write(
        tmp_path / "columns.csv", ["留言编号", "留言用户", "留言时间", "留言详情"], [["1", "U", "", "x"]]
    )
    error, _ = run_failing(str(no_subject_column))
    assert str(error).endswith("The file has no column 留言主题.")
    assert not Case.objects.exists()


def test_it_shows_a_progress_bar_only_on_a_terminal(world, tmp_path, capsys):
    path = write(tmp_path / "export.csv", FULL, good_rows())
    run(str(path))
    assert "rows" not in capsys.readouterr().err
    run(str(path), "--source", "board:again", stdout=Terminal())
    bar = capsys.readouterr().err
    assert "read" in bar
    assert "write" in bar
    assert "3/" in bar or "3 rows" in bar
