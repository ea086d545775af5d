"""Cross-validation of the router's text model (level-1 category) on the labelled real messages.

    .venv/bin/python bench/router_cv.py [--folds 5] [--grouped] [--train-fraction 1.0] [--data DIR] [--seed 0]

Reads messages_labelled.csv (columns 留言编号, 留言用户, 留言主题, 留言时间, 留言详情, 一级标签) from
../shared/data beside the repository, runs stratified k-fold cross-validation of
``wenzheng.insight.router.textmodel.TextModel`` and prints one JSON object (macro-F1 mean and per fold,
pooled accuracy and per-class F1, mean train seconds per fold, prediction rate, model size, the
time to train on 10,000 messages) and one markdown table row.

The data hold exact and near duplicates (the same message posted twice, or re-posted with a few
words changed). ``--grouped`` puts each cluster of near duplicates (cosine ≥ 0.5 of character
3-gram TF-IDF over subject + body, punctuation removed, joined transitively) into one fold
(StratifiedGroupKFold), so no message is tested against its own copy: the honest figure for
messages unlike any seen before. Without it, folds are plain stratified (as published results).

``--train-fraction F`` trains each fold on a random share F of its training part (the test part is
unchanged): run with 0.5, 0.75 and 1.0 it draws the learning curve, i.e. how much more labelled data
would still buy.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from wenzheng.insight.router.textmodel import TextModel, normalize  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data"
NEAR_DUPLICATE = 0.5


def read_rows(path: Path) -> tuple[list[str], list[str], list[str]]:
    subjects, bodies, labels = [], [], []
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            label = (row.get("一级标签") or "").strip()
            if not label:
                continue
            subjects.append(row.get("留言主题") or "")
            bodies.append(row.get("留言详情") or "")
            labels.append(label)
    return subjects, bodies, labels


def near_duplicate_groups(subjects: list[str], bodies: list[str]) -> np.ndarray:
    """Cluster id per message: connected components of the pairs with cosine ≥ NEAR_DUPLICATE."""
    strip = re.compile(r"[\W_]+")
    texts = [
        strip.sub("", normalize(s)) + "|" + strip.sub("", normalize(b))
        for s, b in zip(subjects, bodies, strict=True)
    ]
    x = TfidfVectorizer(analyzer="char", ngram_range=(3, 3), sublinear_tf=True).fit_transform(texts)
    x = sp.csr_matrix(x, dtype=np.float32)
    n = x.shape[0]
    rows, cols = [], []
    for start in range(0, n, 1000):
        sim = sp.csr_matrix(x[start : start + 1000] @ x.T)
        sim.data[sim.data < NEAR_DUPLICATE] = 0
        sim.eliminate_zeros()
        r, c = sim.nonzero()
        rows.append(r + start)
        cols.append(c)
    r, c = np.concatenate(rows), np.concatenate(cols)
    graph = sp.coo_matrix((np.ones(len(r)), (r, c)), shape=(n, n))
    return np.asarray(connected_components(graph, directed=False)[1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--grouped", action="store_true", help="keep near duplicates in one fold")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--train-fraction", type=float, default=1.0, help="train each fold on this share of its training part"
    )
    args = parser.parse_args()
    if not 0 < args.train_fraction <= 1:
        parser.error("--train-fraction must be in (0, 1]")

    path = args.data / "messages_labelled.csv"
    if not path.exists():
        sys.exit(f"{path} not found: the labelled messages live in ../shared/data beside the repository")
    subjects, bodies, labels = read_rows(path)
    y = np.array(labels, dtype=object)
    n = len(y)
    groups = near_duplicate_groups(subjects, bodies)
    sizes = np.bincount(groups)
    in_clusters = int((sizes[groups] > 1).sum())
    exact = n - len({(normalize(s), normalize(b)) for s, b in zip(subjects, bodies, strict=True)})

    if args.grouped:
        splits = list(
            StratifiedGroupKFold(args.folds, shuffle=True, random_state=args.seed).split(
                np.zeros(n), y, groups
            )
        )
    else:
        splits = list(StratifiedKFold(args.folds, shuffle=True, random_state=args.seed).split(np.zeros(n), y))

    predicted = np.empty(n, dtype=object)
    fold_f1: list[float] = []
    train_seconds: list[float] = []
    predict_rates: list[float] = []
    explain_rates: list[float] = []
    model_bytes = 0
    subsample = np.random.default_rng(args.seed + 1)
    for train, test in splits:
        if args.train_fraction < 1:
            train = np.sort(subsample.permutation(train)[: max(2, round(len(train) * args.train_fraction))])
        started = time.perf_counter()
        model = TextModel.fit(
            [subjects[i] for i in train],
            [bodies[i] for i in train],
            [labels[i] for i in train],
            seed=args.seed,
        )
        train_seconds.append(time.perf_counter() - started)
        test_s, test_b = [subjects[i] for i in test], [bodies[i] for i in test]
        started = time.perf_counter()
        out = model.predict_labels(test_s, test_b)
        predict_rates.append(len(test) / (time.perf_counter() - started))
        started = time.perf_counter()
        model.predict(test_s, test_b)
        explain_rates.append(len(test) / (time.perf_counter() - started))
        predicted[test] = out
        fold_f1.append(float(f1_score(y[test], np.array(out, dtype=object), average="macro")))
        model_bytes = max(model_bytes, len(model.dumps()))

    classes = sorted(set(labels))
    per_class = f1_score(y, predicted, labels=classes, average=None)
    rng = np.random.default_rng(args.seed)
    sample = rng.integers(0, n, 10_000) if n < 10_000 else rng.permutation(n)[:10_000]
    started = time.perf_counter()
    TextModel.fit(
        [subjects[i] for i in sample],
        [bodies[i] for i in sample],
        [labels[i] for i in sample],
        seed=args.seed,
    )
    train_10k = time.perf_counter() - started

    result: dict[str, Any] = {
        "n": n,
        "folds": args.folds,
        "grouped": bool(args.grouped),
        "train_fraction": args.train_fraction,
        "exact_duplicate_rows": exact,
        "rows_in_near_duplicate_clusters": in_clusters,
        "macro_f1": round(float(np.mean(fold_f1)), 4),
        "macro_f1_std": round(float(np.std(fold_f1)), 4),
        "macro_f1_per_fold": [round(f, 4) for f in fold_f1],
        "macro_f1_pooled": round(float(f1_score(y, predicted, average="macro")), 4),
        "accuracy": round(float(accuracy_score(y, predicted)), 4),
        "per_class_f1": {c: round(float(f), 4) for c, f in zip(classes, per_class, strict=True)},
        "train_seconds": round(float(np.mean(train_seconds)), 2),
        "predict_per_second": round(float(np.mean(predict_rates))),
        "predict_explained_per_second": round(float(np.mean(explain_rates))),
        "model_bytes": model_bytes,
        "train_seconds_10k": round(train_10k, 2),
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))
    print(
        f"| {'grouped' if args.grouped else 'stratified'} {args.folds}-fold"
        f"{'' if args.train_fraction == 1 else f', train share {args.train_fraction:g}'} | macro-F1 {result['macro_f1']:.4f} "
        f"± {result['macro_f1_std']:.4f} | acc {result['accuracy']:.4f} | train {result['train_seconds']:.1f} s/fold, "
        f"{result['train_seconds_10k']:.1f} s on 10k | {result['predict_per_second']} msg/s "
        f"({result['predict_explained_per_second']} explained) | {model_bytes / 1e6:.1f} MB |"
    )


if __name__ == "__main__":
    main()
