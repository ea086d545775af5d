"""The router's text classifier: from a message's subject and body, its category (one level).

Pure Python (numpy, scipy, scikit-learn); no Django. The recipe, chosen by cross-validation on the
labelled 问政 messages (see ``bench/router_cv.py``):

- text normalisation in one place (``normalize``): NFKC (full-width → half-width), lower case, every
  whitespace removed (the labelled bodies come without whitespace, so new text is made alike);
- three TF-IDF blocks of character 1–2 grams (sublinear tf, idf, L2 per block): the subject alone,
  the body alone, and subject + body together. Char bigrams carry most Chinese words; word
  segmentation and longer n-grams did not help in cross-validation, and jieba on long bodies is far
  too slow for the prediction rate we need;
- one-vs-rest linear SVM (``LinearSVC``, C=0.7, balanced class weights);
- calibration: a multinomial logistic regression on the SVM's decision values, learned on 2-fold
  out-of-fold decision values of the training set (with many classes, one shared temperature
  instead). Both stages are linear, so they fold into one matrix: probabilities are
  ``softmax(X · Wᵀ + b)``, and the per-term contributions that explain a choice are exact.

The model is stored as plain arrays and JSON (``numpy.savez`` without pickle), compressed with
lzma: loading it runs no code. Still, only load model files this system wrote: a crafted file can
make the router suggest anything.
"""

from __future__ import annotations

import io
import itertools
import json
import lzma
import operator
import unicodedata
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC

FORMAT = "wenzheng.textmodel/1"
SVM_C = 0.7
CALIBRATION_FOLDS = 2
MIN_DF = 3  # a term must occur in this many training messages (1 on tiny sets)
# Up to this many classes the calibrator is a full multinomial regression on the decision values;
# beyond it, one temperature (a K×K regression would overfit on few examples per class).
FULL_CALIBRATION_MAX_CLASSES = 30
# Budget of stored weights (classes × features), float16: bounds the file at ~2 bytes × budget.
WEIGHT_BUDGET = 10_000_000
# Share of the feature budget per block (subject, body, subject+body).
BLOCK_SHARES = (0.2, 0.4, 0.4)
MISSING_SCORE = -1.5  # decision value of a class an inner fold never saw
TOP_ALTERNATIVES = 3
TOP_WORDS = 8


def normalize(text: str | None) -> str:
    """Full-width → half-width (NFKC), lower case, all whitespace removed. None → ""."""
    if not text:
        return ""
    return "".join(unicodedata.normalize("NFKC", str(text)).lower().split())


@dataclass(frozen=True)
class Prediction:
    label: str
    confidence: float  # calibrated probability of `label`, 0..1
    alternatives: list[tuple[str, float]]  # top 3 (label, probability), best first, label first
    words: list[tuple[str, float]]  # up to 8 (term, contribution), largest first


def _occurrences(texts: Sequence[str]) -> tuple[Iterator[str], np.ndarray]:
    """Every character unigram and bigram occurrence of the texts in order, and how many each
    text has (2·len − 1)."""
    lengths = np.fromiter((2 * len(t) - 1 if t else 0 for t in texts), dtype=np.int64, count=len(texts))
    grams = itertools.chain.from_iterable(itertools.chain(t, map(operator.add, t, t[1:])) for t in texts)
    return grams, lengths


def _term_counts(
    subjects: Sequence[str], bodies: Sequence[str], term_ids: dict[str, int], columns: np.ndarray, width: int
) -> sp.csr_matrix:
    """Raw n-gram counts, rows = messages, in the column space ``columns`` maps term ids into:
    ``columns[block, term id]`` is the term's column in block 0 (subject), 1 (body) or
    2 (subject + body and the bigram across their seam), or -1 where the block lacks it."""
    n = len(subjects)
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    seams = [s[-1] + b[0] if s and b else "" for s, b in zip(subjects, bodies, strict=True)]
    get = term_ids.get
    for texts, blocks in ((subjects, (0, 2)), (bodies, (1, 2)), (seams, (2,))):
        if texts is seams:
            grams: Iterator[str] = iter(seams)
            lengths = np.ones(n, dtype=np.int64)
        else:
            grams, lengths = _occurrences(texts)
        ids = np.fromiter(map(get, grams, itertools.repeat(-1)), dtype=np.int64, count=int(lengths.sum()))
        row = np.repeat(np.arange(n), lengths)
        known = ids >= 0
        ids, row = ids[known], row[known]
        for block in blocks:
            col = columns[block, ids]
            present = col >= 0
            rows.append(row[present])
            cols.append(col[present])
    row_a = np.concatenate(rows)
    counts = sp.csr_matrix(
        (np.ones(len(row_a), dtype=np.float64), (row_a, np.concatenate(cols))), shape=(n, width)
    )
    counts.sum_duplicates()
    return counts


def _tfidf(counts: sp.csr_matrix, idf: np.ndarray, block_of: np.ndarray) -> sp.csr_matrix:
    """Sublinear tf (1 + ln tf) × idf, L2-normalised within each (row, block)."""
    n = counts.shape[0]
    values = (1.0 + np.log(counts.data)) * idf[counts.indices]
    row_of = np.repeat(np.arange(n), np.diff(counts.indptr))
    cell = row_of * 3 + block_of[counts.indices]
    norms = np.sqrt(np.bincount(cell, weights=values * values, minlength=3 * n))
    if len(values):
        values /= norms[cell]
    return sp.csr_matrix((values.astype(np.float32), counts.indices, counts.indptr), shape=counts.shape)


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    out: np.ndarray = e / e.sum(axis=1, keepdims=True)
    return out


def _svm_scores(svm: Any, x: Any, classes: np.ndarray) -> np.ndarray:
    """Decision values of ``svm`` as (n, len(classes)), whatever subset of classes it saw."""
    d = np.asarray(svm.decision_function(x), dtype=np.float64)
    seen = list(svm.classes_)
    if d.ndim == 1:
        d = np.column_stack([-d, d])
    out = np.full((x.shape[0], len(classes)), MISSING_SCORE)
    index = {c: i for i, c in enumerate(classes)}
    for j, c in enumerate(seen):
        out[:, index[c]] = d[:, j]
    return out


def _svm_weights(svm: Any) -> tuple[np.ndarray, np.ndarray]:
    """(K, F) weights and (K,) intercepts, also for a two-class SVM (one row in scikit-learn)."""
    w = np.asarray(svm.coef_, dtype=np.float64)
    b = np.asarray(svm.intercept_, dtype=np.float64)
    if w.shape[0] == 1:
        w = np.vstack([-w, w])
        b = np.array([-b[0], b[0]])
    return w, b


def _fit_svm(x: Any, y: np.ndarray, seed: int) -> Any:
    svm = LinearSVC(C=SVM_C, class_weight="balanced", max_iter=3000, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning on tiny or degenerate sets
        svm.fit(x, y)
    return svm


def _temperature(d: np.ndarray, y_index: np.ndarray) -> float:
    """The scale a minimising the log-loss of softmax(a·d): a small golden-section search."""

    def loss(a: float) -> float:
        p = _softmax(a * d)
        return float(-np.log(p[np.arange(len(y_index)), y_index] + 1e-12).mean())

    lo, hi = 0.1, 30.0
    g = (5**0.5 - 1) / 2
    for _ in range(40):
        m1, m2 = hi - g * (hi - lo), lo + g * (hi - lo)
        if loss(m1) < loss(m2):
            hi = m2
        else:
            lo = m1
    return (lo + hi) / 2


def _calibrate(x: Any, y: np.ndarray, classes: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(A, c) such that logits = A · d + c for the SVM decision values d (out-of-fold fitted)."""
    k = len(classes)
    identity = (np.eye(k), np.zeros(k))
    counts = np.unique(y, return_counts=True)[1]
    folds = min(CALIBRATION_FOLDS, int(counts.max()))
    if folds < 2 or len(y) < 2 * k:
        return identity
    d = np.zeros((len(y), k))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # classes rarer than the folds
        splits = list(StratifiedKFold(folds, shuffle=True, random_state=seed).split(np.zeros(len(y)), y))
    for train, held in splits:
        if len(np.unique(y[train])) < 2:
            return identity
        d[held] = _svm_scores(_fit_svm(x[train], y[train], seed), x[held], classes)
    y_index = np.searchsorted(classes, y)
    if k > FULL_CALIBRATION_MAX_CLASSES:
        a = _temperature(d, y_index)
        return a * np.eye(k), np.zeros(k)
    lr = LogisticRegression(C=1.0, max_iter=2000)
    lr.fit(d, y_index)
    coef = np.asarray(lr.coef_, dtype=np.float64)
    icpt = np.asarray(lr.intercept_, dtype=np.float64)
    if coef.shape[0] == 1:  # two classes: logit of class 1 against class 0
        coef = np.vstack([np.zeros_like(coef), coef])
        icpt = np.array([0.0, icpt[0]])
    return coef, icpt


class TextModel:
    """Category of a message from its subject and body. Build with ``fit`` or ``loads``."""

    labels: list[str]

    def __init__(
        self,
        labels: list[str],
        vocabularies: list[list[str]],
        idfs: list[np.ndarray],
        weights: np.ndarray,
        intercepts: np.ndarray,
    ) -> None:
        self.labels = list(labels)
        self._vocabularies = vocabularies
        self._idfs = [np.asarray(i, dtype=np.float32).astype(np.float64) for i in idfs]  # as stored
        self._weights16 = np.asarray(weights, dtype=np.float16)  # (K, F), what is stored
        self._weights_t = self._weights16.astype(np.float32).T.copy()  # (F, K), what is used
        self._intercepts = np.asarray(intercepts, dtype=np.float32)
        # One table of every term of any block; columns[block, term id] = its feature column.
        self._term_ids: dict[str, int] = {}
        for vocab in vocabularies:
            for term in vocab:
                self._term_ids.setdefault(term, len(self._term_ids))
        self._columns = np.full((3, len(self._term_ids)), -1, dtype=np.int64)
        offset = 0
        for block, vocab in enumerate(vocabularies):
            ids = np.fromiter((self._term_ids[t] for t in vocab), dtype=np.int64, count=len(vocab))
            self._columns[block, ids] = np.arange(offset, offset + len(vocab))
            offset += len(vocab)
        self._width = offset
        self._idf = np.concatenate(self._idfs) if self._idfs else np.zeros(0)
        self._block_of = np.repeat(np.arange(3), [len(v) for v in vocabularies])
        self._term_names = list(self._term_ids)
        self._col_term = np.fromiter(
            (self._term_ids[t] for vocab in vocabularies for t in vocab), dtype=np.int64, count=offset
        )
        self._term_cjk = np.fromiter(
            (t.isalnum() and any(_is_cjk(ch) for ch in t) for t in self._term_names),
            dtype=bool,
            count=len(self._term_names),
        )
        self._weight_sums = self._weights_t.sum(axis=1)

    # --- training -------------------------------------------------------------------------------

    @classmethod
    def fit(
        cls,
        subjects: Sequence[str | None],
        bodies: Sequence[str | None],
        labels: Sequence[str],
        *,
        seed: int = 0,
    ) -> TextModel:
        if not len(subjects) == len(bodies) == len(labels):
            raise ValueError("subjects, bodies and labels must have the same length")
        y = np.array([str(label) for label in labels], dtype=object)
        classes = np.array(sorted(set(y)), dtype=object)
        if len(classes) < 2:
            raise ValueError("training needs at least two distinct labels")
        texts_s = [normalize(t) for t in subjects]
        texts_b = [normalize(t) for t in bodies]
        min_df = MIN_DF if len(y) >= 200 else 1
        feature_budget = max(5000, WEIGHT_BUDGET // len(classes))
        # Every term of the training texts, in all three blocks, then keep per block the terms in
        # at least min_df messages, the most frequent first (ties by term), within the budget.
        seams = (s[-1] + b[0] for s, b in zip(texts_s, texts_b, strict=True) if s and b)
        every = dict.fromkeys(itertools.chain(_occurrences(texts_s)[0], _occurrences(texts_b)[0], seams), 0)
        for i, gram in enumerate(every):
            every[gram] = i
        size = len(every)
        all_columns = np.arange(3 * size, dtype=np.int64).reshape(3, size)
        counts = _term_counts(texts_s, texts_b, every, all_columns, 3 * size)
        df = np.bincount(counts.indices, minlength=3 * size)
        total = np.asarray(counts.sum(axis=0)).ravel()
        names = np.array(list(every), dtype=object)
        n = len(y)
        vocabularies: list[list[str]] = []
        idfs: list[np.ndarray] = []
        selected: list[np.ndarray] = []
        for block, share in enumerate(BLOCK_SHARES):
            d = df[block * size : (block + 1) * size]
            t = total[block * size : (block + 1) * size]
            kept = np.flatnonzero(d >= min_df)
            limit = int(feature_budget * share)
            if len(kept) > limit:
                ranked = sorted(kept.tolist(), key=lambda i: (-t[i], names[i]))
                kept = np.array(ranked[:limit], dtype=np.int64)
            kept = kept[np.argsort(names[kept], kind="stable")]
            selected.append(kept + block * size)
            vocabularies.append([str(term) for term in names[kept]])
            idfs.append((np.log((1 + n) / (1 + d[kept])) + 1.0).astype(np.float32))
        block_of = np.repeat(np.arange(3), [len(v) for v in vocabularies])
        idf_all = np.concatenate(idfs).astype(np.float64)
        x = _tfidf(sp.csr_matrix(counts[:, np.concatenate(selected)]), idf_all, block_of)
        svm = _fit_svm(x, y, seed)
        w, b = _svm_weights(svm)
        rows = [list(svm.classes_).index(c) for c in classes]
        w, b = w[rows], b[rows]
        a, c = _calibrate(x, y, classes, seed)
        weights = a @ w
        intercepts = a @ b + c
        return cls(
            [str(c) for c in classes],
            vocabularies,
            idfs,
            weights,
            intercepts,
        )

    # --- prediction -----------------------------------------------------------------------------

    def _features(self, subjects: Sequence[str | None], bodies: Sequence[str | None]) -> Any:
        texts_s = [normalize(t) for t in subjects]
        texts_b = [normalize(t) for t in bodies]
        if len(texts_s) != len(texts_b):
            raise ValueError("subjects and bodies must have the same length")
        counts = _term_counts(texts_s, texts_b, self._term_ids, self._columns, self._width)
        return _tfidf(counts, self._idf, self._block_of)

    def _probabilities(self, x: Any) -> np.ndarray:
        logits = np.asarray(x @ self._weights_t, dtype=np.float64) + self._intercepts
        return _softmax(logits)

    def predict_labels(self, subjects: Sequence[str | None], bodies: Sequence[str | None]) -> list[str]:
        if not len(subjects):
            return []
        p = self._probabilities(self._features(subjects, bodies))
        return [self.labels[i] for i in p.argmax(axis=1)]

    def predict(self, subjects: Sequence[str | None], bodies: Sequence[str | None]) -> list[Prediction]:
        if not len(subjects):
            return []
        x = self._features(subjects, bodies)
        p = self._probabilities(x)
        top = np.argsort(-p, axis=1, kind="stable")[:, :TOP_ALTERNATIVES]
        words = self._explain(x, top[:, 0])
        out = []
        for row in range(x.shape[0]):
            alternatives = [(self.labels[int(i)], round(float(p[row, i]), 4)) for i in top[row]]
            out.append(Prediction(alternatives[0][0], alternatives[0][1], alternatives, words[row]))
        return out

    def _explain(self, x: sp.csr_matrix, best: np.ndarray) -> list[list[tuple[str, float]]]:
        """Per row, the terms that pushed its ``best`` class ahead: x_j · (w_best,j − mean of the
        other classes' w_j), summed over the blocks where the term occurs. Only terms of letters and
        digits with a Chinese character; a single character is left out when a bigram that also
        pushed the class holds it."""
        n = x.shape[0]
        k = len(self.labels)
        row_of = np.repeat(np.arange(n), np.diff(x.indptr))
        w_best = self._weights_t[x.indices, best[row_of]]
        others = (self._weight_sums[x.indices] - w_best) / max(1, k - 1)
        contrib = x.data * (w_best - others)
        term = self._col_term[x.indices]
        keep = self._term_cjk[term]
        size = max(1, len(self._term_names))
        keys, inverse = np.unique(row_of[keep] * size + term[keep], return_inverse=True)
        sums = np.bincount(inverse, weights=contrib[keep], minlength=len(keys))
        positive = sums > 0
        keys, sums = keys[positive], sums[positive]
        key_row = keys // size
        order = np.lexsort((-sums, key_row))
        bounds = np.searchsorted(key_row[order], np.arange(n + 1))
        out: list[list[tuple[str, float]]] = []
        for row in range(n):
            segment = order[bounds[row] : bounds[row + 1]]
            names = [self._term_names[int(t)] for t in keys[segment] % size]
            in_bigrams = set("".join(t for t in names if len(t) > 1))
            chosen: list[tuple[str, float]] = []
            for name, value in zip(names, sums[segment], strict=True):
                if len(name) == 1 and name in in_bigrams:
                    continue
                chosen.append((name, round(float(value), 4)))
                if len(chosen) >= TOP_WORDS:
                    break
            out.append(chosen)
        return out

    # --- storage --------------------------------------------------------------------------------

    def dumps(self) -> bytes:
        meta = {
            "format": FORMAT,
            "labels": self.labels,
            "vocabularies": self._vocabularies,
        }
        buf = io.BytesIO()
        arrays: dict[str, np.ndarray] = {
            "meta": np.frombuffer(json.dumps(meta, ensure_ascii=False).encode("utf-8"), dtype=np.uint8),
            "weights": self._weights16,
            "intercepts": self._intercepts,
        }
        for i, idf in enumerate(self._idfs):
            arrays[f"idf{i}"] = idf.astype(np.float32)
        np.savez(buf, allow_pickle=False, **arrays)
        return lzma.compress(buf.getvalue(), preset=6)

    @classmethod
    def loads(cls, data: bytes) -> TextModel:
        """Load what ``dumps`` wrote. Only load files this system wrote (see the module doc)."""
        with np.load(io.BytesIO(lzma.decompress(data)), allow_pickle=False) as npz:
            meta = json.loads(bytes(npz["meta"]).decode("utf-8"))
            if meta.get("format") != FORMAT:
                raise ValueError(f"not a text model file: {meta.get('format')!r}")
            vocabularies = meta["vocabularies"]
            idfs = [npz[f"idf{i}"].astype(np.float64) for i in range(len(vocabularies))]
            return cls(meta["labels"], vocabularies, idfs, npz["weights"], npz["intercepts"])
