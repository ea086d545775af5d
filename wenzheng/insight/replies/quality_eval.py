"""Agreement of the completeness and explainability checks with the hand labels.

``replies_quality_labels.csv`` (留言编号, 完整性指标, 可解释性指标: 100 replies labelled 0/1) is joined
by 留言编号 to ``messages_with_replies.csv``. Each check's score has a few parameters and a
threshold; they are chosen on labelled data, so agreement is reported by **nested
cross-validation**: in each of 10 stratified folds, the parameter set and the threshold with the
best Cohen's kappa on the other 9 folds label the held-out fold; the pooled predictions give
accuracy, kappa and precision/recall of the 0 class (the weak replies). This is repeated with 5
shuffles and averaged. The parameters the checks ship with are the choice made on all 100 (also
printed, with their in-sample figures, which are optimistic).

Timeliness has no labels: the command reports the real handling times (working days from the
message to the reply) of the whole file instead.
"""

from __future__ import annotations

import csv
import itertools
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from sklearn.model_selection import StratifiedKFold

from wenzheng.insight.replies import checks
from wenzheng.lib.workdays import WorkingCalendar

MESSAGES = "messages_with_replies.csv"
LABELS = "replies_quality_labels.csv"
FOLDS = 10
REPEATS = 5
ZONE = ZoneInfo("Asia/Shanghai")

COMPLETENESS_GRID = [
    checks.CompletenessParams(substance_full=s, share_weight=w)
    for s, w in itertools.product((100, 150, 200, 250, 300), (0.0, 0.2, 0.3))
]
EXPLAINABILITY_GRID = [
    checks.ExplainabilityParams(substance_full=s, facts_full=f, weights=ws)
    for s, f, ws in itertools.product(
        (150, 200, 300), (4, 6, 8), ((0.4, 0.3, 0.3), (0.5, 0.2, 0.3), (0.5, 0.25, 0.25), (0.34, 0.33, 0.33))
    )
]


@dataclass(frozen=True)
class Message:
    id: str
    subject: str
    body: str
    reply: str
    received: datetime | None
    replied: datetime | None


@dataclass(frozen=True)
class Labelled:
    message: Message
    completeness: int
    explainability: int


def parse_time(value: str) -> datetime | None:
    value = (value or "").strip()
    for fmt in ("%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%d %H:%M", "%Y/%m/%d"):
        try:
            return datetime.strptime(value, fmt).replace(tzinfo=ZONE)
        except ValueError:
            continue
    return None


def load_messages(path: Path) -> list[Message]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [
            Message(
                id=(row.get("留言编号") or "").strip(),
                subject=row.get("留言主题") or "",
                body=row.get("留言详情") or "",
                reply=row.get("答复意见") or "",
                received=parse_time(row.get("留言时间") or ""),
                replied=parse_time(row.get("答复时间") or ""),
            )
            for row in csv.DictReader(handle)
        ]


def load_labelled(data_dir: Path) -> list[Labelled]:
    messages = {m.id: m for m in load_messages(data_dir / MESSAGES)}
    out: list[Labelled] = []
    with (data_dir / LABELS).open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            message = messages.get((row.get("留言编号") or "").strip())
            if message is None:
                raise ValueError(f"label for unknown message {row.get('留言编号')!r}")
            out.append(Labelled(message, int(float(row["完整性指标"])), int(float(row["可解释性指标"]))))
    return out


# --- metrics ---------------------------------------------------------------------------------


def kappa(y: np.ndarray, p: np.ndarray) -> float:
    po = float((y == p).mean())
    py, pp = float(y.mean()), float(p.mean())
    pe = py * pp + (1 - py) * (1 - pp)
    return 0.0 if pe >= 1 else (po - pe) / (1 - pe)


def agreement(y: np.ndarray, p: np.ndarray) -> dict[str, float]:
    """Accuracy, Cohen's kappa, and precision/recall of the 0 class (weak replies)."""
    flagged = p == 0
    weak = y == 0
    return {
        "accuracy": round(float((y == p).mean()), 4),
        "kappa": round(kappa(y, p), 4),
        "precision_0": round(float((flagged & weak).sum() / flagged.sum()) if flagged.any() else 0.0, 4),
        "recall_0": round(float((flagged & weak).sum() / weak.sum()) if weak.any() else 0.0, 4),
        "n": len(y),
    }


# --- fitting ---------------------------------------------------------------------------------

Scorer = Callable[[Any, Any], float]  # (features, params) → score


def _best_threshold(scores: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """The threshold with the best kappa (ties: the one nearest the middle of the candidates)."""
    candidates = np.unique(scores)
    best, best_key = float(candidates[0]), (-2.0, 0.0)
    middle = float(np.median(candidates))
    for th in candidates:
        key = (round(kappa(y, (scores >= th).astype(int)), 9), -abs(float(th) - middle))
        if key > best_key:
            best, best_key = float(th), key
    return best, best_key[0]


def fit(features: Sequence[Any], y: np.ndarray, grid: Sequence[Any], scorer: Scorer) -> tuple[Any, float]:
    """The parameter set and threshold with the best kappa on (features, y)."""
    best: tuple[float, int, float] = (-2.0, 0, 0.0)
    for index, params in enumerate(grid):
        scores = np.array([scorer(f, params) for f in features])
        th, k = _best_threshold(scores, y)
        if k > best[0]:
            best = (k, index, th)
    return grid[best[1]], best[2]


def nested_cv(
    features: Sequence[Any], y: np.ndarray, grid: Sequence[Any], scorer: Scorer, *, seed: int
) -> np.ndarray:
    pred = np.zeros(len(y), dtype=int)
    folds = StratifiedKFold(FOLDS, shuffle=True, random_state=seed)
    for train, test in folds.split(np.zeros(len(y)), y):
        params, th = fit([features[i] for i in train], y[train], grid, scorer)
        pred[test] = [int(scorer(features[i], params) >= th) for i in test]
    return pred


# --- the two checks' features ------------------------------------------------------------------


@dataclass(frozen=True)
class Features:
    requests: int
    open_points: int
    substance: int
    facts: int
    basis: float


def features_of(message: Message) -> Features:
    parts = checks.completeness_parts(message.subject, message.body, message.reply)
    signals = checks.explainability_parts(message.reply)
    return Features(
        requests=len(parts["requests"]),
        open_points=len(parts["open"]),
        substance=parts["substance"],
        facts=checks.facts_count(signals),
        basis=checks.basis_strength(signals),
    )


def completeness_of(f: Features, p: checks.CompletenessParams) -> float:
    return checks.completeness_score(f.requests, f.open_points, f.substance, p)


def explainability_of(f: Features, p: checks.ExplainabilityParams) -> float:
    return checks.explainability_score(f.substance, f.facts, f.basis, p)


def _params_dict(params: Any, threshold: float) -> dict[str, Any]:
    out = {k: getattr(params, k) for k in params.__dataclass_fields__ if k != "threshold"}
    return {**out, "threshold": round(threshold, 4)}


def evaluate_quality(items: Sequence[Labelled], *, repeats: int = REPEATS) -> dict[str, Any]:
    features = [features_of(item.message) for item in items]
    result: dict[str, Any] = {"n": len(items), "folds": FOLDS, "repeats": repeats}
    specs: list[tuple[str, str, Sequence[Any], Scorer, Any]] = [
        ("completeness", "完整性指标", COMPLETENESS_GRID, completeness_of, checks.COMPLETENESS),
        ("explainability", "可解释性指标", EXPLAINABILITY_GRID, explainability_of, checks.EXPLAINABILITY),
    ]
    for name, column, grid, scorer, shipped in specs:
        y = np.array([getattr(item, name) for item in items], dtype=int)
        runs = [agreement(y, nested_cv(features, y, grid, scorer, seed=seed)) for seed in range(repeats)]
        cv = {k: round(statistics.fmean(r[k] for r in runs), 4) for k in runs[0] if k != "n"}
        chosen, th = fit(features, y, grid, scorer)
        shipped_pred = np.array([int(scorer(f, shipped) >= shipped.threshold) for f in features])
        result[name] = {
            "label": column,
            "weak_share": round(float((y == 0).mean()), 4),
            "cv": cv,
            "chosen_on_all": _params_dict(chosen, th),
            "shipped": {**_params_dict(shipped, shipped.threshold), **agreement(y, shipped_pred)},
        }
    return result


# --- timeliness on the real file ---------------------------------------------------------------


def working_days_between(calendar: WorkingCalendar, start: datetime, end: datetime) -> int:
    """Working days after ``start``'s day up to and including ``end``'s day (the day a clock starts
    is not counted, as in the time limits)."""
    first: date = start.astimezone(calendar.tz).date()
    last: date = end.astimezone(calendar.tz).date()
    days = 0
    current = first
    while current < last:
        current = calendar.next_workday(current)
        if current <= last:
            days += 1
    return days


def handling_times(messages: Sequence[Message], limits: Sequence[int] = (5, 7, 10, 15)) -> dict[str, Any]:
    calendar = WorkingCalendar()
    days = [
        working_days_between(calendar, m.received, m.replied)
        for m in messages
        if m.received is not None and m.replied is not None and m.replied >= m.received
    ]
    if not days:
        return {"n": 0}
    ordered = sorted(days)
    return {
        "n": len(days),
        "median_working_days": statistics.median(ordered),
        "p90_working_days": ordered[int(0.9 * (len(ordered) - 1))],
        "within": {str(limit): round(sum(d <= limit for d in days) / len(days), 4) for limit in limits},
    }
