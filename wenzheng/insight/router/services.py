"""The router inside wenzheng: examples from the ledger or a file, stored versions, and advice
for a message (category, territory, unit, grade, warning), recorded as the case's suggestion.

Each process keeps the active version, the territory matchers and the lexicon in memory and
reloads one when its stamp in the shared cache changes (a new version, an edited org tree or
lexicon), so every web and worker process follows an activation within one request.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from wenzheng.accounts.models import TERRITORIAL_KINDS, Membership, OrgUnit
from wenzheng.accounts.roles import Role
from wenzheng.casework.models import Case, CaseEvent, Category
from wenzheng.casework.models.case import Grade
from wenzheng.casework.selectors import get_dispatch_proposal
from wenzheng.casework.workflow import State
from wenzheng.core import clock
from wenzheng.core.errors import InvalidInput
from wenzheng.insight.router.engine import MAJOR, Bundle, Example, label_at, rank_units, train_bundle
from wenzheng.insight.router.models import Alert, RouterModel, SensitiveTerm, Suggestion, kind_labels
from wenzheng.insight.router.sensitive import Flag, SensitiveScreen, Term, default_terms
from wenzheng.insight.router.territory import Place, TerritoryMatcher

logger = logging.getLogger(__name__)

MAJOR_MODEL_THRESHOLD = 0.8  # the grade model alone flags a message above this probability
SUGGEST_GRADE_IMPORTANT = 0.5
MAX_MODEL_BYTES = 50 * 1024 * 1024


# --- Examples -----------------------------------------------------------------------------------


def examples_from_ledger(org: OrgUnit | None = None) -> list[Example]:
    """Every classified case (its current category: corrections included) with its grade."""
    cases = Case.objects.filter(category__isnull=False).exclude(state__in=[State.MERGED, State.REJECTED])
    if org is not None:
        cases = cases.filter(org=org)
    rows = cases.values_list("subject", "body", "category__full_name", "grade", "registered_at")
    return [
        Example(subject, body, label, grade if registered else "")
        for subject, body, label, grade, registered in rows.iterator(chunk_size=2000)
    ]


def unit_events_from_ledger(org: OrgUnit | None = None) -> list[tuple[str, int | None, int, str]]:
    """Claims and returns: which units took, and which refused, cases of a category and place."""
    events = CaseEvent.objects.filter(
        kind__in=["claim", "return"], actor_unit__isnull=False, case__category__isnull=False
    )
    if org is not None:
        events = events.filter(case__org=org)
    rows = events.values_list("case__category__full_name", "case__territory_id", "actor_unit_id", "kind")
    return [(c, t, u, k) for c, t, u, k in rows.iterator(chunk_size=5000)]


def examples_from_file(path: Path) -> tuple[list[Example], int]:
    """Examples from a board export (CSV or XLSX, the columns of messages_labelled.csv): subject,
    body and the level-1 label. Returns the examples and the number of rows left out (no label,
    or a row the export reader rejects)."""
    from wenzheng.intake.channels.boards.reader import read_board_file

    board = read_board_file(path)
    bad = {e.row for e in board.errors}
    examples = [
        Example(r.subject, r.body, r.label.strip())
        for r in board.rows
        if r.row not in bad and r.label.strip() and "/" not in r.label
    ]
    return examples, len(board.rows) + len(bad) - len(examples)


# --- Versions -----------------------------------------------------------------------------------


def store_version(
    bundle: Bundle,
    *,
    source: str,
    examples: int,
    evaluation: dict[str, Any],
    train_seconds: float,
    activate: bool = True,
) -> RouterModel:
    blob = bundle.dumps()
    if len(blob) > MAX_MODEL_BYTES:
        raise InvalidInput(_("The trained model is larger than 50 MB; it was not stored."))
    with transaction.atomic():
        last = RouterModel.objects.select_for_update().aggregate(v=Max("version"))["v"] or 0
        if activate:
            RouterModel.objects.filter(is_active=True).update(is_active=False)
        version = RouterModel.objects.create(
            version=last + 1,
            created_at=clock.now(),
            source=source[:200],
            examples=examples,
            evaluation=evaluation,
            train_seconds=round(train_seconds, 3),
            size_bytes=len(blob),
            blob=blob,
            is_active=activate,
        )
    return version


def train_from_ledger(org: OrgUnit | None = None, *, activate: bool = True) -> RouterModel:
    examples = examples_from_ledger(org)
    trained = train_bundle(examples, unit_events=unit_events_from_ledger(org))
    return store_version(
        trained.bundle,
        source=f"ledger:{org.code}" if org else "ledger",
        examples=trained.examples,
        evaluation=trained.evaluation,
        train_seconds=trained.train_seconds,
        activate=activate,
    )


def train_from_file(path: Path, *, activate: bool = True) -> tuple[RouterModel, int]:
    examples, left_out = examples_from_file(path)
    trained = train_bundle(examples, unit_events=unit_events_from_ledger())
    version = store_version(
        trained.bundle,
        source=f"file:{path.name}",
        examples=trained.examples,
        evaluation=trained.evaluation,
        train_seconds=trained.train_seconds,
        activate=activate,
    )
    return version, left_out


def activate(version: RouterModel) -> None:
    with transaction.atomic():
        RouterModel.objects.filter(is_active=True).exclude(pk=version.pk).update(is_active=False)
        RouterModel.objects.filter(pk=version.pk).update(is_active=True)


# --- Per-process caches -------------------------------------------------------------------------

_lock = threading.Lock()
_loaded: dict[str, tuple[Any, Any]] = {}  # name → (stamp, value)


def bump(name: str) -> None:
    """Tell every process to reload ``name`` ("lexicon" or "places")."""
    key = f"wenzheng:router:{name}"
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, None)


def _cached(name: str, build: Any) -> Any:
    stamp = cache.get(f"wenzheng:router:{name}", 0)
    held = _loaded.get(name)
    if held is not None and held[0] == stamp:
        return held[1]
    with _lock:
        value = build()
        _loaded[name] = (stamp, value)
    return value


def active_bundle() -> tuple[int, Bundle] | None:
    """The active version, loaded once per process and per version: a one-row indexed query on
    each call tells whether another version became active meanwhile."""
    version = RouterModel.objects.filter(is_active=True).values_list("version", flat=True).first()
    if version is None:
        return None
    held = _loaded.get("model")
    if held is not None and held[0] == version:
        return held[1]
    with _lock:
        blob = RouterModel.objects.filter(version=version).values_list("blob", flat=True).first()
        if blob is None:
            return None
        loaded = (version, Bundle.loads(bytes(blob)))
        _loaded["model"] = (version, loaded)
    return loaded


def forget() -> None:
    """Drop what this process holds (tests; a management command after editing the tree)."""
    _loaded.clear()


def territory_matcher(org: OrgUnit) -> TerritoryMatcher:
    def build() -> dict[int, TerritoryMatcher]:
        return {}

    per_org: dict[int, TerritoryMatcher] = _cached("places", build)
    matcher = per_org.get(org.pk)
    if matcher is None:
        units = OrgUnit.objects.filter(path__startswith=org.path, kind__in=TERRITORIAL_KINDS, is_active=True)
        places = [
            Place(
                id=u.pk,
                name=u.name,
                kind=str(u.kind),
                parent_id=u.parent_id if u.pk != org.pk else None,
                aliases=tuple(a for a in [u.short_name, *(u.aliases or [])] if a),
            )
            for u in units.only("id", "name", "kind", "parent_id", "short_name", "aliases")
        ]
        matcher = per_org[org.pk] = TerritoryMatcher(places)
    return matcher


def sensitive_screen() -> SensitiveScreen:
    def build() -> SensitiveScreen:
        rows = SensitiveTerm.objects.filter(is_active=True).values_list("term", "kind", "weight")
        terms = [Term(term, kind, weight) for term, kind, weight in rows]
        if not terms and not SensitiveTerm.objects.exists():
            terms = default_terms()  # a fresh installation before the lexicon was loaded
        return SensitiveScreen(terms)

    return _cached("lexicon", build)


# --- Advice -------------------------------------------------------------------------------------


@dataclass
class Choice:
    label: str
    probability: float
    category: Category | None = None


@dataclass
class Advice:
    model_version: int | None = None
    category: Category | None = None
    category_label: str = ""
    confidence: float = 0.0
    alternatives: list[Choice] = field(default_factory=list)
    words: list[tuple[str, float]] = field(default_factory=list)
    territory: OrgUnit | None = None
    territory_confidence: float = 0.0
    territory_evidence: list[str] = field(default_factory=list)
    unit: OrgUnit | None = None
    unit_confidence: float = 0.0
    unit_alternatives: list[tuple[OrgUnit, float]] = field(default_factory=list)
    grade: str = Grade.GENERAL
    flag: Flag | None = None
    major_probability: float | None = None

    @property
    def is_major(self) -> bool:
        return self.grade == Grade.MAJOR


def _categories_by_path(paths: Iterable[str]) -> dict[str, Category]:
    wanted = set(paths)
    return {c.full_name: c for c in Category.objects.filter(full_name__in=wanted, is_active=True)}


def _category_choice(bundle: Bundle, subject: str, body: str, advice: Advice) -> None:
    predictions = bundle.predict_levels(subject, body)
    if not predictions:
        return
    known = _categories_by_path(
        [label for prediction in predictions.values() for label, _p in prediction.alternatives]
        + list(bundle.only_child.values())
    )
    top = predictions[min(predictions)]
    # The deepest level that agrees with the level above it and is known in the tree.
    chosen, chosen_p = top.label, top.confidence
    for level in sorted(predictions)[1:]:
        deeper = predictions[level]
        if label_at(deeper.label, level - 1) == label_at(chosen, level - 1) and deeper.label in known:
            chosen, chosen_p = deeper.label, deeper.confidence
        else:
            break
    while chosen in bundle.only_child and bundle.only_child[chosen] in known:
        chosen = bundle.only_child[chosen]  # implied: every example of it went on to this child
    advice.category_label = chosen
    advice.category = known.get(chosen)
    advice.confidence = round(chosen_p, 4)
    first = predictions[min(predictions)]
    advice.alternatives = [
        Choice(label, round(p, 4), known.get(label)) for label, p in first.alternatives[:3]
    ]
    advice.words = [(w, round(v, 4)) for w, v in top.words[:8]]


def advise(
    org: OrgUnit,
    subject: str,
    body: str,
    *,
    category: Category | None = None,
    territory: OrgUnit | None = None,
) -> Advice:
    """What the router proposes for a message to ``org``. A category or territory already chosen
    (by the citizen or the operator) is kept and only the rest is proposed."""
    advice = Advice()
    loaded = active_bundle()
    if loaded is not None:
        advice.model_version, bundle = loaded
        _category_choice(bundle, subject, body, advice)
        advice.major_probability = bundle.major_probability(subject, body)
    else:
        bundle = None
    if category is not None:
        advice.category, advice.category_label = category, category.full_name
    text = f"{subject}\n{body}"
    if territory is None:
        match = territory_matcher(org).match(text)
        if match is not None:
            advice.territory = OrgUnit.objects.filter(pk=match.place_id).first()
            advice.territory_confidence = round(match.confidence, 4)
            advice.territory_evidence = list(match.evidence)
    else:
        advice.territory, advice.territory_confidence = territory, 1.0
    if advice.category is not None:
        rule = get_dispatch_proposal(org, advice.category, advice.territory)
        memory = bundle.unit_memory if bundle is not None else {}
        ranked = rank_units(
            memory,
            advice.category.full_name,
            advice.territory.ancestor_ids() if advice.territory else [],
            rule.lead_unit_id if rule else None,
        )
        units = OrgUnit.objects.in_bulk([u for u, _s in ranked[:3]])
        advice.unit_alternatives = [(units[u], s) for u, s in ranked[:3] if u in units]
        if advice.unit_alternatives:
            advice.unit, advice.unit_confidence = advice.unit_alternatives[0]
    advice.flag = sensitive_screen().screen(subject, body)
    p_major = advice.major_probability or 0.0
    if advice.flag.is_major or p_major >= MAJOR_MODEL_THRESHOLD:
        advice.grade = Grade.MAJOR
    elif advice.flag.score > 0 or p_major >= SUGGEST_GRADE_IMPORTANT:
        advice.grade = Grade.IMPORTANT
    return advice


# --- The suggestion of a case, its warning, and what was finally decided -----------------------


def suggest_for_case(case: Case) -> Suggestion:
    """Advise on ``case`` and keep the advice (once per case); raise a warning if major-sensitive."""
    existing = Suggestion.objects.filter(case=case).first()
    if existing is not None:
        return existing
    advice = advise(case.org, case.subject, case.body, category=None, territory=None)
    flag = advice.flag
    with transaction.atomic():
        suggestion, created = Suggestion.objects.get_or_create(
            case=case,
            defaults={
                "model_version": advice.model_version,
                "created_at": clock.now(),
                "category": advice.category,
                "category_label": advice.category_label,
                "confidence": advice.confidence,
                "alternatives": [
                    {"label": c.label, "category": c.category.pk if c.category else None, "p": c.probability}
                    for c in advice.alternatives
                ],
                "words": [[w, v] for w, v in advice.words],
                "territory": advice.territory,
                "territory_confidence": advice.territory_confidence,
                "territory_evidence": advice.territory_evidence,
                "unit": advice.unit,
                "unit_confidence": advice.unit_confidence,
                "unit_alternatives": [[u.pk, u.name, s] for u, s in advice.unit_alternatives],
                "grade": advice.grade,
                "sensitive": {
                    "is_major": flag.is_major if flag else False,
                    "score": round(flag.score, 3) if flag else 0.0,
                    "kinds": list(flag.kinds) if flag else [],
                    "hits": [list(h) for h in flag.hits] if flag else [],
                    "model": advice.major_probability,
                },
            },
        )
        if created and advice.is_major:
            raise_alert(case, advice)
    return suggestion


def raise_alert(case: Case, advice: Advice) -> Alert:
    flag = advice.flag
    kinds = list(flag.kinds) if flag and flag.kinds else ["model"]
    alert, created = Alert.objects.get_or_create(
        case=case,
        defaults={
            "org": case.org,
            "created_at": clock.now(),
            "kinds": kinds,
            "score": round(max(flag.score if flag else 0.0, advice.major_probability or 0.0), 3),
            "hits": [list(h) for h in flag.hits] if flag else [],
        },
    )
    if created:
        transaction.on_commit(lambda: notify_supervisors(alert))
    return alert


def supervisors_of(org: OrgUnit) -> list[Any]:
    memberships = Membership.objects.filter(
        role=Role.SUPERVISOR, unit__path__startswith=org.path, user__is_active=True
    ).select_related("user")
    return list({m.user.pk: m.user for m in memberships}.values())


def notify_supervisors(alert: Alert) -> int:
    """E-mail every supervisor of the organisation (the in-app list shows the warning too)."""
    kinds = "、".join(alert.kind_labels)
    subject = _("Special report: major-sensitive message %(number)s (%(kinds)s)") % {
        "number": alert.case.number,
        "kinds": kinds,
    }
    evidence = "\n".join(f"- {hit[2]}" for hit in alert.hits[:5] if len(hit) > 2)
    body = _(
        "The message %(number)s was flagged as major-sensitive at %(at)s.\n%(evidence)s\n"
        "Open it in the workbench: /workbench/cases/%(number)s/"
    ) % {
        "number": alert.case.number,
        "at": alert.created_at.astimezone(clock.local_tz()).strftime("%Y-%m-%d %H:%M"),
        "evidence": evidence,
    }
    sender = settings.DEFAULT_FROM_EMAIL
    messages = [(subject, body, sender, [u.email]) for u in supervisors_of(alert.org) if u.email]
    try:
        return send_mass_mail(messages, fail_silently=False) if messages else 0
    except Exception:
        logger.exception("Could not e-mail the special report of case %s", alert.case_id)
        return 0


def acknowledge(alert: Alert, user: Any) -> None:
    Alert.objects.filter(pk=alert.pk, acknowledged_at__isnull=True).update(
        acknowledged_by=user, acknowledged_at=clock.now()
    )


def record_decision(case: Case, kind: str, *, unit_id: int | None = None) -> None:
    """After register/reclassify (category) or claim (unit): note what was decided beside the
    suggestion. These rows measure the router and mark its corrections."""
    suggestion = Suggestion.objects.filter(case=case).first()
    if suggestion is None:
        return
    now = clock.now()
    if kind in ("register", "reclassify") and case.category_id is not None:
        suggestion.final_category_id = case.category_id
        suggestion.category_corrected = suggestion.category_id != case.category_id
        suggestion.decided_at = now
        suggestion.save(update_fields=["final_category", "category_corrected", "decided_at"])
    elif kind == "claim" and unit_id is not None:
        suggestion.final_unit_id = unit_id
        suggestion.unit_corrected = suggestion.unit_id != unit_id
        suggestion.decided_at = now
        suggestion.save(update_fields=["final_unit", "unit_corrected", "decided_at"])


def corrections_since(version: int | None) -> int:
    """How many decisions corrected a suggestion since ``version`` was trained."""
    qs = Suggestion.objects.filter(decided_at__isnull=False)
    if version is not None:
        created = RouterModel.objects.filter(version=version).values_list("created_at", flat=True).first()
        if created is not None:
            qs = qs.filter(decided_at__gte=created)
    return qs.filter(category_corrected=True).count() + qs.filter(unit_corrected=True).count()


def acceptance() -> dict[str, Any]:
    qs = Suggestion.objects.all()
    decided = qs.filter(category_corrected__isnull=False)
    unit_decided = qs.filter(unit_corrected__isnull=False)
    total, wrong = decided.count(), decided.filter(category_corrected=True).count()
    u_total, u_wrong = unit_decided.count(), unit_decided.filter(unit_corrected=True).count()
    return {
        "category_decided": total,
        "category_accepted": total - wrong,
        "category_rate": round((total - wrong) / total, 4) if total else None,
        "unit_decided": u_total,
        "unit_accepted": u_total - u_wrong,
        "unit_rate": round((u_total - u_wrong) / u_total, 4) if u_total else None,
    }


__all__ = ["MAJOR", "Advice", "advise", "suggest_for_case"]


# --- Presentation (workbench and portal) ----------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """Advice or a stored suggestion, as the pages show it."""

    category_label: str
    category_id: int | None
    confidence: float
    alternatives: list[tuple[str, int | None, float]]
    words: list[str]
    territory_id: int | None
    territory_name: str
    territory_confidence: float
    territory_evidence: list[str]
    unit_name: str
    unit_confidence: float
    unit_alternatives: list[tuple[str, float]]
    grade: str
    grade_label: str
    is_major: bool
    kinds: list[str]
    evidence: list[str]
    model_version: int | None


def shown(item: Advice | Suggestion) -> Shown:
    if isinstance(item, Suggestion):
        sensitive = item.sensitive or {}
        return Shown(
            category_label=item.category_label,
            category_id=item.category_id,
            confidence=item.confidence,
            alternatives=[(a["label"], a.get("category"), a["p"]) for a in item.alternatives],
            words=[w for w, _v in item.words],
            territory_id=item.territory_id,
            territory_name=item.territory.name if item.territory else "",
            territory_confidence=item.territory_confidence,
            territory_evidence=list(item.territory_evidence),
            unit_name=item.unit.name if item.unit else "",
            unit_confidence=item.unit_confidence,
            unit_alternatives=[(name, share) for _pk, name, share in item.unit_alternatives],
            grade=item.grade or Grade.GENERAL,
            grade_label=str(Grade(item.grade).label) if item.grade in Grade.values else "",
            is_major=item.grade == Grade.MAJOR,
            kinds=kind_labels(sensitive.get("kinds") or []),
            evidence=[h[2] for h in sensitive.get("hits") or [] if len(h) > 2][:3],
            model_version=item.model_version,
        )
    flag = item.flag
    return Shown(
        category_label=item.category_label,
        category_id=item.category.pk if item.category else None,
        confidence=item.confidence,
        alternatives=[
            (c.label, c.category.pk if c.category else None, c.probability) for c in item.alternatives
        ],
        words=[w for w, _v in item.words],
        territory_id=item.territory.pk if item.territory else None,
        territory_name=item.territory.name if item.territory else "",
        territory_confidence=item.territory_confidence,
        territory_evidence=item.territory_evidence,
        unit_name=item.unit.name if item.unit else "",
        unit_confidence=item.unit_confidence,
        unit_alternatives=[(u.name, s) for u, s in item.unit_alternatives],
        grade=item.grade,
        grade_label=str(Grade(item.grade).label),
        is_major=item.is_major,
        kinds=kind_labels(flag.kinds if flag else ()),
        evidence=[h[2] for h in (flag.hits if flag else ())][:3],
        model_version=item.model_version,
    )
