"""GET Service Requests and GET Service Request: public cases only, masked, filtered and paged."""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, timedelta
from typing import Any

import pytest

from wenzheng.casework import actions
from wenzheng.casework.models import Case, CaseClock, ClockKind, Reply
from wenzheng.casework.workflow import State
from wenzheng.core import clock
from wenzheng.intake.channels.open311 import forms, serializers
from wenzheng.intake.channels.open311.tests.conftest import (
    as_json,
    as_xml,
    get,
    json_as_xml_text,
    xml_records,
)
from wenzheng.lib.masking import mask_text
from wenzheng.testing.chain import case_in_state, new_case
from wenzheng.testing.personas import World

FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]
PHONE = "13912345678"
EMAIL = "wang.xiaoming@example.com"
BODY = f"我叫王小明，电话{PHONE}，邮箱{EMAIL}，住在幸福小区3栋2单元501室，电梯坏了三周。"
W3C = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")

Committed = Callable[[], AbstractContextManager[Any]]


def numbers(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [r["service_request_id"] for r in as_json(response)]


def received(world: World, days_ago: float, **kwargs: Any) -> Case:
    with clock.frozen_at(clock.now() - timedelta(days=days_ago)):
        return new_case(world, **kwargs)


def test_it_lists_a_request_with_every_field_of_the_spec_in_json(
    client, open311: World, committed: Committed
) -> None:
    with committed():
        case = case_in_state(open311, State.PUBLISHED, body=BODY)

    (record,) = as_json(get(client, "/requests.json"))

    assert list(record) == FIELDS
    reply = Reply.objects.get(case=case)
    completion = CaseClock.objects.get(case=case, kind=ClockKind.COMPLETION)
    assert record == {
        "service_request_id": case.number,
        "status": "closed",
        "status_notes": str(State.PUBLISHED.label),
        "service_name": "物业管理",
        "service_code": str(open311.leaf.pk),
        "description": mask_text(BODY),
        "agency_responsible": "甲区",
        "service_notice": reply.body,
        "requested_datetime": serializers.w3c(case.received_at),
        "updated_datetime": serializers.w3c(case.published_at),
        "expected_datetime": serializers.w3c(completion.due_at),
        "address": "甲区, 测试市",
        "address_id": None,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
    }
    assert W3C.match(record["requested_datetime"])


def test_it_lists_the_same_requests_in_xml(client, open311: World, committed: Committed) -> None:
    with committed():
        case_in_state(open311, State.PUBLISHED)
    case_in_state(open311, State.HANDLING)

    root = as_xml(get(client, "/requests.xml"))

    assert root.tag == "service_requests"
    records = xml_records(root, "request")
    assert [list(r) for r in records] == [FIELDS, FIELDS]
    assert records == [json_as_xml_text(r) for r in as_json(get(client, "/requests.json"))]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_it_returns_one_request_by_its_number(client, open311: World, fmt: str) -> None:
    case = case_in_state(open311, State.ASSIGNED)

    response = get(client, f"/requests/{case.number}.{fmt}")

    assert response.status_code == 200
    if fmt == "json":
        (record,) = as_json(response)
    else:
        (record,) = xml_records(as_xml(response), "request")
    assert record["service_request_id"] == case.number
    assert record["status"] == "open"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_it_answers_an_unknown_request_with_404(client, open311: World, fmt: str) -> None:
    response = get(client, f"/requests/WZ-1999-000001.{fmt}")

    assert response.status_code == 404
    errors = as_json(response) if fmt == "json" else xml_records(as_xml(response), "error")
    assert str(errors[0]["code"]) == "404"


def test_it_never_shows_a_private_case(client, open311: World) -> None:
    private = new_case(open311, is_public=False)
    public = new_case(open311)

    assert numbers(get(client, "/requests.json")) == [public.number]
    assert numbers(get(client, "/requests.json", service_request_id=f"{private.number},{public.number}")) == [
        public.number
    ]
    # The same answer as for a number that does not exist.
    hidden = get(client, f"/requests/{private.number}.json")
    missing = get(client, "/requests/WZ-1999-000009.json")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content.replace(private.number.encode(), b"?") == missing.content.replace(
        b"WZ-1999-000009", b"?"
    )


def test_it_never_shows_another_organisations_case(client, open311: World) -> None:
    outside = new_case(open311, org=open311.other_city)

    assert numbers(get(client, "/requests.json")) == []
    assert get(client, f"/requests/{outside.number}.json").status_code == 404


def test_it_shows_no_personal_data_in_any_format(client, open311: World, committed: Committed) -> None:
    with committed():
        case = case_in_state(
            open311,
            State.PUBLISHED,
            body=BODY,
            contact_name="王小明",
            contact_phone="13800138000",
            contact_email="citizen@example.org",
        )
    case_in_state(open311, State.HANDLING, body=BODY, contact_email="citizen@example.org")

    for path in (
        "/requests.json",
        "/requests.xml",
        f"/requests/{case.number}.json",
        f"/requests/{case.number}.xml",
    ):
        content = get(client, path).content.decode()
        for secret in (PHONE, EMAIL, "13800138000", "citizen@example.org", "王小明", "小明", "501室"):
            assert secret not in content, (path, secret)
    assert "139****5678" in get(client, "/requests.json").content.decode()


def test_it_maps_the_chain_onto_open_and_closed(client, open311: World, committed: Committed) -> None:
    states = [
        State.RECEIVED,
        State.HANDLING,
        State.IN_REVIEW,
        State.PUBLISHED,
        State.ARCHIVED,
        State.WITHDRAWN,
    ]
    with committed():
        cases = {state: case_in_state(open311, state) for state in states}

    records = {r["service_request_id"]: r for r in as_json(get(client, "/requests.json"))}

    status = {state: records[case.number]["status"] for state, case in cases.items()}
    assert status == {
        State.RECEIVED: "open",
        State.HANDLING: "open",
        State.IN_REVIEW: "open",
        State.PUBLISHED: "closed",
        State.ARCHIVED: "closed",
        State.WITHDRAWN: "closed",
    }
    withdrawn = records[cases[State.WITHDRAWN].number]
    # Closed without an answer: it leaves the public board, so its text is not shown either.
    assert withdrawn["description"] is None
    assert withdrawn["expected_datetime"] is None
    assert withdrawn["status_notes"] == str(State.WITHDRAWN.label)
    cases[State.WITHDRAWN].refresh_from_db()
    assert withdrawn["updated_datetime"] == serializers.w3c(cases[State.WITHDRAWN].closed_at)


def test_it_filters_by_status(client, open311: World, committed: Committed) -> None:
    handling = case_in_state(open311, State.HANDLING)
    with committed():
        published = case_in_state(open311, State.PUBLISHED)

    assert numbers(get(client, "/requests.json", status="open")) == [handling.number]
    assert numbers(get(client, "/requests.json", status="closed")) == [published.number]
    assert numbers(get(client, "/requests.json", status="open,closed")) == [published.number, handling.number]
    assert numbers(get(client, "/requests.json", status="")) == [published.number, handling.number]
    assert get(client, "/requests.json", status="pending").status_code == 400


def test_it_filters_by_service_code(client, open311: World) -> None:
    registered = case_in_state(open311, State.REGISTERED)  # classified under the leaf
    unclassified = new_case(open311)

    assert numbers(get(client, "/requests.json", service_code=str(open311.leaf.pk))) == [registered.number]
    assert numbers(get(client, "/requests.json", service_code=f"{open311.leaf.pk},99999")) == [
        registered.number
    ]
    assert numbers(get(client, "/requests.json", service_code="99999")) == []
    assert numbers(get(client, "/requests.json")) == [unclassified.number, registered.number]
    assert get(client, "/requests.json", service_code="abc").status_code == 400


def test_it_defaults_to_the_last_90_days(client, open311: World) -> None:
    recent = received(open311, 10)
    received(open311, 100)

    assert numbers(get(client, "/requests.json")) == [recent.number]


def test_it_filters_by_start_and_end_date(client, open311: World) -> None:
    old = received(open311, 100)
    middle = received(open311, 50)
    recent = received(open311, 10)
    w3c = serializers.w3c

    window = {
        "start_date": w3c(clock.now() - timedelta(days=120)),
        "end_date": w3c(clock.now() - timedelta(days=40)),
    }
    assert numbers(get(client, "/requests.json", **window)) == [middle.number, old.number]
    # Only a start: 90 days from it. Only an end: the 90 days before it.
    start_only = {"start_date": w3c(clock.now() - timedelta(days=120))}
    assert numbers(get(client, "/requests.json", **start_only)) == [middle.number, old.number]
    end_only = {"end_date": w3c(clock.now() - timedelta(days=95))}
    assert numbers(get(client, "/requests.json", **end_only)) == [old.number]
    beijing = (
        (clock.now() - timedelta(days=60)).astimezone(clock.local_tz()).strftime("%Y-%m-%dT%H:%M:%S+08:00")
    )
    assert numbers(get(client, "/requests.json", start_date=beijing)) == [recent.number, middle.number]
    utc = (clock.now() - timedelta(days=60)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert numbers(
        get(client, "/requests.json", start_date=utc, end_date=w3c(clock.now() - timedelta(days=30)))
    ) == [middle.number]


@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},  # more than 90 days
        {"start_date": "2026-03-01T00:00:00Z", "end_date": "2026-02-01T00:00:00Z"},  # backwards
        {"start_date": "2026-03-01T00:00:00"},  # no time zone
        {"start_date": "yesterday"},
        {"end_date": "2026-02-30"},
        {"page": "0"},
        {"page_size": "-5"},
        {"page": "two"},
    ],
)
def test_it_answers_invalid_search_arguments_with_400(client, open311: World, params: dict[str, str]) -> None:
    response = get(client, "/requests.xml", **params)

    assert response.status_code == 400
    assert xml_records(as_xml(response), "error")[0]["code"] == "400"


def test_it_reads_w3c_dates_with_a_zone_or_as_local_days() -> None:
    parse = forms.parse_w3c_datetime

    assert parse("start_date", "2026-03-05T10:00:00Z") == parse("start_date", "2026-03-05T18:00:00+08:00")
    # An unencoded "+" arrives as a space.
    assert parse("start_date", "2026-03-05T18:00:00 08:00") == parse("start_date", "2026-03-05T10:00:00Z")
    assert serializers.w3c(parse("start_date", "2026-03-05")) == "2026-03-05T00:00:00+08:00"


def test_it_finds_requests_by_number_regardless_of_other_arguments(client, open311: World) -> None:
    old = received(open311, 300)
    recent = received(open311, 1)

    found = get(
        client, "/requests.json", service_request_id=f"{old.number}, {recent.number}", status="closed"
    )

    assert sorted(numbers(found)) == sorted([old.number, recent.number])


def test_it_pages_through_the_requests(client, open311: World) -> None:
    cases = [received(open311, days) for days in (1, 2, 3, 4, 5)]
    newest_first = [c.number for c in cases]

    assert numbers(get(client, "/requests.json", page_size=2)) == newest_first[:2]
    assert numbers(get(client, "/requests.json", page_size=2, page=2)) == newest_first[2:4]
    assert numbers(get(client, "/requests.json", page_size=2, page=3)) == newest_first[4:]
    assert numbers(get(client, "/requests.json", page_size=2, page=4)) == []
    assert numbers(get(client, "/requests.json", page="999999999999")) == []


def test_it_caps_the_page_size_at_200() -> None:
    assert forms.parse_request_filter({"page_size": "5000"}).page_size == 200
    assert forms.parse_request_filter({}).page_size == 200
    assert forms.parse_request_filter({"page_size": "20", "page": "3"}).offset == 40


def test_it_gives_the_running_completion_clock_as_expected_datetime(client, open311: World) -> None:
    case = case_in_state(open311, State.ASSIGNED)
    completion = CaseClock.objects.get(case=case, kind=ClockKind.COMPLETION, stopped_at__isnull=True)
    claim = CaseClock.objects.get(case=case, kind=ClockKind.CLAIM, stopped_at__isnull=True)
    assert claim.due_at < completion.due_at  # the claim clock runs too, and ends earlier

    (record,) = as_json(get(client, f"/requests/{case.number}.json"))

    assert record["expected_datetime"] == serializers.w3c(completion.due_at)


def test_it_follows_an_extension_of_the_completion_clock(client, open311: World) -> None:
    case = case_in_state(open311, State.HANDLING)
    CaseClock.objects.filter(case=case, kind=ClockKind.COMPLETION).update(
        due_at=clock.now() + timedelta(days=30)
    )
    completion = CaseClock.objects.get(case=case, kind=ClockKind.COMPLETION)

    (record,) = as_json(get(client, f"/requests/{case.number}.json"))

    assert record["expected_datetime"] == serializers.w3c(completion.due_at)


def test_it_gives_the_earliest_running_clock_without_a_completion_clock(client, open311: World) -> None:
    case = case_in_state(open311, State.ASSIGNED)
    CaseClock.objects.filter(case=case, kind=ClockKind.COMPLETION).delete()
    claim = CaseClock.objects.get(case=case, kind=ClockKind.CLAIM)

    (record,) = as_json(get(client, f"/requests/{case.number}.json"))

    assert record["expected_datetime"] == serializers.w3c(claim.due_at)


def test_it_has_no_expected_datetime_before_any_clock_runs(client, open311: World) -> None:
    case = new_case(open311)

    (record,) = as_json(get(client, f"/requests/{case.number}.json"))

    assert not CaseClock.objects.filter(case=case).exists()
    assert record["expected_datetime"] is None
    assert record["service_code"] is None
    assert record["agency_responsible"] is None


def test_it_shows_the_new_reply_only_once_a_sent_back_case_is_answered_again(
    client, open311: World, committed: Committed
) -> None:
    with committed():
        case = case_in_state(open311, State.PUBLISHED)
        actions.do_send_back(case, acting_user=open311.supervisor, reason="回访不满意")

    (record,) = as_json(get(client, f"/requests/{case.number}.json"))

    assert record["status"] == "open"
    assert record["service_notice"] is None


def test_it_keeps_to_a_query_budget(
    client, open311: World, committed: Committed, django_assert_max_num_queries
) -> None:
    with committed():
        for _ in range(3):
            case_in_state(open311, State.PUBLISHED)
    for _ in range(3):
        case_in_state(open311, State.HANDLING)

    with django_assert_max_num_queries(5):
        assert len(numbers(get(client, "/requests.json"))) == 6
