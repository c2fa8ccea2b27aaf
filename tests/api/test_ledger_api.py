"""The ledger through the API: statuses, expected progress and forecasts as of a date."""

from __future__ import annotations

import pytest

from mubiao.api.actions import create_token
from mubiao.reporting import actions


@pytest.fixture
def bearer(world):
    def make(persona: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {create_token(world.users[persona], name='l')[1]}"}

    return make


def approved_march(world, slot, django_capture_on_commit_callbacks):
    report = slot("fgw", "t1")
    content = actions.Content(progress="进展顺利", values={"projects": "300", "investment": "420"})
    with django_capture_on_commit_callbacks(execute=True):
        actions.submit(world.users["fgw"], report, content)
        actions.approve(world.users["supervisor"], report)
    return report


def test_the_ledger_shows_the_approved_actual_with_its_judgement(
    client, world, slot, bearer, django_capture_on_commit_callbacks
):
    approved_march(world, slot, django_capture_on_commit_callbacks)
    page = client.get(
        "/api/v1/plans/demo-2026/ledger?type=indicator&as_of=2026-04-20", headers=bearer("leader")
    ).json()
    rows = {r["code"]: r for r in page["items"]}
    assert rows["investment"]["actual"] == 420.0
    assert 0 < rows["investment"]["expected_fraction"] < 0.5
    assert rows["investment"]["status"] in {"green", "yellow", "red"}
    assert rows["investment"]["explain_zh"]
    assert rows["gdp"]["actual"] is None
    assert page["as_of"] == "2026-04-20" and page["count"] == 4


def test_a_unit_sees_only_its_own_rows(
    client, world, slot, bearer, django_capture_on_commit_callbacks
):
    approved_march(world, slot, django_capture_on_commit_callbacks)
    page = client.get("/api/v1/plans/demo-2026/ledger", headers=bearer("fgw")).json()
    assert {r["code"] for r in page["items"]} == {"projects", "investment", "t1", "t3"}


@pytest.mark.parametrize(
    "query", ["as_of=2026-13-01", "as_of=2019-01-01", "type=widget", "status=purple", "page=0"]
)
def test_bad_ledger_queries_are_422(client, world, bearer, query):
    response = client.get(f"/api/v1/plans/demo-2026/ledger?{query}", headers=bearer("leader"))
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid"


def test_indicators_carry_their_judgement_when_asked_as_of_a_date(
    client, world, slot, bearer, django_capture_on_commit_callbacks
):
    approved_march(world, slot, django_capture_on_commit_callbacks)
    plain = client.get("/api/v1/plans/demo-2026/indicators", headers=bearer("leader")).json()
    assert all(i["judgement"] is None for i in plain["items"])
    judged = client.get(
        "/api/v1/plans/demo-2026/indicators?as_of=2026-04-20", headers=bearer("leader")
    ).json()
    investment = next(i for i in judged["items"] if i["code"] == "investment")
    assert investment["judgement"]["actual"] == 420.0
    assert investment["judgement"]["as_of"] == "2026-04-20"
    assert investment["judgement"]["status"] in {"green", "yellow", "red"}
