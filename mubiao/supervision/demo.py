"""Synthetic supervision for the demo (模拟数据): instructions and items on Nanyang's plan in
every state, with a red notice and a returned feedback.

Everything goes through the real actions as the demo's people (the mayor, the office, the
Development and Reform Commission, the Bureau of Commerce). So that the items have a
history, each is then moved back in time as a whole (its nodes, feedback, notices and
deadline together), and the daily notice job runs once. Idempotent: a plan that already
has synthetic items is left as it is.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from mubiao.orgs.models import OrgUnit
from mubiao.plans.models import Indicator, Plan, Task
from mubiao.supervision import actions, notices
from mubiao.supervision.models import Feedback, Instruction, Node, Notice, SupervisionItem

S = SupervisionItem.State


def _users() -> dict:
    users = get_user_model().objects
    return {u.username: u for u in users.filter(username__in=["duchashi", "mayor", "fgw", "swj"])}


def _red_target(plan: Plan) -> Indicator:
    """A target the monitor has on red (the dashboard's red list), else the first headline."""
    from mubiao.dashboard.models import CurrentStatus

    row = CurrentStatus.objects.filter(plan=plan, status="red", indicator__isnull=False).first()
    if row is not None:
        return row.indicator
    return Indicator.objects.filter(plan=plan).order_by("order", "pk").first()


def _age(item: SupervisionItem, days: int) -> None:
    """Move an item's whole history ``days`` back (demo only: a story needs a past)."""
    item.refresh_from_db()  # the actions worked on their own copies
    back = dt.timedelta(days=days)
    fields = ["created_at", "assigned_at", "acknowledged_at", "reported_at", "closed_at",
              "cancelled_at"]  # fmt: skip
    for name in fields:
        value = getattr(item, name)
        if value:
            setattr(item, name, value - back)
    if item.deadline:
        item.deadline -= back
    item.save(update_fields=[*fields, "deadline"])
    for node in Node.objects.filter(item=item):
        Node.objects.filter(pk=node.pk).update(at=node.at - back)
    for fb in Feedback.objects.filter(item=item):
        Feedback.objects.filter(pk=fb.pk).update(at=fb.at - back)
    for n in Notice.objects.filter(item=item):
        Notice.objects.filter(pk=n.pk).update(
            issued_on=n.issued_on - back, answer_by=n.answer_by - back
        )
    Instruction.objects.filter(became=item).update(at=item.created_at)


def _item(u, plan: Plan, title: str, matter: str, source: str, **links) -> SupervisionItem:
    return actions.register(u["duchashi"], plan, title=title, matter=matter, source=source,
                            links=links, synthetic=True)  # fmt: skip


@transaction.atomic
def load_demo_supervision(plan: Plan) -> int:
    """Make the demo's items; returns how many (0 when they exist already)."""
    if SupervisionItem.objects.filter(plan=plan, synthetic=True).exists():
        return 0
    u = _users()
    if len(u) < 4:
        return 0
    today = timezone.localdate()
    fgw, swj = OrgUnit.objects.get(code="fgw"), OrgUnit.objects.get(code="swj")
    tasks = list(Task.objects.filter(plan=plan).order_by("order", "pk")[:8])
    red = _red_target(plan)

    # 1. The mayor's instruction on a red target: registered, waiting to be assigned.
    actions.write_instruction(u["mayor"], plan, subject="indicator", obj=red, urgency="very_urgent",
                              text=f"{red.metric}进展滞后，请督查室牵头督办，市发展改革委拿出具体措施，两周内报我。",
                              synthetic=True)  # fmt: skip
    # 2. A meeting decision, assigned, not yet acknowledged.
    a = _item(u, plan, "落实市政府常务会议定事项：消费券发放", "按常务会议要求，年底前完成第二批消费券发放并评估拉动效果。",
              "meeting", tasks=tasks[:1])  # fmt: skip
    actions.assign(
        u["duchashi"], a, lead_unit=swj, co_units=[fgw], deadline=today + dt.timedelta(days=20)
    )
    # 3. Acknowledged, due in two days: the job sends a blue notice.
    b = _item(u, plan, "重点项目集中开工活动筹备", "做好第四季度重点项目集中开工活动筹备，形成项目清单。",
              "manual", tasks=tasks[1:2])  # fmt: skip
    actions.assign(u["duchashi"], b, lead_unit=fgw, deadline=today + dt.timedelta(days=2))
    actions.acknowledge(u["fgw"], b)
    # 4. In hand with two feedback rounds, now overdue: a red notice, and an interview.
    c = _item(u, plan, "闲置土地清理处置", "对全市批而未供、供而未用土地逐宗清理，提出处置方案。", "red_light",
              tasks=tasks[2:3])  # fmt: skip
    actions.assign(
        u["duchashi"], c, lead_unit=fgw, co_units=[swj], deadline=today + dt.timedelta(days=30)
    )
    actions.acknowledge(u["fgw"], c)
    actions.give_feedback(u["fgw"], c, "已完成摸底，共涉及地块37宗。", "涉及地块: 37 宗")
    actions.give_feedback(u["swj"], c, "商务局配合梳理商贸用地5宗。", "商贸用地: 5 宗")
    _age(c, 40)  # due ten days ago
    # 5. Reported done, waiting for the office's check.
    d = _item(u, plan, "市长信箱反映的项目审批慢问题", "核实并解决群众反映的项目审批时间长的问题，反馈处理结果。",
              "manual", tasks=tasks[3:4])  # fmt: skip
    actions.assign(u["duchashi"], d, lead_unit=fgw, deadline=today + dt.timedelta(days=10))
    actions.acknowledge(u["fgw"], d)
    actions.report_done(
        u["fgw"],
        d,
        "已约谈相关科室，审批时限压缩至5个工作日，并向来信人反馈。",
        "审批时限: 5 个工作日",
    )
    _age(d, 6)
    # 6. Reported, returned once with a comment, in hand again.
    e = _item(u, plan, "外贸企业稳订单专项行动", "走访重点外贸企业，帮助解决订单、物流、融资困难。", "meeting",
              tasks=tasks[4:5])  # fmt: skip
    actions.assign(u["duchashi"], e, lead_unit=swj, deadline=today + dt.timedelta(days=25))
    actions.acknowledge(u["swj"], e)
    actions.report_done(u["swj"], e, "已走访企业20家。", "走访企业: 20 家")
    actions.return_item(u["duchashi"], e, "请补充已解决问题的清单和企业签字确认的材料。")
    _age(e, 12)
    # 7. Closed on time.
    f = _item(u, plan, "春节期间市场保供稳价", "确保节日期间重要民生商品供应充足、价格稳定。", "instruction",
              tasks=tasks[5:6])  # fmt: skip
    actions.assign(u["duchashi"], f, lead_unit=swj, deadline=today + dt.timedelta(days=15))
    actions.acknowledge(u["swj"], f)
    actions.report_done(u["swj"], f, "节日期间主要商品供应充足，价格平稳。", "投放储备肉: 300 吨")
    actions.close(u["duchashi"], f, "复核通过。")
    _age(f, 60)
    # 8. Assigned, then cancelled (撤销): merged into item (4).
    g = _item(u, plan, "批而未供土地专项核查", "核查全市批而未供土地底数，形成台账。", "manual",
              tasks=tasks[2:3])  # fmt: skip
    actions.assign(u["duchashi"], g, lead_unit=fgw, deadline=today + dt.timedelta(days=30))
    actions.cancel(u["duchashi"], g, f"已并入“{c.title}”一并督办。")
    _age(g, 20)
    # An instruction waiting for the office's answer, and one answered.
    actions.write_instruction(u["mayor"], plan, subject="task", obj=tasks[6], urgency="urgent", want="answer",
                              text="这项工作目前进展如何？请督查室了解后报我。", synthetic=True)  # fmt: skip
    asked = actions.write_instruction(u["mayor"], plan, subject="task", obj=tasks[7], want="answer",
                                      text="请关注这项任务的资金保障情况。", synthetic=True)  # fmt: skip
    actions.answer_instruction(u["duchashi"], asked, "经了解，资金已落实80%，剩余部分年底前到位。")
    notices.generate()  # blue for (3), red for (4)
    red_notice = c.notices.filter(colour="red").first()
    if red_notice is not None:
        actions.escalate(
            u["duchashi"],
            c,
            "interview",
            today,
            "约谈市发展改革委分管负责同志，承诺两周内完成处置方案。",
        )
    return SupervisionItem.objects.filter(plan=plan, synthetic=True).count()
