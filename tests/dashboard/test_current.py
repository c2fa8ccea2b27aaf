"""Today's status store against the same day rebuilt, after every kind of action.

Every view of today reads the store (``dashboard.current``), kept piece by piece inside
the actions; a view of another day judges the whole plan as of that day into the same
rows through the same builder (``statuses.judge_day``). The two must say the same for
today after an approval, a return, a reopening, a late unlock, a submission, an edit of
a target, new bands or a new ranking formula, a closed task, a completed milestone, a
change of assignments or key projects, and a new day; and a past day's view must say
what that day showed.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.utils import timezone

from mubiao.dashboard import current, statuses
from mubiao.dashboard import ledger as ledgers
from mubiao.dashboard.history import statuses_as_of
from mubiao.dashboard.models import BandSetting, CurrentStatus, StatusCache, UnitStanding
from mubiao.dashboard.status import plan_progress
from mubiao.dashboard.unit_standings import standings_of
from mubiao.orgs.models import Membership
from mubiao.plans.models import Indicator, Milestone, Task
from mubiao.reporting import actions
from mubiao.reporting.actions import Content
from mubiao.reporting.cycles import ensure_reports
from mubiao.reporting.models import Cycle
from tests.dashboard.helpers import assembled

P = "/monitor/demo-2026"
SAME = [
    "plan", "as_of", "synthetic", "linear_fraction", "counts", "headline", "red_total",
    "areas", "trends", "corrections", "projects", "ranking", "by_unit", "by_county",
]  # fmt: skip


def agree(plan) -> dict:
    """Assert the store says what the whole plan rebuilt for its day says; return it."""
    cache = StatusCache.objects.get(plan=plan)
    assert not cache.stale
    table = current.from_table(plan, cache)
    live = current.day_view(plan, cache.as_of)
    assert "table" not in live  # judged anew, not read from the store
    for key in ("red", "good", "overdue"):  # the dashboard's cut of the day, the same
        assert current.shown(live)[key] == table[key], key
    for key in SAME:
        assert table[key] == live[key], key
    assert table["red"] == live["red"][: current.SHOWN]
    assert table["good"] == live["good"][: current.SHOWN]
    assert table["overdue"]["reports"] == live["overdue"]["reports"][: current.OVERDUE_SHOWN]
    assert table["overdue"]["milestones"] == live["overdue"]["milestones"][: current.OVERDUE_SHOWN]
    assert table["overdue"]["total"] == live["overdue"]["total"]
    assert list(current.ledger_page_rows(plan, ledgers.Filters())) == ledgers.rows(live)
    # What the API, the area pages, `mubiao ledger` and the bulletin read: every key alike.
    full = current.report_data_for(plan, None, cache.as_of, scope_all=True)
    assert "table" in full  # read from the store
    for key in live:
        assert full[key] == live[key], key
    # The standings by key projects the ranking page reads: those counted for the day.
    assert cache.standings is not None
    assert cache.standings == json.loads(json.dumps(standings_of(plan, cache.as_of)))
    # The key projects' library page's figures: those counted for the day.
    assert cache.library == statuses.project_library(
        plan, cache.as_of, plan_progress(plan, cache.as_of)
    )
    # The history agrees: each subject's last change row is its status in the store.
    last = statuses_as_of(plan, cache.as_of)
    for row in CurrentStatus.objects.filter(plan=plan):
        key = f"i{row.subject_pk}" if row.kind == "indicator" else f"t{row.subject_pk}"
        assert last.get(key) == row.status, key
    for status in ("", "red", "green", "grey"):
        for kind in ("", "indicator", "task"):
            filters = ledgers.Filters(status=status, type=kind)
            counted = current.ledger_rows(plan, cache, filters)
            assert len(counted) == len(ledgers.rows(live, filters)) == len(list(counted))
    return table


def status_of(plan, code: str) -> str:
    row = CurrentStatus.objects.get(plan=plan, indicator__code=code)
    return row.status


@pytest.fixture
def month(world, march, slot, clock, django_capture_on_commit_callbacks):
    """March reported by fgw (t1: approved) and swj (t2: submitted); April 7th; a table."""
    fgw, swj, office = (world.users[k] for k in ("fgw", "swj", "supervisor"))
    with django_capture_on_commit_callbacks(execute=True):
        actions.submit(fgw, slot("fgw", "t1"), Content(progress="推进中",
                       values={"investment": "300", "projects": "260"}))  # fmt: skip
        actions.approve(office, slot("fgw", "t1"))
        actions.submit(swj, slot("swj", "t2"), Content(progress="推进中", values={"sales": "5.2"}))
    clock("2026-04-07")  # March is due on 04-05: the others' reports are overdue
    current.rebuild(world.plan)
    return world


def test_a_rebuilt_table_says_what_the_live_computation_says(month):
    table = agree(month.plan)
    assert table["as_of"] == "2026-04-07"
    assert table["overdue"]["total"] > 0
    assert table["counts"]["indicators"]["red"] > 0
    assert table["ranking"]["rows"]
    assert CurrentStatus.objects.filter(plan=month.plan).count() == 8  # 4 targets, 4 tasks


def test_an_approval_refreshes_its_rows_at_once_without_a_rebuild(
    month, slot, clock, django_capture_on_commit_callbacks
):
    built = StatusCache.objects.get(plan=month.plan).built_at
    before = status_of(month.plan, "sales")
    clock("2026-04-07", 15)
    with django_capture_on_commit_callbacks(execute=True):
        actions.approve(month.users["supervisor"], slot("swj", "t2"))
    cache = StatusCache.objects.get(plan=month.plan)
    assert cache.built_at == built and cache.refreshed_at > built
    assert status_of(month.plan, "sales") != before
    agree(month.plan)


def _standings(plan) -> dict:
    fields = ("lights", "overdue_milestones", "counted", "on_time", "late", "overdue")
    return {s.unit.code: tuple(getattr(s, f) for f in fields)
            for s in UnitStanding.objects.filter(plan=plan).select_related("unit")}  # fmt: skip


def test_an_approval_keeps_the_units_report_tallies_and_recounts_their_lights(
    month, slot, clock, django_capture_on_commit_callbacks, monkeypatch
):
    clock("2026-04-07", 15)
    counted: list[object] = []
    tallies = statuses.report_tallies

    def spy(plan, as_of, reports=None):
        counted.append(reports)
        return tallies(plan, as_of, reports)

    monkeypatch.setattr(statuses, "report_tallies", spy)
    with django_capture_on_commit_callbacks(execute=True):
        actions.approve(month.users["supervisor"], slot("swj", "t2"))
    assert counted == []  # an approval moves no submission or return: nothing recounted
    after = _standings(month.plan)
    current.rebuild(month.plan)  # every standing counted again from the reports
    assert after == _standings(month.plan)
    agree(month.plan)


def test_a_submission_recounts_the_units_timeliness(
    month, slot, django_capture_on_commit_callbacks
):
    standing = UnitStanding.objects.get(plan=month.plan, unit__code="tjj")
    assert (standing.overdue, standing.late) == (1, 0)
    reporter = get_user_model().objects.create_user("tjj-reporter")
    Membership.objects.create(user=reporter, unit=month.units["tjj"], role="reporter")
    with django_capture_on_commit_callbacks(execute=True):
        actions.submit(reporter, slot("tjj", "gdp"), Content(values={"gdp": "5.6"}))
    standing = UnitStanding.objects.get(plan=month.plan, unit__code="tjj")
    assert (standing.overdue, standing.late) == (0, 1)
    agree(month.plan)


def test_a_return_and_a_late_unlock_leave_the_table_right(
    month, slot, django_capture_on_commit_callbacks
):
    office = month.users["supervisor"]
    with django_capture_on_commit_callbacks(execute=True):
        actions.return_report(office, slot("swj", "t2"), "请核实数据")
        actions.unlock(office, slot("fgw", "t1"), "数据需要更正")
    agree(month.plan)
    assert status_of(month.plan, "investment") == "red"  # its only value was withdrawn


def test_edits_of_the_plan_judge_their_subjects_inside_the_actions(month):
    from mubiao.plans import actions as plan_actions

    plan, office = month.plan, month.users["supervisor"]
    task = plan_actions.create_task(office, plan, title="新增任务", area=plan.areas.first())
    plan_actions.assign_unit(office, task, month.units["tjj"], role="lead")
    plan_actions.create_target(office, plan, task=task, metric="新增指标", kind="count",
                               comparator=">=", value=3, unit="个")  # fmt: skip
    assert CurrentStatus.objects.filter(plan=plan, task=task).exists()
    agree(plan)
    milestone = Milestone.objects.get(task__code="t3")
    plan_actions.complete_milestone(office, milestone, on=dt.date(2026, 4, 2))
    investment = Indicator.objects.get(plan=plan, code="investment")
    plan_actions.change_target(office, investment, version=None, reason="年中调整", value=600)
    plan_actions.close_task(office, Task.objects.get(plan=plan, code="t2"))
    agree(plan)
    assert status_of(plan, "investment") != "grey"
    assert CurrentStatus.objects.get(plan=plan, task__code="t2").status == "done"
    plan_actions.unassign_unit(office, task, month.units["tjj"])
    assert not UnitStanding.objects.filter(plan=plan, unit__code="tjj", lights__has_key="grey")
    agree(plan)


def test_a_change_of_bands_judges_the_whole_plan_inside_the_action(month):
    from mubiao.dashboard.actions import set_bands

    version = StatusCache.objects.get(plan=month.plan).version
    set_bands(month.users["supervisor"], month.plan, "cumulative-floor", {
        "measure": "ratio", "bands": [{"start": None, "end": 0.2, "status": "red"},
                                      {"start": 0.2, "end": 0.3, "status": "yellow"},
                                      {"start": 0.3, "end": None, "status": "green"}]})  # fmt: skip
    assert StatusCache.objects.get(plan=month.plan).version > version
    agree(month.plan)


def test_a_new_ranking_formula_is_applied_inside_the_action(month):
    from mubiao.dashboard.actions import set_ranking

    set_ranking(month.users["supervisor"], month.plan, {
        "terms": [{"measure": "overdue", "weight": -10}, {"measure": "on_time_rate", "weight": 50}],
        "tie_breaks": [{"measure": "overdue", "order": "asc"}]})  # fmt: skip
    table = agree(month.plan)
    terms = {t["measure"]: t["weight"] for t in table["ranking"]["formula"]["terms"]}
    assert terms == {"overdue": -10, "on_time_rate": 50}  # the new formula, in the store


def test_todays_pages_and_the_same_pages_rebuilt_for_today_agree(month, login, slot):
    office = month.users["supervisor"]
    actions.approve(office, slot("swj", "t2"))  # a change, then both views of today
    client = login("supervisor")
    today = timezone.localdate().isoformat()
    stored = client.get(f"{P}/ranking/").context["data"]
    rebuilt = client.get(f"{P}/ranking/?as_of={today}").context["data"]
    assert "table" in stored

    def plain(ranking: dict) -> dict:  # without the page's printed places (第3, 并列第1)
        strip = lambda rows: [{k: v for k, v in r.items() if k != "place"} for r in rows]  # noqa: E731
        return {**ranking, "rows": strip(ranking["rows"]), "counties": strip(ranking["counties"])}

    assert plain(stored["ranking"]) == current.day_view(month.plan, timezone.localdate())["ranking"]
    assert stored["ranking"]["rows"] == rebuilt["ranking"]["rows"]
    _html, page = assembled(client, f"{P}/")
    shown = len(page["overdue"]["reports"]) + len(page["overdue"]["milestones"])
    assert page["overdue"]["total"] == shown  # "已逾期 (N)" is the length of its list
    agree(month.plan)


def test_bands_are_changed_only_by_the_supervision_office(month):
    from django.core.exceptions import PermissionDenied, ValidationError

    from mubiao.dashboard.actions import set_bands

    with pytest.raises(PermissionDenied):
        set_bands(month.users["leader"], month.plan, "cumulative-floor", None)
    with pytest.raises(ValidationError):
        set_bands(month.users["supervisor"], month.plan, "cumulative-floor", {"bands": []})
    assert not BandSetting.objects.exists()


def test_a_renamed_plan_shows_its_new_name_at_once(month, login):
    client = login("supervisor")
    client.get(f"{P}/")
    month.plan.name = "示范市2026年目标任务（修订）"
    month.plan.save()
    assert "（修订）" in client.get(f"{P}/").text


def test_a_new_day_is_judged_by_the_tick_and_a_view_before_it_writes_nothing(month, login, clock):
    from mubiao.lib import tick

    clock("2026-04-20")
    version = StatusCache.objects.get(plan=month.plan).version
    page = login("leader").get(f"{P}/")
    assert page.context["as_of"] == dt.date(2026, 4, 20)  # judged live, read-only
    assert "table" not in page.context["data"]
    header = StatusCache.objects.get(plan=month.plan)
    assert (header.as_of, header.version) == (dt.date(2026, 4, 7), version)
    assert tick.run_once(only=["statuses.new-day"]) == {"statuses.new-day": 1}
    assert tick.run_once(only=["statuses.new-day"]) == {"statuses.new-day": 0}  # claimed
    assert StatusCache.objects.get(plan=month.plan).as_of == dt.date(2026, 4, 20)
    agree(month.plan)


def test_the_pages_read_the_table_and_other_days_are_computed_live(month, login):
    client = login("supervisor")
    row = CurrentStatus.objects.get(plan=month.plan, indicator__code="gdp")
    row.row = {**row.row, "name": "表中的名称"}
    row.save()
    assert "表中的名称" in client.get(f"{P}/ledger/").text
    assert "表中的名称" not in client.get(f"{P}/ledger/?as_of=2026-04-06").text


def test_a_unit_reads_its_own_items_live_and_never_the_table(month, login):
    StatusCache.objects.all().delete()
    assert login("fgw").get(f"{P}/").status_code == 200
    assert not StatusCache.objects.exists()


@override_settings(MUBIAO_STATUS_INLINE_LIMIT=3)
def test_a_big_plan_is_judged_by_the_tick_and_the_pages_say_they_are_behind(month, login, clock):
    from mubiao.lib import tick

    clock("2026-04-20")
    client = login("supervisor")
    page = client.get(f"{P}/")
    assert 'data-testid="table-behind"' in page.text
    assert page.context["as_of"] == dt.date(2026, 4, 7)  # the last figures, said so
    assert 'data-testid="table-behind"' in client.get(f"{P}/ledger/").text
    assert StatusCache.objects.get(plan=month.plan).as_of == dt.date(2026, 4, 7)
    assert tick.run_once(only=["statuses.new-day"]) == {"statuses.new-day": 1}
    page = client.get(f"{P}/")
    assert 'data-testid="table-behind"' not in page.text
    assert page.context["as_of"] == dt.date(2026, 4, 20)


@override_settings(MUBIAO_STATUS_INLINE_LIMIT=3)
def test_a_big_plan_without_a_store_is_judged_live_meanwhile(month, login):
    StatusCache.objects.all().delete()
    page = login("supervisor").get(f"{P}/")
    assert page.status_code == 200
    assert "table" not in page.context["data"]
    assert not StatusCache.objects.exists()


def test_the_table_follows_a_new_cycles_reports(month, django_capture_on_commit_callbacks):
    april = Cycle.objects.get(plan=month.plan, code="202604")
    assert StatusCache.objects.get(plan=month.plan).stale is False
    ensure_reports(april)  # report slots, no judgement changes
    agree(month.plan)
    assert timezone.localdate() == dt.date(2026, 4, 7)


def test_a_repeated_view_is_served_again_until_the_table_changes(
    month, login, slot, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def main(page) -> str:  # the page's content, without the per-request CSRF token
        text = page.text
        return text[text.index("<main") : text.index("</main>")]

    client = login("supervisor")
    first = main(client.get(f"{P}/"))
    with CaptureQueriesContext(connection) as again:
        assert main(client.get(f"{P}/")) == first
    # session, user, plan, access, the store's header and its few small reads
    assert len(again.captured_queries) <= 20
    ledger = main(client.get(f"{P}/ledger/?status=red"))
    assert 'data-testid="ledger"' in main(client.get(f"{P}/ledger/"))  # not the dashboard's
    assert 'data-testid="ledger"' not in main(client.get(f"{P}/"))
    with django_capture_on_commit_callbacks(execute=True):
        actions.approve(month.users["supervisor"], slot("swj", "t2"))
    after = main(client.get(f"{P}/"))
    assert after != first
    assert main(client.get(f"{P}/ledger/?status=red")) != ledger
    assert 'data-testid="count-red"' in after


def test_a_key_project_added_or_changed_refreshes_the_projects_and_their_targets(month):
    from decimal import Decimal

    from mubiao.dashboard import statuses
    from mubiao.plans import actions as plan_actions
    from mubiao.projects.models import Project

    plan = month.plan
    project = Project.objects.create(
        plan=plan, code="p1", name="示范县重点项目", county=month.units["county"],
        annual_plan=Decimal(12000), stage=Project.Stage.BUILDING,
    )  # fmt: skip
    project.counts_toward.add(Indicator.objects.get(plan=plan, code="projects"))
    statuses.apply(plan, [project])  # as the project library's actions do
    assert StatusCache.objects.get(plan=plan).projects["n"] == 1
    agree(plan)
    project.annual_plan = Decimal(24000)
    project.save()
    statuses.apply(plan, [project])
    assert StatusCache.objects.get(plan=plan).projects["plan"] == 24000
    agree(plan)
    # A target the projects count toward changes its kind: the roll-up the library page
    # prints (a count of projects under way, then a sum of investment) follows.
    office = month.users["supervisor"]
    target = Indicator.objects.get(plan=plan, code="projects")
    rolled = StatusCache.objects.get(plan=plan).library["targets"][str(target.pk)]
    plan_actions.change_target(office, target, version=None, reason="口径调整",
                               kind=Indicator.Kind.AMOUNT, unit="万元")  # fmt: skip
    assert StatusCache.objects.get(plan=plan).library["targets"][str(target.pk)] != rolled
    agree(plan)


def test_a_past_day_shows_what_that_day_showed(month, login, slot, clock):
    from mubiao.lib import tick

    plan, day = month.plan, timezone.localdate()
    then = current.report_data_for(plan, None, day, scope_all=True)
    _html, page_then = assembled(login("supervisor"), f"{P}/")
    unit_then = login("fgw").get(f"{P}/").context["data"]
    assert "table" in then and "table" in page_then  # read from the store that day
    clock("2026-04-20", 10)
    assert tick.run_once(only=["statuses.new-day"]) == {"statuses.new-day": 1}
    actions.approve(month.users["supervisor"], slot("swj", "t2"))  # unknown to that day
    agree(plan)  # today: the store and the rebuild
    again = current.report_data_for(plan, None, day, scope_all=True)
    assert "table" not in again  # judged for that day, through the same builder
    assert {k: v for k, v in then.items() if k != "table"} == again
    past = f"{P}/?as_of={day.isoformat()}"
    assert login("fgw").get(past).context["data"] == unit_then
    office = login("supervisor")
    page = office.get(past).context["data"]
    assert {k: v for k, v in page_then.items() if k != "table"} == page
    assert page["counts"] != office.get(f"{P}/").context["data"]["counts"]  # days differ
    # What that day showed is what the history recorded for it.
    codes = {
        f"i{pk}": code for code, pk in Indicator.objects.filter(plan=plan).values_list("code", "pk")
    }
    codes |= {
        f"t{pk}": code for code, pk in Task.objects.filter(plan=plan).values_list("code", "pk")
    }
    recorded = {codes[k]: v for k, v in statuses_as_of(plan, day).items()}
    assert recorded == {r["code"]: r["status"] for r in again["indicators"] + again["tasks"]}


def test_a_returned_consolidation_leaves_the_store_right(month, slot):
    """A lead unit taking back its consolidation changes its tallies (a submission no
    longer counted): the store and the rebuild agree after it."""
    from mubiao.reporting.models import Report

    report = slot("swj", "t2")
    report.refresh_from_db()
    assert report.state == Report.State.SUBMITTED
    actions.return_report(month.users["supervisor"], report, "请补充协办单位的材料")
    agree(month.plan)


def test_a_lead_unit_taking_back_its_consolidation_leaves_the_store_right(world, slot, clock):
    """Reopening (the lead takes back its submitted consolidation to merge a late part)."""
    fgw, swj = world.users["fgw"], world.users["swj"]
    lead = slot("fgw", "t1")
    actions.submit(fgw, lead, Content(progress="先行报送", values={"investment": "300"},
                                      without_parts_reason="协办单位尚未报送"))  # fmt: skip
    clock("2026-04-03")
    current.rebuild(world.plan)
    actions.submit(swj, slot("swj", "t1"), Content(progress="配合推进"))
    version = StatusCache.objects.get(plan=world.plan).version
    actions.reopen(fgw, lead)
    assert StatusCache.objects.get(plan=world.plan).version > version  # judged in the action
    agree(world.plan)


def test_a_bulk_approval_judges_its_reports_once_and_leaves_the_store_right(month, slot):
    reporter = get_user_model().objects.create_user("tjj-reporter")
    Membership.objects.create(user=reporter, unit=month.units["tjj"], role="reporter")
    actions.submit(reporter, slot("tjj", "gdp"), Content(values={"gdp": "5.6"}))
    before = status_of(month.plan, "gdp"), status_of(month.plan, "sales")
    actions.bulk_approve(month.users["supervisor"], [slot("swj", "t2"), slot("tjj", "gdp")])
    after = status_of(month.plan, "gdp"), status_of(month.plan, "sales")
    assert after[0] != before[0] and after[1] != before[1]  # both judged on their values
    agree(month.plan)


def test_the_project_librarys_import_keeps_the_store(month):
    """The key projects change through their action (``import_projects``), which judges
    the projects' summary and the targets they count toward inside its transaction."""
    from decimal import Decimal

    from openpyxl import load_workbook

    from mubiao.projects.actions import import_projects
    from mubiao.projects.excel import HEADER, export_projects
    from mubiao.projects.models import Project

    plan = month.plan
    project = Project.objects.create(
        plan=plan, code="p-00001", name="示范县重点项目", county=month.units["county"],
        category=Project.Category.ONGOING, annual_plan=Decimal(12000),
        stage=Project.Stage.BUILDING,
    )  # fmt: skip
    project.counts_toward.add(Indicator.objects.get(plan=plan, code="projects"))
    current.rebuild(plan)
    assert StatusCache.objects.get(plan=plan).projects["plan"] == 12000
    book = load_workbook(io.BytesIO(export_projects(Project.objects.filter(plan=plan))))
    sheet = book.active
    column = HEADER.index("年度计划投资（万元）") + 1
    sheet.cell(row=2, column=column, value=24000)
    out = io.BytesIO()
    book.save(out)
    counts = import_projects(month.users["supervisor"], plan, out.getvalue())
    assert counts["updated"] == 1
    assert StatusCache.objects.get(plan=plan).projects["plan"] == 24000
    agree(plan)


def test_deleting_and_issuing_keep_the_store(month):
    from mubiao.plans import actions as plan_actions

    plan, office = month.plan, month.users["supervisor"]
    task = plan_actions.create_task(office, plan, title="待下达任务", area=plan.areas.first())
    plan_actions.assign_unit(office, task, month.units["tjj"], role="lead")
    target = plan_actions.create_target(office, plan, task=task, metric="待下达指标",
                                        kind="count", comparator=">=", value=3, unit="个")  # fmt: skip
    target_pk, task_pk = target.pk, task.pk
    plan_actions.delete_target(office, target)
    assert not CurrentStatus.objects.filter(plan=plan, kind="indicator", subject_pk=target_pk)
    agree(plan)
    plan_actions.delete_task(office, task)
    assert not CurrentStatus.objects.filter(plan=plan, kind="task", subject_pk=task_pk)
    agree(plan)
    issued = plan_actions.create_task(office, plan, title="新下达任务", area=plan.areas.first())
    plan_actions.assign_unit(office, issued, month.units["tjj"], role="lead")
    plan_actions.issue(office, plan, [issued])
    assert CurrentStatus.objects.filter(plan=plan, task=issued).exists()
    agree(plan)


def test_a_unit_renamed_in_the_admin_is_renamed_in_the_store(month, rf):
    """A unit's name is in the rows and the standings: the admin's save judges its plans."""
    from django.contrib import admin

    from mubiao.orgs.models import OrgUnit

    unit = OrgUnit.objects.get(code="swj")
    unit.short_name = "市商务局（改名）"
    request = rf.post("/admin/orgs/orgunit/")
    request.user = get_user_model().objects.create_superuser("root")
    admin.site._registry[OrgUnit].save_model(request, unit, form=None, change=True)
    table = agree(month.plan)
    assert "市商务局（改名）" in str(table["ranking"]["rows"])


def test_todays_dashboard_fetches_its_parts_as_it_loads_and_assembled_is_the_whole_page(
    month, login
):
    """Read from the store, the first response holds the header's figures and leaves each
    part to be fetched when the page loads (no click); put together, the page is exactly
    the body a live view renders at once from the same figures."""
    from django.core.cache import cache as page_cache

    from mubiao.dashboard import views

    client = login("supervisor")
    response = client.get(f"{P}/")
    first = response.text
    assert 'data-testid="counts"' in first and 'data-testid="red-list"' not in first
    lazy = re.findall(r'data-part="([a-z]+)" hx-get="([^"]+)" hx-trigger="load"', first)
    parts = [*current.PARTS, views.PANEL]
    assert lazy == [(part, f"{P}/parts/{part}/") for part in parts]
    page_cache.clear()  # rendered again, so that its data can be read
    page, data = assembled(client, f"{P}/")
    assert "lazy-part" not in page
    for testid in ("headline", "red-list", "overdue", "areas", "ranking", "formula",
                   "supervision-panel"):  # fmt: skip
        assert f'data-testid="{testid}"' in page, testid
    assert 'id="dashboard-data"' in page
    store = current.overseer_store(month.plan, month.users["supervisor"], timezone.localdate())
    whole = views._dashboard_body(
        response.wsgi_request, month.plan, timezone.localdate(), store, lazy=False
    )
    assert "lazy-part" not in whole and whole in page
    table = current.from_table(month.plan, store[0])
    assert {k: v for k, v in data.items() if k in table} == table


def test_a_dashboard_part_is_cached_under_the_stores_version_and_follows_a_change(
    month, login, slot
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login("supervisor")
    url = f"{P}/parts/red/"
    first = client.get(url)
    assert first.context is not None  # rendered
    with CaptureQueriesContext(connection) as again:
        second = client.get(url)
    assert second.content == first.content and second.context is None  # from the cache
    assert not any("dashboard_currentstatus" in q["sql"] for q in again.captured_queries)
    actions.approve(month.users["supervisor"], slot("swj", "t2"))  # a new version
    after = client.get(url)
    assert after.context is not None  # rendered again
    cache = StatusCache.objects.get(plan=month.plan)
    assert after.context["data"]["red"] == current.from_table(month.plan, cache)["red"]


def test_a_live_dashboard_has_every_part_in_place_and_a_part_alone_says_the_same(month, login):
    client = login("supervisor")
    day = "2026-04-06"  # not the store's day: judged live
    page = client.get(f"{P}/?as_of={day}")
    assert "table" not in page.context["data"]
    assert "lazy-part" not in page.text and 'data-testid="overdue"' in page.text
    part = client.get(f"{P}/parts/overdue/?as_of={day}")
    assert part.context["data"]["overdue"] == page.context["data"]["overdue"]
    assert part.text.strip() and part.text.strip() in page.text
    assert client.get(f"{P}/parts/nothing/").status_code == 404
    assert client.get(f"{P}/parts/red/?as_of=someday").status_code == 400
    # The supervision panel: the overseers' (live, never cached), nobody else's.
    assert 'data-testid="supervision-panel"' in client.get(f"{P}/parts/supervision/").text
    unit = login("fgw")
    assert unit.get(f"{P}/parts/supervision/").text.strip() == ""
    # A unit's dashboard is judged for what it may see, and holds no ranking.
    assert unit.get(f"{P}/parts/ranking/").text.strip() == ""


def test_the_ranking_page_reads_only_the_stores_ranking(month, login):
    """Read from the store, the ranking page reads the header and the ranking, not the
    dashboard's other parts (the overdue reports were read and dropped), and shows the
    same ranking as the whole dashboard's data."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login("supervisor")
    cache.clear()
    with CaptureQueriesContext(connection) as read:
        page = client.get(f"{P}/ranking/")
    assert page.status_code == 200
    sql = " ".join(q["sql"] for q in read.captured_queries)
    assert "reporting_report" not in sql and "dashboard_currentstatus" not in sql
    whole = current.dashboard_data(month.plan, month.users["supervisor"], timezone.localdate())
    ranking = current.ranking_data(month.plan, month.users["supervisor"], timezone.localdate())
    assert ranking["ranking"] == whole["ranking"] and ranking["table"] == whole["table"]
    assert whole["ranking"]["rows"] and all(
        r["unit"] in page.text for r in whole["ranking"]["rows"]
    )
