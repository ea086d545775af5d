"""Discovery, the service list and service definitions; formats, methods and jurisdiction."""

from __future__ import annotations

import pytest

from wenzheng.casework.models import Category
from wenzheng.intake.channels.open311.tests.conftest import (
    as_json,
    as_xml,
    get,
    json_as_xml_text,
    xml_records,
)
from wenzheng.portal.selectors import portal_org
from wenzheng.testing.personas import World


def test_it_serves_the_city_as_the_portal_organisation(open311: World) -> None:
    assert portal_org() == open311.city


def test_it_serves_the_discovery_document_in_json(client, open311: World) -> None:
    response = get(client, "/discovery.json")

    assert response.status_code == 200
    document = as_json(response)
    assert set(document) == {"changeset", "contact", "key_service", "endpoints"}
    assert document["changeset"]
    assert document["endpoints"] == [
        {
            "specification": "http://wiki.open311.org/GeoReport_v2",
            "url": "http://testserver/open311/v2",
            "changeset": document["changeset"],
            "type": "production",
            "formats": ["text/xml", "application/json"],
        }
    ]


def test_it_serves_the_discovery_document_in_xml(client, open311: World) -> None:
    root = as_xml(get(client, "/discovery.xml"))

    assert root.tag == "discovery"
    assert [child.tag for child in root] == ["changeset", "contact", "key_service", "endpoints"]
    endpoint = root.find("endpoints/endpoint")
    assert endpoint is not None
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint.findtext("url") == "http://testserver/open311/v2"
    assert endpoint.findtext("type") == "production"
    assert [f.text for f in endpoint.findall("formats/format")] == ["text/xml", "application/json"]


def test_it_moves_the_changeset_when_a_category_is_edited_in_the_admin(client, open311: World) -> None:
    before = as_json(get(client, "/discovery.json"))["changeset"]
    client.force_login(open311.admin)
    open311.admin.is_staff = open311.admin.is_superuser = True
    open311.admin.save()
    response = client.post(
        f"/admin/casework/category/{open311.leaf.pk}/change/",
        {"name": "物业服务", "parent": open311.leaf.parent_id, "is_active": "on", "sort_order": 0},
    )
    assert response.status_code == 302
    client.logout()

    after = as_json(get(client, "/discovery.json"))["changeset"]
    assert after > before


@pytest.fixture
def tree(open311: World) -> dict[str, Category]:
    """The world's 城乡建设/住房保障/物业管理 plus a second-level leaf, a retired leaf and a retired branch."""
    mid = open311.leaf.parent
    assert mid is not None
    retired_leaf = Category.objects.create(name="旧分类", parent=mid, is_active=False)
    environment = Category.objects.create(name="生态环境")
    noise = Category.objects.create(name="噪声污染", parent=environment)
    retired_branch = Category.objects.create(name="已停用", parent=environment, is_active=False)
    orphan = Category.objects.create(name="停用分支下的叶子", parent=retired_branch)
    return {"noise": noise, "retired_leaf": retired_leaf, "orphan": orphan, "environment": environment}


def test_it_lists_the_active_leaves_as_services_in_json(client, open311: World, tree) -> None:
    services = as_json(get(client, "/services.json"))

    assert services == [
        {
            "service_code": str(open311.leaf.pk),
            "service_name": "物业管理",
            "description": "城乡建设/住房保障/物业管理",
            "metadata": False,
            "type": "realtime",
            "keywords": "城乡建设, 住房保障",
            "group": "城乡建设",
        },
        {
            "service_code": str(tree["noise"].pk),
            "service_name": "噪声污染",
            "description": "生态环境/噪声污染",
            "metadata": False,
            "type": "realtime",
            "keywords": "生态环境",
            "group": "生态环境",
        },
    ]


def test_it_lists_the_same_services_in_xml(client, open311: World, tree) -> None:
    root = as_xml(get(client, "/services.xml"))

    assert root.tag == "services"
    assert xml_records(root, "service") == [
        json_as_xml_text(s) for s in as_json(get(client, "/services.json"))
    ]
    assert len(root.findall("service")) == 2


def test_it_returns_the_service_definition_in_json_and_xml(client, open311: World) -> None:
    code = str(open311.leaf.pk)

    assert as_json(get(client, f"/services/{code}.json")) == {"service_code": code, "attributes": []}
    root = as_xml(get(client, f"/services/{code}.xml"))
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == code
    attributes = root.find("attributes")
    assert attributes is not None
    assert list(attributes) == []


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_it_answers_a_service_that_is_not_offered_with_404(client, open311: World, tree, fmt: str) -> None:
    for code in (
        str(open311.category.pk),
        str(tree["retired_leaf"].pk),
        str(tree["orphan"].pk),
        "abc",
        "9" * 40,
    ):
        response = get(client, f"/services/{code}.{fmt}")

        assert response.status_code == 404, code
        errors = (
            as_json(response)
            if fmt == "json"
            else [json_as_xml_text(r) for r in xml_records(as_xml(response), "error")]
        )
        assert len(errors) == 1
        assert str(errors[0]["code"]) == "404"
        assert errors[0]["description"]


def test_it_accepts_its_own_jurisdiction_and_rejects_another(client, open311: World) -> None:
    assert get(client, "/services.json", jurisdiction_id=open311.city.code).status_code == 200
    assert get(client, "/services.json", jurisdiction_id="").status_code == 200  # empty = not given

    response = get(client, "/services.xml", jurisdiction_id=open311.other_city.code)
    assert response.status_code == 404
    assert xml_records(as_xml(response), "error")[0]["code"] == "404"
    assert get(client, f"/services/{open311.leaf.pk}.json", jurisdiction_id="nowhere").status_code == 404


def test_it_answers_an_unsupported_format_with_an_xml_error(client, open311: World) -> None:
    response = get(client, "/services.html")

    assert response.status_code == 404
    root = as_xml(response)
    assert root.tag == "errors"
    assert root.findtext("error/code") == "404"


def test_it_refuses_other_methods_with_405(client, open311: World) -> None:
    response = client.delete("/open311/v2/services.json")

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert as_json(response)[0]["code"] == 405
    assert client.put("/open311/v2/requests.xml").status_code == 405


def test_it_answers_400_when_no_organisation_runs_a_ledger(client, db, settings) -> None:
    settings.WENZHENG_PORTAL_ORG = ""
    response = client.get("/open311/v2/services.json")

    assert response.status_code == 400
    assert as_json(response)[0]["code"] == 400
