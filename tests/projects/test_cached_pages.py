"""The ranking, the key projects' pages and the dashboard of a past day are kept in the
page cache under the version of today's store (``dashboard.cached_pages``): a repeated
view is served from it, and every action that changes their inputs (approving or
unlocking a project month, importing projects, the ranking formula, bands) makes a new
key, so the page shown after it is the page rendered afresh. Two people who see
different things, and the two languages, never share a page."""

from __future__ import annotations

import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from mubiao.dashboard import actions as dashboard_actions
from mubiao.dashboard import cached_pages, current
from mubiao.dashboard.models import StatusCache
from mubiao.projects.actions import import_projects
from mubiao.projects.excel import export_projects
from mubiao.projects.models import Project
from mubiao.reporting import actions
from tests.projects.conftest import make_project


def figures(invested: str) -> actions.Content:
    return actions.Content(figures={"invested": invested, "stage": "building"})


def main(page) -> str:
    """The page's content, without the per-request CSRF token of its head and forms."""
    text = page.content.decode()
    text = text[text.index("<main") : text.index("</main>")]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)


@pytest.fixture
def store(world, month, clock):
    """7 June: May (due 5 June, locks 10 June) reported by the county and approved; the
    plan's store built for the day."""
    clock("2026-06-07")
    report = month("202605")
    actions.submit(world.users["county"], report, figures("1000"))
    actions.approve(world.users["supervisor"], report)
    current.rebuild(world.plan)
    assert cached_pages.current_version(world.plan) is not None
    return report


def urls(plan) -> dict[str, str]:
    return {
        "ranking": f"/monitor/{plan.code}/ranking/",
        "past_day": f"/monitor/{plan.code}/?as_of=2026-06-01",
        "key_projects": f"/plans/{plan.code}/projects/",
        "county": f"/plans/{plan.code}/projects/counties/county/",
    }


def fresh(client, url: str) -> str:
    """The page rendered now, from nothing kept."""
    from django.core.cache import cache

    cache.clear()
    return main(client.get(url))


@pytest.mark.parametrize("name", ["ranking", "past_day", "key_projects", "county"])
def test_a_repeated_view_is_served_from_the_cache(world, store, login, name):
    client = login("supervisor")
    url = urls(world.plan)[name]
    with CaptureQueriesContext(connection) as first:
        page = client.get(url)
    assert page.status_code == 200
    with CaptureQueriesContext(connection) as again:
        repeated = client.get(url)
    assert main(repeated) == main(page)
    # Nothing the page is built from is read again: no report, figure or project row.
    # (The ranking reads the counties' standings from the store's header.)
    heavy = ("reporting_report", "projects_projectfigures", 'projects_project"', "standings")
    assert any(h in q["sql"] for q in first.captured_queries for h in heavy)
    assert not any(h in q["sql"] for q in again.captured_queries for h in heavy), name
    assert len(again.captured_queries) < len(first.captured_queries)


def test_approving_and_unlocking_a_project_month_show_at_once(world, store, login):
    client = login("supervisor")
    pages = urls(world.plan)
    before = {name: main(client.get(url)) for name, url in pages.items()}
    june = world.users["supervisor"]
    report = store
    actions.unlock(june, report, "统计口径调整")
    unlocked = {name: main(client.get(url)) for name, url in pages.items()}
    for name, url in pages.items():
        assert unlocked[name] == fresh(client, url), name
    actions.submit(world.users["county"], report, figures("4000"))
    for url in pages.values():
        client.get(url)  # kept again
    actions.approve(june, report)
    for name, url in pages.items():
        shown = main(client.get(url))
        assert shown == fresh(client, url), name
        if name != "past_day":  # 1 June is before both approvals
            assert shown != before[name], name
    ytd = re.search(r'data-testid="ytd">([^<]+)<', main(client.get(pages["key_projects"])))
    assert ytd and ytd.group(1).replace(",", "") == "4000"


def test_importing_projects_shows_at_once(world, store, login):
    client = login("supervisor")
    pages = urls(world.plan)
    before = {name: main(client.get(url)) for name, url in pages.items()}
    book = load_workbook(io.BytesIO(export_projects(Project.objects.filter(plan=world.plan))))
    sheet = book.active
    column = [c.value for c in sheet[1]].index("项目名称") + 1
    sheet.cell(row=2, column=column, value="改名后的示范项目")
    out = io.BytesIO()
    book.save(out)
    counts = import_projects(world.users["supervisor"], world.plan, out.getvalue())
    assert counts["updated"] == 1
    for name in ("key_projects", "county"):
        shown = main(client.get(pages[name]))
        assert "改名后的示范项目" in shown and shown != before[name], name
    for name, url in pages.items():
        assert main(client.get(url)) == fresh(client, url), name


def test_the_ranking_settings_and_bands_show_at_once(world, store, login):
    client = login("supervisor")
    pages = urls(world.plan)
    ranking = main(client.get(pages["ranking"]))
    for url in pages.values():
        client.get(url)
    office = world.users["supervisor"]
    dashboard_actions.set_ranking(office, world.plan, {
        "terms": [{"measure": "overdue", "weight": -10}, {"measure": "on_time_rate", "weight": 50}],
        "tie_breaks": [{"measure": "overdue", "order": "asc"}]})  # fmt: skip
    changed = main(client.get(pages["ranking"]))
    assert changed != ranking
    for name, url in pages.items():
        assert main(client.get(url)) == fresh(client, url), name
    # How counties and zones are ranked: no status moves, the version does.
    assert 'data-testid="red-black"' not in changed
    dashboard_actions.set_unit_ranking(
        office, world.plan, {"red": {"size": 1, "comparison": ">=", "threshold": 0}}
    )
    assert 'data-testid="red-black"' in main(client.get(pages["ranking"]))
    for name, url in pages.items():
        assert main(client.get(url)) == fresh(client, url), name
    version = StatusCache.objects.get(plan=world.plan).version
    dashboard_actions.set_bands(office, world.plan, "cumulative-floor", {
        "measure": "ratio", "bands": [{"start": None, "end": 0.99, "status": "red"},
                                      {"start": 0.99, "end": None, "status": "green"}]})  # fmt: skip
    assert StatusCache.objects.get(plan=world.plan).version > version
    for name, url in pages.items():
        assert main(client.get(url)) == fresh(client, url), name


def test_people_who_see_different_things_never_share_a_page(world, store, client):
    make_project(world, "p2", county=None, lead=world.units["fgw"], name="市级示范项目")
    current.rebuild(world.plan)
    pages = urls(world.plan)
    client.force_login(world.users["supervisor"])
    office = {name: main(client.get(url)) for name, url in pages.items()}
    assert "市级示范项目" in office["key_projects"]
    client.force_login(world.users["county"])
    county = main(client.get(pages["key_projects"]))
    assert "市级示范项目" not in county and county != office["key_projects"]
    assert 'data-testid="projects"' in county
    client.force_login(world.users["fgw"])
    day = main(client.get(pages["past_day"]))
    assert 'data-testid="ranking' in office["past_day"]
    assert 'data-testid="ranking' not in day  # a unit's own dashboard holds no ranking
    # And back: the office is served its own page, not the last one kept.
    client.force_login(world.users["supervisor"])
    for name, url in pages.items():
        assert main(client.get(url)) == office[name], name


def test_english_and_chinese_never_mix(world, store, login):
    from django.conf import settings

    client = login("supervisor")

    def in_(language: str, url: str) -> str:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return main(client.get(url))

    for name, url in urls(world.plan).items():
        zh = in_("zh-hans", url)
        en = in_("en", url)
        assert in_("zh-hans", url) == zh and in_("en", url) == en, name
        assert "As of" in en or "Key projects" in en, name
        assert "As of" not in zh and "Key projects" not in zh, name
        assert en != zh


def test_a_unit_renamed_in_the_admin_shows_its_new_name_on_the_cached_pages(world, store, login):
    """Saving a unit in the admin judges its plans again (a new version of the store), so
    no cached page keeps the old name."""
    from django.contrib.auth import get_user_model

    client = login("supervisor")
    page = urls(world.plan)["key_projects"]
    unit = world.units["county"]
    assert unit.short_name in main(client.get(page))
    version = cached_pages.current_version(world.plan)
    root = get_user_model().objects.create_superuser("root-admin", password="pw")
    admin_client = type(client)()
    admin_client.force_login(root)
    form = admin_client.get(f"/admin/orgs/orgunit/{unit.pk}/change/")
    bound = form.context["adminform"].form
    data = {name: bound[name].value() for name in bound.fields}
    for inline in form.context["inline_admin_formsets"]:  # sent back as shown
        formset = inline.formset
        for name in formset.management_form.fields:
            data[f"{formset.prefix}-{name}"] = formset.management_form[name].value()
        for each in formset.initial_forms:
            data.update({each.add_prefix(n): each[n].value() for n in each.fields})
        data[f"{formset.prefix}-TOTAL_FORMS"] = len(formset.initial_forms)
    data = {k: v for k, v in data.items() if v is not None}
    data.update(short_name="改名县", name="改名县人民政府")
    saved = admin_client.post(f"/admin/orgs/orgunit/{unit.pk}/change/", data)
    assert saved.status_code == 302, saved.context["adminform"].form.errors
    assert cached_pages.current_version(world.plan) != version
    shown = main(client.get(page))
    assert "改名县" in shown and shown == fresh(client, page)
