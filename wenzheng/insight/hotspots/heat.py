"""The heat index of an issue and the surge rule. Pure Python: the ledger's jobs, the command on a
CSV export and the tests compute it the same way.

    heat = w_volume      · ln(1 + messages)
         + w_support     · ln(1 + max(0, likes − votes against))
         + w_growth      · ln((1 + last 7 days) / (1 + the 7 days before))      (negative when fading)
         + w_persistence · ln(1 + weeks between the first and the latest message)
         + w_spread      · ln(1 + (writers − 1) + (territories − 1) + (channels − 1))

Every term is a logarithm: the tenth message, like the thousandth like, adds less than the first,
so one term never drowns the others, and ten people writing once weigh more than one person
writing ten times (spread counts different writers). A ledger case with no votes has support 0.
The weights are data (``HeatScheme``, edited in the admin); the defaults are in ``Weights``.

Surge: an issue surges when its messages in the last ``window`` days reach ``minimum`` and are at
least ``factor`` times its usual volume — the mean per window over the four windows before
(at least 1, so a brand-new issue needs ``factor`` × 1 and ``minimum`` messages). A warning is
raised when the surge starts, once; the surge ends when the rule stops holding.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

GROWTH_DAYS = 7
BASELINE_WINDOWS = 4
WEEKS_SHOWN = 8


@dataclass(frozen=True)
class Weights:
    volume: float = 1.0
    support: float = 0.5
    growth: float = 0.8
    persistence: float = 0.4
    spread: float = 0.6
    surge_factor: float = 3.0
    surge_minimum: int = 5
    surge_window_days: int = 7


@dataclass(frozen=True)
class Figures:
    """What the heat of an issue is computed from, as of ``now``."""

    size: int
    likes: int
    against: int
    first_at: datetime
    last_at: datetime
    recent: int  # messages in (now − 7 days, now]
    previous: int  # messages in (now − 14 days, now − 7 days]
    authors: int
    territories: int
    channels: int


@dataclass(frozen=True)
class Heat:
    value: float
    parts: dict[str, float]


def heat(f: Figures, w: Weights = Weights()) -> Heat:
    weeks = max(0.0, (f.last_at - f.first_at).total_seconds() / (7 * 86400))
    spread = max(0, f.authors - 1) + max(0, f.territories - 1) + max(0, f.channels - 1)
    parts = {
        "volume": w.volume * math.log1p(max(0, f.size)),
        "support": w.support * math.log1p(max(0, f.likes - f.against)),
        "growth": w.growth * math.log((1 + f.recent) / (1 + f.previous)),
        "persistence": w.persistence * math.log1p(weeks),
        "spread": w.spread * math.log1p(spread),
    }
    rounded = {k: round(v, 3) for k, v in parts.items()}
    return Heat(round(sum(parts.values()), 3), rounded)


@dataclass(frozen=True)
class Moment:
    """One message of an issue, as heat reads it."""

    at: datetime
    likes: int = 0
    against: int = 0
    author: str = ""
    territory: int | None = None
    channel: str = ""


def figures(moments: Sequence[Moment], now: datetime) -> Figures:
    """The figures of an issue from its messages (those after ``now`` are not counted)."""
    counted = [m for m in moments if m.at <= now]
    if not counted:
        raise ValueError("an issue without messages up to now has no figures")
    recent_from = now - timedelta(days=GROWTH_DAYS)
    previous_from = now - timedelta(days=2 * GROWTH_DAYS)
    return Figures(
        size=len(counted),
        likes=sum(m.likes for m in counted),
        against=sum(m.against for m in counted),
        first_at=min(m.at for m in counted),
        last_at=max(m.at for m in counted),
        recent=sum(1 for m in counted if m.at > recent_from),
        previous=sum(1 for m in counted if previous_from < m.at <= recent_from),
        authors=len({m.author for m in counted if m.author}) or 1,
        territories=len({m.territory for m in counted if m.territory is not None}) or 1,
        channels=len({m.channel for m in counted if m.channel}) or 1,
    )


def weekly(times: Iterable[datetime], now: datetime, weeks: int = WEEKS_SHOWN) -> list[int]:
    """Messages per 7-day window ending at ``now``, oldest first (the sparkline)."""
    counts = [0] * weeks
    for at in times:
        age = (now - at).total_seconds() / (7 * 86400)
        if 0 <= age < weeks:
            counts[weeks - 1 - int(age)] += 1
    return counts


@dataclass(frozen=True)
class Surge:
    recent: int
    baseline: float
    started_on_window: datetime  # the start of the window that surged


def surge(times: Iterable[datetime], now: datetime, w: Weights = Weights()) -> Surge | None:
    """The surge the issue is in at ``now``, or None."""
    window = timedelta(days=w.surge_window_days)
    start = now - window
    baseline_start = start - BASELINE_WINDOWS * window
    recent = before = 0
    for at in times:
        if start < at <= now:
            recent += 1
        elif baseline_start < at <= start:
            before += 1
    baseline = before / BASELINE_WINDOWS
    if recent >= w.surge_minimum and recent >= w.surge_factor * max(baseline, 1.0):
        return Surge(recent, round(baseline, 2), start)
    return None
