"""The JSON API: tokens, scoping through the access helpers, one error shape."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from mubiao.api.actions import create_token, revoke_token
from mubiao.api.models import ApiToken, ApiTokenUse, hash_token
from mubiao.api.v1 import api

SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S | re.I)


@pytest.fixture
def token_for(world):
    def make(persona: str, **kwargs) -> str:
        _token, raw = create_token(world.users[persona], name="test system", **kwargs)
        return raw

    return make


def call(client, path: str, raw: str | None = None, **headers):
    if raw:
        headers["Authorization"] = f"Bearer {raw}"
    return client.get(f"/api/v1{path}", headers=headers)


def test_a_token_is_stored_hashed_and_shown_once(world, login):
    client = login("fgw")
    page = client.post("/account/tokens/", {"name": "省平台对接", "read_only": "on"}).text
    raw = page.split('data-testid="raw-token">')[1].split("<")[0]
    assert raw.startswith("mb_") and len(raw) > 40
    token = ApiToken.objects.get(user=world.users["fgw"])
    assert token.token_hash == hash_token(raw) and raw not in token.token_hash
    assert raw not in client.get("/account/tokens/").text


def test_a_token_reads_what_its_user_may_see(client, token_for):
    raw = token_for("fgw")
    tasks = call(client, "/plans/demo-2026/tasks", raw).json()
    assert {t["code"] for t in tasks["items"]} == {"t1", "t3"}
    assert tasks["count"] == 2
    assert call(client, "/plans/demo-2026/tasks/t2", raw).status_code == 403
    assert call(client, "/units/swj", raw).status_code == 403


def test_the_supervisor_reads_the_whole_plan(client, token_for):
    raw = token_for("supervisor")
    plan = call(client, "/plans/demo-2026", raw).json()
    assert plan["tasks"] == 4 and plan["indicators"] == 4
    indicators = call(client, "/plans/demo-2026/indicators?headline=true", raw).json()["items"]
    gdp = next(i for i in indicators if i["code"] == "gdp")
    assert (gdp["comparator"], gdp["value"], gdp["unit"]) == (">=", 5.5, "%")
    sales = call(client, "/plans/demo-2026/indicators", raw).json()["items"]
    assert next(i for i in sales if i["code"] == "sales")["value_max"] == 6.0


def test_filters_and_pages(client, token_for):
    raw = token_for("supervisor")
    by_unit = call(client, "/plans/demo-2026/tasks?unit=county", raw).json()
    assert [t["code"] for t in by_unit["items"]] == ["t4"]
    first = call(client, "/plans/demo-2026/tasks?page_size=3", raw).json()
    second = call(client, "/plans/demo-2026/tasks?page_size=3&page=2", raw).json()
    assert (first["pages"], len(first["items"]), len(second["items"])) == (2, 3, 1)


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/plans/nope", 404, "not_found"),
        ("/plans/demo-2026/tasks/nope", 404, "not_found"),
        ("/plans/demo-2026/tasks?page=0", 422, "invalid"),
        ("/plans/demo-2026/tasks?page_size=5000", 422, "invalid"),
        ("/plans/demo-2026/indicators?headline=perhaps", 422, "invalid"),
    ],
)
def test_bad_requests_get_one_error_shape(client, token_for, path, status, code):
    response = call(client, path, token_for("supervisor"))
    assert response.status_code == status
    body = response.json()
    assert body["error"]["code"] == code and body["error"]["message"]


def test_errors_speak_the_callers_language(client, token_for):
    raw = token_for("supervisor")
    zh = call(client, "/plans/nope", raw).json()["error"]["message"]
    en = call(client, "/plans/nope", raw, **{"Accept-Language": "en"}).json()["error"]["message"]
    assert en == "There is nothing with that code." and zh != en


def test_an_outsider_sees_no_plans(client, token_for):
    raw = token_for("outsider")
    assert call(client, "/plans", raw).json()["count"] == 0
    assert call(client, "/plans/demo-2026", raw).status_code == 403


@pytest.mark.parametrize("header", [None, "Bearer mb_nonsense", "Bearer ", "Basic abc"])
def test_no_or_a_bad_token_is_401(client, world, header):
    headers = {"Authorization": header} if header else {}
    response = client.get("/api/v1/plans", headers=headers)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_revoked_and_expired_tokens_stop_working(client, world, token_for):
    raw = token_for("fgw", days=1)
    assert call(client, "/me", raw).status_code == 200
    token = ApiToken.objects.get(user=world.users["fgw"])
    ApiToken.objects.filter(pk=token.pk).update(
        expires_at=token.created_at - dt.timedelta(seconds=1)
    )
    assert call(client, "/me", raw).status_code == 401
    raw2 = token_for("fgw")
    revoke_token(world.users["fgw"], ApiToken.objects.get(token_hash=hash_token(raw2)))
    assert call(client, "/me", raw2).status_code == 401


def test_a_user_cannot_revoke_anothers_token(client, world, login, token_for):
    token_for("fgw")
    prefix = ApiToken.objects.get().prefix
    response = login("swj").post(f"/account/tokens/{prefix}/revoke/")
    assert response.status_code == 404
    assert ApiToken.objects.get().revoked_at is None


def test_every_use_is_logged(client, token_for):
    raw = token_for("swj")
    call(client, "/me", raw)
    call(client, "/plans", raw)
    assert list(ApiTokenUse.objects.order_by("at").values_list("path", flat=True)) == [
        "/api/v1/me",
        "/api/v1/plans",
    ]


def test_the_browser_session_works_too(login):
    response = login("leader").get("/api/v1/me")
    assert response.json()["username"] == "leader"


def test_every_endpoint_is_in_the_openapi_document(client, world):
    document = client.get("/api/v1/openapi.json").json()
    documented = {path for path in document["paths"]}
    routes = {
        "/api/v1" + prefix.rstrip("/") + path if path else "/api/v1" + prefix
        for prefix, router in api._routers
        for path in router.path_operations
    }
    assert routes - {"/api/v1"} <= documented
    assert len(documented) >= 8


def test_the_docs_page_is_served_without_inline_scripts(client, world):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    scripts = SCRIPT.findall(response.text)
    assert scripts, "the docs page loads Swagger UI's scripts"
    for attributes, body in scripts:
        if 'type="application/json"' in attributes:
            continue  # data for the page's script, never executed
        assert 'src="' in attributes and not body.strip(), (attributes, body)
    assert any("swagger-ui-init.js" in attributes for attributes, _ in scripts)
    assert not re.search(r"\son[a-z]+=", response.text)  # no inline event handlers


def test_projects_are_read_within_the_callers_scope(client, world, token_for):
    from mubiao.projects.models import Project

    Project.objects.create(plan=world.plan, code="p1", name="县农田项目", category="new",
                           county=world.units["county"], annual_plan=1200)  # fmt: skip
    Project.objects.create(plan=world.plan, code="p2", name="市物流园", category="ongoing",
                           lead=world.units["fgw"])  # fmt: skip
    county = call(client, "/plans/demo-2026/projects", token_for("county")).json()
    assert [p["code"] for p in county["items"]] == ["p1"]
    assert county["items"][0]["annual_plan"] == 1200.0
    everything = call(
        client, "/plans/demo-2026/projects?category=ongoing", token_for("leader")
    ).json()
    assert [p["code"] for p in everything["items"]] == ["p2"]
    assert call(client, "/plans/demo-2026/projects/p2", token_for("county")).status_code == 403
