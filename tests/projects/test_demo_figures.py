"""The demo's January–October project figures: scale, spread, idempotence, speed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from mubiao.demo import load_demo
from mubiao.plans.models import Indicator
from mubiao.projects.measures import progress_of, totals
from mubiao.projects.models import Project, ProjectFigures
from mubiao.projects.rollup import indicator_actuals
from mubiao.projects.synthetic import make_monthly_figures
from mubiao.reporting.models import Report


def test_it_loads_ten_months_of_figures_once(demo):
    plan = demo
    reports = Report.objects.filter(cycle__plan=plan, project__isnull=False)
    assert reports.filter(synthetic=True).count() > 9000
    assert ProjectFigures.objects.count() == reports.count()
    before = (reports.count(), ProjectFigures.objects.count())
    load_demo()
    assert make_monthly_figures(plan) == 0
    assert (reports.count(), ProjectFigures.objects.count()) == before


def test_it_spreads_the_projects_over_on_track_behind_and_unreported(demo):
    plan = demo
    rows = progress_of(Project.objects.filter(plan=plan), plan.year, dt.date(2026, 11, 26))
    t = totals(rows, plan.year, dt.date(2026, 11, 26))
    assert t["through"] == dt.date(2026, 10, 31)
    # Some behind, most not (behind = anywhere below 序时进度, green only at or above it).
    assert 0.05 < t["behind"] / t["n"] < 0.45
    assert 20 < t["n"] - t["up_to_date"] < 300  # a few silent, or October not yet approved
    assert 0.8 < t["against_expected"] < 1.2  # the city as a whole near 序时进度
    assert 0.5 < t["share"] < 0.7  # back-loaded: well under 10/12 by October


def test_it_rolls_the_figures_up_into_the_plans_indicators(demo):
    plan = demo
    actuals = indicator_actuals(plan, dt.date(2026, 11, 26))
    count = Indicator.objects.get(plan=plan, metric="实施省市重点项目数")
    amount = Indicator.objects.get(plan=plan, metric="省市重点项目完成投资")
    assert 700 < actuals[count.pk] <= 1007
    assert 0 < actuals[amount.pk] < 3000  # 亿元, converted from the ledger's 万元


def test_it_documents_the_excel_contracts_as_the_code_has_them():
    from pathlib import Path

    from mubiao.projects import excel, figures_excel

    doc = (Path(__file__).resolve().parents[2] / "docs" / "projects.md").read_text("utf-8")
    assert " | ".join(excel.HEADER) in doc
    assert " | ".join(figures_excel.HEADER) in doc
    assert "indicator_actuals(plan, as_of)" in doc


def test_a_share_of_the_demo_projects_report_funds_consistent_with_their_investment(demo):
    from collections import defaultdict

    plan = demo
    rows = ProjectFigures.objects.filter(version__report__cycle__plan=plan).values_list(
        "version__report__project_id", "version__report__cycle__start", "invested",
        "funds_secured", "version__report__project__annual_plan",
    )  # fmt: skip
    series: dict[int, list] = defaultdict(list)
    for project, start, invested, funds, annual in rows:
        series[project].append((start, invested, funds, annual))
    reporting = [p for p, months in series.items() if any(m[2] is not None for m in months)]
    assert 0.45 < len(reporting) / len(series) < 0.75
    for project in reporting:
        months = sorted(series[project])
        assert all(m[2] is not None for m in months)  # a reporter states them every month
        funds = [m[2] for m in months]
        assert funds == sorted(funds) and funds[0] >= 0  # a running total never falls
        spent = sum(m[1] for m in months)
        assert funds[-1] <= max(spent * Decimal("1.36"), Decimal(0)) + Decimal("0.01")
        if months[0][3]:
            assert funds[-1] <= months[0][3] * Decimal("1.5")
