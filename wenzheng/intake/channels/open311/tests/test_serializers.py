"""The XML and JSON writers: well-formed whatever the text, and the same structure in both."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from wenzheng.intake.channels.open311 import serializers


def test_it_drops_characters_xml_cannot_carry() -> None:
    # Text from other channels may hold control characters or a lone surrogate.
    hostile = "a\x00b\x0bc\x1fd\ud800e\ufffef <tag> & ]]> \u202e😀"

    document = serializers.to_xml("service_requests", [{"description": hostile}])

    root = ET.fromstring(document.encode("utf-8"))  # noqa: S314 - our own output
    assert root.findtext("request/description") == "abcdef <tag> & ]]> \u202e😀"


def test_it_writes_lists_none_and_booleans_the_spark_way() -> None:
    payload = [{"service_code": "7", "metadata": False, "keywords": None, "formats": ["text/xml"]}]

    root = ET.fromstring(serializers.to_xml("services", payload))  # noqa: S314
    assert [child.tag for child in root.find("service")] == [
        "service_code",
        "metadata",
        "keywords",
        "formats",
    ]
    assert root.findtext("service/metadata") == "false"
    assert root.findtext("service/keywords") == ""
    assert [f.text for f in root.findall("service/formats/format")] == ["text/xml"]
    assert json.loads(serializers.to_json(payload)) == payload


def test_it_sets_the_content_type_and_status() -> None:
    response = serializers.render("json", "services", [], status=201)

    assert response.status_code == 201
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert serializers.render("xml", "services", [])["Content-Type"] == "text/xml; charset=utf-8"
