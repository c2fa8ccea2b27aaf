"""The actions, called directly: versions, consolidation, review, unlock, audit rows."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from mubiao.audit.models import AuditEntry
from mubiao.reporting import actions
from mubiao.reporting.actions import Content
from mubiao.reporting.models import Report, ReportVersion, Review, Unlock
from mubiao.reporting.signals import report_approved, report_reopened

S = Report.State


def content(**kw) -> Content:
    base = {"progress": "已开工项目386个", "values": {"projects": "386", "investment": "412.5"}}
    return Content(**{**base, **kw})


def test_it_creates_one_slot_per_unit_and_subject(world, march):
    slots = Report.objects.filter(cycle=march)
    assert sorted(
        (r.unit.code, r.task.code if r.task else r.indicator.code, r.role) for r in slots
    ) == [
        ("county-agri", "t4", "lead"), ("fgw", "t1", "lead"), ("fgw", "t3", "lead"),
        ("swj", "t1", "co"), ("swj", "t2", "lead"), ("tjj", "gdp", "lead"),
    ]  # fmt: skip


def test_it_saves_a_draft_in_place_and_submits_a_new_version_after(world, slot):
    report = slot("fgw", "t1")
    user = world.users["fgw"]
    actions.save_draft(user, report, content(progress="初稿"))
    actions.save_draft(user, report, content(progress="二稿"))
    assert report.versions.count() == 1
    v = actions.submit(user, report, content(progress="定稿"))
    report.refresh_from_db()
    assert (report.state, v.number, v.progress, v.is_late) == (S.SUBMITTED, 1, "定稿", False)
    assert v.values.get(indicator__code="investment").value == Decimal("412.5")
    assert report.first_submitted_at == v.submitted_at
    entry = AuditEntry.objects.filter(action="report.submit").get()
    assert entry.target == "report:demo-2026/202603/fgw/t1"
    assert entry.actor == user
    assert entry.after["values"] == {"projects": "386", "investment": "412.5"}


def test_it_never_overwrites_a_submitted_version(world, slot):
    report = slot("fgw", "t1")
    fgw, sup = world.users["fgw"], world.users["supervisor"]
    actions.submit(fgw, report, content(progress="第一版"))
    actions.return_report(sup, report, "数据口径不对")
    actions.save_draft(fgw, report, content(progress="修改中"))
    actions.submit(fgw, report, content(progress="第二版"))
    versions = list(ReportVersion.objects.filter(report=report).values_list("number", "progress"))
    assert versions == [(1, "第一版"), (2, "第二版")]


def test_it_refuses_a_value_that_is_not_a_number_and_saves_nothing(world, slot):
    report = slot("fgw", "t1")
    with pytest.raises(ValidationError, match=r"不是数字|not a number"):
        actions.submit(world.users["fgw"], report, content(values={"projects": "三百"}))
    report.refresh_from_db()
    assert report.state == S.NOT_STARTED
    assert not report.versions.exists()
    assert not AuditEntry.objects.exists()


def test_it_refuses_an_indicator_of_another_task(world, slot):
    with pytest.raises(ValidationError):
        actions.submit(world.users["fgw"], slot("fgw", "t1"), content(values={"sales": "5"}))


def test_it_refuses_another_units_report(world, slot):
    with pytest.raises(PermissionDenied):
        actions.submit(world.users["swj"], slot("fgw", "t1"), content())
    with pytest.raises(PermissionDenied):
        actions.submit(world.users["fgw"], slot("swj", "t1"), content())


def test_it_lets_the_lead_return_a_co_units_part_but_not_approve_its_own(world, slot):
    part = slot("swj", "t1")
    actions.submit(world.users["swj"], part, Content(progress="配合部分"))
    actions.return_report(world.users["fgw"], part, "请补充数据")
    part.refresh_from_db()
    assert part.state == S.RETURNED
    own = slot("fgw", "t1")
    actions.submit(world.users["fgw"], own, content())
    with pytest.raises(PermissionDenied):
        actions.approve(world.users["fgw"], own)


def test_it_approves_locks_and_signals_after_commit(
    world, slot, django_capture_on_commit_callbacks
):
    report = slot("fgw", "t1")
    actions.submit(world.users["fgw"], report, content())
    heard = []
    report_approved.connect(
        lambda **kw: heard.append(kw["report"].pk), weak=False, dispatch_uid="t"
    )
    try:
        with django_capture_on_commit_callbacks(execute=True):
            actions.approve(world.users["supervisor"], report, "同意")
    finally:
        report_approved.disconnect(dispatch_uid="t")
    report.refresh_from_db()
    assert report.state == S.APPROVED and heard == [report.pk]
    with pytest.raises(ValidationError):
        actions.submit(world.users["fgw"], report, content())
    assert Review.objects.get(report=report).decision == "approve"


def test_it_needs_a_comment_to_return(world, slot):
    report = slot("fgw", "t1")
    actions.submit(world.users["fgw"], report, content())
    with pytest.raises(ValidationError):
        actions.return_report(world.users["supervisor"], report, "  ")


def test_it_reopens_an_approved_report_with_a_reason(
    world, slot, django_capture_on_commit_callbacks
):
    report = slot("fgw", "t1")
    actions.submit(world.users["fgw"], report, content())
    actions.approve(world.users["supervisor"], report)
    heard = []
    report_reopened.connect(lambda **kw: heard.append(1), weak=False, dispatch_uid="r")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            grant = actions.unlock(world.users["supervisor"], report, "统计数据更正")
    finally:
        report_reopened.disconnect(dispatch_uid="r")
    report.refresh_from_db()
    assert report.state == S.RETURNED and heard == [1]
    assert AuditEntry.objects.get(action="report.unlock").note == "统计数据更正"
    actions.submit(world.users["fgw"], report, content(progress="补报"))
    grant.refresh_from_db()
    assert grant.used_at is not None
    with pytest.raises(ValidationError):
        actions.unlock(world.users["supervisor"], report, "")
    assert Unlock.objects.count() == 1


def test_bulk_approve_is_all_or_nothing(world, slot):
    a, b = slot("fgw", "t1"), slot("fgw", "t3")
    actions.submit(world.users["fgw"], a, content())
    with pytest.raises(ValidationError):
        actions.bulk_approve(world.users["supervisor"], [a, b])  # b not submitted
    a.refresh_from_db()
    assert a.state == S.SUBMITTED
    actions.submit(world.users["fgw"], b, Content(progress="储备项目200个"))
    actions.bulk_approve(world.users["supervisor"], [a, b])
    assert set(Report.objects.filter(pk__in=[a.pk, b.pk]).values_list("state", flat=True)) == {
        S.APPROVED
    }
    assert AuditEntry.objects.filter(action="report.approve").count() == 2


def test_bulk_approve_judges_the_batch_once_and_recounts_standings_once(world, slot):
    """Approving many reports in one request is one call of the status store: the
    affected subjects judged once and the units' standings recounted once, not per report."""
    from unittest import mock

    from mubiao.dashboard import statuses

    chosen = [slot("fgw", "t1"), slot("fgw", "t3"), slot("swj", "t2")]
    actions.submit(world.users["fgw"], chosen[0], content())
    actions.submit(world.users["fgw"], chosen[1], Content(progress="储备项目200个"))
    actions.submit(world.users["swj"], chosen[2], Content(progress="已完成"))
    statuses.rebuild(world.plan)  # today's store exists, as after a tick
    with (
        mock.patch.object(statuses, "apply", wraps=statuses.apply) as apply,
        mock.patch.object(statuses, "compute", wraps=statuses.compute) as compute,
        mock.patch.object(
            statuses, "_refresh_standings", wraps=statuses._refresh_standings
        ) as recount,
    ):
        reviews = actions.bulk_approve(world.users["supervisor"], chosen)
    assert len(reviews) == 3
    assert apply.call_count == 1
    (plan, subjects), _ = apply.call_args
    assert plan == world.plan and sorted(r.pk for r in subjects) == sorted(r.pk for r in chosen)
    assert compute.call_count == 1  # the three reports' tasks and targets, judged together
    assert recount.call_count == 1  # the two units' standings, recounted together
    assert statuses.store_is_current(world.plan, statuses.timezone.localdate()) is not None
