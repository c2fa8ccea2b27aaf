"""Building and issuing a plan through /api/v1/, by the same actions as the editor."""

from __future__ import annotations

import json

from mubiao.api.actions import create_token
from mubiao.plans.models import Indicator, Task


def post(client, world, persona, path, body=None):
    _token, raw = create_token(world.users[persona], name="t", read_only=False)
    return client.post(f"/api/v1{path}", data=json.dumps(body or {}),
                       content_type="application/json",
                       headers={"Authorization": f"Bearer {raw}"})  # fmt: skip


def test_the_office_builds_and_issues_and_a_unit_acknowledges_through_the_api(client, world):
    r = post(client, world, "supervisor", "/plans/demo-2026/areas", {"name": "优环境"})
    assert r.status_code == 201
    area = r.json()["code"]
    r = post(client, world, "supervisor", "/plans/demo-2026/tasks",
             {"title": "优化营商环境", "area": area, "deadline": "2026-10-31"})  # fmt: skip
    assert r.status_code == 201
    task = r.json()["code"]
    r = post(client, world, "supervisor", "/plans/demo-2026/issue")
    assert r.status_code == 422 and "没有牵头单位" in r.json()["error"]["message"]
    r = post(client, world, "supervisor", f"/plans/demo-2026/tasks/{task}/assignments",
             {"unit": "county-agri", "role": "lead"})  # fmt: skip
    assert r.json()["responsible"][0]["unit"] == "county-agri"
    r = post(client, world, "supervisor", "/plans/demo-2026/issue")
    assert r.json() == {"issued": [task]}
    r = post(client, world, "county", f"/plans/demo-2026/tasks/{task}/acknowledge")
    assert r.json()["acknowledged"] is True


def test_a_change_request_through_the_api(client, world):
    r = post(client, world, "fgw", "/plans/demo-2026/tasks/t1/change-requests",
             {"kind": "target", "indicator": "investment", "value": "1400", "reason": "项目延期",
              "effective_from": "2026-07-01"})  # fmt: skip
    assert r.status_code == 201, r.content
    code = r.json()["code"]
    assert post(client, world, "fgw", f"/plans/demo-2026/change-requests/{code}/decide",
                {"approve": True}).status_code == 403  # fmt: skip
    r = post(client, world, "supervisor", f"/plans/demo-2026/change-requests/{code}/decide",
             {"approve": True, "comment": "同意"})  # fmt: skip
    assert r.json()["state"] == "approved"
    assert str(Indicator.objects.get(plan=world.plan, code="investment").value) == "1400.0000"


def test_only_the_office_builds_through_the_api(client, world):
    for persona in ("leader", "fgw", "county", "viewer", "outsider"):
        r = post(client, world, persona, "/plans/demo-2026/tasks", {"title": "x"})
        assert r.status_code == 403, persona
    assert not Task.objects.filter(title="x").exists()
