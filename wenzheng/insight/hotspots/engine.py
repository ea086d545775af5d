"""Grouping messages into issues: the same problem in the same place, told by different people in
different words. Pure Python with numpy and scipy; no Django, so the ledger's jobs, the command on
a CSV export and the benchmark share it.

How a batch is grouped (``group``):

1. **Text to vectors, without a Python loop per character.** Subject and the first ``body_head``
   characters of the body (where the place and the complaint are stated; the rest is background)
   are joined into one string per field and read as an array of code points: full-width letters and
   digits become ASCII, letters lower case, and everything that is not a CJK character, a letter
   or a digit goes (so punctuation and spacing do not matter). Every character bigram and trigram
   inside a field is one integer (21 bits per code point), hashed into 2^22 columns
   (Fibonacci hashing: a fixed multiplier, so a stored model reads new text the same way in every
   process). Subject grams count ``subject_weight`` times. Counts → 1 + ln(count) (sublinear tf)
   × idf, where grams in more than ``max_df`` of the messages are dropped as the language's
   filler (小区, 问题, 希望 …); each row is L2-normalised.
2. **Neighbours.** Cosine similarities come from one sparse product ``X·Xᵀ``, computed in row
   blocks and cut at ``floor``. To keep it linear in practice on 10^5 messages, the product only
   runs over grams rarer than ``block_df`` (place names and specific words: two messages about one
   problem in one place always share some); the similarity of each pair found is then computed
   on the whole vectors.
3. **Agglomeration with centroid linkage.** Issues start as single messages and the two most
   similar are merged while the cosine of their centroids (sums of member vectors) is at least
   ``threshold``. Centroid dot products are sums of the pairwise ones, so the whole procedure runs
   on the neighbour graph: ``‖S_A‖² = Σ_{i,j∈A} x_i·x_j`` and ``S_A·S_B = Σ_{i∈A, j∈B} x_i·x_j``
   (pairs under ``floor`` count as 0). Centroid linkage does not chain like single linkage (two
   issues joined by one similar pair stay apart) and, unlike average linkage, does not punish an
   issue for being told in many ways.
4. **Place compatibility.** Each message may carry its territory as a path from the root (city,
   district, street …); two issues merge only if one path is a prefix of the other, so "噪音扰民"
   in two districts stays two issues while a message that names only the city can join either.

Continuous use (``assign``) compares one new message with the stored centroids of the open issues
(the same vectors and idf as the last batch) and joins the best one above ``threshold``.
"""

from __future__ import annotations

import functools
import heapq
import math
import re
import time
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

HASH_BITS = 22
WIDTH = 1 << HASH_BITS
_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)  # 2^64 / golden ratio
_SHIFT = np.uint64(64 - HASH_BITS)
_SEPARATOR = 1  # code point between fields (never in text after cleaning)


@dataclass(frozen=True)
class Params:
    """The grouping's tunables (chosen on the development half of the labelled set; docs/hotspots.md)."""

    threshold: float = 0.2  # centroid cosine at which two issues merge / a message joins an issue
    floor: float = 0.12  # pairs less similar than this are not kept in the graph
    body_head: int = 200  # characters of the body read after the subject
    subject_weight: float = 2.0
    max_df: float = 0.05  # grams in more than this share of messages are filler
    vector_terms: int = 48  # similarity reads each message's heaviest grams only
    degree: int = 15  # neighbours kept per message
    threads: int = 2  # threads computing the similarity blocks
    problem_threshold: float = 0.05  # centroid cosine of the texts without place names
    estate_conflict: bool = True  # issues naming different estates do not merge
    block_rows: int = 2000  # rows per block of the sparse product


DEFAULT = Params()
MIN_FILLER_DF = 20

Path = tuple[int, ...]  # a territory as ids from the root down; () when unknown


# --- Text to vectors ------------------------------------------------------------------------------


def _codepoints(fields: Sequence[str]) -> np.ndarray:
    joined = "\x01".join(fields)
    return np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)


def _clean(cp: np.ndarray) -> np.ndarray:
    full_width = (cp >= 0xFF01) & (cp <= 0xFF5E)
    cp = np.where(full_width, cp - 0xFEE0, cp)
    upper = (cp >= 65) & (cp <= 90)
    return np.where(upper, cp + 32, cp)


def _kept(cp: np.ndarray) -> np.ndarray:
    return (
        ((cp >= 0x4E00) & (cp <= 0x9FFF))
        | ((cp >= 0x3400) & (cp <= 0x4DBF))
        | ((cp >= 48) & (cp <= 57))
        | ((cp >= 97) & (cp <= 122))
    )


def term_counts(subjects: Sequence[str], bodies: Sequence[str], params: Params = DEFAULT) -> sp.csr_matrix:
    """Weighted counts of hashed character bigrams and trigrams, one row per message."""
    n = len(subjects)
    if n == 0:
        return sp.csr_matrix((0, WIDTH), dtype=np.float64)
    fields: list[str] = []
    for subject, body in zip(subjects, bodies, strict=True):
        fields.append(subject or "")
        fields.append((body or "")[: params.body_head])
    cp = _clean(_codepoints(fields))
    segment = np.cumsum(cp == _SEPARATOR)  # field index of each character
    keep = _kept(cp)
    cp, segment = cp[keep], segment[keep]
    same1 = segment[:-1] == segment[1:]
    same2 = segment[:-2] == segment[2:]
    bigrams = ((cp[:-1] << 21) | cp[1:])[same1]
    trigrams = ((cp[:-2] << 42) | (cp[1:-1] << 21) | cp[2:])[same2]
    grams = np.concatenate([bigrams, trigrams]).astype(np.uint64)
    field_of = np.concatenate([segment[:-1][same1], segment[:-2][same2]])
    with np.errstate(over="ignore"):
        columns = ((grams * _MULTIPLIER) >> _SHIFT).astype(np.int32)
    weights = np.where(field_of % 2 == 0, params.subject_weight, 1.0)
    # 32-bit indices (2^22 columns): scipy converts them three times faster than 64-bit ones.
    rows = (field_of // 2).astype(np.int32)
    counts = sp.csr_matrix((weights, (rows, columns)), shape=(n, WIDTH))
    counts.sum_duplicates()
    return counts


def document_frequencies(counts: sp.csr_matrix) -> np.ndarray:
    return np.bincount(counts.indices, minlength=counts.shape[1]).astype(np.int64)


@dataclass
class Vocabulary:
    """The hashed columns a batch used (sorted) and how many of its ``n`` messages had each: the
    idf with which later messages are read."""

    columns: np.ndarray
    df: np.ndarray
    n: int

    def df_of(self, hashed: np.ndarray) -> np.ndarray:
        """Document frequency of hashed columns; 0 for grams the batch never saw (rare: high idf)."""
        if len(self.columns) == 0:
            return np.zeros(len(hashed), dtype=np.int64)
        at = np.minimum(np.searchsorted(self.columns, hashed), len(self.columns) - 1)
        return np.where(self.columns[at] == hashed, self.df[at], 0)


def compact(counts: sp.csr_matrix) -> tuple[sp.csr_matrix, Vocabulary]:
    """The counts over the columns actually used (2^22 → a few hundred thousand), and those columns."""
    df_full = np.bincount(counts.indices, minlength=WIDTH)
    columns = np.flatnonzero(df_full)
    remap = np.full(WIDTH, -1, dtype=np.int64)
    remap[columns] = np.arange(len(columns))
    narrow = sp.csr_matrix(
        (counts.data, remap[counts.indices], counts.indptr), shape=(counts.shape[0], len(columns))
    )
    return narrow, Vocabulary(columns, df_full[columns].astype(np.int64), counts.shape[0])


def idf_weights(df: np.ndarray, n: int, params: Params = DEFAULT) -> np.ndarray:
    """Smoothed idf per column; 0 for filler (df above max_df · n)."""
    idf: np.ndarray = np.log((1.0 + n) / (1.0 + df)) + 1.0
    # Filler is told by frequency only where there are enough messages to tell it.
    idf[df > max(params.max_df * n, MIN_FILLER_DF)] = 0.0
    return idf


def tfidf(counts: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """Sublinear tf × idf, rows L2-normalised (an empty row stays empty)."""
    x = counts.copy()
    x.data = (1.0 + np.log(x.data)) * idf[x.indices]
    x.eliminate_zeros()
    norms = _row_norms(x)
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ x)


def _row_norms(x: sp.csr_matrix) -> np.ndarray:
    """The L2 norm of each row (one pass over the stored values, no product matrix)."""
    squares = np.zeros(x.shape[0])
    filled = np.diff(x.indptr) > 0
    if filled.any():
        # Rows are contiguous runs of the stored values: one sum per run that has values.
        squares[filled] = np.add.reduceat(x.data * x.data, x.indptr[:-1][filled])
    return np.sqrt(squares)


def _masked(x: sp.csr_matrix, allowed: np.ndarray) -> sp.csr_matrix:
    """``x`` with the columns not ``allowed`` dropped (a boolean per column)."""
    kept = np.flatnonzero(allowed[x.indices])
    indptr = np.searchsorted(kept, x.indptr)  # kept values before each row's start
    return sp.csr_matrix((x.data[kept], x.indices[kept], indptr), shape=x.shape)


# --- Neighbours -----------------------------------------------------------------------------------


@dataclass
class Graph:
    """Similar pairs i < j with their cosine."""

    n: int
    i: np.ndarray
    j: np.ndarray
    sim: np.ndarray
    problem: np.ndarray | None = None  # the same pairs' similarity with place names left out


def _top_columns(x: sp.csr_matrix, allowed: np.ndarray, k: int) -> sp.csr_matrix:
    """Each row's ``k`` heaviest columns among the ``allowed`` ones (the rest set to 0)."""
    x = _masked(x, allowed)
    lengths = np.diff(x.indptr)
    if lengths.size == 0 or lengths.max() <= k:
        return x
    row_of = np.repeat(np.arange(x.shape[0]), lengths)
    # Heaviest first within each row: one float sort key (rows are L2-normalised, so 0 < w ≤ 1).
    peak = float(x.data.max()) or 1.0
    order = np.argsort(row_of + (1.0 - x.data / peak) * 0.999, kind="quicksort")
    rank = np.arange(len(order)) - np.repeat(x.indptr[:-1], lengths)
    keep = np.sort(order[rank < k])
    kept_rows = row_of[keep]
    indptr = np.concatenate([[0], np.cumsum(np.bincount(kept_rows, minlength=x.shape[0]))])
    return sp.csr_matrix((x.data[keep], x.indices[keep], indptr), shape=x.shape)


def neighbours(x: sp.csr_matrix, df: np.ndarray, params: Params = DEFAULT) -> Graph:
    """Pairs of messages at least ``floor`` similar, each message keeping its ``degree`` closest.

    Similarity is the cosine of the messages' vectors cut to their ``vector_terms`` heaviest
    grams (renormalised): the place names and specific words that decide; the long tail of
    each vector is shared filler that only costs time. The product runs in row blocks."""
    n = x.shape[0]
    short = _unit_rows(x, df, params)
    short_t = sp.csr_matrix(short.T)
    found_i: list[np.ndarray] = []
    found_j: list[np.ndarray] = []
    found_s: list[np.ndarray] = []

    def block_pairs(start: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        stop = min(n, start + params.block_rows)
        block = (short[start:stop] @ short_t).tocoo()
        rows = block.row.astype(np.int64) + start
        cols = block.col.astype(np.int64)
        keep = (rows != cols) & (block.data >= params.floor)
        rows, cols, sims = rows[keep], cols[keep], block.data[keep]
        # Each message keeps its `degree` most similar neighbours (bounds the graph).
        order = np.lexsort((-sims, rows))
        rows, cols, sims = rows[order], cols[order], sims[order]
        rank = np.arange(len(rows)) - np.searchsorted(rows, rows, side="left")
        keep = rank < params.degree
        return np.minimum(rows[keep], cols[keep]), np.maximum(rows[keep], cols[keep]), sims[keep]

    # Blocks are independent and scipy's product runs without the GIL: two threads use two cores.
    with ThreadPoolExecutor(max_workers=params.threads) as pool:
        for a, b, sims in pool.map(block_pairs, range(0, n, params.block_rows)):
            found_i.append(a)
            found_j.append(b)
            found_s.append(sims)
    if not found_i:
        empty = np.zeros(0, dtype=np.int64)
        return Graph(n, empty, empty, np.zeros(0))
    keys = np.concatenate(found_i) * n + np.concatenate(found_j)
    keys, first = np.unique(keys, return_index=True)
    return Graph(n, keys // n, keys % n, np.concatenate(found_s)[first])


# --- Agglomeration --------------------------------------------------------------------------------


ESTATES_KEPT = 20


def core(name: str) -> str:
    """A place name without the generic word at its end (丽发新城小区 → 丽发新城)."""
    for ending in ("小区", "社区"):
        if name.endswith(ending) and len(name) - len(ending) >= 2:
            return name[: -len(ending)]
    return name


def same_estate(a: set[str] | frozenset[str], b: set[str] | frozenset[str]) -> bool:
    """Whether two sets of estate names may be about one place: either is empty, or a name of one
    contains or is contained in a name of the other (伊景园滨河苑 / 滨河苑, 丽发新城 / 丽发新城小区)."""
    if not a or not b:
        return True
    return any(core(x) in core(y) or core(y) in core(x) for x in a for y in b)


def compatible(a: Path, b: Path) -> bool:
    """One territory contains the other (or one is unknown)."""
    k = min(len(a), len(b))
    return a[:k] == b[:k]


def agglomerate(
    graph: Graph,
    paths: Sequence[Path],
    threshold: float,
    problem_threshold: float = 0.0,
    estates: Sequence[frozenset[str]] | None = None,
    norms: tuple[Sequence[float], Sequence[float]] | None = None,
) -> list[int]:
    """Centroid-linkage merging on the graph; returns an issue label (a member index) per node.

    Two issues merge when their centroids are at least ``threshold`` similar, their territories
    are compatible, the estates they name (if both name one) overlap, and — when the graph carries
    it — the centroids of their texts without place names are at least ``problem_threshold``
    similar (the same place alone is not the same issue)."""
    n = graph.n
    graph = _within_territories(graph, paths)
    parent = list(range(n))
    # ‖S‖² of each node: 1 for a message, more for a node that stands for near-duplicates.
    norm2 = list(norms[0]) if norms is not None else [1.0] * n
    pnorm2 = list(norms[1]) if norms is not None else [1.0] * n
    place = [tuple(p) for p in paths]
    named = [set(e) for e in estates] if estates is not None else [set() for _ in range(n)]
    adjacency: list[dict[int, float]] = [{} for _ in range(n)]
    padjacency: list[dict[int, float]] = [{} for _ in range(n)]
    gate = graph.problem is not None and problem_threshold > 0
    problem = graph.problem if graph.problem is not None else np.zeros(len(graph.i))
    for a, b, s, q in zip(
        graph.i.tolist(), graph.j.tolist(), graph.sim.tolist(), problem.tolist(), strict=True
    ):
        adjacency[a][b] = s  # the graph's pairs are unique
        adjacency[b][a] = s
        if q > 0:
            padjacency[a][b] = q
            padjacency[b][a] = q
    strong = graph.sim >= threshold
    heap = list(
        zip((-graph.sim[strong]).tolist(), graph.i[strong].tolist(), graph.j[strong].tolist(), strict=True)
    )
    heapq.heapify(heap)
    alive = [True] * n
    while heap:
        negative, a, b = heapq.heappop(heap)
        if not (alive[a] and alive[b]):
            continue
        dot = adjacency[a].get(b)
        if dot is None:
            continue
        cosine = dot / math.sqrt(norm2[a] * norm2[b])
        if abs(cosine + negative) > 1e-9:  # stale entry: the issues changed since it was pushed
            if cosine >= threshold:
                heapq.heappush(heap, (-cosine, a, b))
            continue
        if not compatible(place[a], place[b]) or not same_estate(named[a], named[b]):
            continue
        pdot = padjacency[a].get(b, 0.0)
        if gate and pdot / math.sqrt(pnorm2[a] * pnorm2[b]) < problem_threshold:
            continue
        if len(adjacency[a]) < len(adjacency[b]):
            a, b = b, a  # fold the smaller neighbourhood into the larger
        norm2[a] += norm2[b] + 2.0 * dot
        pnorm2[a] += pnorm2[b] + 2.0 * pdot
        alive[b] = False
        parent[b] = a
        if len(place[b]) > len(place[a]):
            place[a] = place[b]
        if len(named[a]) < ESTATES_KEPT:
            named[a] |= named[b]
        for table in (adjacency, padjacency):
            table[a].pop(b, None)
            table[b].pop(a, None)
            for k, v in table[b].items():
                del table[k][b]
                total = table[a].get(k, 0.0) + v
                table[a][k] = total
                table[k][a] = total
        # Only the pairs whose dot product grew need a new entry; the merged issue's other
        # pairs lost similarity (its norm grew), so their entries are overestimates that are
        # recomputed when popped.
        for k in adjacency[b]:
            c = adjacency[a][k] / math.sqrt(norm2[a] * norm2[k])
            if c >= threshold:
                heapq.heappush(heap, (-c, min(a, k), max(a, k)))
        adjacency[b] = {}
        padjacency[b] = {}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    return [find(i) for i in range(n)]


def _within_territories(graph: Graph, paths: Sequence[Path]) -> Graph:
    """The graph without its pairs across incompatible territories. Such a pair can never join:
    a merged issue takes the longer of two compatible paths, which extends both, so issues grown
    from incompatible places stay incompatible. Left in, those pairs would be most of the merge
    loop's work wherever one complaint is told in many places. Compatibility is decided once per
    distinct pair of paths."""
    if len(graph.i) == 0:
        return graph
    ids: dict[Path, int] = {}
    path_id = np.fromiter(
        (ids.setdefault(tuple(p), len(ids)) for p in paths), dtype=np.int64, count=len(paths)
    )
    if len(ids) == 1:
        return graph
    distinct = list(ids)
    key = path_id[graph.i] * len(ids) + path_id[graph.j]
    pairs, inverse = np.unique(key, return_inverse=True)
    ok = np.fromiter(
        (compatible(distinct[k // len(ids)], distinct[k % len(ids)]) for k in pairs.tolist()),
        dtype=bool,
        count=len(pairs),
    )[inverse]
    if ok.all():
        return graph
    problem = graph.problem[ok] if graph.problem is not None else None
    return Graph(graph.n, graph.i[ok], graph.j[ok], graph.sim[ok], problem)


@dataclass
class Grouping:
    labels: list[int]  # an issue label per message (the index of one member)
    vectors: sp.csr_matrix  # the messages' tf-idf rows, over vocabulary.columns
    vocabulary: Vocabulary  # the batch's columns and document frequencies (idf of later messages)
    graph: Graph
    seconds: dict[str, float] = field(default_factory=dict)  # time of each stage

    def hashed(self, rows: sp.csr_matrix) -> sp.csr_matrix:
        """Rows of ``vectors`` back in the hashed column space (as new messages are read)."""
        rows = sp.csr_matrix(rows)
        return sp.csr_matrix(
            (rows.data, self.vocabulary.columns[rows.indices], rows.indptr), shape=(rows.shape[0], WIDTH)
        )

    def members(self) -> dict[int, list[int]]:
        out: dict[int, list[int]] = {}
        for index, label in enumerate(self.labels):
            out.setdefault(label, []).append(index)
        return out


def _unit_rows(x: sp.csr_matrix, df: np.ndarray, params: Params) -> sp.csr_matrix:
    short = _top_columns(x, df >= 1, params.vector_terms)
    norms = _row_norms(short)
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ short)


def pair_similarity(x: sp.csr_matrix, i: np.ndarray, j: np.ndarray, step: int = 100_000) -> np.ndarray:
    out = np.zeros(len(i))
    for start in range(0, len(i), step):
        stop = start + step
        out[start:stop] = np.asarray(x[i[start:stop]].multiply(x[j[start:stop]]).sum(axis=1)).ravel()
    return out


def _blank(text: str, names: Sequence[str]) -> str:
    """The text with its place names and administrative names blanked out (what the problem is)."""
    text = _ADMIN.sub(" ", unicodedata.normalize("NFKC", text or ""))
    for name in sorted(set(names), key=len, reverse=True):
        text = text.replace(name, " ")
    return text


def without_places(text: str) -> str:
    """The text with its specific place names (and administrative names) blanked out."""
    return _blank(text, place_names(text))


PLACE_HEAD = 120  # characters of the body searched for place names (they are named early)


_CLEAN = re.compile(r"[^0-9a-z\u3400-\u4dbf\u4e00-\u9fff]+")


def _cleaned(text: str) -> str:
    """The text as the vectoriser reads it (NFKC, lower case, only CJK, letters and digits)."""
    return _CLEAN.sub("", unicodedata.normalize("NFKC", text or "").lower())


def place_grams(head: str, names: Iterable[str]) -> set[str]:
    """The bigrams and trigrams of ``head`` that overlap an occurrence of one of ``names`` — the
    name's own grams and those across its edges ("区桂" in "甲区桂园小区"), which otherwise carry the
    place into the problem similarity."""
    text = _cleaned(head)
    grams: set[str] = set()
    for name in {_cleaned_name(n) for n in names}:
        if len(name) < 2:
            continue
        start = text.find(name)
        if start < 0:
            continue
        grams |= _inner_grams(name)
        while start >= 0:
            end = start + len(name)
            # Across the edges: the bigrams starting one before the name and at its last
            # character, the trigrams starting two and one before it and at its last two.
            for j in (start - 1, end - 1):
                if j >= 0:
                    grams.add(text[j : j + 2])
            for j in (start - 2, start - 1, end - 2, end - 1):
                if j >= 0:
                    grams.add(text[j : j + 3])
            start = text.find(name, end)
    return {g for g in grams if len(g) >= 2}


@functools.lru_cache(maxsize=65536)
def _cleaned_name(name: str) -> str:
    return _cleaned(name)


@functools.lru_cache(maxsize=65536)
def _inner_grams(name: str) -> frozenset[str]:
    """The bigrams and trigrams inside a (cleaned) name."""
    return frozenset(name[j : j + k] for k in (2, 3) for j in range(len(name) - k + 1))


def place_columns(grams: Iterable[str], vocabulary: Vocabulary, params: Params = DEFAULT) -> np.ndarray:
    """Compact columns of the given grams."""
    distinct = sorted(set(grams))
    if not distinct:
        return np.zeros(0, dtype=np.int64)
    hashed = np.unique(term_counts(distinct, [""] * len(distinct), params).indices)
    if len(vocabulary.columns) == 0:
        return np.zeros(0, dtype=np.int64)
    at = np.minimum(np.searchsorted(vocabulary.columns, hashed), len(vocabulary.columns) - 1)
    return at[vocabulary.columns[at] == hashed]


def problem_similarity(
    x: sp.csr_matrix,
    vocabulary: Vocabulary,
    graph: Graph,
    names: Sequence[Sequence[str]],
    params: Params,
    heads: Sequence[str] = (),
) -> np.ndarray:
    """For each pair of the graph, the cosine of the two texts without the grams of any place name
    of the batch (``names``: estates, roads, villages and territories — where, not what; a facility
    such as 搅拌站 or 垃圾站 is usually what the complaint is about, so it stays). Computed for the pairs similar
    enough to merge; a weaker pair keeps its whole similarity (it only adds to centroid sums)."""
    keep = np.ones(x.shape[1])
    grams: set[str] = set()
    for k, found in enumerate(names):
        if found:
            grams |= place_grams(heads[k], found) if heads else {n for n in found}
    keep[place_columns(grams, vocabulary, params)] = 0.0
    px = _masked(x, keep > 0)
    rows = _unit_rows(px, vocabulary.df, params)
    out = graph.sim.copy()
    strong = np.flatnonzero(graph.sim >= params.threshold * 0.8)
    out[strong] = pair_similarity(rows, graph.i[strong], graph.j[strong])
    return out


DUPLICATE = 0.9  # pairs this similar (same territory, same estates) are one node before merging


def condense(
    graph: Graph, paths: Sequence[Path], estates: Sequence[frozenset[str]]
) -> tuple[np.ndarray, Graph, list[Path], list[frozenset[str]], tuple[list[float], list[float]]]:
    """Near-duplicates (copies, re-posts, one text sent to several mailboxes) as one node each.

    Centroid linkage would merge them first anyway; doing it with connected components in C
    leaves the Python merge loop the real decisions. Returns each message's node, the graph
    between nodes (summed similarities), their territories, estates and initial ‖S‖²."""
    n = graph.n
    problem = graph.problem if graph.problem is not None else np.zeros(len(graph.i))
    same = np.fromiter(
        (
            paths[a] == paths[b] and estates[a] == estates[b]
            for a, b in zip(graph.i.tolist(), graph.j.tolist(), strict=True)
        ),
        dtype=bool,
        count=len(graph.i),
    )
    strong = (graph.sim >= DUPLICATE) & (problem >= DUPLICATE) & same
    link = sp.coo_matrix((np.ones(int(strong.sum())), (graph.i[strong], graph.j[strong])), shape=(n, n))
    count, node = connected_components(link, directed=False)
    node = node.astype(np.int64)
    a, b = node[graph.i], node[graph.j]
    sizes = np.bincount(node, minlength=count).astype(np.float64)
    inside = a == b
    norm2 = sizes + 2.0 * np.bincount(a[inside], weights=graph.sim[inside], minlength=count)
    pnorm2 = sizes + 2.0 * np.bincount(a[inside], weights=problem[inside], minlength=count)
    lo, hi = np.minimum(a[~inside], b[~inside]), np.maximum(a[~inside], b[~inside])
    keys, inverse = np.unique(lo * count + hi, return_inverse=True)
    sims = np.bincount(inverse, weights=graph.sim[~inside], minlength=len(keys))
    problems = np.bincount(inverse, weights=problem[~inside], minlength=len(keys))
    first = np.full(count, -1, dtype=np.int64)
    first[node[::-1]] = np.arange(n)[::-1]  # a representative message of each node
    condensed = Graph(
        count, keys // count, keys % count, sims, problems if graph.problem is not None else None
    )
    return (
        node,
        condensed,
        [paths[i] for i in first.tolist()],
        [estates[i] for i in first.tolist()],
        (norm2.tolist(), pnorm2.tolist()),
    )


def group(
    subjects: Sequence[str],
    bodies: Sequence[str],
    paths: Sequence[Path] | None = None,
    params: Params = DEFAULT,
    hints: Sequence[Sequence[str]] | None = None,
) -> Grouping:
    """Group a batch of messages (in any order) into issues. ``hints`` are names of each message's
    territory (known from the ledger): like the place names found in the text, they say where,
    not what, and are left out of the problem similarity."""
    clock = time.perf_counter
    started = clock()
    counts, vocabulary = compact(term_counts(subjects, bodies, params))
    n = counts.shape[0]
    x = tfidf(counts, idf_weights(vocabulary.df, n, params))
    vectorised = clock()
    graph = neighbours(x, vocabulary.df, params)
    linked = clock()
    # Normalised once here: place_names and place_grams normalise again, which on normalised text
    # is only a quick check (half the cost of finding the places, done twice, otherwise).
    heads = [
        unicodedata.normalize("NFKC", f"{subject}\n{(body or '')[:PLACE_HEAD]}")
        for subject, body in zip(subjects, bodies, strict=True)
    ]
    names = [
        place_names(text) if params.estate_conflict or params.problem_threshold > 0 else [] for text in heads
    ]
    estates = [
        frozenset(m for m in found if m.endswith(_ESTATE_ENDINGS) and not m.endswith("公园"))
        if params.estate_conflict
        else frozenset()
        for found in names
    ]
    if params.problem_threshold > 0 and len(graph.i):
        wheres = [
            [n for n in found if n.endswith(_WHERE_ENDINGS)] + list(hints[k] if hints is not None else ())
            for k, found in enumerate(names)
        ]
        graph.problem = problem_similarity(x, vocabulary, graph, wheres, params, heads)
    places = clock()
    node, condensed, node_paths, node_estates, norms = condense(
        graph, [tuple(p) for p in paths] if paths is not None else [()] * n, estates
    )
    node_labels = agglomerate(
        condensed, node_paths, params.threshold, params.problem_threshold, node_estates, norms
    )
    first = np.full(condensed.n, -1, dtype=np.int64)
    first[node[::-1]] = np.arange(n)[::-1]
    labels = [int(first[node_labels[k]]) for k in node.tolist()]
    done = clock()
    seconds = {
        "vectorise": round(vectorised - started, 3),
        "neighbours": round(linked - vectorised, 3),
        "places": round(places - linked, 3),
        "agglomerate": round(done - places, 3),
    }
    return Grouping(labels, x, vocabulary, graph, seconds)


# --- Centroids and continuous assignment ----------------------------------------------------------

CENTROID_TERMS = 400  # columns kept of a stored centroid


@dataclass
class Centroid:
    """The sum of an issue's member vectors (truncated to its heaviest columns) with its norm²,
    and the estates and other places its members name (for the same gates as the batch)."""

    columns: dict[int, float] = field(default_factory=dict)
    norm2: float = 0.0
    estates: set[str] = field(default_factory=set)
    wheres: set[str] = field(default_factory=set)

    def dot(self, row: sp.csr_matrix, excluded: frozenset[int] = frozenset()) -> float:
        get = self.columns.get
        return float(
            sum(
                get(int(c), 0.0) * v
                for c, v in zip(row.indices, row.data, strict=True)
                if int(c) not in excluded
            )
        )

    def cosine(self, row: sp.csr_matrix) -> float:
        return self.dot(row) / math.sqrt(self.norm2) if self.norm2 > 0 else 0.0

    def problem_cosine(self, row: sp.csr_matrix, excluded: frozenset[int]) -> float:
        """Cosine of the message and the issue without the columns of place names (both unit length
        over the remaining columns)."""
        kept = [v for c, v in self.columns.items() if c not in excluded]
        own = [v for c, v in zip(row.indices.tolist(), row.data.tolist(), strict=True) if c not in excluded]
        norm = math.sqrt(sum(v * v for v in kept) * sum(v * v for v in own))
        return self.dot(row, excluded) / norm if norm > 0 else 0.0

    def add(self, row: sp.csr_matrix, names: Sequence[str] = ()) -> None:
        self.norm2 += 2.0 * self.dot(row) + float(row.multiply(row).sum())
        for c, v in zip(row.indices.tolist(), row.data.tolist(), strict=True):
            self.columns[c] = self.columns.get(c, 0.0) + v
        self.note_places(names)
        self._truncate()

    def note_places(self, names: Iterable[str]) -> None:
        for name in names:
            if (
                name.endswith(_ESTATE_ENDINGS)
                and not name.endswith("公园")
                and len(self.estates) < ESTATES_KEPT
            ):
                self.estates.add(name)
            if name.endswith(_WHERE_ENDINGS) and len(self.wheres) < ESTATES_KEPT:
                self.wheres.add(name)

    def _truncate(self) -> None:
        if len(self.columns) > CENTROID_TERMS:
            kept = sorted(self.columns.items(), key=lambda kv: -kv[1])[:CENTROID_TERMS]
            self.columns = dict(kept)

    def to_json(self) -> dict[str, object]:
        return {
            "c": [[c, round(v, 5)] for c, v in self.columns.items()],
            "n2": round(self.norm2, 5),
            "e": sorted(self.estates),
            "w": sorted(self.wheres),
        }

    @classmethod
    def from_json(cls, data: dict[str, object] | None) -> Centroid:
        if not data:
            return cls()
        pairs = data.get("c") or []
        norm2 = data.get("n2") or 0.0
        estates = data.get("e") or []
        wheres = data.get("w") or []
        if not isinstance(pairs, list) or not isinstance(norm2, int | float):
            return cls()
        return cls(
            {int(c): float(v) for c, v in pairs},
            float(norm2),
            {str(e) for e in estates} if isinstance(estates, list) else set(),
            {str(w) for w in wheres} if isinstance(wheres, list) else set(),
        )

    @classmethod
    def of_rows(cls, rows: sp.csr_matrix, names: Iterable[str] = ()) -> Centroid:
        total = np.asarray(rows.sum(axis=0)).ravel()
        gram = rows @ rows.T
        centroid = cls({int(c): float(total[c]) for c in np.flatnonzero(total)}, float(gram.sum()))
        centroid.note_places(names)
        centroid._truncate()
        return centroid


def name_columns(names: Iterable[str], params: Params = DEFAULT, head: str = "") -> frozenset[int]:
    """Hashed columns of the grams of place names (and, given the text, of the grams across
    their edges in it)."""
    grams = set(names) | (place_grams(head, names) if head else set())
    distinct = sorted(g for g in grams if len(g) >= 2)
    if not distinct:
        return frozenset()
    return frozenset(np.unique(term_counts(distinct, [""] * len(distinct), params).indices).tolist())


def vectorise_with(
    subjects: Sequence[str], bodies: Sequence[str], vocabulary: Vocabulary, params: Params = DEFAULT
) -> sp.csr_matrix:
    """Vectors of new messages (hashed columns) with the idf of an earlier batch."""
    counts = term_counts(subjects, bodies, params)
    df = np.zeros(WIDTH, dtype=np.int64)
    used = np.unique(counts.indices)
    df[used] = vocabulary.df_of(used)
    return tfidf(counts, idf_weights(df, vocabulary.n, params))


def best_issue(
    row: sp.csr_matrix,
    path: Path,
    candidates: Sequence[tuple[object, Path, Centroid]],
    params: Params = DEFAULT,
    names: Sequence[str] = (),
    hints: Sequence[str] = (),
    head: str = "",
) -> tuple[object, float] | None:
    """The candidate issue a new message joins, with its cosine: the most similar centroid (at
    least ``threshold``) with a compatible territory, no other estate, and — apart from the place
    names — a similar problem (the batch's three gates). None when none qualifies."""
    estates = {n for n in names if n.endswith(_ESTATE_ENDINGS) and not n.endswith("公园")}
    wheres = [n for n in names if n.endswith(_WHERE_ENDINGS)] + list(hints)
    ranked = []
    for key, issue_path, centroid in candidates:
        if not compatible(path, issue_path):
            continue
        if params.estate_conflict and not same_estate(estates, centroid.estates):
            continue
        cosine = centroid.cosine(row)
        if cosine >= params.threshold:
            ranked.append((cosine, key, centroid))
    for cosine, key, centroid in sorted(ranked, key=lambda r: -r[0]):
        if params.problem_threshold > 0:
            excluded = name_columns([*wheres, *centroid.wheres], params, head)
            if centroid.problem_cosine(row, excluded) < params.problem_threshold:
                continue
        return key, cosine
    return None


# --- Describing an issue --------------------------------------------------------------------------

# A specific place: a run of name characters ending in a word for a place. The name part may not
# contain the verbs and particles that start a complaint.
# A specific place: a run of name characters ending in a word for a place. Characters that do not
# occur inside names (particles, pronouns, "near", "beside" …) end the run, so "丽发新城小区附近搅拌站"
# gives 丽发新城小区 and 搅拌站, never one long name.
_NAME = (
    r"[^\W_的了是和与及对把被从向为或并等也都就很要会能可请我你他她们这那有没不附近旁边周内外里距离至到在]"
)
_PLACE = re.compile(
    rf"({_NAME}{{2,14}}"
    r"(?:小区|花园|家园|新城|新村|公寓|大厦|广场|公馆|华庭|华府|国际城|山庄|苑|园|城|府|湾|郡|庭|村|组|社区|街道|"
    r"路|大道|街|巷|桥|隧道|高速|高铁|地铁\d*号线|号线|公园|学校|小学|中学|幼儿园|医院|市场|站|镇|乡))"
)
_INNER = re.compile(r"街道|社区|路|街|镇|乡|村|区|县|市")
_LEAD = re.compile(
    r"^.*?(?:关于|反映|反应|投诉|举报|咨询|请问|建议|希望|要求|强烈|请求|恳请|请|在|的|对|给|与|和|及|至|到|位于|地处|住在|我是|我们)"
)
_ADMIN = re.compile(r"(?:[A-Z]\d{0,2}(?:市|区|县|州)|西地省)")
_GENERIC_PLACES = frozenset(
    {
        "小区",
        "公园",
        "学校",
        "小学",
        "中学",
        "幼儿园",
        "医院",
        "市场",
        "街道",
        "社区",
        "公路",
        "道路",
        "马路",
        "高速",
        "高铁",
        "地铁",
        "村",
        "组",
        "城区",
        "城市",
        "县城",
        "乡镇",
        "农村",
        "我们小区",
        "本小区",
        "该小区",
        "周边",
        "附近",
        "门口",
    }
)


def place_names(text: str) -> list[str]:
    """Specific place names in a text (estates, roads, schools …), most specific first, for
    labelling an issue. Administrative names (A市, A3区) are stripped: the territory says those."""
    text = unicodedata.normalize("NFKC", text or "")
    found: list[str] = []
    for match in _PLACE.finditer(text):
        name = _ADMIN.sub("", match.group(1))
        lead = _LEAD.match(name)
        if lead is not None and len(name) - lead.end() >= 2:
            name = name[lead.end() :]
        name = name.strip("·")
        # The most specific part: "暮云街道丽发新城小区" → "丽发新城"; "劳动东路魅力之城" → "魅力之城".
        cuts = [m.end() for m in _INNER.finditer(name) if len(name) - m.end() >= 3]
        if cuts:
            name = name[cuts[-1] :]
        if len(name) >= 3 and name not in _GENERIC_PLACES and not name.endswith(_NOT_PLACE_ENDINGS):
            found.append(name)
    return found


_NOT_PLACE_ENDINGS = ("线路", "道路", "马路", "出路", "思路", "门路")
_ESTATE_ENDINGS = (
    "小区",
    "花园",
    "家园",
    "新城",
    "新村",
    "公寓",
    "大厦",
    "公馆",
    "华庭",
    "华府",
    "国际城",
    "山庄",
    "苑",
    "园",
    "城",
    "府",
    "湾",
    "郡",
    "庭",
)


_WHERE_ENDINGS = (*_ESTATE_ENDINGS, "路", "大道", "街", "巷", "村", "组", "社区", "街道", "镇", "乡")


def estate_names(text: str) -> frozenset[str]:
    """The residential estates a text names (the places whose difference makes two issues)."""
    return frozenset(
        name for name in place_names(text) if name.endswith(_ESTATE_ENDINGS) and not name.endswith("公园")
    )


def common_place(texts: Sequence[str]) -> str:
    """The place most members name (each member counted once; an estate before a facility such
    as 搅拌站 when as many name both); "" when no place repeats."""
    votes: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = {}
    for text in texts:
        found = place_names(text)
        votes.update({core(name) for name in found})
        for name in found:
            forms.setdefault(core(name), Counter())[name] += 1
    if not votes:
        return ""
    ranked = sorted(
        votes.items(),
        key=lambda kv: (
            -kv[1],
            not forms[kv[0]].most_common(1)[0][0].endswith(_ESTATE_ENDINGS),
            -len(kv[0]),
            kv[0],
        ),
    )
    name, count = ranked[0]
    if count < 2 and len(texts) > 1:
        return ""
    return forms[name].most_common(1)[0][0]


def representatives(rows: sp.csr_matrix, k: int = 3) -> list[int]:
    """Indices (into ``rows``) of the members closest to the issue's centroid, best first."""
    if rows.shape[0] == 0:
        return []
    total = np.asarray(rows.sum(axis=0)).ravel()
    scores = rows @ total
    return [int(i) for i in np.argsort(-scores, kind="stable")[:k]]
