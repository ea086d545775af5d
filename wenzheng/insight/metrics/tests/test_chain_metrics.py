"""Every metric of a ledger played through the real actions, against hand computation (ledger.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command

from wenzheng.casework import actions
from wenzheng.casework.workflow import State
from wenzheng.core import clock
from wenzheng.insight.metrics.assessment import assessment_scores
from wenzheng.insight.metrics.models import STAT_FIELDS, CaseFact, DailyStat, PeriodStat, ReturnFact
from wenzheng.insight.metrics.rollup import due_for_check, rebuild, refresh_cases
from wenzheng.insight.metrics.schemes import do_apply_scheme_preset
from wenzheng.insight.metrics.selectors import cases_behind, metrics_table, metrics_total, percent
from wenzheng.insight.metrics.tests.ledger import NOW, Ledger, _at, _received, _to_assigned, at, build_ledger
from wenzheng.testing.chain import step

START, END = date(2026, 11, 9), date(2026, 11, 13)


@pytest.fixture
def ledger(world) -> Ledger:
    # Without the after-commit jobs (test_the_after_commit_jobs… runs them): the rebuild at NOW.
    built = build_ledger(world)
    with clock.frozen_at(NOW):
        rebuild(world.city)
    return built


def _rollup_rows() -> set[tuple]:
    periods = set(
        PeriodStat.objects.values_list(
            "org_id", "grain", "period", "unit_key", "territory_key", "category_key", *STAT_FIELDS
        )
    )
    return periods | set(
        DailyStat.objects.values_list(
            "org_id", "day", "unit_key", "territory_key", "category_key", *STAT_FIELDS
        )
    )


def test_it_counts_the_whole_organisation(world, ledger):
    row = metrics_total(world.city, START, END, exact_percentiles=True)
    c = row.counts
    # received: A B C D E F H I (G is a merged duplicate); accepted: less F (withdrawn), H (rejected).
    assert (c["received"], c["merged"], c["withdrawn"], c["rejected"], c["accepted"]) == (8, 1, 1, 1, 6)
    # assigned A–E; all claimed; B late, the others in time (D in time for B, its new unit).
    assert (c["assigned"], c["claimed"], c["claimed_in_time"], c["late_claims"]) == (5, 5, 4, 1)
    # replied A B C; completed A B (C was sent back); on time only A.
    assert (c["replied"], c["completed"], c["completed_on_time"]) == (3, 2, 1)
    # overdue: B (answered late), D and E (still running past due at NOW); none of them extended.
    assert (c["overdue"], c["overdue_unextended"]) == (3, 3)
    assert (c["extensions"], c["extended"], c["sent_back"]) == (1, 1, 1)
    # returns: D and E, both by district A; E's refused by arbitration.
    assert (c["returned"], c["refused_returns"]) == (2, 1)
    # last ratings: A satisfied, B basically, C unsatisfied.
    assert (c["rated"], c["satisfied"], c["basic"], c["unsatisfied"]) == (3, 1, 1, 1)
    # claim minutes 30 60 240 480 780: median rank ⌈0.5·5⌉ = 3 → 240, p90 rank ⌈4.5⌉ = 5 → 780.
    assert (row.claim_minutes_p50, row.claim_minutes_p90) == (240, 780)
    # reply minutes 870 3300 3840: median rank ⌈1.5⌉ = 2 → 3300, p90 rank ⌈2.7⌉ = 3 → 3840.
    assert (row.reply_minutes_p50, row.reply_minutes_p90) == (3300, 3840)
    assert (c["claim_minutes_sum"], c["reply_minutes_sum"]) == (30 + 60 + 240 + 480 + 780, 870 + 3300 + 3840)
    assert row.acceptance_rate == 6 / 8
    assert row.claim_in_time_rate == 4 / 5
    assert row.reply_rate == 3 / 6
    assert row.completion_rate == 2 / 6
    assert row.on_time_completion_rate == 1 / 6
    assert row.on_time_share == 1 / 2
    assert row.overdue_rate == 3 / 6
    assert row.satisfaction_rate == 2 / 3  # (1 + 1 × 1) / 3 with the default weight 1
    assert percent(row.satisfaction_rate) == "66.7%"


def test_it_estimates_percentiles_from_buckets(world, ledger):
    row = metrics_total(world.city, START, END)
    # claim buckets: 30→[30,60) 60→[60,120) 240→[240,420) 480→[420,840) 780→[420,840).
    # median rank 3 is the one value of [240,420): 240 + 180 × 1/1 = 420.
    assert row.claim_minutes_p50 == 420
    # p90 rank 5: [420,840) holds ranks 4–5, 420 + 420 × 2/2 = 840.
    assert row.claim_minutes_p90 == 840
    # reply 870→[840,1260) 3300→[2940,4200) 3840→[2940,4200); median rank 2: 2940 + 1260 × 1/2 = 3570.
    assert row.reply_minutes_p50 == 3570


def test_it_weighs_basically_satisfied_per_organisation(world, ledger):
    do_apply_scheme_preset(world.city, "satisfaction")  # "basically satisfied" counts 0.8
    row = metrics_total(world.city, START, END)
    assert row.satisfaction_rate == pytest.approx((1 + 0.8) / 3)  # 0.6
    assert percent(row.satisfaction_rate) == "60.0%"


def test_it_attributes_to_the_lead_unit_and_returns_to_the_returning_unit(world, ledger):
    rows = {r.key: r.counts for r in metrics_table(world.city, START, END, by="unit")}
    a, b, none = rows[world.district_a.pk], rows[world.district_b.pk], rows[0]
    assert (a["received"], a["assigned"], a["claimed_in_time"], a["late_claims"]) == (4, 4, 3, 1)
    assert (a["completed"], a["completed_on_time"], a["overdue_unextended"]) == (2, 1, 2)
    assert (a["returned"], a["refused_returns"], a["sent_back"]) == (2, 1, 1)
    assert (b["received"], b["claimed_in_time"], b["overdue_unextended"], b["returned"]) == (1, 1, 1, 0)
    # F (withdrawn), H (rejected), I (never assigned) have no unit; G (merged) counts only as merged.
    assert (none["received"], none["accepted"], none["merged"]) == (3, 1, 1)
    categories = {r.key: r.counts["received"] for r in metrics_table(world.city, START, END, by="category")}
    assert categories == {world.category.pk: 6, 0: 2}  # first-level category of the registered cases
    territories = {r.key: r.counts["received"] for r in metrics_table(world.city, START, END, by="territory")}
    assert territories == {world.district_a.pk: 6, 0: 2}


def test_it_puts_a_case_in_the_day_it_was_received(world, ledger):
    days = {r.key: r.counts["received"] for r in metrics_table(world.city, START, END, by="unit")}
    assert sum(days.values()) == 8
    only_monday = metrics_total(world.city, date(2026, 11, 9), date(2026, 11, 9))
    assert only_monday.counts["received"] == 2  # A and B


def test_it_lists_the_cases_behind_a_cell(world, ledger):
    lg = ledger
    unit_a = world.district_a.pk
    overdue = cases_behind(world.city, "overdue", START, END, by="unit", key=unit_a)
    assert set(overdue) == {lg.b, lg.e}
    assert set(cases_behind(world.city, "returned", START, END, by="unit", key=unit_a)) == {lg.d, lg.e}
    assert set(cases_behind(world.city, "refused_returns", START, END)) == {lg.e}
    assert set(cases_behind(world.city, "merged", START, END)) == {lg.g}
    with pytest.raises(ValueError, match="Unknown metric"):
        cases_behind(world.city, "nonsense", START, END)


def test_it_scores_units_by_the_formula(world, ledger):
    a, b = assessment_scores(world.city, START, END)
    # District A, standard scheme (30/50/20, basic = 1): response 3/4, resolution 1/4, satisfaction 2/3.
    # 30 × 0.75 + 50 × 0.25 + 20 × 2/3 = 22.5 + 12.5 + 13.333… = 48.333… of 100 → 48.33.
    # Deductions: 2 overdue unextended × 2 + 1 late claim × 1 + 1 refused return × 1 + 1 send-back × 1 = 7.
    assert (a.unit_id, a.base, a.deductions, a.total, a.rank) == (
        world.district_a.pk,
        Decimal("48.33"),
        7,
        Decimal("41.33"),
        1,
    )
    # District B: response 1/1, resolution 0/1, no rating → weights 30 + 50: 100 × 30 / 80 = 37.50;
    # 1 overdue unextended × 2 → 35.50.
    assert (b.unit_id, b.base, b.deductions, b.total, b.rank) == (
        world.district_b.pk,
        Decimal("37.50"),
        2,
        Decimal("35.50"),
        2,
    )
    assert b.satisfaction is None


def test_the_after_commit_jobs_and_the_sweep_agree_with_a_rebuild(world, committed):
    with committed():
        build_ledger(world)
    # The jobs kept facts current event by event; at NOW, clocks of D and E have fallen due since.
    with clock.frozen_at(NOW):
        ids = due_for_check()
        refresh_cases(ids)
    incremental_facts = set(
        CaseFact.objects.values_list(
            *[f.attname for f in CaseFact._meta.concrete_fields if f.attname != "computed_at"]
        )
    )
    incremental_rollup = _rollup_rows()
    returns = set(ReturnFact.objects.values_list("case_id", "seq", "unit_key", "refused"))
    assert len(incremental_facts) == 9
    assert len(returns) == 2
    with clock.frozen_at(NOW):
        rebuild(world.city)
        rebuild(world.city)  # idempotent
    assert (
        set(
            CaseFact.objects.values_list(
                *[f.attname for f in CaseFact._meta.concrete_fields if f.attname != "computed_at"]
            )
        )
        == incremental_facts
    )
    assert _rollup_rows() == incremental_rollup
    assert set(ReturnFact.objects.values_list("case_id", "seq", "unit_key", "refused")) == returns


def test_the_rebuild_command_and_the_assessment_command(world, ledger, capsys):
    with clock.frozen_at(NOW):
        call_command("metrics", "rebuild", "--org", world.city.code, "--since", "2026-11-01")
    assert "9 case facts" in capsys.readouterr().out
    import json

    call_command("assessment", "--org", world.city.code, "--month", "2026-11", "--json")
    payload = json.loads(capsys.readouterr().out)
    assert [(u["unit"], u["total"], u["rank"]) for u in payload["units"]] == [
        ("甲区", "41.33", 1),
        ("乙区", "35.50", 2),
    ]
    call_command("assessment", "--org", world.city.code, "--year", "2026")
    assert "甲区" in capsys.readouterr().out


def test_an_extended_case_still_late_is_overdue_but_not_deducted(world):
    # Assigned Mon 16 09:30: completion due 7 working days later, Wed 25 17:30; 1 working day
    # granted Tue 17 → Thu 26 17:30. Still handling on Fri 27 12:00: overdue, but with an extension.
    case = _received(world, at(16, 9))
    _to_assigned(world, case, at(16, 9, 10), at(16, 9, 30))
    _at(at(16, 10), lambda: step(world, case, State.HANDLING))
    _at(
        at(17, 9),
        lambda: actions.do_request_extension(
            case, acting_user=world.a_liaison, working_days=1, reason="待检测"
        ),
    )
    _at(at(17, 10), lambda: actions.do_grant_extension(case, acting_user=world.dispatcher))
    with clock.frozen_at(at(26, 17, 0)):  # half an hour before the extended deadline: not yet
        rebuild(world.city)
    assert CaseFact.objects.get(case=case).overdue == 0
    with clock.frozen_at(at(27, 12)):
        rebuild(world.city)
    fact = CaseFact.objects.get(case=case)
    assert (fact.overdue, fact.overdue_unextended, fact.extended, fact.completed) == (1, 0, 1, 0)
    (score,) = assessment_scores(world.city, date(2026, 11, 16), date(2026, 11, 16))
    # response 1/1, resolution 0/1, no rating: 100 × 30 / 80 = 37.50; no deduction for this overdue.
    assert (score.base, score.deductions, score.total) == (Decimal("37.50"), 0, Decimal("37.50"))
