"""How well the grouping finds issues, on hand-labelled messages of ``messages_with_votes.csv``.

``data/issue_labels.csv`` maps 留言编号 to an issue label (ids only, never text). The whole export is
grouped (every message, labelled or not, as in real use) and the grouping is then read on the
labelled messages only:

- **purity**: each found issue counts its most common true label; purity = Σ of those / N
  (1.0 when no issue mixes two true issues);
- **B-cubed precision and recall** (Bagga & Baldwin): for each message, the share of its found
  issue that has its true label (precision) and the share of its true issue that was found
  together with it (recall), averaged over messages. "Recall of the grouping" in the reports is
  B-cubed recall;
- **pairwise precision and recall** over pairs of labelled messages in one issue, for reference.

The labelled issues are split in two halves by a hash of their label: parameters were chosen on
``dev`` and ``test`` was read once; both and ``all`` are reported.
"""

from __future__ import annotations

import csv
import hashlib
import time
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from wenzheng.insight.hotspots.engine import DEFAULT, Params, group
from wenzheng.insight.hotspots.records import Record, records_from_file, texts

LABELS_CSV = Path(__file__).resolve().parent / "data" / "issue_labels.csv"


def load_labels(path: Path = LABELS_CSV) -> dict[str, str]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = csv.DictReader(line for line in f if not line.startswith("#"))
        return {r["留言编号"].strip(): r["issue"].strip() for r in rows}


def split_of(label: str) -> str:
    digest = hashlib.sha1(label.encode("utf-8"), usedforsecurity=False).digest()
    return "dev" if digest[0] % 2 == 0 else "test"


@dataclass(frozen=True)
class Scores:
    messages: int
    true_issues: int
    found_issues: int
    purity: float
    bcubed_precision: float
    bcubed_recall: float
    bcubed_f1: float
    pairwise_precision: float
    pairwise_recall: float


def score(truth: Mapping[str, str], found: Mapping[str, int]) -> Scores:
    """Compare true labels with found issue ids over the messages in ``truth``."""
    keys = [k for k in truth if k in found]
    by_found: dict[int, list[str]] = defaultdict(list)
    by_true: dict[str, list[str]] = defaultdict(list)
    for k in keys:
        by_found[found[k]].append(k)
        by_true[truth[k]].append(k)
    n = len(keys)
    majority = sum(Counter(truth[k] for k in members).most_common(1)[0][1] for members in by_found.values())
    precision = recall = 0.0
    for k in keys:
        cluster = by_found[found[k]]
        same = sum(1 for m in cluster if truth[m] == truth[k])
        precision += same / len(cluster)
        recall += same / len(by_true[truth[k]])
    precision, recall = (precision / n, recall / n) if n else (0.0, 0.0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    true_pairs = sum(len(v) * (len(v) - 1) // 2 for v in by_true.values())
    found_pairs = sum(len(v) * (len(v) - 1) // 2 for v in by_found.values())
    both = 0
    for members in by_found.values():
        counts = Counter(truth[m] for m in members)
        both += sum(c * (c - 1) // 2 for c in counts.values())
    return Scores(
        messages=n,
        true_issues=len(by_true),
        found_issues=len(by_found),
        purity=round(majority / n, 4) if n else 0.0,
        bcubed_precision=round(precision, 4),
        bcubed_recall=round(recall, 4),
        bcubed_f1=round(f1, 4),
        pairwise_precision=round(both / found_pairs, 4) if found_pairs else 1.0,
        pairwise_recall=round(both / true_pairs, 4) if true_pairs else 1.0,
    )


def evaluate(
    records: Sequence[Record], labels: Mapping[str, str], params: Params = DEFAULT
) -> dict[str, object]:
    subjects, bodies = texts(records)
    started = time.perf_counter()
    grouping = group(subjects, bodies, [r.path for r in records], params)
    seconds = time.perf_counter() - started
    found = {r.key: grouping.labels[i] for i, r in enumerate(records)}
    missing = sorted(k for k in labels if k not in found)
    out: dict[str, object] = {
        "labelled": len(labels),
        "missing_from_file": missing,
        "grouped_messages": len(records),
        "group_seconds": round(seconds, 3),
        "params": asdict(params),
    }
    for part in ("dev", "test", "all"):
        subset = {k: v for k, v in labels.items() if part == "all" or split_of(v) == part}
        out[part] = asdict(score(subset, found))
    return out


def evaluate_file(path: Path, labels_path: Path = LABELS_CSV, params: Params = DEFAULT) -> dict[str, object]:
    records, _left_out = records_from_file(path)
    return evaluate(records, load_labels(labels_path), params)
