"""The heat index and the surge rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from wenzheng.insight.hotspots.heat import Moment, Weights, figures, heat, surge, weekly

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)


def _moments(days_ago: list[float], **extra) -> list[Moment]:
    return [Moment(at=NOW - timedelta(days=d), **extra) for d in days_ago]


def test_it_grows_with_volume_support_spread_and_persistence():
    base = figures(_moments([1, 2]), NOW)
    more = figures(_moments([1, 2, 3, 4]), NOW)
    assert heat(more).value > heat(base).value
    liked = figures([Moment(NOW - timedelta(days=1), likes=50), Moment(NOW - timedelta(days=2))], NOW)
    assert heat(liked).parts["support"] > 0 == heat(base).parts["support"]
    many_people = figures([Moment(NOW - timedelta(days=d), author=f"a{d}") for d in (1, 2)], NOW)
    one_person = figures([Moment(NOW - timedelta(days=d), author="a") for d in (1, 2)], NOW)
    assert heat(many_people).value > heat(one_person).value
    long = figures(_moments([1, 60]), NOW)
    assert heat(long).parts["persistence"] > heat(base).parts["persistence"]


def test_it_counts_likes_less_the_votes_against_and_never_below_zero():
    f = figures([Moment(NOW, likes=3, against=10)], NOW)
    assert heat(f).parts["support"] == 0


def test_it_makes_growth_negative_when_an_issue_fades():
    fading = figures(_moments([8, 9, 10, 11, 1]), NOW)
    assert fading.recent == 1
    assert fading.previous == 4
    assert heat(fading).parts["growth"] < 0


def test_it_applies_the_weights_given_as_data():
    f = figures(_moments([1, 2, 3]), NOW)
    assert heat(f, Weights(volume=2.0)).parts["volume"] == pytest.approx(
        2 * heat(f).parts["volume"], abs=0.002
    )
    zero = Weights(volume=0, support=0, growth=0, persistence=0, spread=0)
    assert heat(f, zero).value == 0


def test_it_warns_of_a_surge_only_above_the_baseline_and_the_minimum():
    quiet = [NOW - timedelta(days=d) for d in (10, 15, 20, 25)]
    assert surge(quiet + [NOW - timedelta(days=1)] * 4, NOW) is None  # under the minimum of 5
    found = surge(quiet + [NOW - timedelta(hours=h) for h in range(1, 7)], NOW)
    assert found is not None
    assert found.recent == 6
    assert found.baseline == 1.0
    busy = [NOW - timedelta(days=8 + d % 27) for d in range(40)]  # about 10 a week usually
    assert surge(busy + [NOW - timedelta(hours=h) for h in range(1, 8)], NOW) is None


def test_it_counts_messages_per_week_for_the_sparkline():
    counts = weekly([NOW - timedelta(days=d) for d in (0.5, 1, 8, 50)], NOW)
    assert counts[-1] == 2
    assert counts[-2] == 1
    assert sum(counts) == 4
    assert len(counts) == 8
