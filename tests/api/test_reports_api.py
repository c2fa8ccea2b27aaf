"""Reports through the API: the same actions and checks as the report form.

Bad input (malformed JSON, wrong types, huge payloads, unknown codes, another unit's
report, a submission after the lock, a replayed request) gets a clear 4xx, and nothing
already saved changes.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from mubiao.api.actions import create_token, revoke_token
from mubiao.api.models import ApiToken, ApiTokenUse
from mubiao.audit.models import AuditEntry
from mubiao.reporting.models import ReportVersion


@pytest.fixture
def bearer(world):
    def make(persona: str, read_only: bool = False) -> dict[str, str]:
        _token, raw = create_token(world.users[persona], name="api", read_only=read_only)
        return {"Authorization": f"Bearer {raw}"}

    return make


def post(client, path, body, headers, raw=False):
    data = body if raw else json.dumps(body)
    return client.post(
        f"/api/v1{path}", data=data, content_type="application/json", headers=headers
    )


GOOD = {"progress": "已开工312个项目", "values": {"projects": 312, "investment": "405.5"}}


def test_a_unit_lists_its_reports_and_submits_one(client, world, slot, bearer):
    headers = bearer("fgw")
    listing = client.get("/api/v1/plans/demo-2026/reports?cycle=202603&unit=fgw", headers=headers)
    assert {r["task"] for r in listing.json()["items"]} == {"t1", "t3"}
    report = slot("fgw", "t1")
    response = post(client, f"/reports/{report.code}/submit", GOOD, headers)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "submitted"
    assert body["versions"][-1]["values"] == {"projects": 312.0, "investment": 405.5}
    assert AuditEntry.objects.filter(action="report.submit").count() == 1


def test_the_supervisor_approves_through_the_api(client, world, slot, bearer):
    report = slot("fgw", "t1")
    post(client, f"/reports/{report.code}/submit", GOOD, bearer("fgw"))
    response = post(
        client, f"/reports/{report.code}/approve", {"comment": "好"}, bearer("supervisor")
    )
    assert response.json()["state"] == "approved"
    assert response.json()["reviews"][0]["decision"] == "approve"


def saved(report) -> list:
    return list(ReportVersion.objects.filter(report=report).values_list("number", "submitted_at"))


@pytest.mark.parametrize(
    ("body", "raw", "status"),
    [
        ("{not json", True, 400),
        ({"values": {"projects": "很多"}}, False, 422),
        ({"values": {"nonsense": 1}}, False, 422),
        ({"values": [1, 2]}, False, 422),
        ({"progress": "x" * 20_001}, False, 422),
        ({"values": {f"k{i}": 1 for i in range(500)}}, False, 422),
        ({"draft": "maybe"}, False, 422),
    ],
)
def test_bad_input_is_refused_and_nothing_changes(client, world, slot, bearer, body, raw, status):
    report = slot("fgw", "t1")
    post(client, f"/reports/{report.code}/submit", GOOD | {"draft": True}, bearer("fgw"))
    before = saved(report)
    response = post(client, f"/reports/{report.code}/submit", body, bearer("fgw"), raw=raw)
    assert response.status_code == status
    assert response.json()["error"]["code"] in {"malformed", "invalid"}
    assert saved(report) == before


def test_a_replayed_submission_is_refused(client, world, slot, bearer):
    report = slot("fgw", "t1")
    first = post(client, f"/reports/{report.code}/submit", GOOD, bearer("fgw"))
    again = post(client, f"/reports/{report.code}/submit", GOOD, bearer("fgw"))
    assert first.status_code == 200 and again.status_code == 422
    assert again.json()["error"]["code"] == "invalid"
    assert len(saved(report)) == 1


def test_another_units_report_is_forbidden(client, world, slot, bearer):
    report = slot("fgw", "t3")
    response = post(client, f"/reports/{report.code}/submit", GOOD | {"values": {}}, bearer("swj"))
    assert response.status_code == 403
    assert saved(report) == []


def test_a_read_only_token_cannot_submit(client, world, slot, bearer):
    report = slot("fgw", "t1")
    response = post(client, f"/reports/{report.code}/submit", GOOD, bearer("fgw", read_only=True))
    assert response.status_code == 403
    assert saved(report) == []
    # The refused write is on the token's log, as every use is.
    use = ApiTokenUse.objects.get()
    assert (use.method, use.path, use.refused) == (
        "POST",
        f"/api/v1/reports/{report.code}/submit",
        True,
    )


@pytest.mark.parametrize("how", ["expired", "revoked", "unknown"])
def test_a_dead_token_on_a_post_is_401_not_a_csrf_refusal(client, world, slot, bearer, how):
    report = slot("fgw", "t1")
    headers = bearer("fgw")
    token = ApiToken.objects.get()
    if how == "expired":
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(1))
    elif how == "revoked":
        revoke_token(world.users["fgw"], token)
    else:
        headers = {"Authorization": "Bearer mb_" + "x" * 43}
    response = post(client, f"/reports/{report.code}/submit", GOOD, headers)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"
    assert saved(report) == []


def test_a_dead_token_is_refused_even_with_a_logged_in_session(client, world, slot, bearer, login):
    report = slot("fgw", "t1")
    headers = {"Authorization": "Bearer mb_" + "y" * 43}
    response = post(login("fgw"), f"/reports/{report.code}/submit", GOOD, headers)
    assert response.status_code == 401
    assert saved(report) == []


def test_a_submission_after_the_lock_is_refused(client, world, slot, clock, bearer):
    report = slot("fgw", "t1")
    clock("2026-04-11")
    response = post(client, f"/reports/{report.code}/submit", GOOD, bearer("fgw"))
    assert response.status_code == 422
    assert "锁定" in response.json()["error"]["message"]
    assert saved(report) == []


def test_an_unknown_report_code_is_404(client, world, bearer):
    response = post(
        client, "/reports/00000000-0000-0000-0000-000000000000/submit", GOOD, bearer("fgw")
    )
    assert response.status_code == 404
    assert client.get("/api/v1/reports/not-a-uuid", headers=bearer("fgw")).status_code == 422


def test_cycles_are_listed_with_their_calendar(client, world, march, bearer):
    cycles = client.get("/api/v1/plans/demo-2026/cycles", headers=bearer("county")).json()
    by_code = {c["code"]: c for c in cycles}
    assert by_code["202603"]["due_on"] == "2026-04-05"
    assert by_code["202603"]["locks_on"] == "2026-04-10"
