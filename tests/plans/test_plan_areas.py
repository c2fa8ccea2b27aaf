"""A large plan page opens by area: the areas collapsed, each one's tasks fetched when it
is opened (htmx), with the page's unit filter and only what the user may see."""

from __future__ import annotations

import re

import pytest

from mubiao.plans import tree

HX = {"HX-Request": "true"}
ALL_TASKS = {"实施重点项目", "谋划储备项目", "促进消费升级", "建设高标准农田"}


@pytest.fixture
def large(monkeypatch):
    """The small world's plan treated as a large one: any view of more than one task."""
    monkeypatch.setattr(tree, "OPEN_LIMIT", 1)


def _tree(page: str) -> str:
    return page.split('data-testid="tree"')[1]


def _tasks(html: str) -> list[str]:
    """Each task item of the tree, as rendered."""
    return re.findall(r'<li class="task" data-testid="task">.*?</li>', html, re.S)


def _titles(html: str) -> set[str]:
    return {t for t in ALL_TASKS if t in html}


def test_a_large_plan_opens_with_its_areas_closed_and_none_of_their_tasks(login, large):
    page = login("supervisor").get("/plans/demo-2026/").text
    part = _tree(page)
    assert _tasks(part) == [] and _titles(part) == set()
    closed = re.findall(r'<details class="area depth-2" data-area="(\w+)"', part)
    assert closed == ["growth", "rural"]
    # Each says what opening it will show, and how to reach it without JavaScript.
    assert "3 项任务、4 项指标" in part and "1 项任务、0 项指标" in part
    assert 'hx-get="/plans/demo-2026/areas/growth/"' in part
    assert 'href="/plans/demo-2026/?area=growth"' in part
    assert "显示 4 项任务、4 项指标" in part  # the whole view, as before
    assert 'data-testid="outline-note"' in part


def test_a_small_plan_still_opens_whole(login):
    part = _tree(login("supervisor").get("/plans/demo-2026/").text)
    assert "<details" not in part and _titles(part) == ALL_TASKS


@pytest.mark.parametrize("unit", ["", "fgw", "swj", "county", "unknown"])
@pytest.mark.parametrize("area", ["growth", "investment", "rural"])
def test_an_opened_area_holds_what_the_page_filtered_to_it_holds(login, large, area, unit):
    client = login("supervisor")
    query = f"?unit={unit}" if unit else ""
    fragment = client.get(f"/plans/demo-2026/areas/{area}/{query}", headers=HX)
    assert fragment.status_code == 200 and "<html" not in fragment.text
    # The plan page filtered to that area is never an outline: the same items, rendered.
    whole = client.get(f"/plans/demo-2026/?area={area}&unit={unit}").text
    assert "<details" not in _tree(whole)
    assert _tasks(fragment.text) == _tasks(_tree(whole))


def test_an_opened_area_keeps_the_unit_filter(login, large):
    client = login("supervisor")
    growth = client.get("/plans/demo-2026/areas/growth/?unit=fgw", headers=HX).text
    assert _titles(growth) == {"实施重点项目", "谋划储备项目"}
    assert _titles(client.get("/plans/demo-2026/areas/growth/", headers=HX).text) == {
        "实施重点项目", "谋划储备项目", "促进消费升级",
    }  # fmt: skip
    assert _titles(client.get("/plans/demo-2026/areas/rural/?unit=fgw", headers=HX).text) == set()
    # The outline under a unit filter fetches each area with it.
    part = _tree(client.get("/plans/demo-2026/?unit=fgw").text)
    assert 'hx-get="/plans/demo-2026/areas/growth/?unit=fgw"' in part
    assert 'data-area="rural"' not in part  # no task of fgw's there


def test_an_opened_area_shows_a_unit_only_what_it_may_see(login, large):
    fgw = login("fgw")
    assert _titles(fgw.get("/plans/demo-2026/areas/growth/", headers=HX).text) == {
        "实施重点项目", "谋划储备项目",
    }  # fmt: skip
    assert _titles(fgw.get("/plans/demo-2026/areas/rural/", headers=HX).text) == set()
    # A unit outside its own in the filter is ignored, as on the page: no more is shown.
    other = fgw.get("/plans/demo-2026/areas/growth/?unit=swj", headers=HX).text
    assert _titles(other) == {"实施重点项目", "谋划储备项目"}
    assert _tasks(other) == _tasks(_tree(fgw.get("/plans/demo-2026/?area=growth&unit=swj").text))
    county = login("county")
    assert _titles(county.get("/plans/demo-2026/areas/rural/", headers=HX).text) == {
        "建设高标准农田"
    }
    assert _titles(county.get("/plans/demo-2026/areas/growth/", headers=HX).text) == set()


def test_an_area_outside_the_plan_or_a_plan_outside_ones_reach(login, large):
    assert login("supervisor").get("/plans/demo-2026/areas/nowhere/", headers=HX).status_code == 404
    assert login("outsider").get("/plans/demo-2026/areas/growth/", headers=HX).status_code == 403


def test_without_htmx_an_area_is_the_plan_page_filtered_to_it(login, large):
    response = login("supervisor").get("/plans/demo-2026/areas/growth/?unit=fgw")
    assert response.status_code == 302
    assert response.url == "/plans/demo-2026/?area=growth&unit=fgw"


@pytest.mark.parametrize("unit", [None, "fgw", "swj", "county"])
def test_the_outline_counts_what_the_loaded_tree_holds(world, unit):
    from mubiao.plans.tree import build_outline, build_tree, filter_by_unit

    plan = world.plan
    chosen = world.units[unit] if unit else None
    tasks, indicators = filter_by_unit(plan.tasks.all(), plan.indicators.all(), chosen)
    outline = {
        n.area.code: (n.task_count, n.target_count) for n in build_outline(plan, tasks, indicators)
    }
    loaded = {
        n.area.code: (n.task_count, n.target_count) for n in build_tree(plan, tasks, indicators)
    }
    assert outline == loaded and outline
