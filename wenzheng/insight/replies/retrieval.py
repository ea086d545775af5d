"""Similar past cases with their published replies, for the case being handled.

A past case qualifies when it has a published reply (``ReplyStatus.PUBLISHED``). Each ledger
organisation has one stored index (``ReplyIndex``: ``index.TextIndex`` over subject and body),
rebuilt by a job (tasks.py) after enough new publications and every night. Between rebuilds the
cases published since are added at query time, in the stored vocabulary, so a reply published a
minute ago is found at once. The loaded index is cached per process and organisation, keyed by the
stored row's build time.

Scope: the candidates are filtered through ``visible_cases(user)``, so a user sees only cases of
their own jurisdiction or unit tree; the case itself and the cases merged with it are left out.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q

from wenzheng.accounts.models import OrgUnit
from wenzheng.casework.access import visible_cases
from wenzheng.casework.models import Case, Reply, ReplyStatus
from wenzheng.core import clock
from wenzheng.insight.replies.index import TextIndex, document
from wenzheng.insight.replies.models import ReplyIndex

SHOWN = 5
CANDIDATES = 60  # searched before the scope filter, so that five remain for most users
DELTA_MAX = 2000  # cases published since the last build that are added at query time
REBUILD_AFTER = 200  # a publication job rebuilds once this many are waiting
EXCERPT_CHARS = 140

_cache: dict[int, tuple[tuple[Any, ...], TextIndex]] = {}
_lock = threading.Lock()


def forget() -> None:
    """Drop the per-process cache (tests; after a restore)."""
    with _lock:
        _cache.clear()


@dataclass(frozen=True)
class SimilarCase:
    case: Case
    score: float
    reply_excerpt: str
    published_at: datetime | None


def _published(
    org: OrgUnit, *, after: datetime | None = None, limit: int | None = None
) -> list[tuple[int, str]]:
    """(case id, document) of the organisation's cases with a published reply, each once, the
    most recently published first when limited."""
    replies = Reply.objects.filter(case__org=org, status=ReplyStatus.PUBLISHED)
    if after is not None:
        replies = replies.filter(published_at__gt=after)
    rows = replies.order_by("-published_at", "-pk").values_list("case_id", "case__subject", "case__body")
    out: dict[int, str] = {}
    for case_id, subject, body in rows.iterator(chunk_size=2000):
        if case_id not in out:
            out[case_id] = document(subject, body)
            if limit is not None and len(out) >= limit:
                break
    return list(out.items())


def do_rebuild_index(org: OrgUnit) -> ReplyIndex:
    """Index every case of ``org`` with a published reply and store it (replacing the last)."""
    started = time.perf_counter()
    moment = clock.now()
    docs = _published(org)
    docs.reverse()  # oldest first: a stable order
    index = TextIndex.fit([k for k, _ in docs], [t for _, t in docs])
    blob = index.dumps()
    seconds = time.perf_counter() - started
    with transaction.atomic():
        row, _ = ReplyIndex.objects.update_or_create(
            org=org,
            defaults={
                "built_at": moment,
                "published_until": moment,
                "cases": len(index),
                "build_seconds": round(seconds, 3),
                "blob": blob,
            },
        )
    return row


def waiting(org: OrgUnit) -> int:
    """Cases published since the stored index was built (all of them when there is none)."""
    row = ReplyIndex.objects.filter(org=org).values("published_until").first()
    replies = Reply.objects.filter(case__org=org, status=ReplyStatus.PUBLISHED)
    if row is not None and row["published_until"] is not None:
        replies = replies.filter(published_at__gt=row["published_until"])
    return replies.values("case_id").distinct().count()


def get_index(org: OrgUnit) -> TextIndex:
    """The stored index (cached per process) plus what was published since it was built."""
    row = ReplyIndex.objects.filter(org=org).values("pk", "built_at", "published_until", "cases").first()
    if row is None:
        base = TextIndex.fit([], [])
        since = None
    else:
        key = (row["pk"], row["built_at"], row["cases"])
        with _lock:
            cached = _cache.get(org.pk)
        if cached is not None and cached[0] == key:
            base = cached[1]
        else:
            blob = ReplyIndex.objects.filter(pk=row["pk"]).values_list("blob", flat=True).first()
            base = TextIndex.loads(bytes(blob)) if blob is not None else TextIndex.fit([], [])
            with _lock:
                _cache[org.pk] = (key, base)
        since = row["published_until"]
    delta = _published(org, after=since, limit=DELTA_MAX)
    if not delta:
        return base
    known = set(base.keys.tolist())
    delta = [(k, t) for k, t in reversed(delta) if k not in known]
    return base.extended([k for k, _ in delta], [t for _, t in delta])


def _related(case: Case) -> set[int]:
    """The case and the cases merged with it (into it, the one it went into, and its siblings)."""
    ids = {case.pk}
    targets = {case.pk} | ({case.merged_into_id} if case.merged_into_id else set())
    ids |= targets
    ids |= set(Case.objects.filter(merged_into__in=targets).values_list("pk", flat=True))
    return ids


def similar_cases(case: Case, user: Any, *, limit: int = SHOWN) -> list[SimilarCase]:
    """Up to ``limit`` past cases with a published reply most like ``case``, that ``user`` may see."""
    index = get_index(case.org)
    hits = index.search(document(case.subject, case.body), limit=CANDIDATES, exclude=_related(case))
    if not hits:
        return []
    scores = {h.key: h.score for h in hits}
    visible = {
        c.pk: c
        for c in visible_cases(user).filter(pk__in=list(scores)).select_related("category", "lead_unit")
    }
    chosen = [h for h in hits if h.key in visible][:limit]
    replies: dict[int, Reply] = {}
    for row in Reply.objects.filter(
        Q(case_id__in=[h.key for h in chosen]), status=ReplyStatus.PUBLISHED
    ).order_by("case_id", "-published_at", "-pk"):
        replies.setdefault(row.case_id, row)
    out = []
    for hit in chosen:
        found = replies.get(hit.key)
        if found is None:  # unpublished since the index was built
            continue
        text = " ".join(found.body.split())
        excerpt = text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"
        out.append(SimilarCase(visible[hit.key], hit.score, excerpt, found.published_at))
    return out
