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
