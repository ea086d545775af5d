"""Tests for wenzheng.lib.spreadsheet: formula injection, time zones and streaming exports."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from wenzheng.lib.spreadsheet import Sheet, decode_csv, safe_cell, write_csv, write_xlsx

DANGEROUS = [
    '=HYPERLINK("http://evil","x")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "＝1+1",
    "\r=1",
    "－1",
    "＠x",
    "＋1",
]


def _read(data: bytes, index: int = 0) -> Worksheet:
    ws = load_workbook(io.BytesIO(data)).worksheets[index]
    assert isinstance(ws, Worksheet)
    return ws


def _sheet_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode()


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


# -- safe_cell ------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", DANGEROUS)
def test_it_prefixes_formula_triggers_with_an_apostrophe(value: str) -> None:
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["普通文本", "a=b", "1+1", "'already", "", "#N/A", " =1"])
def test_it_leaves_harmless_strings_alone(value: str) -> None:
    assert safe_cell(value) == value


@pytest.mark.parametrize(
    "value",
    [None, True, False, 0, -5, 3.25, Decimal("1.50"), date(2026, 3, 5), time(9, 30), timedelta(hours=2)],
)
def test_it_passes_numbers_dates_none_and_bools_through(value: object) -> None:
    result = safe_cell(value)
    assert result == value
    assert type(result) is type(value)


def test_it_converts_aware_datetimes_to_naive_shanghai_time() -> None:
    assert safe_cell(datetime(2026, 3, 5, 1, 0, tzinfo=UTC)) == datetime(2026, 3, 5, 9, 0)
    assert safe_cell(datetime(2026, 3, 5, 1, 0, tzinfo=UTC), tz=ZoneInfo("Asia/Urumqi")) == datetime(
        2026, 3, 5, 7, 0
    )
    assert safe_cell(datetime(2026, 3, 5, 1, 0)) == datetime(2026, 3, 5, 1, 0)


def test_it_strips_characters_that_xml_cannot_carry() -> None:
    assert safe_cell("a\x00b\x07c\x1fd\ud800e\uffff") == "abcde"
    assert safe_cell("\x00=1+1") == "'=1+1"
    assert safe_cell("行一\n行二\t列") == "行一\n行二\t列"


def test_it_turns_values_excel_would_corrupt_into_text() -> None:
    assert safe_cell(430102199003071234) == "430102199003071234"
    assert safe_cell(999_999_999_999_999) == 999_999_999_999_999
    assert safe_cell(float("nan")) == "nan"
    assert safe_cell(float("-inf")) == "'-inf"
    assert safe_cell(Decimal("NaN")) == "NaN"
    assert safe_cell(b"=cmd") == "'=cmd"
    assert safe_cell(["x"]) == "['x']"


# -- XLSX -----------------------------------------------------------------------------------------


def test_it_never_writes_a_formula_cell_to_xlsx() -> None:
    data = write_xlsx([Sheet(title="注入", headers=["=标题", "+列"], rows=[DANGEROUS])])
    ws = _read(data)
    cells = [cell for row in ws.iter_rows() for cell in row]
    assert cells, "the sheet must not be empty"
    assert all(cell.data_type != "f" for cell in cells)
    assert [ws["A1"].value, ws["B1"].value] == ["'=标题", "'+列"]
    assert ws["C1"].value is None
    values = [c.value for c in ws[2]]
    # XML parsers turn a literal CR into LF, so "\r=1" reads back as "'\n=1" (still escaped).
    assert values == ["'" + v.replace("\r", "\n") for v in DANGEROUS]
    assert all(c.data_type == "s" for c in ws[2])
    assert "<f>" not in _sheet_xml(data)


def test_it_keeps_error_code_strings_as_text() -> None:
    ws = _read(write_xlsx([Sheet(title="t", headers=["a"], rows=[["#N/A", "#REF!"]])]))
    assert [(c.value, c.data_type) for c in ws[2]] == [("#N/A", "s"), ("#REF!", "s")]


def test_it_writes_aware_datetimes_as_naive_local_time() -> None:
    rows = [[datetime(2026, 3, 5, 1, 30, tzinfo=UTC), date(2026, 3, 5), 42, None, True]]
    ws = _read(write_xlsx([Sheet(title="t", headers=["时间", "日期", "数", "空", "真"], rows=rows)]))
    assert ws["A2"].value == datetime(2026, 3, 5, 9, 30)
    assert ws["A2"].value.tzinfo is None
    assert ws["B2"].is_date
    assert ws["C2"].value == 42
    assert ws["D2"].value is None
    assert ws["E2"].value is True


def test_it_writes_a_custom_time_zone() -> None:
    rows = [[datetime(2026, 3, 5, 1, 30, tzinfo=UTC)]]
    ws = _read(write_xlsx([Sheet(title="t", headers=["t"], rows=rows)], tz=ZoneInfo("Europe/London")))
    assert ws["A2"].value == datetime(2026, 3, 5, 1, 30)


def test_it_writes_control_characters_without_error() -> None:
    ws = _read(write_xlsx([Sheet(title="t", headers=["正文"], rows=[["留言\x00内容\x07结束", "\ud83d孤"]])]))
    assert ws["A2"].value == "留言内容结束"
    assert ws["B2"].value == "孤"


def test_it_styles_the_header_and_freezes_panes_below_it() -> None:
    ws = _read(
        write_xlsx([Sheet(title="t", headers=["编号", "标题"], rows=[["A-1", "x"]], column_widths=[12, 50])])
    )
    assert ws.freeze_panes == "A2"
    assert ws["A1"].font.b is True
    assert not ws["A2"].font.b
    assert ws.column_dimensions["A"].width == 12
    assert ws.column_dimensions["B"].width == 50


def test_it_sizes_columns_from_headers_when_no_widths_are_given() -> None:
    ws = _read(write_xlsx([Sheet(title="t", headers=["编号", "主办单位名称很长很长", "x"], rows=[])]))
    assert ws.column_dimensions["A"].width == 8
    assert ws.column_dimensions["B"].width == 22
    assert ws.column_dimensions["C"].width == 8


def test_it_sanitises_sheet_titles() -> None:
    sheets = [
        Sheet(title="留言/台账[2026]:*?\\", headers=["a"], rows=[]),
        Sheet(title="x" * 40, headers=["a"], rows=[]),
        Sheet(title="X" * 40, headers=["a"], rows=[]),
        Sheet(title="  ''  ", headers=["a"], rows=[]),
        Sheet(title="History", headers=["a"], rows=[]),
    ]
    titles = load_workbook(io.BytesIO(write_xlsx(sheets))).sheetnames
    assert titles == ["留言_台账_2026_____", "x" * 31, "X" * 27 + " (2)", "Sheet4", "History_"]
    assert all(len(t) <= 31 for t in titles)


def test_it_writes_several_sheets_and_an_empty_workbook() -> None:
    data = write_xlsx(
        [Sheet(title="一", headers=["a"], rows=[[1]]), Sheet(title="二", headers=["b"], rows=[[2]])]
    )
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["一", "二"]
    assert load_workbook(io.BytesIO(write_xlsx([]))).sheetnames == ["Sheet1"]


def test_it_streams_a_100000_row_generator() -> None:
    produced = 0

    def rows() -> Iterator[list[object]]:
        nonlocal produced
        for i in range(100_000):
            produced += 1
            yield [i, f"留言标题{i}"]

    data = write_xlsx([Sheet(title="台账", headers=["序号", "标题"], rows=rows())])
    assert produced == 100_000
    wb = load_workbook(io.BytesIO(data), read_only=True)
    ws = wb.worksheets[0]
    count = 0
    last: tuple[object, ...] = ()
    for values in ws.iter_rows(values_only=True):
        count += 1
        last = values
    wb.close()
    assert count == 100_001
    assert last == (99_999, "留言标题99999")


# -- CSV ------------------------------------------------------------------------------------------


def test_it_starts_csv_with_the_utf8_bom() -> None:
    data = write_csv(["编号"], [["HN-2026-000001"]])
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\xef\xbb\xbf") == 1
    assert data == "\ufeff编号\r\nHN-2026-000001\r\n".encode()


def test_it_escapes_csv_cells_like_xlsx_cells() -> None:
    rows = _csv_rows(write_csv(["=标题", "正文"], [DANGEROUS]))
    assert rows[0] == ["'=标题", "正文"]
    assert rows[1] == ["'" + v for v in DANGEROUS]
    assert rows[1] == [safe_cell(v) for v in DANGEROUS]


def test_it_writes_csv_values_in_local_time_and_plain_text() -> None:
    rows = _csv_rows(
        write_csv(
            ["t", "d", "n", "none", "b", "ctl", "multi"],
            [
                [
                    datetime(2026, 3, 5, 1, 30, tzinfo=UTC),
                    date(2026, 3, 5),
                    Decimal("5000.50"),
                    None,
                    False,
                    "a\x00b",
                    '他说："你好",\n然后走了',
                ]
            ],
        )
    )
    assert rows[1] == [
        "2026-03-05 09:30:00",
        "2026-03-05",
        "5000.50",
        "",
        "FALSE",
        "ab",
        '他说："你好",\n然后走了',
    ]


def test_it_writes_csv_from_a_generator() -> None:
    data = write_csv(["n"], ([i] for i in range(1000)))
    assert len(_csv_rows(data)) == 1001


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_decode_csv_reads_utf8_and_the_gbk_family(encoding):
    text = "留言主题,留言详情\r\n𠀀小区停车难,“车位”紧张—怎么办？\r\n"
    if encoding == "gbk":
        text = text.replace("𠀀", "")  # outside GBK; GB18030 carries every character
    assert decode_csv(text.encode(encoding)) == text


def test_decode_csv_refuses_bytes_neither_encoding_reads():
    with pytest.raises(UnicodeDecodeError):
        decode_csv(b"a,b\n\x80\xff")
