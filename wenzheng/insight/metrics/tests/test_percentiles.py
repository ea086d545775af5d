"""Percentile definitions: nearest rank over the facts, interpolation inside histogram buckets."""

from __future__ import annotations

import pytest

from wenzheng.insight.metrics.models import BUCKET_EDGES, bucket_of
from wenzheng.insight.metrics.percentiles import from_buckets, nearest_rank


def test_it_takes_the_nearest_rank():
    values = [40, 15, 50, 35, 20]  # sorted: 15 20 35 40 50
    assert nearest_rank(values, 30) == 20  # rank ⌈0.3 × 5⌉ = ⌈1.5⌉ = 2
    assert nearest_rank(values, 40) == 20  # rank ⌈2.0⌉ = 2: exactly 40 % at or below 20
    assert nearest_rank(values, 50) == 35  # rank ⌈2.5⌉ = 3
    assert nearest_rank(values, 90) == 50  # rank ⌈4.5⌉ = 5
    assert nearest_rank(values, 100) == 50
    assert nearest_rank([7, 3, 9, 1], 50) == 3  # even count: the lower middle (rank 2), no averaging
    assert nearest_rank([], 50) is None
    with pytest.raises(ValueError, match="p must be"):
        nearest_rank(values, 0)


def test_it_interpolates_inside_a_bucket():
    counts = [0] * len(BUCKET_EDGES)
    for minutes in (10, 20, 45, 100):  # buckets [0,30) ×2, [30,60), [60,120)
        counts[bucket_of(minutes)] += 1
    assert counts[:3] == [2, 1, 1]
    assert from_buckets(counts, 50) == 30  # rank 2: 0 + 30 × 2/2
    assert from_buckets(counts, 25) == 15  # rank 1: 0 + 30 × 1/2
    assert from_buckets(counts, 90) == 120  # rank 4: 60 + 60 × 1/1
    assert from_buckets([0] * len(BUCKET_EDGES), 50) is None


def test_the_open_last_bucket_gives_its_lower_edge():
    counts = [0] * len(BUCKET_EDGES)
    counts[bucket_of(9000)] += 1
    assert bucket_of(9000) == len(BUCKET_EDGES) - 1
    assert from_buckets(counts, 50) == BUCKET_EDGES[-1]


def test_bucket_edges_are_half_open():
    assert [bucket_of(m) for m in (0, 29, 30, 419, 420, 8399, 8400)] == [0, 0, 1, 4, 5, 12, 13]
