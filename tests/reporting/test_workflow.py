"""The workflow table row by row, the roles × actions matrix, and the clock.

March 2026's monthly cycle (202603) opens 03-24, is due 04-05 and locks 04-10 (local
time, Asia/Shanghai); the ``clock`` fixture freezes time and moves it.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from mubiao.reporting import actions, workflow
from mubiao.reporting.actions import Content
from mubiao.reporting.models import Report

S = Report.State
VALUES = {"projects": "10", "investment": "20"}


def put_in_state(world, report: Report, state: str) -> Report:
    """Bring a report to ``state`` through the real actions."""
    unit_user = world.users["fgw" if report.unit.code == "fgw" else "swj"]
    sup = world.users["supervisor"]
    if state == S.DRAFT:
        actions.save_draft(unit_user, report, Content(progress="草稿"))
    if state in (S.SUBMITTED, S.RETURNED, S.APPROVED):
        actions.submit(unit_user, report, Content(progress="报送"))
    if state == S.RETURNED:
        actions.return_report(sup, report, "请修改")
    if state == S.APPROVED:
        actions.approve(sup, report)
    report.refresh_from_db()
    assert report.state == state
    return report


def call(user, report: Report, action: str):
    if action in ("save_draft", "submit"):
        return getattr(actions, action)(user, report, Content(progress="x"))
    if action == "approve":
        return actions.approve(user, report)
    if action == "return":
        return actions.return_report(user, report, "意见")
    if action == "reopen":
        return actions.reopen(user, report)
    return actions.unlock(user, report, "理由")


ROWS = [(t.action, state) for t in workflow.TRANSITIONS for state in S.values]


@pytest.mark.parametrize(("action", "state"), ROWS)
def test_it_follows_the_table_on_a_consolidated_report(world, slot, action, state):
    """In the open window: allowed where the table says, refused elsewhere."""
    report = put_in_state(world, slot("fgw", "t1"), state)
    t = workflow.BY_ACTION[action]
    actor = world.users["supervisor" if "reviewer" in t.whole else "fgw"]
    # unlock is for closed doors only: an approved report while the cycle is open;
    # reopen only when a co-unit's part came late (tests/reporting/test_consolidation.py)
    allowed = state in t.sources and (action != "unlock" or state == S.APPROVED)
    allowed = allowed and action != "reopen"
    if allowed:
        call(actor, report, action)
        report.refresh_from_db()
        expected = t.target or (S.RETURNED if state == S.APPROVED else state)
        if action == "save_draft" and state == S.NOT_STARTED:
            expected = S.DRAFT
        assert report.state == expected
    else:
        with pytest.raises(ValidationError):
            call(actor, report, action)


def test_every_state_has_a_plain_sentence_and_every_action_a_row(world, slot):
    report = slot("fgw", "t1")
    sentences = set()
    for state in S.values:
        report.state = state
        sentences.add(workflow.describe(report))
    assert len(sentences) == len(S.values)
    assert not any("_" in s for s in sentences)
    assert set(workflow.BY_ACTION) == {
        "save_draft", "submit", "approve", "return", "unlock", "reopen"
    }  # fmt: skip


# persona → (may fill in fgw/t1, may approve fgw/t1, may return swj's part of t1)
MATRIX = {
    "supervisor": (False, True, True),
    "leader": (False, False, False),
    "fgw": (True, False, True),
    "swj": (False, False, False),
    "county": (False, False, False),
    "outsider": (False, False, False),
}


@pytest.mark.parametrize(("persona", "may"), MATRIX.items())
def test_roles_by_actions(world, slot, persona, may):
    user = world.users[persona]
    own, part = slot("fgw", "t1"), slot("swj", "t1")
    fill, approve_, return_part = may
    if fill:
        actions.save_draft(user, own, Content(progress="x"))
    else:
        with pytest.raises(PermissionDenied):
            actions.save_draft(user, own, Content(progress="x"))
    put_in_state(world, own, S.SUBMITTED) if not fill else actions.submit(user, own, Content())
    if approve_:
        actions.approve(user, own)
    else:
        with pytest.raises(PermissionDenied):
            actions.approve(user, own)
    put_in_state(world, part, S.SUBMITTED)
    if return_part:
        actions.return_report(user, part, "补充")
    else:
        with pytest.raises(PermissionDenied):
            actions.return_report(user, part, "补充")


def test_the_county_fills_in_for_its_department(world, clock, march, slot):
    report = slot("county-agri", "t4")
    actions.submit(world.users["county"], report, Content(progress="新建高标准农田5万亩"))
    report.refresh_from_db()
    assert report.state == S.SUBMITTED


def test_it_marks_a_submission_in_the_grace_window_late(world, clock, slot):
    report = slot("fgw", "t1")
    clock("2026-04-05", 23)  # the due day itself, late evening in Nanyang: on time
    assert actions.submit(world.users["fgw"], report, Content()).is_late is False
    other = slot("fgw", "t3")
    clock("2026-04-06", 0)  # just past midnight local time (still 04-05 in UTC): late
    assert actions.submit(world.users["fgw"], other, Content()).is_late is True


def test_it_refuses_writing_after_the_lock_until_a_late_unlock(world, clock, slot):
    report = slot("fgw", "t1")
    clock("2026-04-09", 23)
    actions.save_draft(world.users["fgw"], report, Content(progress="赶在锁定前"))
    clock("2026-04-10", 0)
    with pytest.raises(ValidationError, match=r"锁定|locked"):
        actions.submit(world.users["fgw"], report, Content(values=VALUES))
    report.refresh_from_db()
    assert report.state == S.DRAFT and report.versions.get().submitted_at is None
    actions.unlock(world.users["supervisor"], report, "因系统故障未能按时报送")
    version = actions.submit(world.users["fgw"], report, Content(values=VALUES))
    assert version.is_late
    clock("2026-04-12")
    report.refresh_from_db()
    actions.return_report(world.users["supervisor"], report, "数据有误")
    with pytest.raises(ValidationError):  # the unlock was used by the submission
        actions.submit(world.users["fgw"], report, Content(values=VALUES))


def test_an_unlock_expires(world, clock, slot):
    report = slot("fgw", "t1")
    clock("2026-04-20")
    actions.unlock(world.users["supervisor"], report, "补报")
    clock("2026-04-28")
    with pytest.raises(ValidationError):
        actions.submit(world.users["fgw"], report, Content())


def test_unlock_is_refused_while_the_cycle_is_open_and_nothing_is_approved(world, slot):
    with pytest.raises(ValidationError):
        actions.unlock(world.users["supervisor"], slot("fgw", "t1"), "无需")


def test_each_contributor_keeps_its_own_timeliness(world, clock, slot):
    part, whole = slot("swj", "t1"), slot("fgw", "t1")
    clock("2026-04-05")  # the lead reports its own side on time …
    actions.submit(world.users["fgw"], whole, Content(progress="汇总"))
    clock("2026-04-07")  # … the co-unit's part comes late
    actions.submit(world.users["swj"], part, Content(progress="配合部分"))
    part.refresh_from_db()
    whole.refresh_from_db()
    assert part.versions.get().is_late and not whole.versions.get().is_late
    assert part.first_submitted_at > whole.first_submitted_at


@pytest.mark.parametrize(
    ("day", "group"),
    # Due on 04-05: due soon (临近) within the plan's warning window of 3 days.
    [
        ("2026-03-25", "todo"),
        ("2026-04-01", "todo"),
        ("2026-04-02", "due_soon"),
        ("2026-04-05", "due_soon"),
        ("2026-04-06", "overdue"),
    ],
)
def test_the_inbox_sorts_by_the_clock(login, world, clock, march, day, group):
    from django.urls import reverse

    clock(day)
    page = login("fgw").get(reverse("reporting:inbox")).context
    groups = page["groups"]
    march_rows = {k: [r for r in v if r.cycle == march] for k, v in groups.items()}
    assert {r.task.code for r in march_rows[group]} == {"t1", "t3"}
    assert all(not rows for k, rows in march_rows.items() if k != group)


def test_the_plans_warning_window_sets_due_soon(login, world, clock, march):
    from django.urls import reverse

    world.plan.warning_days = 7
    world.plan.save(update_fields=["warning_days"])
    clock("2026-04-01")
    groups = login("fgw").get(reverse("reporting:inbox")).context["groups"]
    assert {r.task.code for r in groups["due_soon"] if r.cycle == march} == {"t1", "t3"}


def test_a_returned_report_past_its_due_date_is_overdue_again(login, world, clock, slot):
    from django.urls import reverse

    report = slot("fgw", "t1")
    actions.submit(world.users["fgw"], report, Content(progress="v1"))
    actions.return_report(world.users["supervisor"], report, "请补充")
    clock("2026-04-06")
    groups = login("fgw").get(reverse("reporting:inbox")).context["groups"]
    assert report.pk in {r.pk for r in groups["overdue"]}
    report.refresh_from_db()
    assert report.is_overdue
    actions.submit(world.users["fgw"], report, Content(progress="v2"))
    report.refresh_from_db()
    assert not report.is_overdue and report.returned_at is None


def test_a_returned_report_is_first_in_the_inbox(login, world, clock, slot):
    from django.urls import reverse

    report = slot("fgw", "t1")
    actions.submit(world.users["fgw"], report, Content(progress="v1"))
    actions.return_report(world.users["supervisor"], report, "请补充")
    groups = login("fgw").get(reverse("reporting:inbox")).context["groups"]
    assert [r.pk for r in groups["returned"]] == [report.pk]


def test_is_overdue_follows_the_local_date_and_the_submission(world, clock, slot):
    report = slot("fgw", "t1")
    clock("2026-04-05", 23)
    assert not report.is_overdue
    clock("2026-04-06", 0)
    assert report.is_overdue
    actions.submit(world.users["fgw"], report, Content())
    report.refresh_from_db()
    assert not report.is_overdue
