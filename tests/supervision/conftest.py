"""Supervision fixtures: items brought to any state through the real actions.

Personas (tests/conftest.py): ``supervisor`` is the office, ``leader`` the mayor, ``fgw`` the
lead unit of the items made here, ``swj`` a co-unit, ``county`` and ``outsider`` see nothing.
The clock is frozen at 2026-04-01 10:00 (Beijing time); items are due on 2026-04-20.
"""

from __future__ import annotations

import datetime as dt

import pytest

from mubiao.supervision import actions
from mubiao.supervision.models import SupervisionItem

S = SupervisionItem.State
DEADLINE = dt.date(2026, 4, 20)


def make_item(world, state: str = S.REGISTERED, *, deadline: dt.date = DEADLINE, **links):
    sup, fgw = world.users["supervisor"], world.users["fgw"]
    item = actions.register(sup, world.plan, title="推进重点项目", matter="请加快重点项目建设进度。",
                            source="manual", links=links)  # fmt: skip
    order = [S.ASSIGNED, S.ACKNOWLEDGED, S.IN_PROGRESS, S.REPORTED, S.CLOSED]
    if state == S.CANCELLED:  # cancelled once the units had it
        steps = [S.ASSIGNED, S.CANCELLED]
    else:
        steps = order[: order.index(state) + 1] if state in order else []
    for step in steps:
        if step == S.ASSIGNED:
            actions.assign(sup, item, lead_unit=world.units["fgw"], deadline=deadline,
                           co_units=[world.units["swj"]])  # fmt: skip
        elif step == S.ACKNOWLEDGED:
            actions.acknowledge(fgw, item)
        elif step == S.IN_PROGRESS:
            actions.give_feedback(fgw, item, "已开工12个项目", "开工项目: 12 个")
        elif step == S.REPORTED:
            actions.report_done(fgw, item, "全部完成")
        elif step == S.CLOSED:
            actions.close(sup, item)
        elif step == S.CANCELLED:
            actions.cancel(sup, item, "已并入其他事项")
    item.refresh_from_db()
    assert item.state == state
    return item


@pytest.fixture
def item_in(world, clock):
    return lambda state=S.REGISTERED, **kw: make_item(world, state, **kw)


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English; the pages' Chinese is checked in test_pages."""
    from django.utils import translation

    with translation.override("en"):
        yield
