"""The demo's supervision: synthetic, on Nanyang's plan, every state, a red notice and a
returned feedback; a second load adds nothing."""

from __future__ import annotations

from mubiao.supervision.demo import load_demo_supervision
from mubiao.supervision.models import Instruction, Node, SupervisionItem


def test_the_demo_has_every_state_a_red_notice_and_a_return(demo):
    items = SupervisionItem.objects.filter(plan=demo)
    assert set(items.values_list("state", flat=True)) == set(SupervisionItem.State.values)
    assert all(items.values_list("synthetic", flat=True))
    assert items.filter(notices__colour="red").exists()
    assert items.filter(notices__colour="blue").exists()
    returned = Node.objects.filter(item__plan=demo, action="return").get()
    assert returned.item.state == SupervisionItem.State.IN_PROGRESS and returned.comment
    assert items.filter(escalations__kind="interview").exists()
    assert Instruction.objects.filter(plan=demo, synthetic=True).count() == 3
    assert items.get(state="closed").closed_on_time is True
    assert load_demo_supervision(demo) == 0
    assert SupervisionItem.objects.filter(plan=demo).count() == items.count()
