"""The router at work: train a version from examples, and suggest for a new message.

A version (``Bundle``) holds
- one text model per category level (``TextModel``: label = the category's name path down to that
  level, e.g. "城乡建设" at level 1, "城乡建设/住房保障" at level 2), trained on every example that
  is classified at least that deep;
- the unit memory: for (category, territory), how often each unit took such a case (claim) and how
  often it sent one back (return). The dispatch catalogue proposes; the memory confirms or overrules
  it where units have repeatedly refused what the catalogue gives them;
- optionally a grade model (major-sensitive or not) learned from how intake graded past cases.

Suggesting needs no model for territory and the sensitive screen; without an active version the
category is simply not suggested. Model bytes are loaded with pickle: only versions this system
trained and stored in its own database are ever loaded.
"""

from __future__ import annotations

import io
import pickle
import random
import time
import zlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from wenzheng.insight.router.textmodel import Prediction, TextModel

MIN_EXAMPLES_PER_LEVEL = 20
MIN_GRADE_EXAMPLES = 20  # per side (major / not major)
MAJOR = "major"
NOT_MAJOR = "other"
# Memory: a claim counts +1 for the unit, a return -2 (a refusal is stronger evidence than an
# acceptance); the catalogue's unit starts with CATALOGUE_PRIOR.
CATALOGUE_PRIOR = 3.0
RETURN_PENALTY = 2.0


@dataclass(frozen=True)
class Example:
    subject: str
    body: str
    label: str  # category path "一级/二级/三级" (any depth); "" when unknown
    grade: str = ""  # "major" or another grade; "" when unknown


@dataclass
class Bundle:
    levels: dict[int, TextModel]
    # (category path, territory id or None) → {unit id: score}
    unit_memory: dict[tuple[str, int | None], dict[int, float]] = field(default_factory=dict)
    grade_model: TextModel | None = None
    # A label whose examples all go one level deeper in the same way: that child is implied.
    only_child: dict[str, str] = field(default_factory=dict)

    def dumps(self) -> bytes:
        payload = {
            "levels": {level: model.dumps() for level, model in self.levels.items()},
            "unit_memory": self.unit_memory,
            "grade_model": self.grade_model.dumps() if self.grade_model else None,
            "only_child": self.only_child,
        }
        return zlib.compress(pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL), 6)

    @classmethod
    def loads(cls, data: bytes) -> Bundle:
        # Trusted input only: the bytes of a version this system trained (see the module doc).
        payload = pickle.loads(zlib.decompress(data))  # noqa: S301
        grade = payload.get("grade_model")
        return cls(
            levels={int(k): TextModel.loads(v) for k, v in payload["levels"].items()},
            unit_memory=payload.get("unit_memory") or {},
            grade_model=TextModel.loads(grade) if grade else None,
            only_child=payload.get("only_child") or {},
        )

    def predict_levels(self, subject: str, body: str) -> dict[int, Prediction]:
        return {level: model.predict([subject], [body])[0] for level, model in sorted(self.levels.items())}

    def major_probability(self, subject: str, body: str) -> float | None:
        if self.grade_model is None:
            return None
        prediction = self.grade_model.predict([subject], [body])[0]
        return dict(prediction.alternatives).get(MAJOR, 0.0)


def label_at(label: str, level: int) -> str:
    """The label's path cut to ``level`` ("" when it is not that deep)."""
    parts = label.split("/")
    return "/".join(parts[:level]) if len(parts) >= level else ""


# --- Evaluation ---------------------------------------------------------------------------------


def scores(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, Any]:
    """Accuracy, macro-F1 and per-class precision/recall/F1 (classes of the gold labels)."""
    classes = sorted(set(gold))
    per_class: dict[str, dict[str, float]] = {}
    for c in classes:
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g == c and p == c)
        fp = sum(1 for g, p in zip(gold, predicted, strict=True) if g != c and p == c)
        fn = sum(1 for g, p in zip(gold, predicted, strict=True) if g == c and p != c)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class[c] = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "support": tp + fn,
        }
    correct = sum(1 for g, p in zip(gold, predicted, strict=True) if g == p)
    return {
        "macro_f1": round(sum(v["f1"] for v in per_class.values()) / len(per_class), 4) if per_class else 0.0,
        "accuracy": round(correct / len(gold), 4) if gold else 0.0,
        "per_class": per_class,
    }


def stratified_folds(labels: Sequence[str], k: int, seed: int = 0) -> list[list[int]]:
    """Indices split into ``k`` folds, each label spread evenly over them."""
    by_label: dict[str, list[int]] = defaultdict(list)
    for i, label in enumerate(labels):
        by_label[label].append(i)
    rng = random.Random(seed)
    folds: list[list[int]] = [[] for _ in range(k)]
    offset = 0
    for label in sorted(by_label):
        members = by_label[label]
        rng.shuffle(members)
        for j, i in enumerate(members):
            folds[(j + offset) % k].append(i)
        offset += len(members)
    return folds


def train_and_test(
    train: Sequence[Example], test: Sequence[Example], *, level: int = 1, keep_predictions: bool = False
) -> dict[str, Any]:
    """Train a level's text model on ``train`` and score it on ``test`` (the eval command).
    ``keep_predictions`` adds the predicted labels of the test rows, in order, as "predicted"."""
    train_rows = [e for e in train if label_at(e.label, level)]
    test_rows = [e for e in test if label_at(e.label, level)]
    if not train_rows or not test_rows:
        raise ValueError("Both sets need labelled rows.")
    started = time.perf_counter()
    model = TextModel.fit(
        [e.subject for e in train_rows],
        [e.body for e in train_rows],
        [label_at(e.label, level) for e in train_rows],
    )
    train_seconds = time.perf_counter() - started
    started = time.perf_counter()
    predicted = model.predict_labels([e.subject for e in test_rows], [e.body for e in test_rows])
    predict_seconds = time.perf_counter() - started
    result = scores([label_at(e.label, level) for e in test_rows], predicted)
    return {
        **result,
        "train_seconds": round(train_seconds, 3),
        "predict_per_second": round(len(test_rows) / predict_seconds) if predict_seconds else None,
        "n_train": len(train_rows),
        "n_test": len(test_rows),
        "model_bytes": len(model.dumps()),
        **({"predicted": predicted} if keep_predictions else {}),
    }


def cross_validate(
    examples: Sequence[Example], *, folds: int = 5, level: int = 1, seed: int = 0
) -> dict[str, Any]:
    """Stratified k-fold cross-validation of a level's text model."""
    rows = [e for e in examples if label_at(e.label, level)]
    labels = [label_at(e.label, level) for e in rows]
    parts = stratified_folds(labels, folds, seed)
    gold: list[str] = []
    predicted: list[str] = []
    fold_f1: list[float] = []
    train_seconds: list[float] = []
    predict_rates: list[float] = []
    for held in parts:
        held_set = set(held)
        train = [rows[i] for i in range(len(rows)) if i not in held_set]
        test = [rows[i] for i in held]
        result = train_and_test(train, test, level=level, keep_predictions=True)
        fold_f1.append(result["macro_f1"])
        train_seconds.append(result["train_seconds"])
        predict_rates.append(result["predict_per_second"] or 0)
        gold.extend(label_at(e.label, level) for e in test)
        predicted.extend(result["predicted"])
    pooled = scores(gold, predicted)
    return {
        "folds": folds,
        "macro_f1": round(sum(fold_f1) / len(fold_f1), 4),
        "macro_f1_per_fold": fold_f1,
        "macro_f1_pooled": pooled["macro_f1"],
        "accuracy": pooled["accuracy"],
        "per_class": pooled["per_class"],
        "train_seconds": round(sum(train_seconds) / len(train_seconds), 3),
        "predict_per_second": round(sum(predict_rates) / len(predict_rates)),
        "n": len(rows),
    }


# --- Training a version -------------------------------------------------------------------------


@dataclass(frozen=True)
class Trained:
    bundle: Bundle
    evaluation: dict[str, Any]
    train_seconds: float
    examples: int


def _fit_levels(examples: Sequence[Example]) -> dict[int, TextModel]:
    levels: dict[int, TextModel] = {}
    for level in (1, 2, 3):
        rows = [e for e in examples if label_at(e.label, level)]
        if len(rows) < MIN_EXAMPLES_PER_LEVEL or len({label_at(e.label, level) for e in rows}) < 2:
            continue
        levels[level] = TextModel.fit(
            [e.subject for e in rows], [e.body for e in rows], [label_at(e.label, level) for e in rows]
        )
    return levels


def _fit_grade(examples: Sequence[Example]) -> TextModel | None:
    graded = [e for e in examples if e.grade]
    majors = sum(1 for e in graded if e.grade == MAJOR)
    if majors < MIN_GRADE_EXAMPLES or len(graded) - majors < MIN_GRADE_EXAMPLES:
        return None
    return TextModel.fit(
        [e.subject for e in graded],
        [e.body for e in graded],
        [MAJOR if e.grade == MAJOR else NOT_MAJOR for e in graded],
    )


def train_bundle(
    examples: Sequence[Example],
    *,
    unit_events: Sequence[tuple[str, int | None, int, str]] = (),
    holdout: float = 0.2,
    seed: int = 0,
) -> Trained:
    """Evaluate on a stratified held-out share, then train the version on every example.

    ``unit_events``: (category path, territory id, unit id, "claim" | "return") from the ledger.
    """
    labelled = [e for e in examples if e.label]
    if len({label_at(e.label, 1) for e in labelled}) < 2:
        raise ValueError("Training needs classified examples of at least two first-level categories.")
    started = time.perf_counter()
    evaluation: dict[str, Any] = {}
    level1 = [label_at(e.label, 1) for e in labelled]
    if holdout > 0 and len(labelled) >= 5 * MIN_EXAMPLES_PER_LEVEL:
        k = max(2, round(1 / holdout))
        held = set(stratified_folds(level1, k, seed)[0])
        train = [e for i, e in enumerate(labelled) if i not in held]
        test = [e for i, e in enumerate(labelled) if i in held]
        evaluation = {"level1_holdout": train_and_test(train, test, level=1)}
    bundle = Bundle(
        levels=_fit_levels(labelled), grade_model=_fit_grade(examples), only_child=only_children(labelled)
    )
    bundle.unit_memory = build_unit_memory(unit_events)
    return Trained(bundle, evaluation, time.perf_counter() - started, len(labelled))


def only_children(examples: Sequence[Example]) -> dict[str, str]:
    """Labels all of whose examples continue to one and the same child label."""
    children: dict[str, set[str]] = defaultdict(set)
    for e in examples:
        parts = e.label.split("/")
        for depth in range(1, len(parts) + 1):
            prefix = "/".join(parts[:depth])
            children[prefix].add("/".join(parts[: depth + 1]) if depth < len(parts) else "")
    return {p: next(iter(c)) for p, c in children.items() if len(c) == 1 and "" not in c}


def build_unit_memory(
    unit_events: Sequence[tuple[str, int | None, int, str]],
) -> dict[tuple[str, int | None], dict[int, float]]:
    memory: dict[tuple[str, int | None], dict[int, float]] = defaultdict(lambda: defaultdict(float))
    for category, territory, unit, kind in unit_events:
        memory[(category, territory)][unit] += 1.0 if kind == "claim" else -RETURN_PENALTY
    return {key: dict(counts) for key, counts in memory.items()}


def rank_units(
    memory: dict[tuple[str, int | None], dict[int, float]],
    category: str,
    territory_ids: Sequence[int],
    catalogue_unit: int | None,
) -> list[tuple[int, float]]:
    """Units for a case of ``category`` in the territory (its ancestors' ids, root first), best
    first, with a share in [0, 1]. The most specific memory (category path, deepest territory)
    that knows anything speaks; the catalogue's unit starts ahead."""
    scores_by_unit: dict[int, float] = defaultdict(float)
    if catalogue_unit is not None:
        scores_by_unit[catalogue_unit] += CATALOGUE_PRIOR
    for key in [(category, t) for t in reversed(territory_ids)] + [(category, None)]:
        known = memory.get(key)
        if known:
            for unit, score in known.items():
                scores_by_unit[unit] += score
            break
    positive = [(unit, score) for unit, score in scores_by_unit.items() if score > 0]
    total = sum(score for _unit, score in positive)
    ranked = sorted(positive, key=lambda item: (-item[1], item[0]))
    return [(unit, round(score / total, 4)) for unit, score in ranked] if total else []


def describe(bundle: Bundle) -> str:
    out = io.StringIO()
    for level, model in sorted(bundle.levels.items()):
        out.write(f"level {level}: {len(model.labels)} categories\n")
    out.write(f"unit memory: {len(bundle.unit_memory)} category × territory keys\n")
    out.write(f"grade model: {'yes' if bundle.grade_model else 'no'}\n")
    return out.getvalue()
