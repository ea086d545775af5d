"""Messages as the grouping reads them, from a board export file (领导留言板 format, the columns of
``messages_with_votes.csv``) or from the ledger, with their territory as a path of place ids.

For an export without an organisation tree, the territory comes from the anonymised province's
tree the router ships (``router/data/xidi_places.csv``) through the router's own matcher; in the
ledger it is the case's registered territory, else the router's suggestion.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from wenzheng.insight.hotspots.engine import Path as PlacePath
from wenzheng.insight.router.territory import Place, TerritoryMatcher

TERRITORY_TEXT = 300  # characters of the body the territory matcher reads after the subject


@dataclass(frozen=True)
class Record:
    key: str  # the board's 留言编号, or a case number
    author: str  # the board's 留言用户 (an account name), or "" — only ever shown masked
    subject: str
    body: str
    at: datetime | None
    likes: int = 0
    against: int = 0
    path: PlacePath = ()
    channel: str = "board"


class PlaceTree:
    """Territory paths (root first) and names of a tree of places."""

    def __init__(self, places: Iterable[Place]) -> None:
        self.places = {p.id: p for p in places}
        self.matcher = TerritoryMatcher(self.places.values())

    def path_of(self, place_id: int | None) -> PlacePath:
        out: list[int] = []
        seen: set[int] = set()
        while place_id is not None and place_id in self.places and place_id not in seen:
            seen.add(place_id)
            out.append(place_id)
            place_id = self.places[place_id].parent_id
        return tuple(reversed(out))

    def match(self, subject: str, body: str) -> PlacePath:
        found = self.matcher.match(f"{subject}\n{(body or '')[:TERRITORY_TEXT]}")
        return self.path_of(found.place_id) if found is not None else ()

    def name(self, path: PlacePath) -> str:
        """The names along a path below the province: "A市A3区"."""
        names = [self.places[i].name for i in path if i in self.places and self.places[i].kind != "province"]
        return "".join(names)


def xidi_tree() -> PlaceTree:
    from wenzheng.insight.router.territory_eval import load_places

    return PlaceTree(load_places())


def records_from_file(path: Path, tree: PlaceTree | None = None) -> tuple[list[Record], int]:
    """The messages of a board export, with territories; returns them and the number of rows left
    out (rows the export reader rejects)."""
    from wenzheng.intake.channels.boards.reader import read_board_file

    board = read_board_file(path)
    bad = {e.row for e in board.errors}
    tree = tree or xidi_tree()
    records = [
        Record(
            key=r.external_ref,
            author=r.contact_name,
            subject=r.subject,
            body=r.body,
            at=r.received_at,
            likes=r.likes or 0,
            against=r.dislikes or 0,
            path=tree.match(r.subject, r.body),
        )
        for r in board.rows
        if r.row not in bad
    ]
    return records, len(bad)


def texts(records: Sequence[Record]) -> tuple[list[str], list[str]]:
    return [r.subject for r in records], [r.body for r in records]


def as_dict(record: Record) -> dict[str, Any]:
    return {"key": record.key, "subject": record.subject, "at": record.at}
