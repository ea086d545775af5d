"""Generate a ledger of N cases (default 10^6) in a fresh PostgreSQL database, with COPY.

    .venv/bin/python bench/generate.py [--cases 1000000] [--seed 2026] [--drop]

It drops and creates its own database (DATABASE_URL, default
postgresql://postgres@127.0.0.1:5432/wenzheng_bench_cases), migrates it and builds one city
(基准市, prefix BM): 12 districts with 2 streets each, 40 city departments, the city's offices,
15 level-1 categories, the Chenzhou time-limit preset, and staff accounts for every role
(``bench_intake``, ``bench_dispatcher``, ``bench_reviewer``, ``bench_supervisor``, and two liaisons
for each of eight departments, ``bench_liaison_<d>_<k>``; password ``bench-password``).

Then N cases received over the last two years, numbered in order of receipt per year (the live
counters continue after them), written through the importer's own COPY writer and hash chain
(``wenzheng.casework.actions.imports``), so ``wenzheng audit verify`` accepts them:

- cases received more than 25 days ago went the whole way (or were merged, rejected, withdrawn):
  archived, followed up or published, each with its events (receive, register, assign, claim,
  draft, sign-off, approval, publication, follow-up, archiving) and its published reply;
- the last 25 days' cases are open, spread over every state before publication according to
  their age, with the clocks the preset runs for them (claim and completion), a share of them
  overdue: the supervision sweeps, the queues and the claims benchmark work on these.

Events are recorded as the system's (no actor), and the stopped clocks of closed cases are not
written (nothing reads them on the pages measured). The database is left for the other
benchmarks (pages, sweep, claims) unless --drop.
"""

from __future__ import annotations

import argparse
import bisect
import queue
import random
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import (
    PLACES,
    REPLY_SENTENCES,
    SENTENCES,
    TOPICS,
    bench_url,
    emit,
    load_average,
    recreate_database,
    setup_django,
    shown,
)

DB_NAME = "wenzheng_bench_cases"
PASSWORD = "bench-password"  # noqa: S105 — a throwaway database's accounts
DAYS = 730
OPEN_DAYS = 25
CLAIM_UNITS = 8
CHUNK = 20_000  # cases per transaction
GRADES, GRADE_WEIGHTS = ["general", "important", "major"], [85, 12, 3]
RUNNING = frozenset({"assigned", "handling", "drafted", "in_review", "approved"})
TERMINAL_STATES = frozenset({"archived", "merged", "rejected", "withdrawn"})
LIAISONS_PER_UNIT = 2
# Rare words for the search benchmark: community names that appear in few subjects.
SYLLABLES = "安宝昌成丰福光广和华嘉锦康乐丽明宁平庆瑞盛顺泰祥欣兴旭阳怡永裕源悦振"
# State paths of closed cases: (share, final state). Merged/rejected/withdrawn stop early.
CLOSED = [
    (0.60, "archived"),
    (0.12, "followed_up"),
    (0.25, "published"),
    (0.01, "merged"),
    (0.01, "rejected"),
    (0.01, "withdrawn"),
]
FULL_PATH = [
    ("receive", "", "received"),
    ("register", "received", "registered"),
    ("assign", "registered", "assigned"),
    ("claim", "assigned", "handling"),
    ("draft_reply", "handling", "drafted"),
    ("submit_reply", "drafted", "in_review"),
    ("approve", "in_review", "approved"),
    ("publish", "approved", "published"),
    ("follow_up", "published", "followed_up"),
    ("archive", "followed_up", "archived"),
]
STEP_OF_STATE = {to: i for i, (_kind, _from, to) in enumerate(FULL_PATH)}
# Typical delay before each step, in hours (drawn from an exponential with this mean).
STEP_HOURS = [0, 8, 10, 14, 72, 10, 10, 8, 72, 120]
CHANNELS = ["web"] * 4 + ["hotline"] * 3 + ["api", "mailbox", "wechat"]
CLOSED_STATES = [s for _w, s in CLOSED]
CLOSED_WEIGHTS = [w for w, _s in CLOSED]


@dataclass
class World:
    org_id: int
    prefix: str
    units: list[int]  # every unit that can lead a case
    claim_units: list[int]  # the departments whose liaisons the claims benchmark runs
    territories: list[int]
    categories: list[int]
    staff: dict[str, str]  # role → username
    liaisons: dict[int, list[str]] = field(default_factory=dict)  # unit id → usernames
    unit_names: dict[int, str] = field(default_factory=dict)
    rare_words: list[str] = field(default_factory=list)


def rare_words(count: int = 200, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    words: dict[str, None] = {}
    while len(words) < count:
        words[rng.choice(SYLLABLES) + rng.choice(SYLLABLES) + "社区"] = None
    return list(words)


def build_world(seed: int) -> World:
    """The organisation, categories, time limits and staff (ORM; a few hundred rows)."""
    from django.contrib.auth.hashers import make_password

    from wenzheng.accounts.models import Membership, OrgUnit, UnitKind, User
    from wenzheng.accounts.roles import Role
    from wenzheng.casework.models import Category
    from wenzheng.casework.sla_presets import do_apply_preset

    city = OrgUnit.objects.create(
        code="BM", name="基准市", kind=UnitKind.CITY, runs_ledger=True, case_prefix="BM"
    )
    office = OrgUnit.objects.create(code="BM-GOV", name="基准市政府办公室", kind=UnitKind.OFFICE, parent=city)
    centre = OrgUnit.objects.create(
        code="BM-WZ", name="基准市网络问政受理中心", kind=UnitKind.OFFICE, parent=city
    )
    territories, units, names = [], [], {}
    for d in range(12):
        district = OrgUnit.objects.create(
            code=f"BM-{d}", name=f"第{d}区", kind=UnitKind.DISTRICT, parent=city
        )
        territories.append(district.pk)
        units.append(district.pk)
        names[district.pk] = district.name
        for s in range(2):
            street = OrgUnit.objects.create(
                code=f"BM-{d}-{s}", name=f"第{d}区{s}街道", kind=UnitKind.STREET, parent=district
            )
            territories.append(street.pk)
            units.append(street.pk)
            names[street.pk] = street.name
    departments = []
    for n in range(40):
        dept = OrgUnit.objects.create(code=f"BM-D{n}", name=f"市局{n}", kind=UnitKind.DEPARTMENT, parent=city)
        departments.append(dept.pk)
        units.append(dept.pk)
        names[dept.pk] = dept.name
    categories = [Category.objects.create(name=f"一级分类{n}").pk for n in range(15)]
    do_apply_preset(city, "chenzhou")

    hashed = make_password(PASSWORD)  # one slow hash, shared by every bench account

    def staff(username: str, unit: OrgUnit, role: Role) -> str:
        user = User.objects.create(username=username, password=hashed, full_name=username)
        Membership.objects.create(user=user, unit=unit, role=role)
        return username

    roles = {
        "intake": staff("bench_intake", centre, Role.INTAKE_OPERATOR),
        "dispatcher": staff("bench_dispatcher", office, Role.DISPATCHER),
        "reviewer": staff("bench_reviewer", office, Role.REVIEWER),
        "supervisor": staff("bench_supervisor", office, Role.SUPERVISOR),
    }
    claim_units = departments[:CLAIM_UNITS]
    liaisons: dict[int, list[str]] = {}
    for n, unit_id in enumerate(claim_units):
        unit = OrgUnit.objects.get(pk=unit_id)
        liaisons[unit_id] = [
            staff(f"bench_liaison_{n}_{k}", unit, Role.LIAISON) for k in range(LIAISONS_PER_UNIT)
        ]
    return World(
        org_id=city.pk,
        prefix="BM",
        units=units,
        claim_units=claim_units,
        territories=territories,
        categories=categories,
        staff=roles,
        liaisons=liaisons,
        unit_names=names,
        rare_words=rare_words(),
    )


def _open_state(rng: random.Random, age_days: float) -> str:
    """An open case's state, further along the older it is."""
    if age_days < 1:
        return rng.choices(["received", "registered", "assigned", "handling"], [3, 3, 3, 1])[0]
    if age_days < 4:
        return rng.choices(["registered", "assigned", "handling", "drafted"], [1, 4, 6, 1])[0]
    return rng.choices(["assigned", "handling", "drafted", "in_review", "approved"], [2, 10, 3, 1, 1])[0]


@dataclass(frozen=True)
class _Plan:
    """What every worker shares: the moments of receipt (sorted), the reserved ids, the numbers'
    sequence per year, the time-limit rules and the calendar."""

    world: World
    seed: int
    now: datetime
    received: list[datetime]
    years: list[int]
    seqs: list[int]
    case_ids: list[int]
    first_open: int
    rules: dict[tuple[str, str], tuple[int, str]]  # (grade, clock) → (amount, unit)
    account_id: int


class _Writer:
    """COPY rows of one model, values given as {attname: value} in a fixed column order; encrypted
    fields are encrypted and blind indexes computed as the model's fields do on save()."""

    def __init__(self, model: Any, names: list[str]) -> None:
        from wenzheng.core import crypto
        from wenzheng.core.fields import BlindIndexField, EncryptedCharField

        fields = {f.attname: f for f in model._meta.concrete_fields}
        self.table = model._meta.db_table
        self.names = list(names)
        self.prepare: list[tuple[int, Any]] = []
        for f in fields.values():
            if isinstance(f, BlindIndexField) and f.attname not in self.names:
                source, normalise = self.names.index(f.source), f.normalise
                self.names.append(f.attname)
                self.prepare.append(
                    (
                        len(self.names) - 1,
                        lambda row, s=source, n=normalise: crypto.blind_index(row[s], normalise=n),
                    )
                )
        for f in fields.values():
            if isinstance(f, EncryptedCharField) and f.attname in self.names:
                at = self.names.index(f.attname)
                self.prepare.append((at, lambda row, a=at, f=f: f.get_prep_value(row[a])))
        # Every other column takes its field's default, as the ORM would insert it.
        rest = [f for f in fields.values() if f.attname not in self.names and not f.primary_key]
        self.tail = [f.get_default() for f in rest]
        self.given = len(self.names)
        self.names += [f.attname for f in rest]
        self.json_at = [i for i, n in enumerate(self.names) if fields[n].get_internal_type() == "JSONField"]
        self.columns = ", ".join(f'"{fields[n].column}"' for n in self.names)
        self.rows: list[list[Any]] = []

    def add(self, *values: Any) -> None:
        self.rows.append(list(values))

    def flush(self, cursor: Any) -> int:
        from wenzheng.core.hashchain import canonical_json

        rows, self.rows = self.rows, []
        if not rows:
            return 0
        with cursor.copy(f"COPY {self.table} ({self.columns}) FROM STDIN") as copy:
            for row in rows:
                row.extend([None] * (self.given - len(row)))
                row.extend(self.tail)
                for at, compute in self.prepare:
                    row[at] = compute(row)
                for at in self.json_at:
                    row[at] = canonical_json(row[at]).decode()
                copy.write_row(row)
        return len(rows)


CASE_COLUMNS = [
    "id", "org_id", "number", "year", "seq", "channel", "source", "external_ref", "subject", "body",
    "contact_name", "contact_phone", "contact_email", "query_code_hash", "is_public", "category_id",
    "territory_id", "grade", "lead_unit_id", "state", "handling_round", "is_key_supervised",
    "urge_count", "return_count", "satisfaction", "received_at", "registered_at", "assigned_at",
    "claimed_at", "returned_at", "drafted_at", "submitted_at", "approved_at", "published_at",
    "followed_up_at", "archived_at", "closed_at", "updated_at", "version", "last_event_hash",
]  # fmt: skip
EVENT_COLUMNS = [
    "case_id", "seq", "kind", "actor_id", "actor_unit_id", "actor_role", "from_state", "to_state",
    "reason", "data", "is_public", "created_at", "prev_hash", "hash",
]  # fmt: skip
REPLY_COLUMNS = [
    "case_id", "unit_id", "handling_round", "body", "status", "drafted_by_id", "drafted_at",
    "published_at", "review_comment",
]  # fmt: skip
CLOCK_COLUMNS = [
    "case_id", "kind", "handling_round", "amount", "unit", "started_at", "original_due_at", "due_at",
    "extended_days", "is_cancelled", "is_late", "late_working_days", "late_working_minutes",
]  # fmt: skip
PUBLIC_KINDS = frozenset({"receive", "assign", "claim", "publish", "archive"})


def _generate_chunk(plan: _Plan, start: int, stop: int) -> dict[str, Any]:
    """Write cases [start, stop) and everything hanging off them, in one transaction."""
    from datetime import UTC

    from django.db import connection, transaction

    from wenzheng.accounts.models import OrgUnit
    from wenzheng.casework.models import Case, CaseClock, CaseEvent, Reply
    from wenzheng.casework.recording import audit_key
    from wenzheng.casework.sla import calendar_for, compute_due
    from wenzheng.core.hashchain import GENESIS, chain_digest

    world, now = plan.world, plan.now
    rng = random.Random(f"{plan.seed}:{start}")
    key = audit_key()
    calendar = calendar_for(OrgUnit.objects.get(pk=world.org_id))
    cases, events = _Writer(Case, CASE_COLUMNS), _Writer(CaseEvent, EVENT_COLUMNS)
    replies, clocks = _Writer(Reply, REPLY_COLUMNS), _Writer(CaseClock, CLOCK_COLUMNS)
    weights = [1 / (n + 1) for n in range(len(world.categories))]
    states: dict[str, int] = {}
    early = {"merged": 1, "rejected": 1, "withdrawn": 0}
    closing = {"merged": "merge", "rejected": "reject", "withdrawn": "withdraw"}
    for i in range(start, stop):
        at, year, case_id = plan.received[i], plan.years[i], plan.case_ids[i]
        place, (topic, problem) = rng.choice(PLACES), rng.choice(TOPICS)
        extra = rng.choice(world.rare_words) if rng.random() < 0.3 else ""
        subject = f"{place}{extra}{topic}问题{'亟待解决' if rng.random() < 0.5 else '请求处理'}"
        body = f"{place}{extra}{topic}问题：{problem}。" + "".join(
            rng.choices(SENTENCES, k=rng.randint(2, 8))
        )
        if i >= plan.first_open:
            final = _open_state(rng, (now - at).total_seconds() / 86400)
        else:
            final = rng.choices(CLOSED_STATES, CLOSED_WEIGHTS)[0]
        states[final] = states.get(final, 0) + 1
        last_step = early.get(final, STEP_OF_STATE.get(final, 0))
        # The moment of each step, in order, never later than now.
        moments = [at]
        for step in range(1, last_step + 1):
            later = moments[-1] + timedelta(hours=rng.expovariate(1 / STEP_HOURS[step]))
            moments.append(min(later, now - timedelta(seconds=last_step - step + 1)))
        path = [(FULL_PATH[s][0], FULL_PATH[s][1], FULL_PATH[s][2], moments[s]) for s in range(last_step + 1)]
        if final in early:
            moment = min(moments[-1] + timedelta(hours=rng.expovariate(1 / 12)), now)
            path.append((closing[final], path[-1][2], final, moment))
        unit_id = None
        if final not in early and last_step >= STEP_OF_STATE["assigned"]:
            in_claim_unit = final == "assigned" and rng.random() < 0.5
            unit_id = rng.choice(world.claim_units if in_claim_unit else world.units)
        unit_name = world.unit_names.get(unit_id) if unit_id else None
        grade = rng.choices(GRADES, GRADE_WEIGHTS)[0]
        head = GENESIS
        for seq, (kind, from_state, to_state, moment) in enumerate(path, start=1):
            data: dict[str, Any] = {}
            if kind == "receive":
                data = {"channel": "web", "mailbox": None, "attachments": 0}
            elif kind == "claim":
                data = {"unit": unit_name}
            public = kind in PUBLIC_KINDS
            # CaseEvent.chain_payload, written out: the digest recording.record computes.
            payload = {
                "case": case_id, "seq": seq, "kind": kind, "actor": None, "actor_unit": None,
                "actor_role": "system", "from_state": from_state, "to_state": to_state, "reason": "",
                "data": data, "is_public": public, "created_at": moment.astimezone(UTC).isoformat(),
            }  # fmt: skip
            digest = chain_digest(key, head, payload)
            events.add(
                case_id, seq, kind, None, None, "system", from_state, to_state, "", data, public, moment,
                head, digest,
            )  # fmt: skip
            head = digest
        step_at = {to_state: moment for _kind, _from, to_state, moment in path}
        published_at = step_at.get("published")
        if published_at is not None and unit_id is not None:
            reply = f"网友您好！关于{place}{topic}的问题，" + "".join(rng.choices(REPLY_SENTENCES, k=4))
            replies.add(
                case_id, unit_id, 1, reply, "published", plan.account_id, step_at["drafted"], published_at, ""
            )
        if unit_id is not None and final in RUNNING:
            # The clocks running now: claim (until claimed) and completion (from assignment).
            for kind in ("claim", "completion"):
                rule = plan.rules.get((grade, kind))
                if rule is None or (kind == "claim" and final != "assigned"):
                    continue
                begun = step_at["assigned"]
                due = compute_due(calendar, begun, rule[0], rule[1])
                clocks.add(case_id, kind, 1, rule[0], rule[1], begun, due, due, 0, False, False, 0, 0)
        phone = f"13{rng.randint(0, 9)}{rng.randint(10**7, 10**8 - 1)}"
        cases.add(
            case_id, world.org_id, f"{world.prefix}-{year}-{plan.seqs[i]:06d}", year, plan.seqs[i],
            rng.choice(CHANNELS), "", "", subject, body,
            rng.choice("王李张刘陈杨赵黄周吴") + rng.choice(["先生", "女士"]), phone, "", "",
            rng.random() < 0.9,
            rng.choices(world.categories, weights)[0] if last_step >= 1 else None,
            rng.choice(world.territories) if rng.random() < 0.9 else None,
            grade, unit_id, final, 1, False, 0, 0, "", at,
            step_at.get("registered"), step_at.get("assigned"), step_at.get("handling"), None,
            step_at.get("drafted"), step_at.get("in_review"), step_at.get("approved"), published_at,
            step_at.get("followed_up"), step_at.get("archived"),
            path[-1][3] if final in TERMINAL_STATES else None, path[-1][3], len(path), head,
        )  # fmt: skip
    counts = {}
    with transaction.atomic(), connection.cursor() as wrapper:
        cursor = wrapper.cursor
        # Foreign keys of rows made consistent here are not re-checked row by row (a fresh
        # database of our own; needs a superuser, as the local server's postgres is).
        cursor.execute("SET LOCAL session_replication_role = replica")
        counts["cases"] = cases.flush(cursor)
        counts["events"] = events.flush(cursor)
        counts["replies"] = replies.flush(cursor)
        counts["clocks"] = clocks.flush(cursor)
    counts["states"] = states  # type: ignore[assignment]
    return counts


def _worker(plan: _Plan, chunks: list[tuple[int, int]], out: Any) -> None:
    from django.db import connections

    totals: dict[str, Any] = {"cases": 0, "events": 0, "replies": 0, "clocks": 0, "states": {}}
    for start, stop in chunks:
        done = _generate_chunk(plan, start, stop)
        for name in ("cases", "events", "replies", "clocks"):
            totals[name] += done[name]
        for state, n in done["states"].items():
            totals["states"][state] = totals["states"].get(state, 0) + n
    connections.close_all()
    out.put(totals)


def _secondary_indexes(tables: list[str]) -> list[tuple[str, str]]:
    """(name, definition) of the tables' indexes that back no constraint."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.indexname, i.indexdef FROM pg_indexes i
            WHERE i.schemaname = 'public' AND i.tablename = ANY(%s)
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
            """,
            [tables],
        )
        return list(cursor.fetchall())


def generate_cases(world: World, count: int, *, seed: int, workers: int = 2) -> dict[str, Any]:
    """COPY ``count`` cases with their events, replies and running clocks; returns counts.

    ``workers`` processes write alternate chunks of 20,000 cases, each in its own transaction.
    The tables' secondary indexes are dropped before and built again after (a sorted build is far
    cheaper than 10^7 index insertions); the constraints' indexes stay throughout."""
    import multiprocessing

    from django.db import connection, connections

    from wenzheng.accounts.models import OrgUnit
    from wenzheng.casework.actions.imports import _reserve_ids
    from wenzheng.casework.models import Case, CaseCounter
    from wenzheng.casework.models.sla import SlaClockRule
    from wenzheng.core import clock

    rng = random.Random(seed)
    tz = clock.local_tz()
    now = clock.now()
    start = now - timedelta(days=DAYS)
    org = OrgUnit.objects.get(pk=world.org_id)
    rules = {
        (r.policy.grade, r.clock): (r.amount, r.unit)
        for r in SlaClockRule.objects.filter(policy__org=org, policy__is_active=True).select_related("policy")
    }
    # Moments of receipt, sorted: numbers follow the order of receipt within each year.
    received = sorted(start + timedelta(seconds=rng.random() * DAYS * 86400) for _n in range(count))
    years = [at.astimezone(tz).year for at in received]
    seqs, last = [], dict[int, int]()
    for year in years:
        last[year] = last.get(year, 0) + 1
        seqs.append(last[year])
    plan = _Plan(
        world=world,
        seed=seed,
        now=now,
        received=received,
        years=years,
        seqs=seqs,
        case_ids=_reserve_ids(Case, count),
        first_open=bisect.bisect_left(received, now - timedelta(days=OPEN_DAYS)),
        rules=rules,
        account_id=_import_account_id(),
    )
    tables = ["casework_case", "casework_caseevent", "casework_reply", "casework_caseclock"]
    indexes = _secondary_indexes(tables)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    chunks = [(s, min(count, s + CHUNK)) for s in range(0, count, CHUNK)]
    connections.close_all()  # each worker opens its own connection
    workers = max(1, min(workers, len(chunks)))
    context = multiprocessing.get_context("fork")
    out = context.Queue()
    processes = [
        context.Process(target=_worker, args=(plan, chunks[n::workers], out)) for n in range(workers)
    ]
    for process in processes:
        process.start()
    results: list[dict[str, Any]] = []
    while len(results) < len(processes):
        try:
            results.append(out.get(timeout=5))
        except queue.Empty:
            failed = [p.exitcode for p in processes if p.exitcode not in (None, 0)]
            if failed:
                raise RuntimeError(f"a generating worker failed (exit code {failed[0]})") from None
    for process in processes:
        process.join()
        if process.exitcode != 0:
            raise RuntimeError(f"a generating worker failed (exit code {process.exitcode})")
    write_seconds = time.perf_counter() - started
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for _name, definition in indexes:
            cursor.execute(definition)
    index_seconds = time.perf_counter() - started
    for year, value in last.items():
        CaseCounter.objects.update_or_create(org=org, year=year, defaults={"value": value})
    started = time.perf_counter()
    with connection.cursor() as cursor:
        # Every table: the planner needs the organisation tree's statistics as much as the ledger's.
        cursor.execute("VACUUM ANALYZE")
    totals: dict[str, Any] = {"cases": 0, "events": 0, "replies": 0, "clocks": 0}
    states: dict[str, int] = {}
    for result in results:
        for name in totals:
            totals[name] += result[name]
        for state, n in result["states"].items():
            states[state] = states.get(state, 0) + n
    return {
        **totals,
        "states": dict(sorted(states.items())),
        "workers": workers,
        "write_seconds": round(write_seconds, 1),
        "index_seconds": round(index_seconds, 1),
        "vacuum_seconds": round(time.perf_counter() - started, 1),
    }


def _import_account_id() -> int:
    from wenzheng.casework.actions.imports import get_import_account

    return int(get_import_account().pk)


def world_of(org_code: str = "BM") -> World:
    """The world of a generated database, read back (for the benchmarks that reuse it)."""
    from wenzheng.accounts.models import Membership, OrgUnit
    from wenzheng.accounts.roles import Role
    from wenzheng.casework.models import Category

    city = OrgUnit.objects.get(code=org_code)
    below = OrgUnit.objects.filter(path__startswith=city.path).exclude(pk=city.pk)
    units = list(below.filter(kind__in=["district", "street", "department"]).values_list("pk", flat=True))
    liaisons: dict[int, list[str]] = {}
    for unit_id, username in (
        Membership.objects.filter(role=Role.LIAISON, user__username__startswith="bench_liaison_")
        .order_by("user__username")
        .values_list("unit_id", "user__username")
    ):
        liaisons.setdefault(unit_id, []).append(username)
    return World(
        org_id=city.pk,
        prefix=city.case_prefix,
        units=units,
        claim_units=sorted(liaisons),
        territories=list(below.filter(kind__in=["district", "street"]).values_list("pk", flat=True)),
        categories=list(Category.objects.filter(level=1).values_list("pk", flat=True)),
        staff={
            "intake": "bench_intake",
            "dispatcher": "bench_dispatcher",
            "reviewer": "bench_reviewer",
            "supervisor": "bench_supervisor",
        },
        liaisons=liaisons,
        unit_names=dict(below.values_list("pk", "name")),
        rare_words=rare_words(),
    )


def ensure_ledger(cases: int, *, seed: int = 2026, fresh: bool = False) -> tuple[str, World, dict[str, Any]]:
    """Set Django up on the generated database, generating it first unless it already holds
    ``cases`` cases (and ``fresh`` is not asked). Returns its URL, its world and the generation's
    figures ({} when reused)."""
    from bench.common import database_exists

    url = bench_url(DB_NAME)
    reuse = not fresh and database_exists(url)
    if not reuse:
        recreate_database(url)
    # A reused database keeps the schema it was generated with (migrating it again would rewrite
    # 10^6 rows whenever a migration touches the ledger's tables).
    setup_django(url, migrate=not reuse)
    from wenzheng.casework.models import Case

    if reuse and Case.objects.filter(org__code="BM").count() == cases:
        return url, world_of(), {}
    if reuse:
        from django.db import connections

        connections.close_all()
        recreate_database(url)
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
    started = time.perf_counter()
    world = build_world(seed)
    figures = generate_cases(world, cases, seed=seed)
    figures["seconds"] = round(time.perf_counter() - started, 1)
    figures["cases_per_s"] = round(cases / figures["seconds"])
    return url, world, figures


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--drop", action="store_true", help="drop the database afterwards")
    args = parser.parse_args()
    url, _world, figures = ensure_ledger(args.cases, seed=args.seed, fresh=True)
    result = {
        "bench": "generate",
        "database": shown(url),
        **figures,
        "load_average": load_average(),
    }
    if args.drop:
        from django.db import connections

        connections.close_all()
        recreate_database(url, drop_only=True)
    emit(
        result,
        ["cases", "events", "clocks", "seconds", "cases/s", "load"],
        [
            f"{figures['cases']:,}",
            f"{figures['events']:,}",
            f"{figures['clocks']:,}",
            figures["seconds"],
            f"{figures['cases_per_s']:,}",
            result["load_average"],
        ],
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
