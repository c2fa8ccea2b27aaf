"""The plan-tree actions: build, change, move and delete areas, tasks, targets,
milestones and assignments; the office only; an audit row each; stale edits refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from mubiao.audit.models import AuditEntry
from mubiao.plans import actions
from mubiao.plans.models import (
    Area,
    Assignment,
    ChangeRequest,
    Indicator,
    Milestone,
    TargetRevision,
    Task,
)
from mubiao.reporting.cycles import ensure_cycles, ensure_reports
from mubiao.reporting.models import Cycle, Report
from tests.reporting.test_evidence_storage import zipped


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English (the page language is pinned)."""
    with translation.override("en"):
        yield


@pytest.fixture
def office(world):
    return world.users["supervisor"]


@pytest.fixture
def draft(world, office):
    """An empty plan in draft, as the office starts one by hand."""
    return actions.create_plan(office, issuer=world.units["city"], code="draft-2026",
                               name="示范市2026年重点工作", year=2026)  # fmt: skip


def last_audit(action: str) -> AuditEntry:
    return AuditEntry.objects.filter(action=action).latest("pk")


def test_it_builds_areas_with_nesting_and_order(draft, office):
    one = actions.create_area(office, draft, name="稳增长", number="一")
    two = actions.create_area(office, draft, name="兴乡村", number="二")
    sub = actions.create_area(office, draft, name="扩投资", parent=one)
    assert (one.order, two.order, sub.order) == (0, 1, 0)
    assert sub.parent == one
    assert last_audit("area.create").target == f"area:draft-2026/{sub.code}"
    actions.move_area(office, two, step=-1)
    assert list(Area.objects.filter(plan=draft, parent=None).values_list("name", flat=True)) == [
        "兴乡村", "稳增长",
    ]  # fmt: skip
    actions.move_area(office, sub, parent=two)
    sub.refresh_from_db()
    assert sub.parent == two


def test_an_area_cannot_go_inside_itself(draft, office):
    one = actions.create_area(office, draft, name="稳增长")
    sub = actions.create_area(office, draft, name="扩投资", parent=one)
    with pytest.raises(ValidationError):
        actions.move_area(office, one, parent=sub)


def test_an_area_with_tasks_is_not_deleted(draft, office):
    area = actions.create_area(office, draft, name="稳增长")
    actions.create_task(office, draft, area=area, title="扩大有效投资")
    with pytest.raises(ValidationError, match="still holds"):
        actions.delete_area(office, area)
    assert Area.objects.filter(pk=area.pk).exists()


def test_only_the_office_changes_the_plan(world, draft):
    for persona in ("leader", "fgw", "county", "viewer", "outsider"):
        with pytest.raises(PermissionDenied):
            actions.create_area(world.users[persona], draft, name="x")
    assert not Area.objects.filter(plan=draft).exists()


def test_it_creates_and_changes_a_task_with_an_audit_row(draft, office):
    task = actions.create_task(office, draft, number="1", title="扩大有效投资",
                               leader="张副市长", deadline=dt.date(2026, 12, 31), rhythm="quarter")  # fmt: skip
    assert task.code == "t001" and task.issued_at is None
    actions.update_task(office, task, version=task.version, title="扩大有效投资规模")
    entry = last_audit("task.change")
    assert entry.before["title"] == "扩大有效投资" and entry.after["title"] == "扩大有效投资规模"
    assert entry.actor == office


def test_a_deadline_outside_the_plans_year_is_refused(draft, office):
    task = actions.create_task(office, draft, title="扩大有效投资")
    with pytest.raises(ValidationError, match="outside the plan's year 2026"):
        actions.update_task(office, task, version=task.version, deadline=dt.date(2027, 3, 1))
    task.refresh_from_db()
    assert task.deadline is None


def test_the_second_of_two_editors_is_told_and_sees_the_first_change(draft, office, world):
    task = actions.create_task(office, draft, title="扩大有效投资")
    opened = task.version
    first = Task.objects.get(pk=task.pk)
    second = Task.objects.get(pk=task.pk)
    actions.update_task(office, first, version=opened, leader="张副市长")
    with pytest.raises(actions.EditConflict) as caught:
        actions.update_task(office, second, version=opened, leader="李副市长")
    assert caught.value.current.leader == "张副市长"
    assert Task.objects.get(pk=task.pk).leader == "张副市长"


def test_it_creates_a_target_and_refuses_a_non_number(draft, office):
    task = actions.create_task(office, draft, title="扩大有效投资")
    target = actions.create_target(office, draft, task=task, metric="固定资产投资增长",
                                   kind="growth", comparator=">=", value="8", unit="%")  # fmt: skip
    assert target.value == Decimal("8") and target.accumulation == "rate"
    with pytest.raises(ValidationError, match="is not a number"):
        actions.change_target(office, target, version=target.version, value="八")
    target.refresh_from_db()
    assert target.value == Decimal("8")


def test_an_issued_target_changes_only_with_a_reason_and_keeps_its_old_value(world, office):
    gdp = Indicator.objects.get(plan=world.plan, code="gdp")
    assert actions.target_needs_reason(gdp, {"value": "6"})
    with pytest.raises(ValidationError, match="reason"):
        actions.change_target(office, gdp, version=gdp.version, value="6")
    actions.change_target(office, gdp, version=gdp.version, value="6", reason="省下达目标调整",
                          effective_from=dt.date(2026, 7, 1))  # fmt: skip
    gdp.refresh_from_db()
    assert gdp.value == Decimal("6")
    revision = TargetRevision.objects.get(indicator=gdp)
    assert (revision.old_value, revision.new_value) == (Decimal("5.5"), Decimal("6"))
    assert gdp.target_on(dt.date(2026, 6, 30))[1] == Decimal("5.5")
    assert gdp.target_on(dt.date(2026, 7, 1))[1] == Decimal("6")
    assert last_audit("target.change").note == "省下达目标调整"


def test_a_stated_schedule_and_last_years_months_are_set_and_checked(draft, office):
    from mubiao.dashboard.status import schedule_of
    from mubiao.monitor import Seasonal, Stated

    task = actions.create_task(office, draft, title="扩大有效投资")
    stated = {"type": "stated", "points": {"6": 0.6, "12": 1.2}}
    target = actions.create_target(office, draft, task=task, metric="固定资产投资",
                                   kind="amount", comparator=">=", value="1000", unit="亿元",
                                   schedule=stated)  # fmt: skip
    assert target.schedule == stated
    assert schedule_of(target) == Stated({6: 0.6, 12: 1.2})  # ends above the plan, at 120%
    refused = [
        ({"schedule": {"type": "stated", "points": {"6": 0.6}}}, "month 12"),
        ({"schedule": {"type": "stated", "points": {"6": 0.8, "12": 0.7}}}, "never fall"),
        ({"schedule": {"type": "seasonal", "shares": [0.5] * 12}}, "December share"),
        ({"schedule": {"type": "weekly"}}, "type 'weekly' is not one of monthly"),
        ({"schedule": {"type": "seasonal", "last_year": [10**400] * 12}}, "refused"),
        ({"schedule": {"type": "monthly", "x": float("nan")}}, "refused"),
        ({"schedule": [1, 2]}, "as an object"),
        ({"baseline_series": [1] * 11}, "twelve monthly values"),
        ({"baseline_series": "twelve chars"}, "twelve monthly values"),
        ({"baseline_series": ["1"] * 12}, "must be numbers"),
        ({"baseline_series": [float("inf")] + [1] * 11}, "must be numbers"),
        ({"baseline_series": [True] * 12}, "must be numbers"),
    ]
    for fields, sentence in refused:
        with pytest.raises(ValidationError, match=sentence):
            actions.change_target(office, target, version=target.version, **fields)
        target.refresh_from_db()
        assert target.schedule == stated and target.baseline_series == []
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refusal:
        actions.change_target(office, target, version=target.version,
                              schedule={"type": "stated", "points": {"6": 0.6}})  # fmt: skip
    assert refusal.value.messages == ["序时进度设置有误：明确的进度要求须给出全年（12月）的比例。"]
    target.refresh_from_db()
    months = [20, 40, 60, 80, 100, 130, 140, 150, 160, 170, 180, None]
    actions.change_target(office, target, version=target.version, schedule={},
                          baseline_series=[*months[:11], 270])  # fmt: skip
    target.refresh_from_db()
    assert target.schedule == {} and isinstance(schedule_of(target), Seasonal)
    assert last_audit("target.change").after["baseline_series"][-1] == 270


def test_the_schedule_of_an_issued_target_changes_only_with_a_reason(world, office):
    gdp = Indicator.objects.get(plan=world.plan, code="gdp")
    quarterly = {"type": "quarterly"}
    assert not actions.target_needs_reason(gdp, {"schedule": gdp.schedule or {}})
    assert actions.target_needs_reason(gdp, {"schedule": quarterly})
    with pytest.raises(ValidationError, match="reason"):
        actions.change_target(office, gdp, version=gdp.version, schedule=quarterly)
    with pytest.raises(ValidationError, match="reason"):
        actions.change_target(office, gdp, version=gdp.version, baseline_series=[1] * 12)
    gdp.refresh_from_db()
    assert gdp.schedule == {} and gdp.baseline_series == []
    actions.change_target(office, gdp, version=gdp.version, schedule=quarterly,
                          reason="按季考核")  # fmt: skip
    gdp.refresh_from_db()
    assert gdp.schedule == quarterly
    assert last_audit("target.change").note == "按季考核"
    # the value did not change: no revision of the value in the target's history
    assert not TargetRevision.objects.filter(indicator=gdp).exists()


def test_milestones_are_made_completed_and_kept_in_the_year(world, office):
    task = Task.objects.get(plan=world.plan, code="t3")
    with pytest.raises(ValidationError, match="outside"):
        actions.create_milestone(office, task, text="开工", due=dt.date(2025, 12, 1))
    m = actions.create_milestone(office, task, text="开工", due=dt.date(2026, 5, 1))
    for day in (dt.date(999, 1, 1), dt.date(2025, 12, 31), dt.date(2028, 1, 1)):
        with pytest.raises(ValidationError, match="is done in 2026 or 2027"):
            actions.complete_milestone(office, m, on=day)
    assert Milestone.objects.get(pk=m.pk).done_at is None
    actions.complete_milestone(office, m, on=dt.date(2026, 4, 28))
    assert Milestone.objects.get(pk=m.pk).done_at == dt.date(2026, 4, 28)
    assert last_audit("milestone.complete").after == {"done_at": "2026-04-28"}


def test_milestone_codes_follow_the_task_and_are_not_reused(world, office):
    import importlib

    from django.apps import apps

    task = Task.objects.get(plan=world.plan, code="t3")
    first = actions.create_milestone(office, task, text="开工", due=dt.date(2026, 5, 1))
    second = actions.create_milestone(office, task, text="竣工", due=dt.date(2026, 4, 1))
    held = list(task.milestones.values_list("code", flat=True))
    assert {first.code, second.code} <= set(held) and len(set(held)) == len(held)
    actions.delete_milestone(office, second)
    third = actions.create_milestone(office, task, text="验收", due=dt.date(2026, 6, 1))
    assert third.code not in (second.code, first.code)
    assert last_audit("milestone.create").target == f"milestone:demo-2026/t3/{third.code}"
    # a stale copy of the task written back lowers its counter: a held code is still not given
    Task.objects.filter(pk=task.pk).update(milestone_seq=0)
    fourth = actions.create_milestone(office, task, text="投产", due=dt.date(2026, 7, 1))
    assert fourth.code not in [*held, third.code]
    # the migration numbers existing milestones m1 … in the order the task shows them
    for m in Milestone.objects.filter(task=task):  # as before it (distinct: the constraint)
        Milestone.objects.filter(pk=m.pk).update(code=f"old-{m.pk}")
    migration = importlib.import_module("mubiao.plans.migrations.0012_milestone_code")
    migration.number_milestones(apps, None)
    shown = list(Milestone.objects.filter(task=task).order_by("due", "order", "pk"))
    assert [m.code for m in shown] == [f"m{i}" for i in range(1, len(shown) + 1)]
    task.refresh_from_db()
    assert task.milestone_seq == len(shown)


def test_close_task_and_reopen(world, office):
    task = Task.objects.get(plan=world.plan, code="t2")
    actions.close_task(office, task)
    assert Task.objects.get(pk=task.pk).is_closed
    actions.close_task(office, task, reopen=True)
    assert not Task.objects.get(pk=task.pk).is_closed


def test_assign_unit_keeps_one_lead_and_orders_co_units(world, office):
    task = Task.objects.get(plan=world.plan, code="t1")  # lead fgw, co swj
    actions.assign_unit(office, task, world.units["tjj"], role="co")
    actions.assign_unit(office, task, world.units["tjj"], role="co", step=-1)
    rows = list(task.assignments.order_by("order").values_list("unit__code", "role"))
    assert rows == [("fgw", "lead"), ("tjj", "co"), ("swj", "co")]
    actions.assign_unit(office, task, world.units["swj"], role="lead")
    roles = dict(task.assignments.values_list("unit__code", "role"))
    assert roles == {"swj": "lead", "fgw": "co", "tjj": "co"}
    assert "swj:lead" in last_audit("unit.assign").after["units"]


def test_a_unit_outside_the_government_is_not_assigned(world, office):
    task = Task.objects.get(plan=world.plan, code="t1")
    with pytest.raises(ValidationError, match="is not under"):
        actions.assign_unit(office, task, world.units["other-city"], role="co")


def test_renumber_numbers_areas_and_tasks_in_order(draft, office):
    a = actions.create_area(office, draft, name="稳增长")
    b = actions.create_area(office, draft, name="兴乡村")
    actions.create_task(office, draft, area=a, title="甲")
    actions.create_task(office, draft, area=a, title="乙")
    actions.create_area(office, draft, name="扩投资", parent=b)
    actions.renumber(office, draft)
    numbers = dict(Area.objects.filter(plan=draft).values_list("name", "number"))
    assert numbers == {"稳增长": "一", "兴乡村": "二", "扩投资": "（一）"}
    assert list(
        Task.objects.filter(plan=draft).order_by("order").values_list("number", flat=True)
    ) == ["1", "2"]


# Issuing and acknowledging


def test_a_task_without_a_lead_unit_is_not_issued(draft, office, world):
    good = actions.create_task(office, draft, number="1", title="扩大有效投资")
    actions.assign_unit(office, good, world.units["fgw"], role="lead")
    actions.create_task(office, draft, number="2", title="促进消费")
    with pytest.raises(ValidationError) as caught:
        actions.issue(office, draft)
    assert caught.value.messages == ["Task 2 促进消费 has no lead unit."]
    assert not Task.objects.filter(plan=draft, issued_at__isnull=False).exists()


def test_issuing_starts_reporting_and_tells_the_units(draft, office, world):
    task = actions.create_task(office, draft, number="1", title="扩大有效投资")
    actions.assign_unit(office, task, world.units["fgw"], role="lead")
    actions.assign_unit(office, task, world.units["county-agri"], role="co")
    cycle = ensure_cycles(draft, Cycle.Kind.MONTH)[0]
    ensure_reports(cycle)
    assert not Report.objects.filter(cycle=cycle).exists()
    actions.issue(office, draft)
    draft.refresh_from_db()
    assert draft.status == "active"
    ensure_reports(cycle)
    assert set(Report.objects.filter(cycle=cycle).values_list("unit__code", flat=True)) == {
        "fgw", "county-agri",
    }  # fmt: skip
    told = set(world.users["fgw"].plan_notices.values_list("kind", flat=True))
    assert told == {"issued"}
    # The county department has no people: its county's reporter is told.
    assert world.users["county"].plan_notices.count() == 1


def test_a_task_reports_only_in_cycles_of_its_rhythm(draft, office, world):
    task = actions.create_task(office, draft, title="季度任务", rhythm="quarter")
    actions.assign_unit(office, task, world.units["fgw"], role="lead")
    actions.issue(office, draft)
    month = ensure_cycles(draft, Cycle.Kind.MONTH)[2]
    quarter = ensure_cycles(draft, Cycle.Kind.QUARTER)[0]
    assert (ensure_reports(month), ensure_reports(quarter)) == (0, 1)


def test_a_unit_acknowledges_or_objects_within_the_window(world, office, clock):
    task = Task.objects.get(plan=world.plan, code="t4")
    Task.objects.filter(pk=task.pk).update(issued_at=None)
    task.refresh_from_db()
    actions.issue(office, world.plan, [task])
    task.refresh_from_db()
    with pytest.raises(PermissionDenied):
        actions.acknowledge(world.users["fgw"], task)
    with pytest.raises(ValidationError, match="why"):
        actions.object_to(world.users["county"], task, reason=" ")
    actions.object_to(world.users["county"], task, reason="该任务应由县水利局牵头")
    a = Assignment.objects.get(task=task)
    assert a.objection and a.acknowledged_at is None
    assert world.users["supervisor"].plan_notices.filter(kind="objection").exists()
    actions.acknowledge(world.users["county"], task)
    a.refresh_from_db()
    assert a.acknowledged_by == world.users["county"] and a.objection == ""
    clock("2026-04-30")
    with pytest.raises(ValidationError, match="ended on 2026-04-06"):
        actions.object_to(world.users["county"], task, reason="太晚了")


# Change requests


def test_an_approved_target_change_takes_effect_from_its_date(world, office, clock):
    task = Task.objects.get(plan=world.plan, code="t1")
    investment = Indicator.objects.get(plan=world.plan, code="investment")
    cr = actions.request_change(world.users["fgw"], task, kind="target", indicator=investment,
                                proposed={"value": "1400"}, reason="项目延期",
                                effective_from=dt.date(2026, 7, 1))  # fmt: skip
    assert cr.current == {"value": "1500", "value_max": None}
    with pytest.raises(PermissionDenied):
        actions.decide_change(world.users["fgw"], cr, approve=True)
    actions.decide_change(office, cr, approve=True, comment="同意")
    investment.refresh_from_db()
    assert investment.value == Decimal("1400")
    assert investment.target_on(dt.date(2026, 6, 30))[1] == Decimal("1500")
    assert world.users["fgw"].plan_notices.filter(kind="decided").exists()
    with pytest.raises(ValidationError, match="already been decided"):
        actions.decide_change(office, cr, approve=False, comment="不同意")


def test_a_change_request_with_bad_input_is_refused(world):
    task = Task.objects.get(plan=world.plan, code="t1")
    investment = Indicator.objects.get(plan=world.plan, code="investment")
    fgw = world.users["fgw"]
    with pytest.raises(ValidationError, match="not a number"):
        actions.request_change(fgw, task, kind="target", indicator=investment,
                               proposed={"value": "一千"}, reason="x")  # fmt: skip
    with pytest.raises(ValidationError, match="outside"):
        actions.request_change(fgw, task, kind="deadline", proposed={"deadline": "2027-01-31"},
                               reason="x")  # fmt: skip
    with pytest.raises(ValidationError, match="reason"):
        actions.request_change(fgw, task, kind="deadline", proposed={"deadline": "2026-11-30"},
                               reason="")  # fmt: skip
    with pytest.raises(PermissionDenied):
        actions.request_change(world.users["county"], task, kind="deadline",
                               proposed={"deadline": "2026-11-30"}, reason="x")  # fmt: skip


def test_a_refused_request_changes_nothing_and_an_approved_unit_change_applies(world, office):
    task = Task.objects.get(plan=world.plan, code="t1")
    swj = world.users["swj"]
    cr = actions.request_change(swj, task, kind="deadline", proposed={"deadline": "2026-11-30"},
                                reason="工期")  # fmt: skip
    with pytest.raises(ValidationError, match="why"):
        actions.decide_change(office, cr, approve=False)
    actions.decide_change(office, cr, approve=False, comment="按原计划")
    assert Task.objects.get(pk=task.pk).deadline is None
    cr = actions.request_change(swj, task, kind="assignment",
                                proposed={"unit": "swj", "role": "none"}, reason="非本单位职责")  # fmt: skip
    actions.decide_change(office, cr, approve=True)
    assert not task.assignments.filter(unit__code="swj").exists()


def test_closing_a_task_judges_it_again_in_the_same_transaction(world, office, clock):
    from mubiao.dashboard.models import StatusChange

    task = Task.objects.get(plan=world.plan, code="t2")
    before = StatusChange.objects.filter(task=task).count()
    actions.close_task(office, task)
    assert StatusChange.objects.filter(task=task).count() == before + 1


# Change-request evidence: the same checks as a report's evidence


PDF = b"%PDF-1.7\n" + b"\x00" * 32


def _ask(client, *files):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return client.post(
        "/plans/demo-2026/tasks/t1/request-change/",
        {"kind": "deadline", "deadline": "2026-11-30", "reason": "工期", "evidence": list(files)},
        follow=True,
    )


@pytest.mark.parametrize(
    ("files", "said"),
    [
        ([("台账.xlsx", zipped("xl/workbook.xml", "xl/vbaProject.bin"))], "contains macros"),
        ([("run.pdf", b"#!/bin/sh\nrm -rf /\n")], "not an accepted file"),
        ([(f"p{i}.pdf", PDF) for i in range(11)], "11 files were attached"),
        ([("a.pdf", PDF), ("b.pdf", PDF)], "one file of evidence"),
    ],
)  # fmt: skip
def test_change_request_evidence_is_checked_and_nothing_is_saved_on_refusal(
    world, login, settings, tmp_path, files, said
):
    settings.MEDIA_ROOT = tmp_path
    client = login("swj")
    answer = _ask(client, *(SimpleUploadedFile(name, data) for name, data in files))
    assert said in answer.content.decode()
    assert not ChangeRequest.objects.exists()
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


def test_change_request_evidence_that_passes_is_stored(world, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    answer = _ask(login("swj"), SimpleUploadedFile("../../证明.pdf", PDF))
    assert "sent to the office" in answer.content.decode()
    cr = ChangeRequest.objects.get()
    assert cr.evidence.name == f"change-requests/{cr.code}/证明.pdf"
    assert (tmp_path / cr.evidence.name).read_bytes() == PDF


# Reminders to acknowledge (签收)


def _only_t4_waits(world, office):
    """t4 issued now to the county; every other assignment already acknowledged."""
    from django.utils import timezone

    task = Task.objects.get(plan=world.plan, code="t4")
    Task.objects.filter(pk=task.pk).update(issued_at=None)
    Assignment.objects.exclude(task=task).update(acknowledged_at=timezone.now())
    task.refresh_from_db()
    actions.issue(office, world.plan, [task])
    return task


def test_the_tick_reminds_a_unit_after_the_window_once_a_day(world, office, clock):
    from django.utils import timezone

    from mubiao.lib import tick

    assert tick.jobs()["plans.acknowledge-reminders"] is actions.remind_overdue_acknowledgements
    _only_t4_waits(world, office)
    county = world.users["county"]
    reminders = county.plan_notices.filter(kind="remind")
    assert actions.remind_overdue_acknowledgements(timezone.now()) == 0  # still in the window
    clock("2026-04-06")  # the window (5 days) ended on the 6th, at the hour of issue
    assert actions.remind_overdue_acknowledgements(timezone.now()) == 0
    clock("2026-04-08")
    assert actions.remind_overdue_acknowledgements(timezone.now()) == 1
    assert actions.remind_overdue_acknowledgements(timezone.now()) == 0  # once a day
    assert reminders.count() == 1 and "县农业农村局" in reminders.get().message
    row = last_audit("task.remind_acknowledge")
    assert row.actor is None and row.after == {"units": {"county-agri": 1}}
    clock("2026-04-09")
    assert actions.remind_overdue_acknowledgements(timezone.now()) == 1
    actions.acknowledge(county, Task.objects.get(plan=world.plan, code="t4"))
    clock("2026-04-10")
    assert actions.remind_overdue_acknowledgements(timezone.now()) == 0
    assert reminders.count() == 2


def test_the_office_reminds_now_at_most_once_a_day(world, office, clock, client):
    _only_t4_waits(world, office)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    client.force_login(world.users["fgw"])
    assert client.post("/plans/demo-2026/acknowledgements/remind/").status_code == 403
    client.force_login(office)
    page = client.get("/plans/demo-2026/acknowledgements/").content.decode()
    assert 'data-testid="remind-acknowledge"' in page
    page = client.post("/plans/demo-2026/acknowledgements/remind/", follow=True).content.decode()
    assert "1 unit has been reminded" in page
    page = client.post("/plans/demo-2026/acknowledgements/remind/", follow=True).content.decode()
    assert "reminded today already" in page
    assert world.users["county"].plan_notices.filter(kind="remind").count() == 1
    row = last_audit("task.remind_acknowledge")
    assert row.actor == office and row.target == "plan:demo-2026"
    assert AuditEntry.objects.filter(action="task.remind_acknowledge").count() == 1


def test_tasks_are_reordered_by_drag_and_a_stale_order_is_refused(draft, office, client, world):
    area = actions.create_area(office, draft, name="稳增长", number="一")
    codes = [actions.create_task(office, draft, title=t, area=area).code for t in "甲乙丙"]
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    url = f"/plans/{draft.code}/edit/tasks/reorder/"
    client.force_login(world.users["fgw"])
    assert client.post(url, {"area": area.code, "order": codes[::-1]}).status_code == 403
    client.force_login(office)
    page = client.get(f"/plans/{draft.code}/edit/").content.decode()
    assert f'data-reorder="{url}" data-area="{area.code}"' in page and 'draggable="true"' in page
    new = [codes[2], codes[0], codes[1]]
    answer = client.post(url, {"area": area.code, "order": new}, HTTP_HX_REQUEST="true")
    assert answer.status_code == 204

    def order():
        return list(Task.objects.filter(area=area).order_by("order").values_list("code", flat=True))

    assert order() == new
    row = last_audit("task.reorder")
    assert (row.before, row.after) == ({"order": codes}, {"order": new})
    answer = client.post(url, {"area": area.code, "order": new[:2]}, HTTP_HX_REQUEST="true")
    assert answer.status_code == 422 and "every task of the area once" in answer.text
    answer = client.post(url, {"area": area.code, "order": [new[0], new[0], new[1]]},
                         HTTP_HX_REQUEST="true")  # fmt: skip
    assert answer.status_code == 422 and order() == new
    assert AuditEntry.objects.filter(action="task.reorder").count() == 1


def test_a_plans_conventions_are_checked_like_a_targets_schedule(world):
    plan = world.plan
    for bad, sentence in (([1], "as an object"), ({"type": "seasonal"}, "twelve cumulative")):
        plan.project_schedule = bad
        with pytest.raises(ValidationError, match=sentence) as refusal:
            plan.clean()
        assert list(refusal.value.message_dict) == ["project_schedule"]
    plan.project_schedule = {"type": "stated", "points": {"12": 1.2}}
    plan.clean()
