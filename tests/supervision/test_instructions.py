"""Leader instructions (批示): on any item the leader may see; an item or an answer follows."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from mubiao.orgs.models import Membership
from mubiao.plans.models import Indicator, Task
from mubiao.supervision import actions, queues
from mubiao.supervision.models import Instruction, SupervisionItem

S = SupervisionItem.State


def test_an_instruction_on_a_target_becomes_an_item(world, clock):
    ind = Indicator.objects.get(plan=world.plan, code="gdp")
    made = actions.write_instruction(world.users["leader"], world.plan, text="请督查室跟踪督办", subject="indicator",
                                     obj=ind, urgency="very_urgent")  # fmt: skip
    item = made.became
    assert item.state == S.REGISTERED and item.source == "instruction"
    assert list(item.indicators.all()) == [ind] and item.priority == "very_urgent"
    assert item.title == ind.metric and item.matter == "请督查室跟踪督办"


def test_an_instruction_to_answer_waits_for_the_office(world, clock):
    task = Task.objects.get(plan=world.plan, code="t2")
    made = actions.write_instruction(world.users["leader"], world.plan, text="情况如何？", subject="task",
                                     obj=task, want="answer")  # fmt: skip
    assert made.became is None
    assert queues.instructions_to_answer(world.plan) == [made]
    with pytest.raises(PermissionDenied):
        actions.answer_instruction(world.users["fgw"], made, "答复")
    actions.answer_instruction(world.users["supervisor"], made, "已完成进度的40%")
    assert queues.instructions_to_answer(world.plan) == []
    item = actions.raise_item_from(world.users["supervisor"], made)
    assert list(item.tasks.all()) == [task]
    with pytest.raises(ValidationError, match="already followed"):
        actions.raise_item_from(world.users["supervisor"], made)


def test_only_leaders_write_and_only_on_what_they_may_see(world, clock):
    from mubiao.orgs.models import OrgUnit
    from tests.conftest import PLAN

    task = Task.objects.get(plan=world.plan, code="t1")
    for persona in ("supervisor", "fgw", "viewer", "outsider"):
        with pytest.raises(PermissionDenied):
            actions.write_instruction(
                world.users[persona], world.plan, text="x", subject="task", obj=task
            )
    # a leader of the neighbouring city may not write on this city's task
    other = world.users["outsider"]
    Membership.objects.create(
        user=other, unit=OrgUnit.objects.get(code="other-city"), role="leader"
    )
    other._mubiao_memberships = None
    from mubiao.plans.loader import load_plan

    theirs, _ = load_plan(
        {**PLAN, "plan": {**PLAN["plan"], "code": "other-2026", "issuer": "other-city"}}, "t"
    )
    with pytest.raises(PermissionDenied, match="may not see"):
        actions.write_instruction(other, theirs, text="x", subject="task", obj=task)
    assert Instruction.objects.count() == 0


def test_an_instruction_on_an_item_is_answered_not_re_registered(world, item_in):
    item = item_in(S.IN_PROGRESS)
    made = actions.write_instruction(world.users["leader"], world.plan, text="务必按期办结", subject="item",
                                     obj=item, want="item")  # fmt: skip
    assert made.want == "answer" and made.became is None and made.on_item == item
    assert SupervisionItem.objects.count() == 1


def test_the_leaders_page_orders_by_urgency(world, clock, client):
    leader = world.users["leader"]
    task = Task.objects.get(plan=world.plan, code="t1")
    for urgency in ("normal", "very_urgent", "urgent"):
        actions.write_instruction(leader, world.plan, text=f"{urgency} 批示", subject="task", obj=task,
                                  urgency=urgency, want="answer")  # fmt: skip
    client.force_login(leader)
    page = client.get("/supervision/instructions/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200
    import re

    order = re.findall(r'data-urgency="(\w+)"', page.content.decode())
    assert order == ["very_urgent", "urgent", "normal"]


def test_bad_input_is_refused_and_nothing_saved(world, clock):
    task = Task.objects.get(plan=world.plan, code="t1")
    with pytest.raises(ValidationError):
        actions.write_instruction(
            world.users["leader"], world.plan, text="  ", subject="task", obj=task
        )
    with pytest.raises(ValidationError):
        actions.write_instruction(
            world.users["leader"], world.plan, text="x", subject="task", obj=None
        )
    assert Instruction.objects.count() == 0
