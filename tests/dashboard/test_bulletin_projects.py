"""The bulletin prints the key projects' figures from ``projects.measures.figures``: the
data month's own investment, 同比 where last year's series is stated with its unit, and a
table by tier (省/市/县重点)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone

from mubiao.dashboard.bulletin import build
from mubiao.monitor import fixed
from mubiao.projects.models import ProjectFigures
from mubiao.reporting.models import Cycle

DAY = dt.date(2026, 11, 10)


def _section_two(content: dict) -> list[dict]:
    return next(s for s in content["sections"] if s["heading"].startswith("二、"))["blocks"]


def _october_increment(plan) -> Decimal:
    """October's approved investment by the end of 10 November, from the rows."""
    end = timezone.make_aware(dt.datetime.combine(DAY, dt.time.max))
    latest: dict[int, Decimal] = {}
    for project, invested in (
        ProjectFigures.objects.filter(
            version__report__project__plan=plan, version__report__state="approved",
            version__report__cycle__code="202610", version__report__approved_at__lte=end,
        ).order_by("version__number").values_list("version__report__project_id", "invested")
    ):  # fmt: skip
        latest[project] = invested
    return sum(latest.values(), Decimal(0))


def test_the_bulletin_prints_the_months_increment_and_the_tiers(demo):
    office = get_user_model().objects.get(username="duchashi")
    cycle = Cycle.objects.get(plan=demo, code="202610")
    with time_machine.travel("2026-11-10 10:00 +0800", tick=False):
        blocks = _section_two(build(office, cycle, DAY)[2])
    increment = _october_increment(demo)
    assert increment > 0
    said = [b["text"] for b in blocks if b["kind"] == "text"]
    assert any(
        t.startswith(f"10月当月完成投资{fixed(float(increment) / 10000, 2)}亿元") for t in said
    )
    table = next(
        b for b in blocks if b["kind"] == "table" and b["caption"] == "分级别重点项目完成情况"
    )
    assert table["header"][:2] == ["级别", "项目数"]
    assert {r[0] for r in table["rows"]} <= {"省重点项目", "市重点项目", "县重点项目", "未分级项目"}
    assert sum(int(r[1]) for r in table["rows"]) == demo.projects.count()


def test_the_bulletin_prints_year_on_year_when_last_years_series_has_its_unit(demo):
    office = get_user_model().objects.get(username="duchashi")
    series = [20, 40, 60, 80, 100, 130, 140, 150, 160, 170, 180, 270]
    demo.project_schedule = {"type": "seasonal", "last_year": series, "unit": "亿元"}
    demo.save(update_fields=["project_schedule"])
    cycle = Cycle.objects.get(plan=demo, code="202610")
    with time_machine.travel("2026-11-10 10:00 +0800", tick=False):
        blocks = _section_two(build(office, cycle, DAY)[2])
    from mubiao.projects.measures import progress_of

    ytd = sum(float(r.ytd) for r in progress_of(demo.projects.all(), demo.year, DAY))
    change = (ytd / (sum(series[:10]) * 10_000) - 1) * 100
    word = "增长" if change >= 0 else "下降"
    text = next(b["text"] for b in blocks if b["kind"] == "text" and "当月完成投资" in b["text"])
    assert text.endswith(f"，1–10月累计同比{word}{fixed(abs(change), 1)}%。")


def _funds_as_of(plan) -> tuple[int, Decimal, Decimal]:
    """(projects reporting funds, their funds, the plans of those with one) as of DAY,
    from the rows: each project's latest approved month through October stating funds."""
    end = timezone.make_aware(dt.datetime.combine(DAY, dt.time.max))
    latest: dict[int, tuple] = {}
    for project, _start, funds, annual in (
        ProjectFigures.objects.filter(
            version__report__project__plan=plan, version__report__state="approved",
            version__report__approved_at__lte=end, version__report__cycle__kind="month",
            version__report__cycle__end__lte=dt.date(2026, 10, 31), funds_secured__isnull=False,
        ).order_by("version__report__cycle__start", "version__number").values_list(
            "version__report__project_id", "version__report__cycle__start", "funds_secured",
            "version__report__project__annual_plan",
        )
    ):  # fmt: skip
        latest[project] = (funds, annual)
    funds = sum((f for f, _a in latest.values()), Decimal(0))
    planned = sum((a for _f, a in latest.values() if a), Decimal(0))
    return len(latest), funds, planned


def test_the_bulletin_prints_the_funds_secured_as_the_project_pages_and_the_api_do(demo, client):
    from mubiao.api.actions import create_token
    from mubiao.projects.measures import progress_of

    office = get_user_model().objects.get(username="duchashi")
    cycle = Cycle.objects.get(plan=demo, code="202610")
    with time_machine.travel("2026-11-10 10:00 +0800", tick=False):
        blocks = _section_two(build(office, cycle, DAY)[2])
    n, funds, planned = _funds_as_of(demo)
    assert 0.45 * demo.projects.count() < n < 0.75 * demo.projects.count()
    of_planned = sum(
        (r.funds_secured for r in progress_of(demo.projects.all(), demo.year, DAY)
         if r.funds_secured is not None and r.project.annual_plan),
        Decimal(0),
    )  # fmt: skip
    rate = f"{float(of_planned) / float(planned) * 100:.1f}%"
    said = [b["text"] for b in blocks if b["kind"] == "text"]
    line = f"报送资金到位情况的{n}个项目本年累计到位资金{fixed(float(funds) / 10000, 2)}亿元，资金到位率{rate}。"
    assert line in said, [t for t in said if "资金" in t]
    table = next(b for b in blocks if b.get("caption") == "分级别重点项目完成情况")
    assert table["header"][-1] == "资金到位率（报送项目数）"
    assert sum(int(r[-1].split("（")[1].rstrip("）")) for r in table["rows"] if r[-1] != "—") == n
    # one project as its page and the API show it, and as the bulletin's sum counts it
    row = next(
        r for r in progress_of(demo.projects.select_related("plan"), demo.year, DAY)
        if r.funds_secured is not None and r.project.annual_plan
    )  # fmt: skip
    project = row.project
    client.force_login(office)
    with time_machine.travel("2026-11-10 10:00 +0800", tick=False):
        page = client.get(f"/plans/{demo.code}/projects/{project.code}/").text
        raw = create_token(office, name="t")[1]
        api = client.get(
            f"/api/v1/plans/{demo.code}/projects/{project.code}/progress?as_of={DAY}",
            headers={"Authorization": f"Bearer {raw}"},
        ).json()
    shown = f"{row.funds_secured:,.2f}"
    assert f'data-testid="project-funds">{shown} ' in page
    assert f'data-testid="project-funds-rate">{row.funds_rate * 100:.1f}%<' in page
    assert api["funds_secured"] == float(row.funds_secured)
    assert f"{api['funds_rate'] * 100:.1f}%" == f"{row.funds_rate * 100:.1f}%"


def test_a_tier_without_an_annual_plan_prints_no_rate():
    """Seven projects without an annual plan, four of them reporting funds: neither a
    完成率 nor a 资金到位率 (the demo's bulletin printed 未分级 7 0 … —（4）)."""
    from mubiao.dashboard.bulletin_content import tier_table

    tiers = [
        {"key": "province", "label": "", "n": 3, "plan": 20000.0, "ytd": 9000.0, "rate": 0.45,
         "behind": 1, "funds_n": 2, "funds_rate": 0.5},
        {"key": "", "label": "未分级", "n": 7, "plan": 0.0, "ytd": 1500.0, "rate": None,
         "behind": 0, "funds_n": 4, "funds_rate": None},
    ]  # fmt: skip
    rows = tier_table(tiers, with_funds=True)["rows"]
    assert rows[0][4:] == ["45.0%", "1", "50.0%（2）"]
    assert rows[1][0] == "未分级项目" and rows[1][4:] == ["—", "0", "—"]


def test_the_bulletin_prints_its_sums_in_yi_yuan_with_two_decimals_and_one_total(demo):
    """Every investment sum of the bulletin in 亿元 to two decimals (offices print
    “完成投资1076.27亿元”, not 10762683万元), and the target line, the key projects line
    and the tables say the same total."""
    import re

    from mubiao.plans.models import Indicator
    from mubiao.projects.measures import summary

    office = get_user_model().objects.get(username="duchashi")
    cycle = Cycle.objects.get(plan=demo, code="202610")
    with time_machine.travel("2026-11-10 10:00 +0800", tick=False):
        content = build(office, cycle, DAY)[2]
    head = summary(demo.projects.all(), demo.year, DAY)
    total = fixed(head["ytd"] / 10000, 2)
    texts = [b.get("text", "") for s in content["sections"] for b in s["blocks"]]
    tables = [b for s in content["sections"] for b in s["blocks"] if b["kind"] == "table"]
    assert not [t for t in texts if "万元" in t]
    assert not [t for t in tables if any("万元" in h for h in t["header"])]
    amount = Indicator.objects.get(plan=demo, metric="省市重点项目完成投资")
    target_line = next(t for t in texts if t.startswith(amount.metric))
    assert f"1–10月累计{total}亿元" in target_line
    project_lines = [t for t in texts if t.startswith("全市1007个重点项目")]
    assert len(project_lines) == 2  # 一、总体情况 and 二、(…)重点项目开工和滞后情况
    plan_total = fixed(head["plan"] / 10000, 2)
    assert all(f"年度计划投资{plan_total}亿元，累计完成投资{total}亿元" in t for t in project_lines)
    tiers = next(t for t in tables if t["caption"] == "分级别重点项目完成情况")
    assert tiers["header"][2:4] == ["年度计划（亿元）", "累计完成（亿元）"]
    assert all(re.fullmatch(r"\d+\.\d\d", r[3]) for r in tiers["rows"])
    assert abs(sum(float(r[3]) for r in tiers["rows"]) - float(total)) < 0.01 * len(tiers["rows"])
    counties = next(
        t for t in tables if t["header"][0] == "名次" and "年度计划（亿元）" in t["header"]
    )
    assert all(re.fullmatch(r"\d+\.\d\d", r[2]) and re.fullmatch(r"\d+\.\d\d", r[3])
               for r in counties["rows"])  # fmt: skip
