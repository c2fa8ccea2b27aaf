"""Building and issuing a plan through /api/v1/, by the same actions as the editor."""

from __future__ import annotations

import json

from django.core.files.uploadedfile import SimpleUploadedFile

from mubiao.api.actions import create_token
from mubiao.audit.models import AuditEntry
from mubiao.plans import workbook
from mubiao.plans.models import Indicator, Milestone, Plan, TargetRevision, Task


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


def call_headers(world, persona):
    _token, raw = create_token(world.users[persona], name="t", read_only=False)
    return {"Authorization": f"Bearer {raw}", "Accept-Language": "en"}


def call(client, world, persona, method, path, body=None):
    _token, raw = create_token(world.users[persona], name="t", read_only=False)
    return client.generic(method, f"/api/v1{path}", json.dumps(body or {}),
                          content_type="application/json",
                          headers={"Authorization": f"Bearer {raw}", "Accept-Language": "en"})  # fmt: skip


def test_targets_are_created_edited_and_deleted_through_the_api(client, world):
    r = call(client, world, "supervisor", "POST", "/plans/demo-2026/indicators",
             {"area": "growth", "metric": "新增市场主体", "kind": "count", "comparator": ">=",
              "value": "2000", "unit": "户"})  # fmt: skip
    assert r.status_code == 201, r.content
    code, version = r.json()["code"], r.json()["version"]
    assert r.json()["area"] == "growth" and r.json()["value"] == 2000
    r = call(client, world, "supervisor", "PATCH", f"/plans/demo-2026/indicators/{code}",
             {"version": version, "value": "一千"})  # fmt: skip
    assert r.status_code == 422 and "not a number" in r.json()["error"]["message"]
    r = call(client, world, "supervisor", "PATCH", f"/plans/demo-2026/indicators/{code}",
             {"version": version, "value": 2500, "headline": True})  # fmt: skip
    assert r.status_code == 200, r.content
    assert (r.json()["value"], r.json()["headline"]) == (2500, True)
    assert r.json()["metric"] == "新增市场主体"  # fields not sent stay
    r = call(client, world, "supervisor", "PATCH", f"/plans/demo-2026/indicators/{code}",
             {"version": version, "value": 3000})  # fmt: skip
    assert r.status_code == 422 and "Someone else changed" in r.json()["error"]["message"]
    assert Indicator.objects.get(plan=world.plan, code=code).value == 2500
    r = call(client, world, "supervisor", "DELETE", f"/plans/demo-2026/indicators/{code}")
    assert r.status_code == 204 and not Indicator.objects.filter(code=code).exists()


def test_an_issued_target_changes_through_the_api_only_with_a_reason(client, world):
    ind = Indicator.objects.get(plan=world.plan, code="investment")
    path = "/plans/demo-2026/indicators/investment"
    r = call(client, world, "supervisor", "PATCH", path, {"version": ind.version, "value": 1400})
    assert r.status_code == 422 and "reason" in r.json()["error"]["message"]
    r = call(client, world, "supervisor", "PATCH", path, {"version": ind.version, "value": 1400,
             "reason": "项目调整", "effective_from": "2026-07-01"})  # fmt: skip
    assert r.status_code == 200 and TargetRevision.objects.filter(indicator=ind).count() == 1
    r = call(client, world, "supervisor", "DELETE", path)
    assert r.status_code == 422 and "cannot be deleted" in r.json()["error"]["message"]


def test_a_targets_schedule_and_last_years_months_through_the_api(client, world):
    r = call(client, world, "supervisor", "POST", "/plans/demo-2026/indicators",
             {"area": "growth", "metric": "新增市场主体", "kind": "count", "comparator": ">=",
              "value": 2000, "schedule": {"type": "stated", "points": {"6": 0.6, "12": 1.2}}})  # fmt: skip
    assert r.status_code == 201, r.content
    code, version = r.json()["code"], r.json()["version"]
    assert r.json()["schedule"] == {"type": "stated", "points": {"6": 0.6, "12": 1.2}}
    path = f"/plans/demo-2026/indicators/{code}"
    r = call(client, world, "supervisor", "PATCH", path,
             {"version": version, "schedule": {"type": "stated", "points": {"6": 0.6}}})  # fmt: skip
    assert r.status_code == 422
    assert "month 12" in r.json()["error"]["message"], r.json()
    assert r.json()["error"]["fields"]["schedule"]
    r = call(client, world, "supervisor", "PATCH", path, {"version": version,
             "baseline_series": [1, 2, 3]})  # fmt: skip
    assert r.status_code == 422 and "twelve monthly values" in r.json()["error"]["message"]
    r = call(client, world, "supervisor", "PATCH", path,
             {"version": version, "schedule": {"type": "monthly", "shares": "x"}})  # fmt: skip
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid"
    months = [20, 40, 60, 80, 100, 130, 140, 150, 160, 170, None, 450]
    r = call(client, world, "supervisor", "PATCH", path,
             {"version": version, "schedule": None, "baseline_series": months})  # fmt: skip
    assert r.status_code == 200, r.content
    assert (r.json()["schedule"], r.json()["baseline_series"]) == ({}, months)
    ind = Indicator.objects.get(plan=world.plan, code=code)
    assert (ind.schedule, ind.baseline_series, ind.metric) == ({}, months, "新增市场主体")
    listed = client.get("/api/v1/plans/demo-2026/indicators?page_size=200",
                        headers=call_headers(world, "supervisor")).json()["items"]  # fmt: skip
    assert next(i for i in listed if i["code"] == code)["baseline_series"] == months


def test_an_issued_targets_schedule_changes_through_the_api_only_with_a_reason(client, world):
    ind = Indicator.objects.get(plan=world.plan, code="investment")
    path = "/plans/demo-2026/indicators/investment"
    body = {"version": ind.version, "schedule": {"type": "seasonal",
            "last_year": [20, 40, 60, 80, 100, 130, 140, 150, 160, 170, 180, 270]}}  # fmt: skip
    r = call(client, world, "supervisor", "PATCH", path, body)
    assert r.status_code == 422 and "reason" in r.json()["error"]["message"]
    ind.refresh_from_db()
    assert ind.schedule == {}
    r = call(client, world, "supervisor", "PATCH", path, {**body, "reason": "投资后移"})
    assert r.status_code == 200 and r.json()["schedule"]["type"] == "seasonal"
    assert AuditEntry.objects.filter(action="target.change").latest("pk").note == "投资后移"


def test_milestones_through_the_api(client, world):
    base = "/plans/demo-2026/tasks/t1/milestones"
    r = call(client, world, "supervisor", "POST", base, {"text": "完成选址", "due": "2027-03-01"})
    assert r.status_code == 422 and not Milestone.objects.filter(text="完成选址").exists()
    r = call(client, world, "supervisor", "POST", base, {"text": "完成选址", "due": "2026-06-30"})
    assert r.status_code == 201
    mid = r.json()["code"]
    before = Milestone.objects.filter(task__plan=world.plan, task__code="t1").count()
    assert mid == f"m{before}"  # t1's milestones were numbered m1 … in order, this one next
    detail = client.get(
        "/api/v1/plans/demo-2026/tasks/t1", headers=call_headers(world, "supervisor")
    )
    assert mid in [m["code"] for m in detail.json()["milestones"]]
    r = call(client, world, "supervisor", "PATCH", f"{base}/{mid}",
             {"due": "2026-07-31", "done_on": "2026-07-20"})  # fmt: skip
    assert r.json() == {"code": mid, "task": "t1", "text": "完成选址", "due": "2026-07-31",
                        "done_on": "2026-07-20"}  # fmt: skip
    r = call(client, world, "fgw", "DELETE", f"{base}/{mid}")
    assert r.status_code == 403
    assert call(client, world, "supervisor", "DELETE", f"{base}/{mid}").status_code == 204
    assert call(client, world, "supervisor", "DELETE", f"{base}/{mid}").status_code == 404
    assert AuditEntry.objects.filter(action="milestone.delete").count() == 1
    assert (
        AuditEntry.objects.get(action="milestone.delete").target == f"milestone:demo-2026/t1/{mid}"
    )
    # a deleted milestone's code is not given to the next one: the old address stays dead
    r = call(client, world, "supervisor", "POST", base, {"text": "完成招标", "due": "2026-08-31"})
    assert r.json()["code"] not in (
        mid,
        *Milestone.objects.exclude(text="完成招标")
        .filter(task__code="t1")
        .values_list("code", flat=True),
    )
    r = call(client, world, "supervisor", "PATCH", f"{base}/{mid}", {"undone": True})
    assert r.status_code == 404


def test_the_workbook_and_the_copy_through_the_api(client, world):
    _token, raw = create_token(world.users["supervisor"], name="t", read_only=False)
    auth = {"Authorization": f"Bearer {raw}", "Accept-Language": "en"}
    r = client.get("/api/v1/plans/demo-2026/workbook", headers=auth)
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxml")
    data = r.content
    book = SimpleUploadedFile("plan.xlsx", data)
    r = client.post("/api/v1/workbook-imports", {"file": book, "issuer": "city",
                    "name": "示范市重点任务（导入）", "year": "2026"}, headers=auth)  # fmt: skip
    assert r.status_code == 201, r.content
    new = Plan.objects.get(code=r.json()["code"])
    assert Task.objects.filter(plan=new).count() == Task.objects.filter(plan=world.plan).count()
    again = client.get(f"/api/v1/plans/{new.code}/workbook", headers=auth).content
    assert workbook.tree_rows(new) == workbook.tree_rows(world.plan)
    assert again[:2] == b"PK"
    r = client.post(f"/api/v1/plans/{new.code}/workbook",
                    {"file": SimpleUploadedFile("x.xlsx", b"not a workbook")}, headers=auth)  # fmt: skip
    assert r.status_code == 422 and r.json()["error"]["fields"]["workbook"]
    assert Task.objects.filter(plan=new).count() == Task.objects.filter(plan=world.plan).count()
    r = call(client, world, "supervisor", "POST", "/plans/demo-2026/copy", {})
    assert r.status_code == 201 and r.json()["year"] == 2027 and r.json()["status"] == "draft"
    r = call(client, world, "supervisor", "POST", "/plans/demo-2026/copy", {"year": 2025})
    assert r.status_code == 422 and "later year" in r.json()["error"]["message"]


def test_only_the_office_edits_targets_milestones_and_workbooks_through_the_api(client, world):
    ind = Indicator.objects.get(plan=world.plan, code="projects")
    writes = [
        ("POST", "/plans/demo-2026/indicators", {"metric": "x", "kind": "count", "comparator": ">="}),
        ("PATCH", "/plans/demo-2026/indicators/projects", {"version": ind.version, "value": 1}),
        ("DELETE", "/plans/demo-2026/indicators/projects", None),
        ("POST", "/plans/demo-2026/tasks/t1/milestones", {"text": "x", "due": "2026-05-01"}),
        ("POST", "/plans/demo-2026/copy", {}),
        ("GET", "/plans/demo-2026/workbook", None),
    ]  # fmt: skip
    plans = Plan.objects.count()
    for persona in ("leader", "fgw", "county", "viewer"):
        for method, path, body in writes:
            assert call(client, world, persona, method, path, body).status_code == 403, (
                persona,
                path,
            )
    assert call(client, world, "outsider", "PATCH", writes[1][1], writes[1][2]).status_code in (
        403,
        404,
    )
    ind.refresh_from_db()
    assert ind.value == 1000 and Plan.objects.count() == plans
    assert not Indicator.objects.filter(metric="x").exists()


def test_evidence_is_attached_through_the_api_with_the_same_checks(
    client, world, settings, tmp_path
):
    import io
    import zipfile

    settings.MEDIA_ROOT = tmp_path
    r = call(client, world, "swj", "POST", "/plans/demo-2026/tasks/t1/change-requests",
             {"kind": "deadline", "deadline": "2026-11-30", "reason": "工期"})  # fmt: skip
    code = r.json()["code"]
    url = f"/api/v1/plans/demo-2026/change-requests/{code}/evidence"
    macro = io.BytesIO()
    with zipfile.ZipFile(macro, "w") as z:
        z.writestr("xl/workbook.xml", "<x/>")
        z.writestr("xl/vbaProject.bin", "x")

    def send(persona, name, data):
        _token, raw = create_token(world.users[persona], name="t", read_only=False)
        return client.post(url, {"file": SimpleUploadedFile(name, data)},
                           headers={"Authorization": f"Bearer {raw}", "Accept-Language": "en"})  # fmt: skip

    r = send("swj", "台账.xlsx", macro.getvalue())
    assert r.status_code == 422 and "contains macros" in r.json()["error"]["message"]
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]
    assert send("fgw", "a.pdf", b"%PDF-1.7\n").status_code == 403
    r = send("swj", "证明.pdf", b"%PDF-1.7\n")
    assert r.status_code == 200 and r.json()["evidence"] == "证明.pdf"
    assert AuditEntry.objects.filter(action="change.evidence").count() == 1
    r = send("swj", "again.pdf", b"%PDF-1.7\n")
    assert r.status_code == 422 and "already has" in r.json()["error"]["message"]
