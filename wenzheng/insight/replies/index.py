"""The similarity index of past messages: TF-IDF of character n-grams, cosine similarity.

Pure Python (numpy, scipy, scikit-learn), no Django; ``retrieval.py`` keeps one per organisation
and ``retrieval_eval.py`` measures it. Text is normalised as the router's text model does
(``router.textmodel.normalize``: NFKC, lower case, no whitespace); a document is the message's
subject twice (the subject names the problem; the body tells the story around it) and the first
``BODY_CHARS`` characters of its body. Features are character bigrams and trigrams (Chinese words
are mostly two or three characters; no segmentation is needed), sublinear tf, idf, L2. Each stored
document keeps only its ``TERMS_PER_DOC`` heaviest terms (renormalised), which bounds the index at
about 8 bytes × that many per case; the query keeps every term.

Stored as plain arrays and JSON (``numpy.savez`` without pickle, lzma-compressed), like the
router's model: loading runs no code.
"""

from __future__ import annotations

import io
import json
import lzma
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from wenzheng.insight.router.textmodel import normalize

FORMAT = "wenzheng.replyindex/1"
BODY_CHARS = 400
TERMS_PER_DOC = 120
NGRAMS = (2, 3)
MAX_DF = 0.3  # n-grams in more than this share of messages (的问题, 您好) say nothing


def document(subject: str | None, body: str | None) -> str:
    s = normalize(subject)
    return f"{s}|{s}|{normalize(body)[:BODY_CHARS]}"


@dataclass(frozen=True)
class Hit:
    key: int
    score: float


def _vectorizer(vocabulary: dict[str, int] | None = None, *, min_df: int = 1) -> TfidfVectorizer:
    return TfidfVectorizer(
        analyzer="char",
        ngram_range=NGRAMS,
        sublinear_tf=True,
        min_df=min_df,
        max_df=MAX_DF if vocabulary is None else 1.0,
        dtype=np.float32,
        vocabulary=vocabulary,
        lowercase=False,
    )


def _prune(matrix: sp.csr_matrix, keep: int) -> sp.csr_matrix:
    """Each row's ``keep`` largest entries, renormalised to unit length."""
    matrix = sp.csr_matrix(matrix, dtype=np.float32)
    rows, cols, vals = [], [], []
    for i in range(matrix.shape[0]):
        start, end = matrix.indptr[i], matrix.indptr[i + 1]
        data, idx = matrix.data[start:end], matrix.indices[start:end]
        if len(data) > keep:
            top = np.argpartition(-data, keep - 1)[:keep]
            data, idx = data[top], idx[top]
        norm = float(np.sqrt((data * data).sum()))
        if norm > 0:
            data = data / norm
        rows.append(np.full(len(data), i, dtype=np.int64))
        cols.append(idx)
        vals.append(data)
    if not rows:
        return sp.csr_matrix(matrix.shape, dtype=np.float32)
    return sp.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
        shape=matrix.shape,
        dtype=np.float32,
    )


class TextIndex:
    """Documents (by integer key) searchable by cosine similarity to a query text."""

    def __init__(self, vectorizer: TfidfVectorizer, keys: np.ndarray, matrix: sp.csr_matrix) -> None:
        self._vectorizer = vectorizer
        self.keys = np.asarray(keys, dtype=np.int64)
        self._matrix = sp.csr_matrix(matrix, dtype=np.float32)

    def __len__(self) -> int:
        return len(self.keys)

    @classmethod
    def fit(cls, keys: Sequence[int], texts: Sequence[str]) -> TextIndex:
        """Learn the vocabulary and idf from ``texts`` and index them."""
        if not len(texts):
            return cls(_vectorizer(), np.zeros(0, dtype=np.int64), sp.csr_matrix((0, 0), dtype=np.float32))
        min_df = 2 if len(texts) >= 200 else 1
        vectorizer = _vectorizer(min_df=min_df)
        try:
            matrix = vectorizer.fit_transform(texts)
        except ValueError:  # every n-gram pruned (tiny or empty texts): fall back to keeping all
            vectorizer = _vectorizer(min_df=1)
            vectorizer.max_df = 1.0
            matrix = vectorizer.fit_transform(texts)
        return cls(vectorizer, np.asarray(keys), _prune(matrix, TERMS_PER_DOC))

    @property
    def is_fitted(self) -> bool:
        return hasattr(self._vectorizer, "idf_")

    def vectors(self, texts: Sequence[str]) -> sp.csr_matrix:
        if not self.is_fitted:
            return sp.csr_matrix((len(texts), 0), dtype=np.float32)
        return sp.csr_matrix(self._vectorizer.transform(texts), dtype=np.float32)

    def extended(self, keys: Sequence[int], texts: Sequence[str]) -> TextIndex:
        """This index plus further documents, in the same vocabulary (new n-grams are ignored
        until the next fit)."""
        if not len(keys):
            return self
        if not self.is_fitted:
            return TextIndex.fit(keys, texts)
        added = _prune(self.vectors(texts), TERMS_PER_DOC)
        return TextIndex(
            self._vectorizer,
            np.concatenate([self.keys, np.asarray(keys, dtype=np.int64)]),
            sp.vstack([self._matrix, added], format="csr"),
        )

    def search(
        self, text: str, *, limit: int = 5, exclude: Iterable[int] = (), among: np.ndarray | None = None
    ) -> list[Hit]:
        """The ``limit`` most similar documents (score > 0), best first. ``among`` is an optional
        boolean mask over the documents (e.g. those published before a moment)."""
        if not len(self.keys) or not self.is_fitted:
            return []
        query = self.vectors([text])
        scores = np.asarray((self._matrix @ query.T).todense()).ravel()
        if among is not None:
            scores = np.where(among, scores, 0.0)
        excluded = set(exclude)
        if excluded:
            scores[np.isin(self.keys, list(excluded))] = 0.0
        count = min(limit, int((scores > 0).sum()))
        if count == 0:
            return []
        top = np.argpartition(-scores, count - 1)[:count]
        top = top[np.lexsort((self.keys[top], -scores[top]))]
        return [Hit(int(self.keys[i]), round(float(scores[i]), 4)) for i in top]

    # --- storage --------------------------------------------------------------------------------

    def dumps(self) -> bytes:
        vocabulary = self._vectorizer.vocabulary_ if self.is_fitted else {}
        terms = sorted(vocabulary, key=vocabulary.__getitem__)
        meta = {"format": FORMAT, "terms": terms}
        buf = io.BytesIO()
        np.savez(
            buf,
            allow_pickle=False,
            meta=np.frombuffer(json.dumps(meta, ensure_ascii=False).encode("utf-8"), dtype=np.uint8),
            idf=np.asarray(self._vectorizer.idf_ if self.is_fitted else [], dtype=np.float32),
            keys=self.keys,
            data=self._matrix.data,
            indices=self._matrix.indices.astype(np.int32),
            indptr=self._matrix.indptr.astype(np.int64),
            shape=np.array(self._matrix.shape, dtype=np.int64),
        )
        return lzma.compress(buf.getvalue(), preset=1)

    @classmethod
    def loads(cls, data: bytes) -> TextIndex:
        """Load what ``dumps`` wrote (only files this system wrote)."""
        with np.load(io.BytesIO(lzma.decompress(data)), allow_pickle=False) as npz:
            meta = json.loads(bytes(npz["meta"]).decode("utf-8"))
            if meta.get("format") != FORMAT:
                raise ValueError(f"not a reply index: {meta.get('format')!r}")
            terms = meta["terms"]
            matrix = sp.csr_matrix(
                (npz["data"], npz["indices"], npz["indptr"]), shape=tuple(int(x) for x in npz["shape"])
            )
            keys = npz["keys"]
            if terms:
                vectorizer = _vectorizer({term: i for i, term in enumerate(terms)})
                vectorizer.idf_ = npz["idf"].astype(np.float64)
            else:
                vectorizer = _vectorizer()
        return cls(vectorizer, keys, matrix)
