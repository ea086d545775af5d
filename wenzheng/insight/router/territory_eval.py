"""Evaluation of :mod:`wenzheng.insight.router.territory` on hand-labelled real messages.

``data/xidi_places.csv`` is the anonymised province's tree (``code,name,kind,parent_code,aliases``;
aliases separated by ``|``). ``data/territory_labels.csv`` points at rows of the shared
``messages_labelled.csv`` (``row,subject_sha1,gold_code``; lines starting with ``#`` are comments) and
never carries message text. See ``docs/router-territory.md`` for sampling and labelling rules.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from wenzheng.insight.router.territory import Place, TerritoryMatcher

DATA_DIR = Path(__file__).resolve().parent / "data"
PLACES_CSV = DATA_DIR / "xidi_places.csv"
LABELS_CSV = DATA_DIR / "territory_labels.csv"
SUBJECT = "留言主题"
BODY = "留言详情"


def _rows(path: str | Path) -> Iterator[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        yield from csv.DictReader(line for line in f if not line.startswith("#"))


def load_tree(path: str | Path = PLACES_CSV) -> tuple[list[Place], dict[int, str]]:
    """Places of a ``code,name,kind,parent_code,aliases`` file (ids 1.. in file order) and id → code."""
    records = list(_rows(path))
    id_of = {r["code"].strip(): n for n, r in enumerate(records, 1)}
    if len(id_of) != len(records):
        raise ValueError(f"{path}: duplicate codes")
    places: list[Place] = []
    for n, r in enumerate(records, 1):
        parent_code = (r.get("parent_code") or "").strip()
        if parent_code and parent_code not in id_of:
            raise ValueError(f"{path}: {r['code']} has unknown parent {parent_code}")
        aliases = tuple(a.strip() for a in (r.get("aliases") or "").split("|") if a.strip())
        places.append(
            Place(
                id=n,
                name=r["name"].strip(),
                kind=r["kind"].strip(),
                parent_id=id_of[parent_code] if parent_code else None,
                aliases=aliases,
            )
        )
    return places, {n: code for code, n in id_of.items()}


def load_places(path: str | Path = PLACES_CSV) -> list[Place]:
    return load_tree(path)[0]


def subject_sha1(subject: str) -> str:
    return hashlib.sha1(subject.encode("utf-8"), usedforsecurity=False).hexdigest()[:12]


def load_labelled(data_csv: str | Path, labels_csv: str | Path = LABELS_CSV) -> list[tuple[str, str | None]]:
    """(subject + "\\n" + body, gold code or None) for every labelled row; ValueError on misalignment."""
    data = list(_rows(data_csv))
    items: list[tuple[str, str | None]] = []
    for label in _rows(labels_csv):
        row = int(label["row"])
        if not 1 <= row <= len(data):
            raise ValueError(f"{labels_csv}: row {row} is outside {data_csv} (1..{len(data)})")
        record = data[row - 1]
        subject = record.get(SUBJECT) or ""
        if subject_sha1(subject) != label["subject_sha1"].strip():
            raise ValueError(f"{labels_csv}: row {row} does not match {data_csv} (subject sha1 differs)")
        gold = (label.get("gold_code") or "").strip() or None
        items.append((subject + "\n" + (record.get(BODY) or ""), gold))
    return items


def evaluate(
    matcher: TerritoryMatcher,
    items: Sequence[tuple[str, str | None]],
    code_of: Mapping[int, str],
) -> dict[str, Any]:
    """Precision (correct among messages with a prediction), recall (correct among messages with a gold
    place), F1, counts, and up to 10 confusions ``(gold, predicted)`` where they differ."""
    predicted = with_gold = correct = 0
    confusions: list[tuple[str | None, str | None]] = []
    for text, gold in items:
        m = matcher.match(text)
        guess = code_of.get(m.place_id) if m is not None else None
        if guess is not None:
            predicted += 1
        if gold is not None:
            with_gold += 1
        if gold is not None and guess == gold:
            correct += 1
        elif (gold is not None or guess is not None) and len(confusions) < 10:
            confusions.append((gold, guess))
    precision = correct / predicted if predicted else 0.0
    recall = correct / with_gold if with_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "n": len(items),
        "predicted": predicted,
        "with_gold": with_gold,
        "correct": correct,
        "confusions": confusions,
    }
