"""Property-based test of the whole API against its own OpenAPI document (schemathesis).

Every operation gets generated requests — valid and invalid — sent with a valid key through the
WSGI application; no answer may be a server error, and every answer must match the schema
declared for its status. Bounded to about 25 examples per operation to stay well under a minute.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from wenzheng.casework.models import Case
from wenzheng.casework.workflow import State
from wenzheng.intake.channels.api.auth import do_create_api_key
from wenzheng.intake.channels.api.models import SCOPES
from wenzheng.testing.chain import case_in_state
from wenzheng.testing.personas import World
from wenzheng.wsgi import application

# Loaded when the module is collected (the document needs no database): schemathesis makes one test
# per operation from it.
REFERENCES = ("received_at", "mailbox_code", "territory_code", "category", "contact_phone", "contact_email")
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def connection_kept_open() -> Iterator[None]:
    # The WSGI handler closes the database connection around each request, which would end the
    # test's transaction; Django's test client disconnects the same receiver for the same reason.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_headers(world: World) -> dict[str, str]:
    issued = do_create_api_key(
        name="fuzzer", org=world.city, scopes=",".join(SCOPES), rate_limit_per_minute=1_000_000
    )
    return {"Authorization": f"Bearer {issued.secret}"}


@pytest.fixture
def known_case(world: World) -> Case:
    # Some generated requests are pointed at a real open case, so the success paths run too.
    return case_in_state(world, State.HANDLING)


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
    ],
)
def test_it_answers_every_generated_request_as_its_schema_says(
    case: Any, fuzz_headers: dict[str, str], known_case: Case, connection_kept_open: None
) -> None:
    # Generated values rarely name a real case, mailbox or category, or a time within the last 30
    # days; for about half of the examples, point at a real case and drop those fields, so that the
    # success paths are exercised as well as the refusals.
    parameters = case.path_parameters or {}
    if "number" in parameters and len(str(parameters["number"])) % 2 == 0:
        parameters["number"] = known_case.number
    if isinstance(case.body, dict) and len(str(case.body)) % 2 == 0:
        for name in REFERENCES:
            case.body.pop(name, None)
    case.call_and_validate(
        headers=fuzz_headers,
        checks=[
            not_a_server_error,
            response_schema_conformance,
            status_code_conformance,
            content_type_conformance,
        ],
    )
