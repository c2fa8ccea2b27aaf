"""The plan pages through the HTTP client: home, tree and filters, task, targets."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext


def test_home_shows_a_reporter_only_its_own_tasks(login):
    page = login("fgw").get("/").text
    assert "实施重点项目" in page and "谋划储备项目" in page
    assert "促进消费升级" not in page and "建设高标准农田" not in page


def test_home_shows_the_supervisor_the_plan_with_its_counts(login):
    page = login("supervisor").get("/").text
    assert "示范市2026年目标任务" in page
    assert 'data-testid="plan-card"' in page


def test_home_shows_the_role_a_unit_plays(login):
    page = login("swj").get("/").text
    assert "role-lead" in page and "role-co" in page


def test_home_tells_an_unlinked_user_what_to_do(login):
    page = login("outsider").get("/").text
    assert "督查室" in page


def test_the_plan_page_shows_frames_headline_targets_and_the_tree(login):
    page = login("supervisor").get("/plans/demo-2026/").text
    assert "3+1" in page
    assert "地区生产总值增长" in page and "≥ 5.5%" in page
    assert "5–6%" in page
    assert page.count('data-testid="task"') == 4


def test_the_plan_pages_headline_table_names_each_targets_responsible_units(login, world):
    """A standalone target's own units; a task's target its task's units, lead first;
    the kind in the user's language."""
    import re

    from mubiao.plans.models import Assignment, Task

    t1 = Task.objects.get(plan=world.plan, code="t1")
    # A second co-unit, added last: the units print lead first, then in their order.
    Assignment.objects.create(task=t1, unit=world.units["tjj"], role="co", order=9)
    page = login("supervisor").get("/plans/demo-2026/").text
    table = page.split('data-testid="headline"')[1].split("</table>")[0]
    rows = [
        [re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)]
        for row in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1])
    ]
    assert rows == [
        ["地区生产总值增长", "≥ 5.5%", "增速", "市统计局"],
        ["完成投资", "≥ 1500亿元", "总量", "市发展改革委、市商务局、市统计局"],
    ]


@pytest.mark.parametrize(
    ("query", "tasks"),
    [
        ("unit=fgw", {"实施重点项目", "谋划储备项目"}),
        ("unit=swj", {"实施重点项目", "促进消费升级"}),
        ("unit=county", {"建设高标准农田"}),
        ("area=rural", {"建设高标准农田"}),
        ("area=investment", {"实施重点项目", "谋划储备项目"}),
        ("unit=fgw&area=rural", set()),
        ("unit=unknown", {"实施重点项目", "谋划储备项目", "促进消费升级", "建设高标准农田"}),
    ],
)
def test_the_plan_tree_filters_by_unit_and_area(login, query, tasks):
    page = login("supervisor").get(f"/plans/demo-2026/?{query}").text
    all_tasks = {"实施重点项目", "谋划储备项目", "促进消费升级", "建设高标准农田"}
    assert {t for t in all_tasks if t in page.split('data-testid="tree"')[1]} == tasks


def test_an_htmx_filter_returns_only_the_tree(login):
    response = login("supervisor").get("/plans/demo-2026/?unit=swj", headers={"HX-Request": "true"})
    assert response.text.lstrip().startswith('<div id="tree"')
    assert "<html" not in response.text


def test_a_reporter_sees_only_its_own_units_in_the_filter(login):
    page = login("fgw").get("/plans/demo-2026/").text
    assert page.count('data-testid="task"') == 2
    assert ">市商务局</option>" not in page


def test_the_task_page_shows_units_targets_and_milestones(login):
    page = login("fgw").get("/plans/demo-2026/tasks/t1/").text
    assert "市发展改革委" in page and "市商务局" in page
    assert "≥ 1500亿元" in page
    milestones = login("fgw").get("/plans/demo-2026/tasks/t3/").text
    assert "2026-09-30" in milestones and "完成项目库入库" in milestones


def test_the_task_page_marks_assumed_assignments(login):
    page = login("county").get("/plans/demo-2026/tasks/t4/").text
    assert "原文未明确此项任务的责任单位" in page
    assert "names no responsible unit" not in page


def test_the_plan_page_costs_the_same_queries_for_a_bigger_plan(login, world):
    from mubiao.plans.models import Assignment, Indicator, Task

    client = login("supervisor")
    with CaptureQueriesContext(connection) as small:
        client.get("/plans/demo-2026/")
    for i in range(30):
        task = Task.objects.create(plan=world.plan, code=f"x{i}", title=f"任务{i}", area_id=None)
        Assignment.objects.create(task=task, unit=world.units["fgw"], role="lead")
        Indicator.objects.create(
            plan=world.plan, task=task, code=f"xi{i}", metric="指标", kind="count",
            comparator=">=", value=1, period="2026",
        )  # fmt: skip
    with CaptureQueriesContext(connection) as big:
        client.get("/plans/demo-2026/")
    assert len(big.captured_queries) == len(small.captured_queries)


def test_the_pages_switch_to_english(login):
    client = login("supervisor")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/plans/demo-2026/").text
    assert "Headline targets" in page
    assert 'lang="en"' in page


def test_the_pages_are_in_chinese_by_default(login):
    page = login("supervisor").get("/plans/demo-2026/").text
    assert 'lang="zh-hans"' in page
    assert "主要预期目标" in page and "Headline targets" not in page


def test_the_login_page_explains_a_wrong_password(client, world):
    response = client.post("/accounts/login/", {"username": "fgw", "password": "wrong"})
    assert response.status_code == 200
    assert "登录名或密码错误，请重试。" in response.text


def test_every_page_carries_a_content_security_policy(login):
    response = login("supervisor").get("/plans/demo-2026/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "<script>" not in response.text
