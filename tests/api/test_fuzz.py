"""Schemathesis against the live OpenAPI document: no 5xx, every response as documented.

Each operation of the document gets generated requests (valid and invalid parameters)
sent through the WSGI application: every operation with the supervisor's read-only token,
then every write with a token that may write, aimed at the demo plan's real items as well
as at generated codes, so the actions themselves meet the generated bodies.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.specs.openapi.checks import ignored_auth, positive_data_acceptance

from mubiao.api.actions import create_token
from mubiao.plans import actions as plan_actions
from mubiao.plans.models import ChangeRequest, Indicator, Milestone, Task
from mubiao.reporting.models import Report
from mubiao.wsgi import application

WRITES = {"POST", "PATCH", "PUT", "DELETE"}


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


def real_codes(world) -> dict[str, str]:
    """Path parameters that name real items of the demo plan, per parameter name."""
    task = Task.objects.get(plan=world.plan, code="t1")
    plan_actions.issue(world.users["supervisor"], world.plan)
    change = plan_actions.request_change(
        world.users["fgw"], task, kind="deadline", proposed={"deadline": "2026-11-30"},
        reason="项目用地手续滞后",
    )  # fmt: skip
    milestone = Milestone.objects.filter(task__plan=world.plan).select_related("task").first()
    assert milestone is not None
    report = Report.objects.filter(cycle__plan=world.plan, unit__code="fgw").first()
    assert report is not None
    return {
        "plan_code": world.plan.code,
        "task_code": milestone.task.code,
        "milestone_code": milestone.code,
        # {code} is a target under /indicators/, a change request under /change-requests/,
        # a report under /reports/
        "indicator": "investment",
        "change": str(change.code),
        "report": str(report.code),
    }


#: Body fields that name something, and the real item they are pointed at.
REAL_FIELDS = {"area": "investment", "parent": "investment", "task": "t1", "unit": "swj",
               "indicator": "investment", "issuer": "city"}  # fmt: skip


def aim(case, codes: dict[str, str]) -> None:
    """Point the generated request at real items (its path, and the codes and the version
    its body names); the rest of the body stays generated."""
    params = case.path_parameters or {}
    for name in params:
        if name == "code":
            kind = "change" if "/change-requests/" in case.path else "indicator"
            params[name] = codes["report" if "/reports/" in case.path else kind]
        elif name in codes:
            params[name] = codes[name]
    if isinstance(case.body, dict):
        for name, value in REAL_FIELDS.items():
            if name in case.body:
                case.body[name] = value
        if "version" in case.body:
            case.body["version"] = Indicator.objects.get(plan__code="demo-2026",
                                                         code=codes["indicator"]).version  # fmt: skip


#: Routes a unit takes (签收, 调整申请, its evidence, its report): sent with its token.
UNIT_ROUTES = ("/acknowledge", "/change-requests", "/evidence", "/submit")


def said_in_a_sentence(response) -> bool:
    message = response.json().get("error", {}).get("message", "")
    return isinstance(message, str) and len(message) > 3 and message[-1] in ".。!！?？)）"


def test_the_write_routes_never_fail_with_a_token_that_may_write(
    march, world, connection_kept_open, tmp_path
):
    """Every write route with a read-write token (the office's; a unit's for its own
    routes), at generated codes and at the plan's real ones: no 5xx, every refusal a 4xx with a sentence, every answer as
    documented. Each request runs in a savepoint rolled back after it (the test's own
    transaction is rolled back at its end), so no example sees another's writes and no
    other test sees any; uploaded files go to a temporary folder."""
    media = override_settings(MEDIA_ROOT=tmp_path)
    media.enable()
    try:
        _fuzz_writes(world)
    finally:
        media.disable()


def _fuzz_writes(world) -> None:
    codes = real_codes(world)
    tokens = {
        persona: create_token(world.users[persona], name="fuzz", read_only=False)[1]
        for persona in ("supervisor", "fgw")
    }
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    writes = [
        op
        for op in (result.ok() for result in schema.get_all_operations())
        if op.method.upper() in WRITES
    ]
    assert len(writes) >= 15, [f"{op.method} {op.path}" for op in writes]
    before = {model: model.objects.count() for model in (Task, Indicator, Milestone)}
    reached: set[str] = set()
    for operation in writes:

        @given(case=operation.as_strategy(), real=st.booleans())
        @settings(
            max_examples=30,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case, real):
            if real:
                aim(case, codes)
            unit = case.path.endswith(UNIT_ROUTES) and "/decide" not in case.path
            token = tokens["fgw" if unit and case.method != "GET" else "supervisor"]
            headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
            with transaction.atomic():
                response = case.call(headers=headers)
                transaction.set_rollback(True)
            where = f"{case.method} {case.formatted_path} {case.body!r}"
            assert response.status_code < 500, f"{where}: {response.text}"
            if response.status_code >= 400:
                assert said_in_a_sentence(response), f"{where}: {response.text}"
            else:
                reached.add(f"{case.method} {case.operation.path}")
            # A body the schema allows may still be refused by the action (a deadline
            # outside the plan's year, an issued target deleted): a 422 with its sentence,
            # asserted above, not a finding.
            case.validate_response(
                response, excluded_checks=[ignored_auth, positive_data_acceptance]
            )

        check()
    # the real codes let generated bodies through to the actions, not only 404s and 422s
    assert len(reached) >= 10, sorted(reached)
    assert {model: model.objects.count() for model in before} == before
    assert ChangeRequest.objects.filter(code=codes["change"], state="pending").exists()
