"""Schemathesis against the live OpenAPI document: no 5xx, every response as documented.

Each operation of the document gets generated requests (valid and invalid parameters)
sent with the supervisor's token through the WSGI application.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import ignored_auth

from mubiao.api.actions import create_token
from mubiao.wsgi import application


@pytest.fixture
def connection_kept_open():
    """Schemathesis calls the WSGI application directly, whose request signals would close
    the database connection that holds the test's transaction (Django's test client
    disconnects them the same way)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_the_api_never_fails_and_matches_its_schema(world, connection_kept_open):
    _token, raw = create_token(world.users["supervisor"], name="fuzz")
    headers = {"Authorization": f"Bearer {raw}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=30,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            response = case.call(headers=headers)
            assert response.status_code < 500, (
                f"{case.method} {case.formatted_path}: {response.text}"
            )
            # We send a valid token ourselves, so "the API ignored the generated (invalid)
            # credentials" is not a finding here; bad tokens are tested in test_api.py.
            case.validate_response(response, excluded_checks=[ignored_auth])

        check()
