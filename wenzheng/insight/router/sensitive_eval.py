"""Evaluation of the major-sensitive screen (:mod:`wenzheng.insight.router.sensitive`) on hand-labelled real messages.

The labels live in ``data/sensitive_labels.csv`` and point at rows of the shared data files; they never
carry message text. Each labelled row names its file, its 1-based data row (header excluded), the first
12 hex digits of the sha1 of its 留言主题 cell (checked on load), the sampling stratum, the label
(``major`` 1/0 and ``kind``) and the split (``dev`` was looked at while tuning the lexicon, ``test`` only
evaluated at the end; ``test2`` is a second round, :func:`second_sample`, labelled by a second reader after
the lexicon was frozen).

Sampling (:func:`sample_rows`) is stratified over the 11,787 messages of ``messages_labelled.csv`` and
``messages_with_votes.csv``, each message falling in exactly one stratum:

* ``strong``: subject or body contains a word of :data:`STRONG_SEEDS` (narrow, incident-like words);
* ``broad``: otherwise, contains a word of :data:`BROAD_SEEDS` (single characters like 死, 火, 打 …);
* ``rest``: neither.

Population-weighted figures weight every labelled message by ``N_h / n_h`` (stratum population over
labelled messages of that stratum in the evaluated items), sum the weighted true/false positives and
false negatives, and take the ratios (a combined ratio estimator).
"""

from __future__ import annotations

import csv
import hashlib
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wenzheng.insight.router.sensitive import KINDS, SensitiveScreen

DATA_FILES = ("messages_labelled.csv", "messages_with_votes.csv")
SUBJECT = "留言主题"
BODY = "留言详情"
SEED = 20240611
# Draws in order from one seeded generator; a later draw from a stratum skips rows already drawn. The last
# draw is a top-up of the "strong" stratum, added after the first 400 rows gave only 18 positives.
SAMPLE_DRAWS: tuple[tuple[str, int], ...] = (("strong", 170), ("broad", 80), ("rest", 150), ("strong", 120))

STRONG_SEEDS = tuple(
    [
        "自杀",
        "轻生",
        "跳楼",
        "跳河",
        "跳江",
        "不想活",
        "寻死",
        "同归于尽",
        "报复",
        "杀人",
        "杀了",
        "砍",
        "持刀",
        "炸药",
        "爆炸",
        "火灾",
        "起火",
        "着火",
        "失火",
        "坍塌",
        "倒塌",
        "垮塌",
        "塌陷",
        "中毒",
        "投毒",
        "疫情",
        "传染",
        "瘟",
        "泄漏",
        "泄露",
        "燃气",
        "煤气",
        "聚集",
        "堵路",
        "堵门",
        "围堵",
        "拦路",
        "上访",
        "集体",
        "群体",
        "讨薪",
        "欠薪",
        "罢工",
        "横幅",
        "闹事",
        "死亡",
        "身亡",
        "伤亡",
        "死人",
        "溺",
        "极端",
        "绝望",
        "威胁",
        "危房",
    ]
)
BROAD_SEEDS = tuple(
    [
        "死",
        "伤",
        "火",
        "爆",
        "塌",
        "毒",
        "疫",
        "病",
        "跳",
        "杀",
        "打",
        "闹",
        "堵",
        "围",
        "危险",
        "隐患",
        "事故",
        "污染",
        "维权",
        "刀",
        "血",
        "工资",
        "拖欠",
        "裂",
        "逼",
        "坠",
        "砸",
        "殴",
        "命",
        "恐吓",
        "感染",
    ]
)
# Second round (2026-11-22), drawn after the lexicon was frozen, from the rows the first sample left, with
# its own generator: a fresh test set ("test2"), labelled before the screen was run on it.
SEED_2 = 20261122
SAMPLE_DRAWS_2: tuple[tuple[str, int], ...] = (("strong", 300), ("broad", 60))
STRATA = ("strong", "broad", "rest")

# Stratum sizes over both data files, as counted by :func:`count_strata` when the sample was drawn.
STRATUM_POPULATION: dict[str, int] = {"strong": 1699, "broad": 5147, "rest": 4941}


@dataclass(frozen=True)
class LabelledItem:
    file: str
    row: int
    subject: str
    body: str
    stratum: str
    major: bool
    kind: str
    split: str


def subject_sha1(subject: str) -> str:
    return hashlib.sha1(subject.encode("utf-8"), usedforsecurity=False).hexdigest()[:12]


def split_of(file: str, row: int) -> str:
    """Half the rows go to ``dev``, half to ``test``, by a hash of the row's address."""
    digest = hashlib.sha1(f"{file}:{row}".encode(), usedforsecurity=False).digest()
    return "dev" if digest[0] % 2 == 0 else "test"


def stratum_of(subject: str, body: str) -> str:
    text = subject + body
    if any(w in text for w in STRONG_SEEDS):
        return "strong"
    if any(w in text for w in BROAD_SEEDS):
        return "broad"
    return "rest"


def read_rows(data_dir: str | Path, file: str) -> list[tuple[str, str]]:
    """(subject, body) of every data row of one file, in file order; missing cells become ''."""
    with open(Path(data_dir) / file, encoding="utf-8", newline="") as fh:
        return [(r.get(SUBJECT) or "", r.get(BODY) or "") for r in csv.DictReader(fh)]


def count_strata(data_dir: str | Path) -> dict[str, int]:
    counts = dict.fromkeys(STRATA, 0)
    for file in DATA_FILES:
        for subject, body in read_rows(data_dir, file):
            counts[stratum_of(subject, body)] += 1
    return counts


def sample_rows(
    data_dir: str | Path,
    draws: Sequence[tuple[str, int]] = SAMPLE_DRAWS,
    seed: int = SEED,
    exclude: Iterable[tuple[str, int]] = (),
) -> list[tuple[str, int, str, str]]:
    """The stratified sample: (file, 1-based row, stratum, subject sha1), reproducible from ``seed``;
    rows in ``exclude`` (file, row) are never drawn."""
    by_stratum: dict[str, list[tuple[str, int, str]]] = {s: [] for s in STRATA}
    for file in DATA_FILES:
        for i, (subject, body) in enumerate(read_rows(data_dir, file), start=1):
            by_stratum[stratum_of(subject, body)].append((file, i, subject_sha1(subject)))
    rng = random.Random(seed)
    out: list[tuple[str, int, str, str]] = []
    taken: set[tuple[str, int]] = set(exclude)
    for stratum, k in draws:
        pool = [r for r in by_stratum[stratum] if (r[0], r[1]) not in taken]
        for file, row, sha in sorted(rng.sample(pool, k)):
            taken.add((file, row))
            out.append((file, row, stratum, sha))
    return out


def second_sample(data_dir: str | Path) -> list[tuple[str, int, str, str]]:
    """The second round: drawn like the first, from the rows the first did not take."""
    first = [(file, row) for file, row, _, _ in sample_rows(data_dir)]
    return sample_rows(data_dir, SAMPLE_DRAWS_2, SEED_2, exclude=first)


def load_labelled(data_dir: str | Path, labels_csv: str | Path) -> list[LabelledItem]:
    """Join the label file with the message text; raise ValueError if a row's subject hash does not match."""
    cache: dict[str, list[tuple[str, str]]] = {}
    items: list[LabelledItem] = []
    with open(labels_csv, encoding="utf-8", newline="") as fh:
        for rec in csv.DictReader(fh):
            file, row = rec["file"], int(rec["row"])
            if file not in cache:
                cache[file] = read_rows(data_dir, file)
            rows = cache[file]
            if not 1 <= row <= len(rows):
                raise ValueError(f"{file} has no data row {row}")
            subject, body = rows[row - 1]
            if subject_sha1(subject) != rec["subject_sha1"]:
                raise ValueError(
                    f"{file} row {row}: subject sha1 {subject_sha1(subject)} != {rec['subject_sha1']}"
                )
            kind = rec.get("kind") or ""
            major = rec["major"].strip() == "1"
            if major and kind not in KINDS:
                raise ValueError(f"{file} row {row}: major row with unknown kind {kind!r}")
            items.append(
                LabelledItem(
                    file=file,
                    row=row,
                    subject=subject,
                    body=body,
                    stratum=rec["stratum"],
                    major=major,
                    kind=kind,
                    split=rec.get("split") or split_of(file, row),
                )
            )
    return items


def _ratio(num: float, den: float) -> float:
    return num / den if den else 0.0


def evaluate(
    screen: SensitiveScreen,
    items: Sequence[LabelledItem] | Iterable[LabelledItem],
    population: Mapping[str, int] | None = None,
) -> dict[str, Any]:
    """Sample figures plus population-weighted estimates (see the module docstring for the weighting)."""
    items = list(items)
    pop = dict(STRATUM_POPULATION if population is None else population)
    n_by_stratum: dict[str, int] = {}
    for it in items:
        n_by_stratum[it.stratum] = n_by_stratum.get(it.stratum, 0) + 1
    weight = {s: pop.get(s, 0) / n for s, n in n_by_stratum.items()}

    tp = fp = fn = 0
    wtp = wfp = wfn = 0.0
    kind_total: dict[str, int] = dict.fromkeys(KINDS, 0)
    kind_found: dict[str, int] = dict.fromkeys(KINDS, 0)
    errors: list[dict[str, Any]] = []
    for it in items:
        flag = screen.screen(it.subject, it.body)
        w = weight[it.stratum]
        if it.major:
            kind_total[it.kind] = kind_total.get(it.kind, 0) + 1
            if flag.is_major:
                tp += 1
                wtp += w
                kind_found[it.kind] = kind_found.get(it.kind, 0) + 1
            else:
                fn += 1
                wfn += w
        elif flag.is_major:
            fp += 1
            wfp += w
        if flag.is_major != it.major:
            errors.append(
                {
                    "file": it.file,
                    "row": it.row,
                    "major": it.major,
                    "kind": it.kind,
                    "score": flag.score,
                    "kinds": flag.kinds,
                    "hits": flag.hits,
                }
            )
    precision = _ratio(tp, tp + fp)
    recall = _ratio(tp, tp + fn)
    wprecision = _ratio(wtp, wtp + wfp)
    wrecall = _ratio(wtp, wtp + wfn)
    return {
        "n": len(items),
        "positives": tp + fn,
        "flagged": tp + fp,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": precision,
        "recall": recall,
        "f1": _ratio(2 * precision * recall, precision + recall),
        "per_kind_recall": {k: _ratio(kind_found[k], kind_total[k]) for k in KINDS if kind_total[k]},
        "per_kind_positives": {k: kind_total[k] for k in KINDS if kind_total[k]},
        "by_stratum": {s: {"n": n, "population": pop.get(s, 0)} for s, n in sorted(n_by_stratum.items())},
        "population": {
            "precision": wprecision,
            "recall": wrecall,
            "f1": _ratio(2 * wprecision * wrecall, wprecision + wrecall),
            "est_major_messages": wtp + wfn,
            "est_flagged_messages": wtp + wfp,
            "est_major_rate": _ratio(wtp + wfn, sum(pop.get(s, 0) for s in n_by_stratum)),
        },
        "errors": errors,
    }
