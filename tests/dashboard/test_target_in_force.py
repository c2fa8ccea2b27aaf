"""Monitoring reads the target in force on the day: a target changed from a date (an
approved 调整申请) judges the days from then on, and a day before it keeps the old one."""

from __future__ import annotations

import datetime as dt

import lxml.html
import time_machine

from mubiao.dashboard.status import compute
from mubiao.plans import actions
from mubiao.plans.models import Indicator
from tests.dashboard.helpers import report_value

P = "/monitor/demo-2026"


def _investment_row(client, as_of: str) -> str:
    page = client.get(f"{P}/ledger/?as_of={as_of}&q=完成投资", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200
    doc = lxml.html.fromstring(page.content)
    rows = [r.text_content() for r in doc.xpath("//tr") if "完成投资" in r.text_content()]
    assert rows, "the ledger lists the investment target"
    return " ".join(rows[0].split())


def test_an_approved_change_judges_from_its_date_and_earlier_days_keep_the_old_target(world, login):
    with time_machine.travel("2026-07-08 16:00 +0800", tick=False):
        report_value(world.plan, "fgw", "202606", task="t1",
                     values={"investment": 690, "projects": 1003},
                     submitted="2026-07-05", approved="2026-07-08")  # fmt: skip
    with time_machine.travel("2026-08-20 10:00 +0800", tick=False):
        t1 = world.plan.tasks.get(code="t1")
        cr = actions.request_change(
            world.users["fgw"], t1, kind="target", proposed={"value": "1000"},
            reason="两个项目推迟到明年", effective_from=dt.date(2026, 8, 1),
            indicator=Indicator.objects.get(plan=world.plan, code="investment"),
        )  # fmt: skip
        actions.decide_change(world.users["supervisor"], cr, approve=True, comment="同意")
        ind = Indicator.objects.get(plan=world.plan, code="investment")
        assert ind.value == 1000 and ind.target_on(dt.date(2026, 7, 31))[1] == 1500

        july = compute(world.plan, dt.date(2026, 7, 31))
        august = compute(world.plan, dt.date(2026, 8, 10))
        assert july.facts[ind.pk].target == 1500
        assert august.facts[ind.pk].target == 1000
        # 690 of 1500 by June is behind the half-year's pace; of 1000 it is ahead of it.
        assert july.indicator_judgements[ind.pk].completion == 46.0
        assert august.indicator_judgements[ind.pk].completion == 69.0
        assert july.indicator_judgements[ind.pk].status == "yellow"
        assert august.indicator_judgements[ind.pk].status == "green"

        client = login("supervisor")
        assert "1500亿元" in _investment_row(client, "2026-07-31")
        assert "1000亿元" in _investment_row(client, "2026-08-10")
        today = _investment_row(client, "2026-08-20")  # today: the status store
        assert "1000亿元" in today and "1500亿元" not in today
        # The row in the store itself stays a row of the database: nothing was saved from
        # the judged copies.
        assert Indicator.objects.get(pk=ind.pk).value == 1000


def test_a_target_changed_twice_reads_each_value_in_its_own_time(world):
    with time_machine.travel("2026-09-20 10:00 +0800", tick=False):
        ind = Indicator.objects.get(plan=world.plan, code="investment")
        office = world.users["supervisor"]
        ind = actions.change_target(office, ind, version=None, reason="第一次调整",
                                    effective_from=dt.date(2026, 6, 1), value="1400")  # fmt: skip
        actions.change_target(office, ind, version=None, reason="第二次调整",
                              effective_from=dt.date(2026, 9, 1), value="1200")  # fmt: skip
        seen = {
            day: compute(world.plan, dt.date.fromisoformat(day)).facts[ind.pk].target
            for day in ("2026-05-31", "2026-06-01", "2026-08-31", "2026-09-01")
        }
        assert seen == {"2026-05-31": 1500, "2026-06-01": 1400, "2026-08-31": 1400,
                        "2026-09-01": 1200}  # fmt: skip
