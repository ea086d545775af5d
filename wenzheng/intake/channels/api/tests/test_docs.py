"""The OpenAPI document and the interactive docs, served without anything from the internet."""

from __future__ import annotations

import re

from django.test import Client

OPERATIONS = {
    ("post", "/api/v1/messages"): {"200", "201", "400", "401", "403", "409", "422", "429"},
    ("get", "/api/v1/messages/{number}"): {"200", "401", "403", "404", "422", "429"},
    ("get", "/api/v1/published"): {"200", "401", "403", "422", "429"},
    ("post", "/api/v1/messages/{number}/followups"): {
        "200",
        "201",
        "400",
        "401",
        "403",
        "404",
        "409",
        "422",
        "429",
    },
}


def test_it_declares_every_operation_with_its_error_responses(db: None) -> None:
    response = Client().get("/api/v1/openapi.json")

    assert response.status_code == 200
    schema = response.json()
    declared = {
        (method, path): set(operation["responses"])
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    }
    assert declared == OPERATIONS
    for path, item in schema["paths"].items():
        for operation in item.values():
            for status, answer in operation["responses"].items():
                ref = answer["content"]["application/json"]["schema"]["$ref"]
                if status.startswith(("4", "5")):
                    assert ref.endswith("/ErrorOut"), (path, status)
            assert operation["security"] == [{"ApiKeyAuth": []}]
    error = schema["components"]["schemas"]["ErrorOut"]
    assert set(error["required"]) == {"error", "message"}
    assert schema["components"]["securitySchemes"]["ApiKeyAuth"]["scheme"] == "bearer"


def test_it_serves_the_interactive_docs_from_local_assets(db: None) -> None:
    response = Client().get("/api/v1/docs/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "swagger-ui-bundle.js" in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page), "the docs page loads a remote asset"
    assert '"validatorUrl": null' in page
