"""Supervision through the API: the same reads and the same actions, for every role."""

from __future__ import annotations

import json

import pytest

from mubiao.api.actions import create_token
from mubiao.supervision.models import SupervisionItem

S = SupervisionItem.State


@pytest.fixture
def api(client, world):
    def call(persona: str, method: str, path: str, body: dict | None = None):
        _token, raw = create_token(world.users[persona], name="t", read_only=False)
        headers = {"Authorization": f"Bearer {raw}", "Accept-Language": "en"}
        if method == "get":
            return client.get(f"/api/v1{path}", headers=headers)
        return client.post(f"/api/v1{path}", data=json.dumps(body or {}), content_type="application/json",
                           headers=headers)  # fmt: skip

    return call


def test_the_loop_through_the_api(api, world, clock):
    made = api("leader", "post", "/plans/demo-2026/instructions",
               {"text": "请督办", "subject": "indicator", "code": "gdp", "urgency": "urgent"})  # fmt: skip
    assert made.status_code == 201, made.content
    code = made.json()["item"]
    item = api("supervisor", "get", f"/supervision/items/{code}").json()
    assert item["state"] == "registered" and item["actions"] == ["assign", "cancel"]
    assert api("fgw", "post", f"/supervision/items/{code}/assign",
               {"lead_unit": "fgw", "deadline": "2026-04-20"}).status_code == 403  # fmt: skip
    r = api("supervisor", "post", f"/supervision/items/{code}/assign",
            {"lead_unit": "fgw", "co_units": ["swj"], "deadline": "2026-04-20"})  # fmt: skip
    assert r.json()["state"] == "assigned" and r.json()["co_units"] == ["swj"]
    assert (
        api("fgw", "post", f"/supervision/items/{code}/acknowledge").json()["state"]
        == "acknowledged"
    )
    r = api(
        "fgw",
        "post",
        f"/supervision/items/{code}/feedback",
        {"text": "完成", "figures": "x", "done": True},
    )
    assert r.status_code == 422 and "line 1" in r.json()["error"]["message"]
    r = api("fgw", "post", f"/supervision/items/{code}/feedback", {"text": "完成", "done": True})
    assert r.json()["state"] == "reported"
    assert api("supervisor", "post", f"/supervision/items/{code}/return", {}).status_code == 422
    assert (
        api("supervisor", "post", f"/supervision/items/{code}/return", {"comment": "补充"}).json()[
            "state"
        ]
        == "in_progress"
    )
    api("fgw", "post", f"/supervision/items/{code}/feedback", {"text": "已补充", "done": True})
    assert api("fgw", "post", f"/supervision/items/{code}/close", {}).status_code == 403
    closed = api("supervisor", "post", f"/supervision/items/{code}/close", {}).json()
    assert closed["state"] == "closed" and closed["closed_on_time"] is True
    assert [n["action"] for n in closed["nodes"]] == ["register", "assign", "acknowledge", "report", "return",
                                                      "report", "close"]  # fmt: skip
    late = api("fgw", "post", f"/supervision/items/{code}/feedback", {"text": "再补充"})
    assert late.status_code == 422 and "closed" in late.json()["error"]["message"]


READ = {
    "supervisor": 200,
    "leader": 200,
    "viewer": 200,
    "fgw": 200,
    "swj": 200,
    "county": 403,
    "outsider": 403,
}


@pytest.mark.parametrize("persona", sorted(READ))
def test_who_reads_an_item(api, world, item_in, persona):
    item = item_in(S.ASSIGNED)
    assert api(persona, "get", f"/supervision/items/{item.code}").status_code == READ[persona]
    listed = api(persona, "get", "/plans/demo-2026/supervision/items")
    if persona in ("county",):
        assert listed.status_code == 200 and listed.json()["count"] == 0
    elif persona == "outsider":
        assert listed.status_code == 403
    else:
        assert listed.json()["count"] == 1


@pytest.mark.parametrize("persona", ["supervisor", "leader", "fgw", "viewer"])
def test_who_registers_an_item(api, world, clock, persona):
    r = api(persona, "post", "/plans/demo-2026/supervision/items", {"title": "会议议定事项", "matter": "落实会议精神",
                                                                    "source": "meeting", "tasks": ["t1"]})  # fmt: skip
    assert r.status_code == (201 if persona == "supervisor" else 403)


def test_reminders_are_read_and_marked_read_through_the_api(api, world, item_in):
    from mubiao.audit.models import AuditEntry

    item = item_in(S.ASSIGNED)
    unread = api("fgw", "get", "/supervision/messages").json()
    assert [m["item"] for m in unread] == [str(item.code)]
    assert api("supervisor", "get", "/supervision/messages").json() == []
    assert api("fgw", "post", "/supervision/messages/read").json() == {"read": 1}
    assert api("fgw", "get", "/supervision/messages").json() == []
    assert api("fgw", "post", "/supervision/messages/read").json() == {"read": 0}
    assert AuditEntry.objects.filter(action="supervision.messages_read").count() == 1
    assert len(api("swj", "get", "/supervision/messages").json()) == 1


def test_the_office_cancels_through_the_api(api, world, item_in):
    item = item_in(S.ASSIGNED)
    path = f"/supervision/items/{item.code}/cancel"
    assert api("fgw", "post", path, {"reason": "不办了"}).status_code == 403
    assert api("supervisor", "post", path, {"reason": " "}).status_code == 422
    done = api("supervisor", "post", path, {"reason": "已并入其他事项"}).json()
    assert done["state"] == "cancelled" and done["actions"] == [] and done["cancelled_at"]
    assert done["nodes"][-1] == {
        **done["nodes"][-1],
        "action": "cancel",
        "comment": "已并入其他事项",
    }
    again = api("supervisor", "post", path, {"reason": "再撤销"})
    assert again.status_code == 422 and "cannot be done now" in again.json()["error"]["message"]
    listed = api("supervisor", "get", "/plans/demo-2026/supervision/items?state=cancelled").json()
    assert [i["code"] for i in listed["items"]] == [str(item.code)]


def test_items_and_instructions_linked_to_a_report_or_key_project(api, world, slot):
    from mubiao.supervision.models import Instruction
    from tests.projects.conftest import make_project

    report, project = slot("fgw", "t1"), make_project(world)
    body = {"title": "催报", "matter": "请按时报送", "source": "overdue_report",
            "reports": [str(report.code)], "projects": [project.code]}  # fmt: skip
    made = api("supervisor", "post", "/plans/demo-2026/supervision/items", body)
    assert made.status_code == 201, made.content
    assert made.json()["reports"] == [str(report.code)] and made.json()["projects"] == ["p1"]
    item = SupervisionItem.objects.get(code=made.json()["code"])
    assert list(item.reports.all()) == [report] and list(item.projects.all()) == [project]
    bad = api(
        "supervisor", "post", "/plans/demo-2026/supervision/items", {**body, "reports": ["x1"]}
    )
    assert bad.status_code == 422 and "x1 is not a report's code" in bad.json()["error"]["message"]
    unknown = {**body, "projects": ["nope"]}
    assert (
        api("supervisor", "post", "/plans/demo-2026/supervision/items", unknown).status_code == 404
    )
    assert api("fgw", "post", "/plans/demo-2026/supervision/items", body).status_code == 403
    assert SupervisionItem.objects.count() == 1

    on_project = api("leader", "post", "/plans/demo-2026/instructions",
                     {"text": "请加快进度", "subject": "project", "code": "p1"})  # fmt: skip
    assert on_project.status_code == 201, on_project.content
    assert on_project.json()["subject"] == "project" and on_project.json()["on"] == "p1"
    became = SupervisionItem.objects.get(code=on_project.json()["item"])
    assert list(became.projects.all()) == [project] and became.title == project.name
    on_report = api("leader", "post", "/plans/demo-2026/instructions",
                    {"text": "请说明原因", "subject": "report", "code": str(report.code), "want": "answer"})  # fmt: skip
    assert on_report.status_code == 201 and on_report.json()["item"] is None
    assert Instruction.objects.get(code=on_report.json()["code"]).report == report
    listed = api("supervisor", "get", "/plans/demo-2026/instructions").json()
    assert {i["on"] for i in listed} == {"p1", str(report.code)}
    # a county reporter is no leader; a leader cannot instruct on what does not exist
    assert api("county", "post", "/plans/demo-2026/instructions",
               {"text": "x", "subject": "project", "code": "p1"}).status_code == 403  # fmt: skip
    assert api("leader", "post", "/plans/demo-2026/instructions",
               {"text": "x", "subject": "report", "code": str(world.plan.code)}).status_code == 422  # fmt: skip
    r = api("leader", "post", "/plans/demo-2026/instructions",
            {"text": "x", "subject": "item", "code": "-pk"})  # fmt: skip
    assert r.status_code == 422
    assert r.json()["error"]["message"] == "-pk is not a supervision item's code."


def test_the_openapi_document_describes_the_links_cancel_and_reminders(client, db):
    document = client.get("/api/v1/openapi.json").json()
    paths = document["paths"]
    for path in ("/api/v1/supervision/items/{code}/cancel", "/api/v1/supervision/messages",
                 "/api/v1/supervision/messages/read"):  # fmt: skip
        assert path in paths, path
    schemas = document["components"]["schemas"]
    assert {"reports", "projects"} <= set(schemas["ItemIn"]["properties"])
    assert {"reports", "projects", "cancelled_at"} <= set(schemas["ItemOut"]["properties"])
    subjects = schemas["InstructionIn"]["properties"]["subject"]
    assert {"report", "project"} <= set(subjects.get("enum", []))
