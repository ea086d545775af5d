"""The real board exports in ../shared/data import completely, once, through the bulk path.

They are not copied into the project (see ../shared/data/README.md); the test skips where the
folder is absent.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import call_command

from wenzheng.casework.models import Case, Reply
from wenzheng.casework.workflow import State
from wenzheng.intake.channels.boards.importer import import_board_file

# tests → boards → channels → intake → wenzheng → the repository → its parent, which holds shared/.
DATA = Path(__file__).resolve().parents[6] / "shared" / "data"
pytestmark = pytest.mark.skipif(
    not DATA.is_dir(), reason=f"the real board exports are not here ({DATA} is absent)"
)


def data_rows(path: Path) -> int:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))[1:]
    return sum(1 for row in rows if any(cell.strip() for cell in row))


@pytest.mark.parametrize(
    ("name", "replied"),
    [("messages_with_replies.csv", True), ("messages_labelled.csv", False)],
)
def test_it_imports_every_row_of_a_real_export_once(world, name, replied):
    path = DATA / name
    expected = data_rows(path)
    first = import_board_file(path, org=world.city)
    assert (first.rows, first.result.created, first.result.skipped_existing) == (expected, expected, 0)
    again = import_board_file(path, org=world.city)
    assert (again.result.created, again.result.skipped_existing) == (0, expected)
    cases = Case.objects.filter(source=f"board:{path.stem}")
    assert cases.count() == expected
    if replied:
        assert cases.filter(state=State.PUBLISHED).count() == expected
        assert Reply.objects.filter(case__in=cases).count() == expected
    else:
        assert cases.filter(state=State.RECEIVED).count() == expected
        # The labels name the platform's level-1 categories: kept in the events whatever the tree.
        assert not cases.exclude(events__data__has_key="label").exists()


def test_it_leaves_the_real_replies_verifiable(world):
    import_board_file(DATA / "messages_with_replies.csv", org=world.city)
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert out.getvalue() == "The event chains of every case are intact.\n"
