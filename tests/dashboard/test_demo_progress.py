"""Demo progress: synthetic, deterministic, idempotent, and a realistic spread."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from mubiao.dashboard.current import report_data_for
from mubiao.dashboard.models import StatusChange
from mubiao.demo import load_demo
from mubiao.reporting.models import Report, ReportValue, ReportVersion, Review


def snapshot() -> tuple:
    return (
        Report.objects.count(),
        ReportVersion.objects.count(),
        ReportValue.objects.count(),
        Review.objects.count(),
        StatusChange.objects.count(),
        sorted(ReportValue.objects.values_list("indicator__code", "version__report__cycle__code",
                                               "value")),
    )  # fmt: skip


def test_the_demo_has_january_to_october_marked_synthetic(demo):
    reports = Report.objects.filter(cycle__plan=demo)
    assert reports.exists()
    assert not reports.filter(synthetic=False).exists()
    assert sorted(set(reports.values_list("cycle__code", flat=True))) == [
        f"2026{m:02d}" for m in range(1, 11)
    ]


def test_loading_the_demo_twice_changes_nothing(demo):
    before = snapshot()
    load_demo()
    assert snapshot() == before


def test_the_spread_is_realistic(demo):
    data = report_data_for(demo, None, dt.date(2026, 11, 10), scope_all=True)
    lights = Counter(r["status"] for r in data["indicators"] + data["tasks"])
    total = sum(lights.values())
    assert lights["green"] / total > 0.4
    assert 0.1 < lights["yellow"] / total < 0.4
    assert 0.03 < lights["red"] / total < 0.3
    assert 0 < len(data["overdue"]["reports"]) < 20
    assert len({r["unit_code"] for r in data["overdue"]["reports"]}) >= 2
    assert Report.objects.filter(state="returned").count() == 1
    assert Review.objects.filter(decision="return").count() == 1
    assert Report.objects.filter(state="submitted").exists()  # October partly in review
    ranked = [r for r in data["ranking"]["rows"] if r["rank"]]
    assert ranked[0]["score"] > ranked[-1]["score"]


def test_the_history_was_replayed_month_by_month(demo):
    days = sorted(set(StatusChange.objects.values_list("as_of", flat=True)))
    assert days[0] == dt.date(2026, 2, 10)
    assert len(days) >= 8


def test_the_ui_marks_simulated_data(demo, client):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="mayor"))
    page = client.get("/monitor/nanyang-2026/?as_of=2026-11-10").text
    assert 'data-testid="synthetic"' in page


def test_a_demo_cause_fits_what_the_task_is_about():
    from mubiao.dashboard.demo_progress import problems_of

    finance = problems_of("用好“惠享南都”促消费财政补贴资金池", "red")
    projects = problems_of("实施省市重点项目", "red")
    trade = problems_of("稳外贸、扩大跨境电商", "red")
    ecology = problems_of("筑牢生态安全屏障，建设国家减污降碳协同创新试点市", "red")
    assert "财政" in finance and "项目" not in finance
    assert projects == "用地、资金等要素制约突出，部分项目未按期开工。"
    assert "外贸" in trade and "污染" in ecology
    assert len({finance, projects, trade, ecology}) == 4
    assert problems_of("实施省市重点项目", "yellow") != projects
    assert problems_of("实施省市重点项目", "green") == "无。"
    assert problems_of("某项其他工作", "red") == "工作推进力度不够，部分节点任务未按期完成。"


def test_the_octobers_bulletin_says_each_lagging_items_own_cause(demo):
    """三、存在问题 reads like a real one: the causes differ with the items (the demo gave
    every red item 用地、资金等要素制约突出…, the finance task's too)."""
    import time_machine
    from django.contrib.auth import get_user_model

    from mubiao.dashboard.bulletin import build, problem_lines
    from mubiao.reporting.models import Cycle

    office = get_user_model().objects.get(username="duchashi")
    cycle = Cycle.objects.get(plan=demo, code="202610")
    with time_machine.travel("2026-11-10 10:00 +0800", tick=False):
        lines = problem_lines(build(office, cycle, dt.date(2026, 11, 10))[2])
    causes = [line.split("存在问题：", 1)[1] for line in lines if "存在问题：" in line]
    assert len(causes) >= 8
    assert len(set(causes)) >= 5, causes
    land = [line for line in lines if "部分项目未按期开工" in line]
    subjects = [line.split("存在问题：", 1)[0] for line in land]
    assert all(any(w in s for w in ("项目", "园区", "攻坚", "枢纽")) for s in subjects), subjects
