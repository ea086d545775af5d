"""POST Service Request: a form-encoded request becomes a case through accept()."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.test import Client

from wenzheng.casework.models import Case, Category
from wenzheng.casework.models.case import Channel
from wenzheng.casework.workflow import State
from wenzheng.intake.channels.open311.tests.conftest import API_KEY, BASE, as_json, as_xml, xml_records
from wenzheng.lib.masking import mask_text
from wenzheng.testing.personas import World

DESCRIPTION = "小区门口的路灯坏了两个星期，晚上非常黑，老人出门很不方便，请尽快修理。"


def post(client: Client, fmt: str = "json", **data: Any) -> Any:
    return client.post(f"{BASE}/requests.{fmt}", data)


def form(world: World, **extra: Any) -> dict[str, Any]:
    return {"api_key": API_KEY, "service_code": str(world.leaf.pk), "description": DESCRIPTION, **extra}


def test_it_creates_a_case_from_lat_and_long(client, open311: World) -> None:
    response = post(
        client,
        **form(
            open311,
            lat="28.228209",
            long="112.938814",
            email="zhang.san@example.com",
            phone="13912345678",
            first_name="三",
            last_name="张",
            device_id="device-1",
        ),
    )

    assert response.status_code == 201
    (created,) = as_json(response)
    case = Case.objects.get()
    assert created["service_request_id"] == case.number
    assert created["service_notice"]
    assert created["account_id"] is None
    assert (case.channel, case.source, case.external_ref) == (Channel.OPEN311, "open311", "")
    assert case.org == open311.city
    assert case.state == State.RECEIVED
    assert case.is_public
    assert case.category == open311.leaf
    assert case.subject == DESCRIPTION[:30] + "…"
    assert case.body.startswith(DESCRIPTION)
    assert "28.228209, 112.938814" in case.body
    assert (case.contact_name, case.contact_phone, case.contact_email) == (
        "张三",
        "13912345678",
        "zhang.san@example.com",
    )


def test_it_creates_a_case_from_an_address_string_and_answers_in_xml(client, open311: World) -> None:
    response = post(client, "xml", **form(open311, address_string="甲区幸福路88号"))

    assert response.status_code == 201
    root = as_xml(response)
    assert root.tag == "service_requests"
    (record,) = xml_records(root, "request")
    case = Case.objects.get()
    assert record == {
        "service_request_id": case.number,
        "service_notice": record["service_notice"],
        "account_id": None,
    }
    assert record["service_notice"]
    assert "甲区幸福路88号" in case.body
    assert case.body.index(DESCRIPTION) < case.body.index("甲区幸福路88号")


def test_it_creates_a_case_from_an_address_id(client, open311: World) -> None:
    response = post(client, **form(open311, address_id="ADDR-4471", account_id="acct-9"))

    assert response.status_code == 201
    assert as_json(response)[0]["account_id"] == "acct-9"
    assert "ADDR-4471" in Case.objects.get().body


def test_it_takes_the_service_as_the_message_when_there_is_no_description(client, open311: World) -> None:
    response = post(client, **form(open311, description="", address_string="甲区幸福路"))

    assert response.status_code == 201
    case = Case.objects.get()
    assert case.subject == "物业管理"
    assert case.body.startswith("城乡建设/住房保障/物业管理")


def test_it_accepts_the_api_key_in_the_query_string(client, open311: World) -> None:
    data = form(open311, address_string="甲区幸福路")
    del data["api_key"]
    response = client.post(f"{BASE}/requests.json?api_key={API_KEY}", data)

    assert response.status_code == 201


def test_it_needs_no_csrf_token(open311: World) -> None:
    client = Client(enforce_csrf_checks=True)

    assert post(client, **form(open311, address_string="甲区幸福路")).status_code == 201


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"api_key": "wrong"}, 403),
        ({"api_key": ""}, 403),
        ({"service_code": ""}, 400),
        ({"service_code": "999999"}, 404),
        ({"service_code": "not-a-code"}, 404),
        ({"jurisdiction_id": "T-O"}, 404),
        ({}, 400),  # no location
        ({"lat": "28.2"}, 400),  # lat without long
        ({"lat": "north", "long": "112.9"}, 400),
        ({"lat": "95", "long": "112.9"}, 400),
        ({"lat": "nan", "long": "112.9"}, 400),
        ({"address_string": "甲区", "email": "not-an-email"}, 400),
        ({"address_string": "甲区", "media_url": "javascript:alert(1)"}, 400),
        ({"address_string": "甲区", "description": "长" * 4001}, 400),
        ({"address_string": "甲区", "phone": "1" * 31}, 400),
    ],
)
def test_it_refuses_a_bad_request_with_the_spec_status_and_creates_nothing(
    client, open311: World, fmt: str, change: dict[str, str], status: int
) -> None:
    response = post(client, fmt, **{**form(open311), **change})

    assert response.status_code == status
    if fmt == "json":
        errors = as_json(response)
        assert errors
        assert all(set(e) == {"code", "description"} for e in errors)
        assert errors[0]["code"] == status
    else:
        root = as_xml(response)
        assert root.tag == "errors"
        assert xml_records(root, "error")[0]["code"] == str(status)
    assert not Case.objects.exists()


def test_it_lists_every_invalid_field_at_once(client, open311: World) -> None:
    response = post(client, **form(open311, lat="x", email="bad", media_url="ftp://example.com/a.jpg"))

    assert response.status_code == 400
    assert len(as_json(response)) == 3


def test_it_checks_the_api_key_before_anything_else(client, open311: World) -> None:
    # A caller without a key learns nothing, not even whether a service exists.
    response = post(client, **form(open311, api_key="wrong", service_code="999999"))

    assert response.status_code == 403


def test_it_refuses_every_key_when_none_is_configured(client, open311: World, settings) -> None:
    settings.WENZHENG_OPEN311_API_KEYS = []

    assert post(client, **form(open311, api_key="", address_string="甲区")).status_code == 403
    assert post(client, **form(open311, address_string="甲区")).status_code == 403


def test_it_reads_a_comma_separated_key_setting_as_several_keys(client, open311: World, settings) -> None:
    settings.WENZHENG_OPEN311_API_KEYS = "first-key, second-key"

    assert post(client, **form(open311, api_key="f", address_string="甲区")).status_code == 403
    assert post(client, **form(open311, api_key="second-key", address_string="甲区")).status_code == 201


def test_it_leaves_an_ambiguous_category_name_for_registration(client, open311: World) -> None:
    # Another branch has a leaf of the same name: accept() resolves names, so no hint is safer
    # than the wrong branch.
    other_root = Category.objects.create(name="社区治理")
    other_mid = Category.objects.create(name="小区管理", parent=other_root)
    Category.objects.create(name="物业管理", parent=other_mid)

    response = post(client, **form(open311, address_string="甲区"))

    assert response.status_code == 201
    assert Case.objects.get().category is None


def test_it_keeps_hostile_text_inert_from_post_to_get(client, open311: World) -> None:
    hostile = "<script>alert('x')</script> & ]]> \x00\x0b 电梯😀坏了\u202e"
    response = post(client, "xml", **form(open311, description=hostile, address_string="甲区"))
    assert response.status_code == 201

    number = xml_records(as_xml(response), "request")[0]["service_request_id"]
    root = as_xml(client.get(f"{BASE}/requests/{number}.xml"))
    description = root.findtext("request/description")
    assert description is not None
    assert "<script>alert('x')</script> & ]]>" in description
    assert "\x00" not in description
    assert b"<script>" not in client.get(f"{BASE}/requests/{number}.xml").content
    record = as_json(client.get(f"{BASE}/requests/{number}.json"))[0]
    assert record["description"].startswith(mask_text(Case.objects.get().body)[:20])


def test_it_can_be_read_back_as_an_open_request(client, open311: World) -> None:
    number = as_json(post(client, **form(open311, address_string="甲区")))[0]["service_request_id"]

    (record,) = as_json(client.get(f"{BASE}/requests/{number}.json"))
    assert record["service_request_id"] == number
    assert record["status"] == "open"
    assert record["service_code"] == str(open311.leaf.pk)
    assert record["service_name"] == "物业管理"


def test_it_parses_as_well_formed_xml_even_for_errors_with_hostile_input(client, open311: World) -> None:
    response = post(client, "xml", **form(open311, jurisdiction_id="<x>&\x01"))

    assert response.status_code == 404
    ET.fromstring(response.content)  # noqa: S314
