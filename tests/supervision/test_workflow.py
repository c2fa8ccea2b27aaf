"""The supervision workflow table walked row by row, and its rules in plain words."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from mubiao.audit.models import AuditEntry
from mubiao.supervision import actions, workflow
from mubiao.supervision.models import Node, SupervisionItem

from .conftest import DEADLINE

S = SupervisionItem.State
ACTOR = {"office": "supervisor", "lead": "fgw", "co": "swj"}


def call(world, item, action: str, persona: str):
    user = world.users[persona]
    if action == "assign":
        return actions.assign(user, item, lead_unit=world.units["fgw"], deadline=DEADLINE)
    if action == "acknowledge":
        return actions.acknowledge(user, item)
    if action == "feedback":
        return actions.give_feedback(user, item, "进展")
    if action == "report":
        return actions.report_done(user, item, "完成")
    if action == "return":
        return actions.return_item(user, item, "材料不全")
    if action == "cancel":
        return actions.cancel(user, item, "已并入其他事项")
    return actions.close(user, item)


ROWS = [(t.action, state) for t in workflow.TRANSITIONS for state in S.values]


@pytest.mark.parametrize(("action", "state"), ROWS)
def test_it_follows_the_table(world, item_in, action, state):
    """Allowed where the table says (moving to its target, with a node and an audit row),
    refused with a sentence everywhere else."""
    item = item_in(state)
    t = workflow.BY_ACTION[action]
    persona = ACTOR[sorted(t.actors)[0]]
    nodes, audits = Node.objects.filter(item=item).count(), AuditEntry.objects.count()
    if state in t.sources:
        call(world, item, action, persona)
        item.refresh_from_db()
        assert item.state == t.target
        assert Node.objects.filter(item=item).count() == nodes + 1
        assert Node.objects.filter(item=item).last().action == action
        assert AuditEntry.objects.filter(action=f"supervision.{action}").exists()
    else:
        # before 交办 there is no lead unit yet: a unit person is no actor at all
        refusal = (
            PermissionDenied
            if state == S.REGISTERED and persona != "supervisor"
            else ValidationError
        )
        with pytest.raises(refusal):
            call(world, item, action, persona)
        item.refresh_from_db()
        assert item.state == state
        assert Node.objects.filter(item=item).count() == nodes
        assert AuditEntry.objects.count() == audits


ACTORS = ["supervisor", "leader", "fgw", "swj", "county", "viewer", "outsider"]
MATRIX = {  # action → personas allowed, from its source state
    "assign": {"supervisor"},
    "acknowledge": {"fgw"},
    "feedback": {"fgw", "swj"},
    "report": {"fgw"},
    "return": {"supervisor"},
    "close": {"supervisor"},
    "cancel": {"supervisor"},
}


@pytest.mark.parametrize(("action", "persona"), [(a, p) for a in MATRIX for p in ACTORS])
def test_permission_matrix(world, item_in, action, persona):
    t = workflow.BY_ACTION[action]
    item = item_in(sorted(t.sources)[0])
    if persona in MATRIX[action]:
        call(world, item, action, persona)
        item.refresh_from_db()
        assert item.state == t.target
    else:
        with pytest.raises(PermissionDenied):
            call(world, item, action, persona)


def test_every_state_has_a_plain_sentence(world, item_in):
    item = item_in()
    sentences = set()
    for state in S.values:
        item.state = state
        sentences.add(workflow.describe(item))
    assert len(sentences) == len(S.values)
    assert not any("_" in s for s in sentences)


def test_a_unit_cannot_close_its_own_item(world, item_in):
    """Even a person who is both the office and in the lead unit may not close it."""
    from mubiao.orgs.models import Membership

    item = item_in(S.REPORTED)
    both = world.users["fgw"]
    Membership.objects.create(
        user=both, unit=world.units["office"], role=Membership.Role.SUPERVISOR
    )
    both._mubiao_memberships = None
    with pytest.raises(PermissionDenied, match="cannot close its own item"):
        actions.close(both, item)
    item.refresh_from_db()
    assert item.state == S.REPORTED


def test_feedback_after_closing_is_refused_with_a_sentence(world, item_in):
    item = item_in(S.CLOSED)
    with pytest.raises(ValidationError, match=r"closed .*on 2026-04-01.*no more feedback"):
        actions.give_feedback(world.users["fgw"], item, "补充材料")
    assert item.feedback.count() == 2


def test_return_needs_a_comment_and_brings_it_back_in_hand(world, item_in):
    item = item_in(S.REPORTED)
    with pytest.raises(ValidationError, match="comment is required"):
        actions.return_item(world.users["supervisor"], item, "  ")
    actions.return_item(world.users["supervisor"], item, "缺少验收材料")
    item.refresh_from_db()
    assert item.state == S.IN_PROGRESS
    assert item.nodes.last().comment == "缺少验收材料"
    actions.report_done(world.users["fgw"], item, "已补齐验收材料")
    actions.close(world.users["supervisor"], item)
    item.refresh_from_db()
    assert item.state == S.CLOSED and item.closed_on_time is True


def test_closing_late_is_recorded(world, item_in, clock):
    item = item_in(S.IN_PROGRESS)
    clock("2026-04-22")
    actions.report_done(world.users["fgw"], item, "完成")
    actions.close(world.users["supervisor"], item)
    item.refresh_from_db()
    assert item.closed_on_time is False


def test_assign_checks_its_inputs(world, item_in):
    item = item_in()
    sup = world.users["supervisor"]
    with pytest.raises(ValidationError, match="lead unit"):
        actions.assign(sup, item, lead_unit=None, deadline=DEADLINE)
    with pytest.raises(ValidationError, match="past"):
        actions.assign(sup, item, lead_unit=world.units["fgw"], deadline=dt.date(2026, 3, 1))
    with pytest.raises(ValidationError, match="not a unit of this plan"):
        actions.assign(sup, item, lead_unit=world.units["other-city"], deadline=DEADLINE)
    item.refresh_from_db()
    assert item.state == S.REGISTERED and item.lead_unit is None


def test_feedback_figures_and_evidence_are_checked(world, item_in):
    from django.core.files.uploadedfile import SimpleUploadedFile

    item = item_in(S.ACKNOWLEDGED)
    fgw = world.users["fgw"]
    with pytest.raises(ValidationError, match="line 2"):
        actions.give_feedback(fgw, item, "进展", "完成投资: 12.5 亿元\n很多")
    script = SimpleUploadedFile("photo.jpg", b"#!/bin/sh\nrm -rf /")
    with pytest.raises(ValidationError, match="not an accepted file"):
        actions.give_feedback(fgw, item, "进展", files=[script])
    assert item.feedback.count() == 0
    pdf = SimpleUploadedFile("验收.pdf", b"%PDF-1.7 test")
    fb = actions.give_feedback(fgw, item, "进展", "完成投资：12.5 亿元", files=[pdf])
    assert fb.figures == [{"label": "完成投资", "value": "12.5", "unit": "亿元"}]
    assert fb.files.get().content_type == "application/pdf"
    assert fb.unit == world.units["fgw"]


def test_a_co_unit_sends_progress_under_its_own_name(world, item_in):
    item = item_in(S.ACKNOWLEDGED)
    fb = actions.give_feedback(world.users["swj"], item, "商务局配合推进")
    assert fb.unit == world.units["swj"]


def test_time_spent_at_each_node(world, item_in, clock):
    from mubiao.supervision.queues import durations, spent_text

    item = item_in(S.ASSIGNED)
    clock("2026-04-03", 15)
    actions.acknowledge(world.users["fgw"], item)
    rows = durations(item)
    assert [r["node"].action for r in rows] == ["register", "assign", "acknowledge"]
    assert spent_text(rows[1]["spent"]) == "2 d 5 h"
    assert rows[2]["current"] and rows[2]["spent"].total_seconds() == 0


@pytest.mark.parametrize("state", sorted(workflow.OPEN))
def test_the_office_cancels_from_any_state_before_closing(world, item_in, state):
    item = item_in(state)
    actions.cancel(world.users["supervisor"], item, "市政府已调整工作安排")
    item.refresh_from_db()
    assert item.state == S.CANCELLED and item.cancelled_at is not None
    node = item.nodes.last()
    assert (node.action, node.state_from, node.comment) == ("cancel", state, "市政府已调整工作安排")
    entry = AuditEntry.objects.get(action="supervision.cancel")
    assert entry.before == {"state": state} and entry.note == "市政府已调整工作安排"
    assert workflow.allowed_actions(world.users["supervisor"], item) == []
    assert workflow.describe(item).startswith("Cancelled")


def test_cancelling_needs_a_reason_and_the_office(world, item_in):
    item = item_in(S.IN_PROGRESS)
    with pytest.raises(ValidationError, match="reason is required"):
        actions.cancel(world.users["supervisor"], item, " ")
    with pytest.raises(PermissionDenied, match="cannot cancel its own item"):
        actions.cancel(world.users["fgw"], item, "不想办了")
    for persona in ("swj", "leader", "viewer", "county"):
        with pytest.raises(PermissionDenied):
            actions.cancel(world.users[persona], item, "撤销")
    item.refresh_from_db()
    assert item.state == S.IN_PROGRESS
    assert not AuditEntry.objects.filter(action="supervision.cancel").exists()


def test_a_closed_item_cannot_be_cancelled(world, item_in):
    item = item_in(S.CLOSED)
    with pytest.raises(ValidationError, match=r"closed .*on 2026-04-01.*no longer be cancelled"):
        actions.cancel(world.users["supervisor"], item, "撤销")
    item.refresh_from_db()
    assert item.state == S.CLOSED and item.cancelled_at is None


def test_a_cancelled_item_leaves_the_inbox_and_its_notices_need_no_answer(world, item_in, clock):
    from mubiao.supervision import notices, queues

    item = item_in(S.IN_PROGRESS)
    clock("2026-04-25")
    notices.generate()
    fgw = world.users["fgw"]
    assert item in queues.unit_inbox(fgw)["overdue"]
    notice = item.notices.get()
    assert queues.open_notices(fgw) == [notice]
    actions.cancel(world.users["supervisor"], item, "已并入其他事项")
    assert not any(item in rows for rows in queues.unit_inbox(fgw).values())
    assert queues.open_notices(fgw) == []
    with pytest.raises(ValidationError, match="cancelled this item"):
        actions.answer_notice(fgw, notice, "已完成")
    with pytest.raises(ValidationError, match="cannot be done now"):
        actions.give_feedback(fgw, item, "继续推进")
    queue = queues.office_queue(world.users["supervisor"], world.plan)
    assert [i.pk for i in queue["cancelled"]] == [item.pk]
    assert not any(item.pk == i.pk for k, rows in queue.items() if k != "cancelled" for i in rows)
    assert queues.panel(world.plan)["total"] == 0
    assert queues.standing(world.plan) == []
    assert notices.generate() == 0  # no notice for a withdrawn item
    told = item.messages.filter(key=f"item:{item.code}:cancelled", channel="app")
    assert {m.recipient.username for m in told} == {"fgw", "swj"}
