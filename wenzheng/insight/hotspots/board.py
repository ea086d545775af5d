"""Hot issues of a board export file, without the ledger: group the file's messages, compute each
issue's heat as of the export's latest message, and describe the hottest (what ``wenzheng hotspots
top --from-csv`` prints). Personal data is masked: subjects through ``mask_text``, the board's
user ids keep their first three and last two characters."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from wenzheng.core import clock
from wenzheng.insight.hotspots import engine
from wenzheng.insight.hotspots.heat import Figures, Moment, Weights, figures, heat
from wenzheng.insight.hotspots.models import MIN_SIZE
from wenzheng.insight.hotspots.records import PlaceTree, Record
from wenzheng.lib.masking import mask_text

REPRESENTATIVES = 3


def mask_account(account: str) -> str:
    account = (account or "").strip()
    if len(account) <= 5:
        return "*" * len(account)
    return account[:3] + "*" * (len(account) - 5) + account[-2:]


@dataclass
class BoardIssue:
    rank: int
    heat: float
    heat_parts: dict[str, float]
    size: int
    authors: int
    likes: int
    against: int
    first: str
    last: str
    territory: str
    place: str
    representatives: list[dict[str, str]] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)

    @property
    def where(self) -> str:
        return (self.territory + (f"·{self.place}" if self.place else "")) or "—"


def _day(at: datetime | None) -> str:
    return at.astimezone(clock.local_tz()).date().isoformat() if at else ""


def top_issues(
    records: Sequence[Record],
    tree: PlaceTree,
    *,
    top: int = 5,
    start: date | None = None,
    end: date | None = None,
    params: engine.Params = engine.DEFAULT,
    weights: Weights | None = None,
) -> list[BoardIssue]:
    """The ``top`` hottest issues of the records received from ``start`` to ``end`` (inclusive)."""
    chosen = [
        r
        for r in records
        if r.at is not None
        and (start is None or _day(r.at) >= start.isoformat())
        and (end is None or _day(r.at) <= end.isoformat())
    ]
    if not chosen:
        return []
    grouping = engine.group(
        [r.subject for r in chosen], [r.body for r in chosen], [r.path for r in chosen], params
    )
    now = max(r.at for r in chosen if r.at is not None)
    scored: list[tuple[float, list[int], Figures, dict[str, float]]] = []
    for members in grouping.members().values():
        if len(members) < MIN_SIZE:
            continue
        moments = [
            Moment(
                at=chosen[i].at,  # type: ignore[arg-type]
                likes=chosen[i].likes,
                against=chosen[i].against,
                author=chosen[i].author,
                territory=chosen[i].path[-1] if chosen[i].path else None,
                channel=chosen[i].channel,
            )
            for i in members
        ]
        f = figures(moments, now)
        h = heat(f, weights or Weights())
        scored.append((h.value, members, f, h.parts))
    scored.sort(key=lambda s: (-s[0], -s[2].size, min(s[1])))
    out: list[BoardIssue] = []
    for rank, (value, members, f, parts) in enumerate(scored[:top], 1):
        rows = grouping.vectors[members]
        reps = [members[i] for i in engine.representatives(rows, k=REPRESENTATIVES)]
        paths = [chosen[i].path for i in members]
        out.append(
            BoardIssue(
                rank=rank,
                heat=value,
                heat_parts=parts,
                size=f.size,
                authors=f.authors,
                likes=f.likes,
                against=f.against,
                first=_day(f.first_at),
                last=_day(f.last_at),
                territory=tree.name(_common(paths)),
                place=engine.common_place([f"{chosen[i].subject}\n{chosen[i].body[:200]}" for i in members]),
                representatives=[
                    {
                        "id": chosen[i].key,
                        "at": _day(chosen[i].at),
                        "author": mask_account(chosen[i].author),
                        "subject": mask_text(chosen[i].subject),
                    }
                    for i in reps
                ],
                keys=sorted(chosen[i].key for i in members),
            )
        )
    return out


def _common(paths: Sequence[engine.Path]) -> engine.Path:
    """The longest territory path all known paths agree on (the place an issue is in)."""
    known = [p for p in paths if p]
    if not known:
        return ()
    common: list[int] = []
    for level in zip(*known, strict=False):
        if all(x == level[0] for x in level):
            common.append(level[0])
        else:
            break
    if not common:
        return ()
    # Most members name a district the rest leave out: say the deepest one most of them name.
    deeper: dict[engine.Path, int] = {}
    for p in known:
        if len(p) > len(common):
            key = p[: len(common) + 1]
            deeper[key] = deeper.get(key, 0) + 1
    if deeper:
        best, count = max(deeper.items(), key=lambda kv: kv[1])
        if count * 2 > len(known):
            return best
    return tuple(common)
