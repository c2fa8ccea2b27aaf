"""The plan editor through the HTTP client: build, assign, issue, acknowledge, change."""

from __future__ import annotations

from decimal import Decimal

import pytest

from mubiao.audit.models import AuditEntry
from mubiao.plans.models import Area, Assignment, ChangeRequest, Indicator, Task


@pytest.fixture
def office(login):
    return login("supervisor")  # pages in Chinese, the default language


E = "/plans/demo-2026/edit/"


def test_the_editor_shows_the_tree_with_buttons(office):
    page = office.get(E).text
    assert page.count('data-testid="area"') == 3
    assert page.count('data-testid="editor-task"') == 4
    assert 'data-testid="issue-box"' in page


def test_the_office_builds_an_area_and_a_task_with_units(office, world):
    office.post(E + "areas/new/", {"name": "优环境", "number": "三"})
    area = Area.objects.get(plan=world.plan, name="优环境")
    response = office.post(E + "tasks/new/", {"area": area.code, "title": "优化营商环境",
                                             "deadline": "2026-10-31", "open": "1"})  # fmt: skip
    task = Task.objects.get(plan=world.plan, title="优化营商环境")
    assert response.headers["Location"] == f"{E}tasks/{task.code}/"
    office.post(E + f"tasks/{task.code}/units/", {"unit": "swj", "role": "lead"})
    office.post(E + f"tasks/{task.code}/units/", {"unit": "county-agri", "role": "co"})
    roles = dict(task.assignments.values_list("unit__code", "role"))
    assert roles == {"swj": "lead", "county-agri": "co"}
    assert AuditEntry.objects.filter(action="unit.assign").count() == 2


def test_the_unit_picker_tells_two_units_of_one_name_apart_by_parent(office, world):
    from mubiao.orgs.models import OrgUnit

    OrgUnit.objects.create(code="county-fgw", name="发展和改革委员会", short_name="县发改委",
                           kind="department", parent=world.units["county"])  # fmt: skip
    OrgUnit.objects.filter(code="fgw").update(name="发展和改革委员会")
    page = office.get(E + "units/", {"q": "发展和改革"}).text
    assert page.count('data-testid="unit-option"') == 2
    assert "（示范市）" in page and "（示范县）" in page


def test_a_bad_deadline_is_refused_in_one_sentence_and_nothing_changes(office, world):
    task = Task.objects.get(plan=world.plan, code="t2")
    response = office.post(E + "tasks/t2/", {"version": task.version, "title": task.title,
                                             "deadline": "2027-05-01"}, follow=True)  # fmt: skip
    assert "日期 2027-05-01 不在目标任务体系的年度（2026年）之内。" in response.text
    task.refresh_from_db()
    assert str(task.deadline) == "2026-06-30"


def test_the_second_editor_is_told_and_sees_the_first_change(office, world):
    task = Task.objects.get(plan=world.plan, code="t2")
    opened = task.version
    office.post(E + "tasks/t2/", {"version": opened, "title": task.title, "leader": "张副市长"})
    response = office.post(E + "tasks/t2/", {"version": opened, "title": task.title,
                                             "leader": "李副市长"})  # fmt: skip
    assert response.status_code == 409
    assert 'data-testid="conflict"' in response.text
    assert 'value="张副市长"' in response.text
    assert Task.objects.get(pk=task.pk).leader == "张副市长"


def test_a_task_without_a_lead_cannot_be_issued_and_the_editor_says_which(office, world):
    office.post(E + "tasks/new/", {"title": "无牵头任务", "number": "9"})
    page = office.get(E).text
    assert "任务 9 无牵头任务 没有牵头单位。" in page
    response = office.post(E + "issue/", follow=True)
    assert "没有牵头单位" in response.text
    assert Task.objects.get(plan=world.plan, title="无牵头任务").issued_at is None


def test_issue_acknowledge_and_a_change_request_end_to_end(office, login, world, client):
    office.post(E + "tasks/new/", {"title": "新增县级任务", "area": "rural"})
    task = Task.objects.get(plan=world.plan, title="新增县级任务")
    office.post(E + f"tasks/{task.code}/units/", {"unit": "county-agri", "role": "lead"})
    office.post(E + f"tasks/{task.code}/targets/new/", {"metric": "新建高标准农田", "kind": "amount",
                "comparator": ">=", "value": "20", "unit": "万亩"})  # fmt: skip
    office.post(E + "issue/")
    page = office.get("/plans/demo-2026/acknowledgements/").text
    assert f'data-task="{task.code}" data-state="waiting"' in page
    county = login("county")
    home = county.get("/").text
    assert 'data-kind="issued"' in home and "新增县级任务" in home
    county.post(f"/plans/demo-2026/tasks/{task.code}/acknowledge/")
    assert Assignment.objects.get(task=task).acknowledged_by == world.users["county"]
    target = Indicator.objects.get(task=task)
    county.post(f"/plans/demo-2026/tasks/{task.code}/request-change/", {
        "kind": "target", "indicator": target.code, "value": "18", "reason": "耕地指标调整",
        "effective_from": "2026-07-01"})  # fmt: skip
    cr = ChangeRequest.objects.get(task=task)
    office = login("supervisor")
    page = office.get("/plans/demo-2026/change-requests/").text
    assert "耕地指标调整" in page
    office.post(f"/plans/demo-2026/change-requests/{cr.code}/decide/", {"decision": "approve"})
    target.refresh_from_db()
    assert target.value == Decimal("18")
    page = office.get(f"/plans/demo-2026/tasks/{task.code}/").text
    assert 'data-testid="before">20<' in page and 'data-testid="after">18<' in page


def test_a_reporter_cannot_open_the_editor(login):
    assert login("fgw").get(E).status_code == 403


def test_milestones_are_edited_at_their_code_not_their_row_id(office, world):
    from mubiao.plans.models import Milestone

    before = Milestone.objects.filter(task__plan=world.plan, task__code="t1").count()
    office.post(E + "tasks/t1/milestones/new/", {"text": "完成选址", "due": "2026-06-30"})
    made = Milestone.objects.get(task__plan=world.plan, text="完成选址")
    assert made.code == f"m{before + 1}"
    page = office.get(E + "tasks/t1/").text
    assert f'action="{E}tasks/t1/milestones/{made.code}/"' in page
    office.post(E + f"tasks/t1/milestones/{made.code}/", {"done": "2026-06-20"})
    made.refresh_from_db()
    assert str(made.done_at) == "2026-06-20"
    assert (
        office.post(E + f"tasks/t1/milestones/{made.pk + 1000}/", {"done": ""}).status_code == 404
    )
