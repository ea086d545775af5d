"""Cases of the ledger as the grouping reads them: text, time, votes, territory, channel, author.

Votes come from the receive event of an imported board message (``data.likes``/``data.dislikes``);
a message received through our own channels has none (support 0). The territory is the registered
one, else the router's suggestion when it is confident. The author is a keyed digest of the
citizen account, phone or name: different writers can be counted without keeping who they are.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import QuerySet

from wenzheng.accounts.models import OrgUnit
from wenzheng.casework.models import Case, CaseEvent
from wenzheng.casework.workflow import State
from wenzheng.insight.hotspots.engine import Path

NOT_GROUPED = (State.MERGED, State.REJECTED, State.WITHDRAWN)
SUGGESTION_CONFIDENCE = 0.5
BODY_READ = 400  # characters of the body fetched (the engine reads fewer)


@dataclass(frozen=True)
class CaseText:
    case_id: int
    number: str
    subject: str
    body: str
    received_at: datetime
    territory_id: int | None
    path: Path
    channel: str
    author: str
    likes: int
    against: int
    territory_names: tuple[str, ...] = ()  # names along the territory path (where, not what)


def author_key(citizen_id: int | None, phone: str, name: str) -> str:
    raw = f"u{citizen_id}" if citizen_id else (f"p{phone}" if phone else (f"n{name}" if name else ""))
    if not raw:
        return ""
    return hashlib.sha256(f"{settings.SECRET_KEY}:{raw}".encode()).hexdigest()[:16]


def groupable_cases(org: OrgUnit, since: datetime | None = None) -> QuerySet[Case]:
    cases = Case.objects.filter(org=org).exclude(state__in=NOT_GROUPED)
    if since is not None:
        cases = cases.filter(received_at__gte=since)
    return cases


def _paths(unit_ids: Iterable[int]) -> dict[int, tuple[int, ...]]:
    units = OrgUnit.objects.filter(pk__in=set(unit_ids)).only("id", "path")
    return {u.pk: tuple(u.ancestor_ids()) for u in units}


def _names(paths: Iterable[tuple[int, ...]]) -> dict[int, tuple[str, ...]]:
    ids = {i for p in paths for i in p}
    out: dict[int, tuple[str, ...]] = {}
    for unit in OrgUnit.objects.filter(pk__in=ids).only("id", "name", "short_name", "aliases"):
        out[unit.pk] = tuple(
            n for n in [unit.name, unit.short_name, *(unit.aliases or [])] if n and len(n) >= 2
        )
    return out


def case_texts(case_ids: list[int]) -> list[CaseText]:
    """The cases, in the given order, with what the grouping and heat need (a few bulk queries)."""
    from django.db.models.functions import Substr

    from wenzheng.insight.router.models import Suggestion

    rows = {
        r["id"]: r
        for r in Case.objects.filter(pk__in=case_ids)
        .annotate(body_head=Substr("body", 1, BODY_READ))
        .values(
            "id",
            "number",
            "subject",
            "body_head",
            "received_at",
            "territory_id",
            "channel",
            "citizen_id",
            "contact_phone",
            "contact_name",
        )
    }
    suggested = dict(
        Suggestion.objects.filter(
            case_id__in=case_ids, territory__isnull=False, territory_confidence__gte=SUGGESTION_CONFIDENCE
        ).values_list("case_id", "territory_id")
    )
    votes: dict[int, tuple[int, int]] = {}
    for case_id, data in CaseEvent.objects.filter(case_id__in=case_ids, kind="receive").values_list(
        "case_id", "data"
    ):
        data = data or {}
        votes[case_id] = (int(data.get("likes") or 0), int(data.get("dislikes") or 0))
    territory_of = {pk: r["territory_id"] or suggested.get(pk) for pk, r in rows.items()}
    paths = _paths(t for t in territory_of.values() if t)
    names = _names(paths.values())
    out: list[CaseText] = []
    for pk in case_ids:
        r = rows.get(pk)
        if r is None:
            continue
        territory = territory_of[pk]
        likes, against = votes.get(pk, (0, 0))
        out.append(
            CaseText(
                case_id=pk,
                number=r["number"],
                subject=r["subject"],
                body=r["body_head"] or "",
                received_at=r["received_at"],
                territory_id=territory,
                path=paths.get(territory, ()) if territory else (),
                channel=r["channel"],
                author=author_key(r["citizen_id"], r["contact_phone"], r["contact_name"]),
                likes=likes,
                against=against,
                territory_names=tuple(
                    n for unit in (paths.get(territory, ()) if territory else ()) for n in names.get(unit, ())
                ),
            )
        )
    return out
