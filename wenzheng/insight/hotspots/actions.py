"""Every change to hot issues. Jobs and the workbench call these; none is called from a view's own
code paths except through them.

- ``do_rebuild_issues``: group an organisation's recent cases from scratch (the nightly job, the
  ``wenzheng hotspots rebuild`` command, the demo). Issues keep their identity across rebuilds: a
  new group takes over the old issue it shares most cases with, so links to common problems and
  surge warnings survive.
- ``do_assign_case``: a new message joins the open issue it resembles most (same place, same
  problem), or starts a candidate issue of its own; runs as a job right after receipt.
- ``do_refresh_heat``: recompute figures and heat as of now and raise surge warnings (once per surge).
- ``do_raise_common_problem``: enter an issue in the common-problem ledger through that ledger's
  own action, with the issue's cases.
- ``do_acknowledge_surge``.
"""

from __future__ import annotations

import io
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from wenzheng.accounts.models import Membership, OrgUnit
from wenzheng.accounts.roles import Role
from wenzheng.casework.models import Case
from wenzheng.core import clock
from wenzheng.core.errors import Conflict, InvalidInput
from wenzheng.insight.hotspots import engine
from wenzheng.insight.hotspots.access import check_manager
from wenzheng.insight.hotspots.heat import Moment, Weights, figures, heat, surge, weekly
from wenzheng.insight.hotspots.ledger import CaseText, case_texts, groupable_cases
from wenzheng.insight.hotspots.models import (
    GroupingIndex,
    HeatScheme,
    HotIssue,
    IssueMembership,
    SurgeWarning,
)
from wenzheng.lib.masking import mask_text

REBUILD_DAYS = 400  # the batch grouping reads the cases of the last 400 days
ASSIGN_DAYS = 90  # a new message may join issues active in the last 90 days
ASSIGN_CANDIDATES = 300  # … the most recently active ones, plus as many of its own territory
CHUNK = 2000
STALE_GROWTH = 1.25  # regroup when the ledger grew by a quarter since the last grouping
SYNC_REBUILD = 3000  # … at once below this many messages, else as a background job


def weights_for(org: OrgUnit) -> Weights:
    scheme = HeatScheme.objects.filter(org=org).first()
    if scheme is None:
        return Weights()
    return Weights(
        volume=scheme.volume_weight,
        support=scheme.support_weight,
        growth=scheme.growth_weight,
        persistence=scheme.persistence_weight,
        spread=scheme.spread_weight,
        surge_factor=scheme.surge_factor,
        surge_minimum=scheme.surge_minimum,
        surge_window_days=scheme.surge_window_days,
    )


def _chunks(ids: Sequence[int], size: int = CHUNK) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _texts(ids: Sequence[int]) -> list[CaseText]:
    out: list[CaseText] = []
    for part in _chunks(ids):
        out.extend(case_texts(list(part)))
    return out


def _membership(issue: HotIssue, t: CaseText, similarity: float, now: datetime) -> IssueMembership:
    return IssueMembership(
        issue=issue,
        case_id=t.case_id,
        org_id=issue.org_id,
        received_at=t.received_at,
        likes=t.likes,
        against=t.against,
        territory_id_copy=t.territory_id,
        channel=t.channel,
        author=t.author,
        similarity=round(similarity, 4),
        joined_at=now,
    )


def _names(texts: Sequence[CaseText]) -> list[str]:
    return [n for t in texts for n in engine.place_names(f"{t.subject}\n{t.body[: engine.PLACE_HEAD]}")]


def _common_territory(paths: Sequence[engine.Path]) -> int | None:
    """The deepest territory every known path runs through (None if none is known)."""
    known = [p for p in paths if p]
    if not known:
        return None
    common: list[int] = []
    for level in zip(*known, strict=False):
        if all(x == level[0] for x in level):
            common.append(level[0])
        else:
            break
    return common[-1] if common else None


def _describe(members: Sequence[CaseText], rows: Any) -> tuple[str, str, list[int]]:
    """Title (the most central member's subject, masked), place and representative case ids."""
    order = engine.representatives(rows, k=3) if rows is not None else list(range(min(3, len(members))))
    reps = [members[i] for i in order]
    place = engine.common_place([f"{m.subject}\n{m.body[:200]}" for m in members])
    return mask_text(reps[0].subject)[:200], place[:120], [m.case_id for m in reps]


# --- Rebuild ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RebuildResult:
    cases: int
    issues: int
    listed: int  # issues of at least MIN_SIZE messages
    seconds: dict[str, float]


def _save_index(org: OrgUnit, vocabulary: engine.Vocabulary, now: datetime) -> None:
    buffer = io.BytesIO()
    np.savez_compressed(buffer, columns=vocabulary.columns, df=vocabulary.df, n=np.array([vocabulary.n]))
    GroupingIndex.objects.update_or_create(
        org=org, defaults={"built_at": now, "messages": vocabulary.n, "blob": buffer.getvalue()}
    )


def load_index(org: OrgUnit) -> engine.Vocabulary | None:
    blob = GroupingIndex.objects.filter(org=org).values_list("blob", flat=True).first()
    if blob is None:
        return None
    with np.load(io.BytesIO(bytes(blob)), allow_pickle=False) as data:
        return engine.Vocabulary(data["columns"], data["df"], int(data["n"][0]))


def do_rebuild_issues(
    org: OrgUnit, *, now: datetime | None = None, days: int = REBUILD_DAYS
) -> RebuildResult:
    """Group the organisation's cases of the last ``days`` days into issues, from scratch."""
    now = now or clock.now()
    ids = list(
        groupable_cases(org, since=now - timedelta(days=days))
        .order_by("received_at", "id")
        .values_list("id", flat=True)
    )
    texts = _texts(ids)
    grouping = engine.group(
        [t.subject for t in texts],
        [t.body for t in texts],
        [t.path for t in texts],
        hints=[t.territory_names for t in texts],
    )
    groups = sorted(grouping.members().values(), key=lambda m: (-len(m), m[0]))
    previous = dict(IssueMembership.objects.filter(org=org).values_list("case_id", "issue_id"))
    taken: set[int] = set()
    owner: list[int | None] = []
    for members in groups:  # largest groups choose first: the old issue they share most cases with
        votes = Counter(previous[texts[i].case_id] for i in members if texts[i].case_id in previous)
        keep = next((issue for issue, _n in votes.most_common() if issue not in taken), None)
        if keep is not None:
            taken.add(keep)
        owner.append(keep)
    with transaction.atomic():
        IssueMembership.objects.filter(org=org).delete()
        stale = HotIssue.objects.filter(org=org).exclude(pk__in=taken)
        stale.filter(common_problem__isnull=True).delete()
        stale.update(size=0, heat=0.0, recent=0, previous=0, surging=False)
        existing = HotIssue.objects.in_bulk(list(taken))
        memberships: list[IssueMembership] = []
        fresh: list[tuple[HotIssue, list[int]]] = []
        updated: list[HotIssue] = []
        for members, keep in zip(groups, owner, strict=True):
            rows = grouping.hashed(grouping.vectors[members])
            member_texts = [texts[i] for i in members]
            centroid = engine.Centroid.of_rows(rows, _names(member_texts))
            title, place, reps = _describe(member_texts, rows)
            paths = [t.path for t in member_texts]
            territory = _common_territory(paths)
            issue = existing[keep] if keep is not None else HotIssue(org=org, created_at=now)
            issue.title, issue.place, issue.representatives = title, place, reps
            issue.centroid = centroid.to_json()
            issue.path = list(max(paths, key=lambda p: len(tuple(p)))) if paths else []
            issue.territory_id = territory
            issue.size = len(members)
            issue.first_at = min(t.received_at for t in member_texts)
            issue.last_at = max(t.received_at for t in member_texts)
            issue.computed_at = now
            if keep is None:
                fresh.append((issue, members))
            else:
                updated.append(issue)
                memberships.extend(_membership(issue, texts[i], 1.0, now) for i in members)
        HotIssue.objects.bulk_create([issue for issue, _m in fresh], batch_size=1000)
        for issue, members in fresh:
            memberships.extend(_membership(issue, texts[i], 1.0, now) for i in members)
        HotIssue.objects.bulk_update(
            updated,
            [
                "title",
                "place",
                "representatives",
                "centroid",
                "path",
                "territory",
                "size",
                "first_at",
                "last_at",
                "computed_at",
            ],
            batch_size=1000,
        )
        IssueMembership.objects.bulk_create(memberships, batch_size=2000)
        _save_index(org, grouping.vocabulary, now)
    do_refresh_heat(org, now=now)
    from wenzheng.insight.hotspots.models import MIN_SIZE

    return RebuildResult(
        cases=len(texts),
        issues=len(groups),
        listed=sum(1 for g in groups if len(g) >= MIN_SIZE),
        seconds=grouping.seconds,
    )


# --- Continuous assignment -------------------------------------------------------------------------


def _candidates(org: OrgUnit, t: CaseText, now: datetime) -> list[HotIssue]:
    recent = HotIssue.objects.filter(org=org, last_at__gte=now - timedelta(days=ASSIGN_DAYS), size__gt=0)
    fields = ("id", "org_id", "path", "centroid", "size", "last_at", "first_at", "territory_id")
    found = {i.pk: i for i in recent.only(*fields).order_by("-last_at")[:ASSIGN_CANDIDATES]}
    if t.territory_id is not None:
        same = recent.filter(territory_id__in=list(t.path)).only(*fields).order_by("-last_at")
        found.update((i.pk, i) for i in same[:ASSIGN_CANDIDATES])
    return list(found.values())


def do_assign_case(case: Case, *, now: datetime | None = None) -> HotIssue | None:
    """Put a newly received case into an issue (once). Returns its issue, or None if the case is
    not grouped (merged, rejected, withdrawn) or the organisation has no index yet (then the whole
    ledger is grouped instead)."""
    now = now or clock.now()
    existing = IssueMembership.objects.filter(case=case).select_related("issue").first()
    if existing is not None:
        return existing.issue
    if not groupable_cases(case.org).filter(pk=case.pk).exists():
        return None
    vocabulary = load_index(case.org)
    stale = vocabulary is None or vocabulary.n * STALE_GROWTH < groupable_cases(case.org).count()
    if stale:
        # The vocabulary no longer describes the ledger (or there is none): a small ledger is
        # regrouped at once; a large one keeps assigning while a job regroups it.
        if vocabulary is None or vocabulary.n < SYNC_REBUILD:
            do_rebuild_issues(case.org, now=now)
            found = IssueMembership.objects.filter(case=case).select_related("issue").first()
            return found.issue if found else None
        from wenzheng.insight.hotspots import tasks

        transaction.on_commit(lambda: tasks.rebuild(case.org_id))
    if vocabulary is None:
        return None
    texts = case_texts([case.pk])
    if not texts:
        return None
    t = texts[0]
    row = engine.vectorise_with([t.subject], [t.body], vocabulary)
    names = _names([t])
    candidates = _candidates(case.org, t, now)
    best = engine.best_issue(
        row,
        t.path,
        [(i.pk, tuple(i.path), engine.Centroid.from_json(i.centroid)) for i in candidates],
        names=names,
        hints=t.territory_names,
        head=f"{t.subject}\n{t.body[: engine.PLACE_HEAD]}",
    )
    with transaction.atomic():
        if best is not None:
            issue = HotIssue.objects.select_for_update().get(pk=int(str(best[0])))
            centroid = engine.Centroid.from_json(issue.centroid)
            centroid.add(row, names)
            issue.centroid = centroid.to_json()
            issue.size += 1
            issue.last_at = max(issue.last_at, t.received_at)
            issue.first_at = min(issue.first_at, t.received_at)
            if len(t.path) > len(issue.path):
                issue.path = list(t.path)
            issue.save(update_fields=["centroid", "size", "last_at", "first_at", "path"])
            similarity = best[1]
        else:
            centroid = engine.Centroid()
            centroid.add(row, names)
            place = engine.place_names(f"{t.subject}\n{t.body[:200]}")
            issue = HotIssue.objects.create(
                org=case.org,
                title=mask_text(t.subject)[:200],
                place=place[0][:120] if place else "",
                territory_id=t.territory_id,
                path=list(t.path),
                size=1,
                first_at=t.received_at,
                last_at=t.received_at,
                representatives=[t.case_id],
                centroid=centroid.to_json(),
                created_at=now,
                computed_at=now,
            )
            similarity = 1.0
        _membership(issue, t, similarity, now).save()
    do_refresh_heat(case.org, issues=[issue.pk], now=now)
    issue.refresh_from_db()
    return issue


# --- Heat and surges -------------------------------------------------------------------------------


def do_refresh_heat(
    org: OrgUnit, *, issues: Sequence[int] | None = None, now: datetime | None = None
) -> list[SurgeWarning]:
    """Figures, heat and sparkline of the issues (all of the organisation's by default) as of
    ``now``; raises a warning for each issue whose surge starts now. Returns the new warnings."""
    now = now or clock.now()
    weights = weights_for(org)
    memberships = IssueMembership.objects.filter(org=org)
    if issues is not None:
        memberships = memberships.filter(issue_id__in=list(issues))
    moments: dict[int, list[Moment]] = defaultdict(list)
    for issue_id, at, likes, against, author, territory, channel in memberships.values_list(
        "issue_id", "received_at", "likes", "against", "author", "territory_id_copy", "channel"
    ).iterator(chunk_size=5000):
        moments[issue_id].append(Moment(at, likes, against, author, territory, channel))
    rows = HotIssue.objects.filter(pk__in=list(moments)).only("id", "surging")
    changed: list[HotIssue] = []
    starting: list[tuple[HotIssue, int, float]] = []
    for issue in rows:
        items = moments[issue.pk]
        counted = [m for m in items if m.at <= now] or items
        f = figures(counted, max(now, max(m.at for m in counted)))
        h = heat(f, weights)
        issue.size, issue.likes, issue.against = f.size, f.likes, f.against
        issue.authors, issue.recent, issue.previous = f.authors, f.recent, f.previous
        issue.first_at, issue.last_at = f.first_at, f.last_at
        issue.heat, issue.heat_parts = h.value, h.parts
        issue.weekly = weekly((m.at for m in counted), now)
        issue.computed_at = now
        found = surge((m.at for m in counted), now, weights)
        if found is not None and not issue.surging:
            starting.append((issue, found.recent, found.baseline))
        elif found is None and issue.surging:
            issue.surging = False
        changed.append(issue)
    HotIssue.objects.bulk_update(
        changed,
        [
            "size",
            "likes",
            "against",
            "authors",
            "recent",
            "previous",
            "first_at",
            "last_at",
            "heat",
            "heat_parts",
            "weekly",
            "computed_at",
            "surging",
        ],
        batch_size=1000,
    )
    raised = []
    for issue, recent, baseline in starting:
        warning = _start_surge(issue, recent, baseline, now)
        if warning is not None:
            raised.append(warning)
    return raised


def _start_surge(issue: HotIssue, recent: int, baseline: float, now: datetime) -> SurgeWarning | None:
    """Mark the issue surging and raise its warning — only the job that flips the flag does."""
    with transaction.atomic():
        if HotIssue.objects.filter(pk=issue.pk, surging=False).update(surging=True) != 1:
            return None
        started_on = now.astimezone(clock.local_tz()).date()
        warning, created = SurgeWarning.objects.get_or_create(
            issue=issue,
            started_on=started_on,
            defaults={"org_id": issue.org_id, "raised_at": now, "recent": recent, "baseline": baseline},
        )
        if created:
            transaction.on_commit(lambda: notify_supervisors(warning.pk))
    return warning if created else None


def supervisors_of(org: OrgUnit) -> list[Any]:
    memberships = Membership.objects.filter(
        role=Role.SUPERVISOR, unit__path__startswith=org.path, user__is_active=True
    ).select_related("user")
    return list({m.user.pk: m.user for m in memberships}.values())


def notify_supervisors(warning_id: int) -> int:
    """Tell the organisation's supervisors: an entry in each one's workbench inbox and, by their
    notification preferences, an e-mail or SMS (sent by the queue, retried like every delivery).
    The hot-issue page lists the warning too. Returns the number of supervisors told."""
    from wenzheng.notifications.delivery import do_notify_staff
    from wenzheng.notifications.kinds import Kind
    from wenzheng.notifications.tasks import send_all

    warning = SurgeWarning.objects.select_related("issue", "org").filter(pk=warning_id).first()
    if warning is None:
        return 0
    issue = warning.issue
    supervisors = supervisors_of(warning.org)
    context = {
        "title": issue.title,
        "place": issue.place or "—",
        "recent": str(warning.recent),
        "baseline": str(warning.baseline),
    }
    path = reverse("workbench:hotspot", args=[issue.pk])
    send_all(do_notify_staff(Kind.HOT_SURGE, supervisors, context, path=path, key=f"surge{warning.pk}"))
    return len(supervisors)


def do_acknowledge_surge(warning: SurgeWarning, *, acting_user: Any) -> None:
    check_manager(acting_user, warning.org)
    SurgeWarning.objects.filter(pk=warning.pk, acknowledged_at__isnull=True).update(
        acknowledged_by=acting_user, acknowledged_at=clock.now()
    )


# --- Raising an issue as a common problem ----------------------------------------------------------


def do_raise_common_problem(
    issue: HotIssue,
    *,
    acting_user: Any,
    responsible_unit: OrgUnit,
    title: str = "",
    description: str = "",
) -> Any:
    """Enter the issue in the common-problem ledger (its own action and checks) with the issue's
    cases, and link the two. An issue is raised once."""
    from wenzheng.insight.problems.actions import do_create_problem

    check_manager(acting_user, issue.org)
    if issue.common_problem_id is not None:
        raise Conflict(_("This hot issue has already been raised as a common problem."))
    cases = list(Case.objects.filter(hot_issue_membership__issue=issue).order_by("received_at"))
    if not cases:
        raise InvalidInput(_("This hot issue has no messages any more."))
    territory = issue.territory
    with transaction.atomic():
        problem = do_create_problem(
            issue.org,
            acting_user=acting_user,
            title=(title or issue.title)[:200],
            description=description
            or _("Raised from the hot issue “%(title)s” (%(n)s messages, %(place)s).")
            % {"title": issue.title, "n": len(cases), "place": issue.place or "—"},
            responsible_unit=responsible_unit,
            territory=territory if territory is not None and territory.kind != "city" else None,
            cases=cases,
        )
        if (
            HotIssue.objects.filter(pk=issue.pk, common_problem__isnull=True).update(common_problem=problem)
            != 1
        ):
            raise Conflict(_("This hot issue has already been raised as a common problem."))
    issue.common_problem = problem
    return problem
