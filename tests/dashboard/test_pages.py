"""The monitoring pages: who may open what, the as-of date, the cost in queries."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mubiao.dashboard import statuses
from tests.dashboard.helpers import report_value

P = "/monitor/demo-2026"


@pytest.fixture
def reported(world):
    with time_machine.travel("2026-07-08 16:00 +0800", tick=False):
        report_value(world.plan, "fgw", "202606", task="t1",
                     values={"investment": 600, "projects": 300},
                     submitted="2026-07-05", approved="2026-07-08")  # fmt: skip
    return world


@pytest.mark.parametrize(
    ("persona", "url", "status"),
    [
        ("supervisor", f"{P}/", 200),
        ("leader", f"{P}/", 200),
        ("fgw", f"{P}/", 200),
        ("county", f"{P}/", 200),
        ("outsider", f"{P}/", 403),
        ("leader", "/monitor/no-such-plan/", 404),
        ("leader", f"{P}/?as_of=2026-13-01", 400),
        ("leader", f"{P}/ledger/", 200),
        ("outsider", f"{P}/ledger/", 403),
        ("leader", f"{P}/areas/growth/", 200),
        ("leader", f"{P}/areas/nope/", 404),
        ("leader", f"{P}/tasks/t1/", 200),
        ("fgw", f"{P}/tasks/t1/", 200),
        ("fgw", f"{P}/tasks/t2/", 403),
        ("county", f"{P}/tasks/t1/", 403),
        ("leader", f"{P}/tasks/t1/reports/202606/fgw/", 200),
        ("fgw", f"{P}/tasks/t1/reports/202606/fgw/", 200),
        ("swj", f"{P}/tasks/t1/reports/202606/fgw/", 200),  # co-unit reads the lead's
        ("county", f"{P}/tasks/t1/reports/202606/fgw/", 403),
        ("leader", f"{P}/tasks/t1/reports/202606/nobody/", 404),
        ("leader", f"{P}/tasks/t1/reports/202605/fgw/", 404),
        ("leader", f"{P}/ranking/", 200),
        ("viewer", f"{P}/ranking/", 200),
        ("fgw", f"{P}/ranking/", 403),
        ("outsider", f"{P}/ranking/", 403),
        ("leader", f"{P}/bulletins/", 200),
        ("fgw", f"{P}/bulletins/", 403),
    ],
)
def test_who_may_open_which_page(reported, login, persona, url, status):
    assert login(persona).get(url).status_code == status


def test_anonymous_people_are_sent_to_log_in(client, reported):
    response = client.get(f"{P}/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_dashboard_shows_headline_red_items_and_the_ranking_formula(reported, login):
    with time_machine.travel("2026-07-10 10:00 +0800", tick=False):
        page = login("leader").get(f"{P}/").text
    assert "完成投资" in page
    assert "判为红灯" in page  # 600 of 750 expected: 80%
    assert 'data-testid="formula"' in page and "按时报送率" in page
    assert 'id="dashboard-data"' in page
    assert "<script>" not in page and "style=" not in page


def test_a_long_ranking_shows_its_ends_on_the_dashboard_and_all_on_its_page(reported, login):
    from mubiao.dashboard.views import excerpt

    rows = [{"rank": i + 1, "unit": f"单位{i}"} for i in range(30)]
    rows += [{"rank": None, "unit": "未排名"}]
    cut = excerpt(rows)
    assert [r.get("rank") for r in cut] == [*range(1, 11), None, *range(21, 31)]
    assert cut[10] == {"gap": True, "total": 31}
    assert excerpt(rows[:20]) == rows[:20]
    page = login("leader").get(f"{P}/ranking/").text
    assert 'data-testid="ranking-full"' in page and "按时报送率" in page
    assert "市发展改革委" in page


def test_a_unit_reporter_sees_no_ranking_and_none_of_the_others_items(reported, login):
    with time_machine.travel("2026-07-10 10:00 +0800", tick=False):
        page = login("fgw").get(f"{P}/").text
    assert "完成投资" in page
    assert "地区生产总值增长" not in page
    assert 'data-testid="formula"' not in page


def test_the_as_of_date_shows_the_plan_as_it_stood(reported, login):
    client = login("leader")
    before = client.get(f"{P}/?as_of=2026-07-07").text
    after = client.get(f"{P}/?as_of=2026-07-09").text
    assert "累计600亿元" not in before
    assert "累计600亿元" in after


def test_the_task_page_lists_the_reports_behind_the_light(reported, login):
    page = login("leader").get(f"{P}/tasks/t1/?as_of=2026-07-10").text
    assert "判为红灯" in page
    assert "/monitor/demo-2026/tasks/t1/reports/202606/fgw/" in page
    report = login("leader").get(f"{P}/tasks/t1/reports/202606/fgw/").text
    assert "按计划推进" in report and "600" in report


def _grow(world, n: int) -> None:
    from mubiao.plans.models import Area, Assignment, Indicator, Task
    from mubiao.reporting.models import Report
    from tests.dashboard.helpers import cycle

    area = Area.objects.create(plan=world.plan, code=f"extra{n}", name="新增领域")
    c = cycle(world.plan, "202606")
    for i in range(n):
        task = Task.objects.create(plan=world.plan, code=f"x{i}", title=f"任务{i}", area=area)
        Assignment.objects.create(task=task, unit=world.units["swj"], role="lead")
        Indicator.objects.create(
            plan=world.plan, task=task, code=f"xi{i}", metric="指标", kind="count",
            comparator=">=", value=1, period="2026", headline=i % 2 == 0,
        )  # fmt: skip
        Report.objects.create(cycle=c, unit=world.units["swj"], task=task, role="lead")


@pytest.mark.parametrize(
    "url",
    [
        f"{P}/",  # today: read from the current-status table
        f"{P}/ledger/",
        f"{P}/?as_of=2026-07-08",  # another day: computed live
        f"{P}/ledger/?as_of=2026-07-08",
    ],
)
def test_the_landing_pages_cost_the_same_queries_for_a_bigger_plan(reported, login, url):
    client = login("supervisor")
    today = "as_of" not in url
    if today:  # today's pages read the store (built by a tick; a GET writes nothing)
        statuses.rebuild(reported.plan)
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _grow(reported, 25)
    if today:  # the new cycle's plan is judged again into its store
        statuses.apply(reported.plan, statuses.ALL)
    client.get(url)
    with CaptureQueriesContext(connection) as big:
        assert client.get(url).status_code == 200
    assert len(big.captured_queries) == len(small.captured_queries)
    read = " ".join(q["sql"] for q in small.captured_queries)
    if today:  # read from the store (or its page cache): nothing is loaded to judge
        assert "reporting_reportvalue" not in read and "plans_milestone" not in read
    assert len(small.captured_queries) <= 30  # one of them finds the data month's due day


def test_the_ledger_shows_200_rows_a_page(reported, login):
    _grow(reported, 150)  # 300 more red rows: 150 tasks and their 150 unreported targets
    client = login("supervisor")
    first = client.get(f"{P}/ledger/?status=red").text
    assert first.count('data-testid="ledger-row"') == 200
    assert 'data-testid="next-page"' in first
    second = client.get(f"{P}/ledger/?status=red&page=2").text
    assert 0 < second.count('data-testid="ledger-row"') < 200


def test_the_dashboard_speaks_english_with_english_reasons(reported, login):
    client = login("leader")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get(f"{P}/?as_of=2026-07-10").text
    assert "Dashboard" in page and "Red items" in page
    # The investment target's reason, in English: 600 of 1500 is 40.0%, 10 points behind 50%.
    reason = r"40\.0% of the annual target, 10\.0 points behind time progress, under 85% of expected progress: red"
    assert re.search(reason, page), "no English red reason"
    assert "判为红灯" not in page


def test_band_settings_are_validated_and_used(reported, login):
    from django.core.exceptions import ValidationError

    from mubiao.dashboard.models import BandSetting

    bad = BandSetting(plan=reported.plan, rule="cumulative-floor", data={"measure": "ratio", "bands": [
        {"start": None, "end": 0.5, "status": "red"}, {"start": 0.6, "end": None, "status": "green"}]})  # fmt: skip
    with pytest.raises(ValidationError, match="gap"):
        bad.full_clean()
    # A lenient office: 80% of 序时进度 is already green.
    BandSetting.objects.create(plan=reported.plan, rule="cumulative-floor", data={
        "measure": "ratio", "bands": [{"start": None, "end": 0.7, "status": "red"},
                                      {"start": 0.7, "end": 0.8, "status": "yellow"},
                                      {"start": 0.8, "end": None, "status": "green"}]})  # fmt: skip
    import datetime as dt

    from mubiao.dashboard.current import report_data_for

    data = report_data_for(reported.plan, reported.users["leader"], dt.date(2026, 7, 10))
    assert next(r for r in data["indicators"] if r["code"] == "investment")["status"] == "green"


def test_the_admin_lists_the_history_but_does_not_edit_it(reported, client):
    import datetime as dt

    from django.contrib.auth import get_user_model

    from mubiao.dashboard.history import record

    record(reported.plan, dt.date(2026, 7, 10))
    admin = get_user_model().objects.create_superuser("root", password="pw")
    client.force_login(admin)
    assert client.get("/admin/dashboard/statuschange/").status_code == 200
    assert client.get("/admin/dashboard/statuschange/add/").status_code == 403


def test_the_admin_lists_the_current_status_tables_and_rebuilds_them(reported, client):
    from django.contrib.auth import get_user_model

    from mubiao.dashboard import current
    from mubiao.dashboard.models import StatusCache

    table = current.rebuild(reported.plan)
    StatusCache.objects.filter(pk=table.pk).update(stale=True)
    client.force_login(get_user_model().objects.create_superuser("root", password="pw"))
    assert client.get("/admin/dashboard/statuscache/").status_code == 200
    assert client.get("/admin/dashboard/statuscache/add/").status_code == 403
    done = client.post(
        "/admin/dashboard/statuscache/",
        {"action": "rebuild_today", "_selected_action": [table.pk]},
        follow=True,
    )
    assert "1 个表已重建。" in done.text  # the admin speaks the site's language
    table.refresh_from_db()
    assert not table.stale and table.version == 2


def test_a_staff_viewer_who_is_not_the_office_cannot_rebuild_and_a_rebuild_is_audited(
    reported, client
):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    from mubiao.audit.events import Event
    from mubiao.audit.models import AuditEntry
    from mubiao.dashboard import current
    from mubiao.dashboard.models import StatusCache

    table = current.rebuild(reported.plan)
    StatusCache.objects.filter(pk=table.pk).update(stale=True)
    viewer = get_user_model().objects.create_user("staff-viewer", password="pw", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_statuscache"))
    client.force_login(viewer)
    refused = client.post(
        "/admin/dashboard/statuscache/",
        {"action": "rebuild_today", "_selected_action": [table.pk]},
        follow=True,
    )
    assert "只有督查室可以重新生成以下目标任务体系的状态" in refused.text
    table.refresh_from_db()
    assert table.stale and table.version == 1  # nothing rebuilt
    assert not AuditEntry.objects.filter(action=Event.STATUSES_REBUILD).exists()

    client.force_login(get_user_model().objects.create_superuser("root", password="pw"))
    client.post(
        "/admin/dashboard/statuscache/",
        {"action": "rebuild_today", "_selected_action": [table.pk]},
    )
    table.refresh_from_db()
    assert not table.stale and table.version == 2
    event = AuditEntry.objects.get(action=Event.STATUSES_REBUILD)
    assert event.actor.username == "root" and event.target == f"plan:{reported.plan.code}/statuses"
