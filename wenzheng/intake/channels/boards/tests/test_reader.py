"""Reading board exports: the Chinese column titles as the platforms write them, CSV and XLSX,
every optional column, the cleaning of cells, and the external id of rows without 留言编号."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils.translation import override

from wenzheng.core.errors import InvalidInput
from wenzheng.intake.channels.boards.reader import parse_count, parse_time, read_board_file
from wenzheng.intake.channels.boards.tests.helpers import BASIC, WITH_REPLIES, write, write_csv

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(params=["csv", "xlsx"])
def suffix(request) -> str:
    return request.param


def test_it_reads_the_basic_columns_of_a_csv(tmp_path):
    path = write_csv(
        tmp_path / "board.csv",
        BASIC,
        [["24.0", "A00074011", "路口占道施工", "2020/1/6 12:09:38", "便道被围挡，行人只能走机动车道。"]],
    )
    board = read_board_file(path)
    assert board.errors == []
    [row] = board.rows
    assert row.row == 2
    assert row.external_ref == "24"  # a spreadsheet's float, not "24.0"
    assert (row.contact_name, row.subject) == ("A00074011", "路口占道施工")
    assert row.body == "便道被围挡，行人只能走机动车道。"
    assert row.received_at == datetime(2020, 1, 6, 12, 9, 38, tzinfo=SHANGHAI)
    assert (row.reply, row.replied_at, row.likes, row.dislikes, row.label) == ("", None, None, None, "")


def test_it_strips_the_tabs_and_newlines_that_xlsx_cells_keep(tmp_path):
    path = write(
        tmp_path / "board.xlsx",
        WITH_REPLIES,
        [
            [
                37,
                "\tA0001\n",
                "\n\t\t小区 \t 停车\n难\t",
                datetime(2019, 4, 25, 9, 32, 9),
                "\n\t\t\t\t\t\n\t\t\t\t\t\u3000\u3000第一段。\t\n\n\t\t第二段。\n\t\t",
                "\n\t网友您好：\n\t\t已经处理。\n",
                "\t2019/5/10 14:56:53\n",
            ]
        ],
    )
    [row] = read_board_file(path).rows
    assert row.external_ref == "37"
    assert row.contact_name == "A0001"
    assert row.subject == "小区 停车 难"
    assert row.body == "第一段。\n第二段。"
    assert row.reply == "网友您好：\n已经处理。"
    assert row.received_at == datetime(2019, 4, 25, 9, 32, 9, tzinfo=SHANGHAI)
    assert row.replied_at == datetime(2019, 5, 10, 14, 56, 53, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("extra", "values", "expected"),
    [
        ([], [], {}),
        (["答复意见", "答复时间"], ["已处理。", "2019/5/2 8:00:00"], {"reply": "已处理。"}),
        (["反对数", "点赞数"], ["2", "15"], {"likes": 15, "dislikes": 2}),
        (["点赞数", "反对数"], [15, 2], {"likes": 15, "dislikes": 2}),
        (["一级分类"], ["城乡建设"], {"label": "城乡建设"}),
        (["一级标签"], ["交通运输"], {"label": "交通运输"}),
        (["一级标签", "备注"], ["教育文体", "ignored"], {"label": "教育文体"}),
    ],
    ids=["basic", "replies", "votes-csv-order", "votes-xlsx-order", "category", "label", "extra-column"],
)
def test_it_reads_every_column_variant(tmp_path, suffix, extra, values, expected):
    header = [*BASIC, *extra]
    path = write(
        tmp_path / f"board.{suffix}", header, [["9", "U1", "主题", "2019/5/1 8:00:00", "内容", *values]]
    )
    board = read_board_file(path)
    assert board.errors == []
    [row] = board.rows
    for name, value in expected.items():
        assert getattr(row, name) == value
    assert row.subject == "主题"


def test_it_reads_the_columns_in_any_order(tmp_path, suffix):
    header = ["留言详情", "一级分类", "留言主题", "留言时间", "留言用户", "留言编号"]
    path = write(
        tmp_path / f"board.{suffix}", header, [["内容", "环境保护", "主题", "2019-05-01 08:00", "U1", "7"]]
    )
    [row] = read_board_file(path).rows
    assert (row.external_ref, row.subject, row.body, row.label) == ("7", "主题", "内容", "环境保护")


def test_it_refuses_a_file_without_a_required_column(tmp_path, suffix):
    path = write(tmp_path / f"board.{suffix}", ["留言编号", "留言主题", "留言详情"], [["1", "主题", "内容"]])
    with override("en"), pytest.raises(InvalidInput) as excinfo:
        read_board_file(path)
    assert str(excinfo.value.message) == "The file has no column 留言用户、留言时间."


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8", "utf-8-sig"])
def test_it_reads_csv_as_excel_and_wps_save_it_on_chinese_windows(tmp_path, encoding):
    lines = [",".join(BASIC), "7,张三,A3区路灯不亮,2019/5/1 8:00:00,晚上一片漆黑，老人出门摔倒"]
    path = tmp_path / "board.csv"
    path.write_bytes("\r\n".join(lines).encode(encoding))
    [row] = read_board_file(path).rows
    assert (row.external_ref, row.contact_name, row.subject) == ("7", "张三", "A3区路灯不亮")
    assert row.body == "晚上一片漆黑，老人出门摔倒"


def test_it_refuses_files_it_cannot_read(tmp_path):
    undecodable = tmp_path / "binary.csv"
    undecodable.write_bytes(",".join(BASIC).encode() + b"\n\x80\xff\xfe\x81")
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip file")
    other = tmp_path / "board.txt"
    other.write_text("x")
    with override("en"):
        messages = []
        for path in (undecodable, broken, other):
            with pytest.raises(InvalidInput) as excinfo:
                read_board_file(path)
            messages.append(str(excinfo.value.message))
    assert messages == [
        "The CSV file is neither in UTF-8 nor in GB18030 (GBK) encoding.",
        "The file is not a readable XLSX workbook.",
        "Only .csv and .xlsx files can be imported.",
    ]


def test_it_uses_the_subject_as_the_text_when_the_text_is_missing(tmp_path, suffix):
    path = write(tmp_path / f"board.{suffix}", BASIC, [["1", "U1", "路灯不亮", "2019/5/1 8:00:00", None]])
    [row] = read_board_file(path).rows
    assert row.body == "路灯不亮"


def test_it_gives_a_row_without_number_a_stable_id_from_its_content(tmp_path):
    rows = [
        ["", "", "路灯不亮", "", "东街路灯不亮。\n请修理。"],
        ["", "", "路灯不亮", "", "东街路灯不亮。\n请修理。"],  # the same words again: another row
        ["", "", "路灯不亮", "", "西街路灯不亮。"],
    ]
    first = read_board_file(write(tmp_path / "a.csv", BASIC, rows)).rows
    again = read_board_file(write(tmp_path / "b.csv", BASIC, rows)).rows
    refs = [r.external_ref for r in first]
    assert refs == [r.external_ref for r in again]
    assert refs[0].startswith("sha256:")
    assert len(refs[0]) == len("sha256:") + 40
    assert refs[1] == refs[0] + "#2"
    assert refs[2] != refs[0]
    # The platform's XLSX keeps the page's whitespace, the CSV export removes it: one message.
    spaced = [["", None, " 路灯\t不亮 ", None, "\n\t\t东街路灯不亮。\t\n\t请修理。\n"]]
    [from_xlsx] = read_board_file(write(tmp_path / "c.xlsx", BASIC, spaced)).rows
    assert from_xlsx.external_ref == refs[0]


def test_it_skips_empty_rows_and_numbers_rows_as_a_spreadsheet_does(tmp_path, suffix):
    rows = [
        ["1", "U1", "第一条", "2019/5/1 8:00:00", "第一行\n第二行"],  # a cell across two lines
        ["", "", "", "", ""],
        ["3", "U3", "第三条", "2019/5/3 8:00:00", "内容"],
        [None, "\t", None, None, None],
    ]
    board = read_board_file(write(tmp_path / f"board.{suffix}", BASIC, rows))
    assert [(r.row, r.external_ref) for r in board.rows] == [(2, "1"), (4, "3")]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2019/4/25 9:32:09", datetime(2019, 4, 25, 9, 32, 9)),
        ("2019-04-25 09:32:09", datetime(2019, 4, 25, 9, 32, 9)),
        ("2019-04-25T09:32", datetime(2019, 4, 25, 9, 32)),
        ("2019/4/25", datetime(2019, 4, 25)),
        ("2019年4月25日 9:32", datetime(2019, 4, 25, 9, 32)),
        ("2019-04-25 09:32:09.500", datetime(2019, 4, 25, 9, 32, 9)),
        (datetime(2019, 4, 25, 9, 32, 9), datetime(2019, 4, 25, 9, 32, 9)),
        ("", None),
        (None, None),
    ],
)
def test_it_reads_times_as_local_time(value, expected):
    assert parse_time(value) == (expected.replace(tzinfo=SHANGHAI) if expected else None)


@pytest.mark.parametrize("value", ["昨天", "2019/2/30 8:00", "2019/4/25 25:00", "25/4/2019", 43580.5])
def test_it_refuses_what_is_not_a_time(value):
    with pytest.raises(ValueError):  # noqa: PT011 — the reader turns it into a row error
        parse_time(value)


@pytest.mark.parametrize(
    ("value", "expected"), [("12", 12), ("12.0", 12), (3, 3), (3.0, 3), ("1,024", 1024), ("", None)]
)
def test_it_reads_vote_counts(value, expected):
    assert parse_count(value) == expected


@pytest.mark.parametrize("value", ["-1", "很多", "1.5", -2, 2.5])
def test_it_refuses_what_is_not_a_vote_count(value):
    with pytest.raises(ValueError):  # noqa: PT011
        parse_count(value)


def test_it_reports_each_unreadable_cell_with_its_row(tmp_path):
    header = [*WITH_REPLIES, "点赞数", "反对数"]
    rows = [
        ["1", "U1", "主题", "2019/5/1 8:00", "内容", "", "", "3", "0"],
        ["2", "U2", "主题", "下午三点", "内容", "答复", "2019/5/40", "很多", "-1"],
    ]
    with override("en"):
        board = read_board_file(write_csv(tmp_path / "board.csv", header, rows))
        found = [(e.row, board.column_of(e.field), str(e.message)) for e in board.errors]
    assert found == [
        (3, "留言时间", "“下午三点” is not a date and time."),
        (3, "答复时间", "“2019/5/40” is not a date and time."),
        (3, "点赞数", "“很多” is not a whole number of at least 0."),
        (3, "反对数", "“-1” is not a whole number of at least 0."),
    ]
    assert len(board.rows) == 2  # the row is still read, so its other problems can be found too
