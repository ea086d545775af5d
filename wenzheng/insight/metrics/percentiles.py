"""Percentiles of working time: exact (nearest rank) over fact values, estimated over histogram
buckets from the rollup. Definitions in docs/metrics.md."""

from __future__ import annotations

import math
from collections.abc import Sequence

from wenzheng.insight.metrics.models import BUCKET_EDGES


def _rank(n: int, p: float) -> int:
    """The 1-based nearest rank of the p-th percentile among n values: ceil(p/100 · n), at least 1."""
    if not 0 < p <= 100:
        raise ValueError("p must be in (0, 100]")
    return max(1, math.ceil(p / 100 * n - 1e-9))


def nearest_rank(values: Sequence[int], p: float) -> int | None:
    """The smallest value with at least p % of the values at or below it (None if no values)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[_rank(len(ordered), p) - 1]


def from_buckets(counts: Sequence[int], p: float) -> float | None:
    """The same rank found in the histogram, placed by linear interpolation inside its bucket:
    lower edge + width × (rank − values below the bucket) / values in the bucket. The open last
    bucket gives its lower edge. None if the histogram is empty."""
    n = sum(counts)
    if n == 0:
        return None
    rank = _rank(n, p)
    below = 0
    for i, count in enumerate(counts):
        if count and below + count >= rank:
            low = BUCKET_EDGES[i]
            if i + 1 == len(BUCKET_EDGES):
                return float(low)
            return low + (BUCKET_EDGES[i + 1] - low) * (rank - below) / count
        below += count
    raise AssertionError("unreachable: rank ≤ n")
