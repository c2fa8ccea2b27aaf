"""Status history: a row per change, written at once on approval; past views rebuild."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from mubiao.dashboard.current import report_data_for
from mubiao.dashboard.history import record, statuses_as_of
from mubiao.dashboard.models import StatusChange
from tests.dashboard.helpers import approve, report_value, submit

D = dt.date.fromisoformat


def shown(data: dict) -> dict[str, str]:
    return {f"{r['type']}:{r['code']}": r["status"] for r in data["indicators"] + data["tasks"]}


def from_history(world, day: dt.date) -> dict[str, str]:
    history = statuses_as_of(world.plan, day)
    out = {}
    for ind in world.plan.indicators.all():
        out[f"indicator:{ind.code}"] = history.get(f"i{ind.pk}")
    for task in world.plan.tasks.all():
        out[f"task:{task.code}"] = history.get(f"t{task.pk}")
    return out


def test_an_approval_records_the_new_status_at_once(world):
    with time_machine.travel("2026-07-08 16:00 +0800", tick=False):
        report_value(world.plan, "fgw", "202606", task="t1", values={"investment": 690},
                     submitted="2026-07-05", approved="2026-07-08")  # fmt: skip
    changes = StatusChange.objects.filter(indicator__code="investment")
    assert [(c.status_from, c.status_to, c.as_of) for c in changes] == [
        ("", "yellow", D("2026-07-08"))
    ]
    assert changes[0].inputs["actual"] == 690
    assert "判为黄灯" in changes[0].inputs["explain_zh"]
    # The task is the worst of its indicators: "projects" was not reported (red).
    assert StatusChange.objects.filter(task__code="t1", status_to="red").exists()
    # Only the report's own subjects were refreshed.
    assert not StatusChange.objects.filter(indicator__code="gdp").exists()


def test_recording_again_without_a_change_writes_nothing(world):
    record(world.plan, D("2026-07-10"))
    first = StatusChange.objects.count()
    assert first == 8  # 4 indicators and 4 tasks, each seen for the first time
    assert record(world.plan, D("2026-07-11")) == []
    assert StatusChange.objects.count() == first


def test_a_past_view_rebuilds_as_it_was_shown_and_a_later_correction_is_flagged(world):
    plan = world.plan
    with time_machine.travel("2026-07-08 16:00 +0800", tick=False):
        report_value(plan, "fgw", "202606", task="t1", values={"investment": 690},
                     submitted="2026-07-05", approved="2026-07-08")  # fmt: skip
    with time_machine.travel("2026-07-10 09:00 +0800", tick=False):
        shown_then = shown(report_data_for(plan, world.users["supervisor"], D("2026-07-10")))
        record(plan, D("2026-07-10"))
    assert shown_then["indicator:investment"] == "yellow"
    # In August the June figure is found wrong: a new version corrects it.
    with time_machine.travel("2026-08-03 10:00 +0800", tick=False):
        version = submit(plan, "fgw", "202606", task="t1", values={"investment": 500},
                         submitted="2026-08-03")  # fmt: skip
        approve(version, "2026-08-03")
    correction = StatusChange.objects.get(indicator__code="investment", as_of=D("2026-08-03"))
    assert (correction.status_from, correction.status_to, correction.correction) == (
        "yellow", "red", True,
    )  # fmt: skip
    # As of 10 July the view, recomputed or read from history, is what was shown then.
    rebuilt = report_data_for(plan, world.users["supervisor"], D("2026-07-10"))
    assert shown(rebuilt) == shown_then
    assert from_history(world, D("2026-07-10")) == shown_then
    # ... and it says that a figure was corrected later.
    assert rebuilt["corrections"] == [
        {"subject": "完成投资", "as_of": "2026-08-03", "from": "yellow", "to": "red"}
    ]
    # Today's view uses the corrected figure.
    assert (
        shown(report_data_for(plan, world.users["supervisor"], D("2026-08-04")))[
            "indicator:investment"
        ]
        == "red"
    )


def test_the_history_agrees_with_the_live_computation_on_every_recorded_day(world):
    plan = world.plan
    days = ["2026-02-10", "2026-04-10", "2026-07-10", "2026-09-10"]
    with time_machine.travel("2026-04-08 16:00 +0800", tick=False):
        report_value(plan, "fgw", "202603", task="t1", values={"investment": 380},
                     submitted="2026-04-03", approved="2026-04-08")  # fmt: skip
    with time_machine.travel("2026-07-08 16:00 +0800", tick=False):
        report_value(plan, "fgw", "202606", task="t1", values={"investment": 600},
                     submitted="2026-07-03", approved="2026-07-08")  # fmt: skip
    for day in days:
        record(plan, D(day))
    for day in days:
        assert from_history(world, D(day)) == shown(
            report_data_for(plan, world.users["supervisor"], D(day))
        ), day


def test_the_daily_command_records_changes_caused_by_time_alone(world):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("record_statuses", "demo-2026", "--as-of", "2026-01-20", stdout=out)
    assert "8 status changes" in out.getvalue()  # all grey: nothing due yet
    call_command("record_statuses", "demo-2026", "--as-of", "2026-02-10", stdout=out)
    gdp = StatusChange.objects.filter(indicator__code="gdp").order_by("as_of")
    assert [(c.status_to, c.reason) for c in gdp] == [("grey", "not-due"), ("red", "missing")]
    assert "table rebuilt" not in out.getvalue()  # past days leave today's table alone
    with pytest.raises(CommandError, match="no plan with code nope"):
        call_command("record_statuses", "nope")


def test_the_tick_and_the_command_judge_a_new_day_into_the_store(world):
    from io import StringIO

    from django.core.management import call_command

    from mubiao.dashboard.models import StatusCache
    from mubiao.lib import tick

    with time_machine.travel("2026-03-02 00:05 +0800", tick=False):
        assert tick.run_once(only=["statuses.new-day"]) == {"statuses.new-day": 1}
        assert StatusCache.objects.get(plan=world.plan).as_of == D("2026-03-02")
        assert StatusChange.objects.filter(as_of=D("2026-03-02")).count() == 8
    with time_machine.travel("2026-03-03 00:05 +0800", tick=False):
        out = StringIO()
        call_command("record_statuses", "demo-2026", stdout=out)
        assert "demo-2026: 0 status changes recorded as of 2026-03-03" in out.getvalue()
        assert StatusCache.objects.get(plan=world.plan).as_of == D("2026-03-03")
