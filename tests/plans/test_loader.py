"""The plan loader: idempotent, all-or-nothing, and faithful to Nanyang's article."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest

from mubiao.demo import PLAN_FILE, UNITS_FILE, load_demo
from mubiao.orgs.loader import LoadError, load_units, read_yaml
from mubiao.orgs.models import OrgUnit
from mubiao.plans.loader import load_plan
from mubiao.plans.models import Assignment, Indicator, Plan, Task
from mubiao.projects.models import Chain, Project
from tests.conftest import PLAN

# Every quantitative target the seed article states: (metric contains, comparator, value, unit).
NANYANG_TARGETS = [
    ("生产总值", ">=", "5.5", "%"),
    ("资金池", "=", "1", "亿元"),
    ("重点项目", ">=", "1000", "个"),
    ("投资", ">=", "1500", "亿元"),
    ("创新平台", ">=", "50", "家"),
    ("龙头企业", "~", "10", "家"),
    ("瞪羚", "~", "40", "家"),
    ("高新技术企业", "~", "700", "家"),
    ("绿色食品", "=", "2000", "亿元"),
    ("装备制造", "=", "1000", "亿元"),
    ("新材料", "=", "950", "亿元"),
    ("生物", "=", "500", "亿元"),
    ("专项资金", "=", "5000", "万元"),
    ("专项", "=", "10", "项"),
    ("货物贸易", ">=", "5", "%"),
    ("跨境电商", ">=", "5", "%"),
]

NAMED_PROJECTS = ["唐河", "南信合", "嵩内", "鸭西", "白河", "青杠树", "5G"]


@pytest.fixture
def nanyang(demo):
    return demo  # loaded once per session (tests/demo_db.py)


def snapshot() -> dict[str, list]:
    """Every loaded row as plain values, to compare two loads."""
    return {
        model.__name__: sorted(map(str, model.objects.values_list()))
        for model in (OrgUnit, Plan, Task, Indicator, Assignment, Project, Chain)
    }


def test_it_loads_every_target_the_article_states(nanyang):
    indicators = list(nanyang.indicators.all())
    for metric, comparator, value, unit in NANYANG_TARGETS:
        hits = [
            i
            for i in indicators
            if metric in i.metric
            and i.comparator == comparator
            and i.value == Decimal(value)
            and i.unit == unit
        ]
        assert hits, f"missing target: {metric} {comparator} {value}{unit}"


def test_it_loads_the_frames_areas_tasks_projects_and_chains(nanyang):
    frame_names = set(nanyang.frames.values_list("name", flat=True))
    assert {"1+2+4+N", "五聚五提", "六个坚持", "三个强化"} <= frame_names
    top_areas = nanyang.areas.filter(parent__isnull=True)
    assert top_areas.count() == 4
    assert nanyang.areas.filter(parent__isnull=False).exists()
    assert nanyang.tasks.count() >= 45
    names = " ".join(nanyang.projects.values_list("name", flat=True))
    assert all(word in names for word in NAMED_PROJECTS), names
    clusters = set(nanyang.chains.filter(kind=Chain.Kind.CLUSTER).values_list("name", flat=True))
    assert {"绿色食品", "装备制造", "新材料", "生物与医药"} <= clusters, clusters


def test_it_loads_nanyangs_counties_and_zones(db):
    load_units(UNITS_FILE)
    counties = OrgUnit.objects.filter(level="county", kind="government")
    assert counties.count() == 13
    assert OrgUnit.objects.filter(kind="zone").count() >= 3
    assert OrgUnit.objects.get(code="wancheng").short_name == "宛城区"


def test_every_task_has_a_lead_unit_and_assumed_units_are_marked(nanyang):
    for task in nanyang.tasks.all():
        assert task.assignments.filter(role=Assignment.Role.LEAD).exists(), task.code
    assert Assignment.objects.filter(assumed=True).exists()


def test_swj_is_lead_on_some_tasks_and_co_unit_on_others(nanyang):
    roles = set(Assignment.objects.filter(unit__code="swj").values_list("role", flat=True))
    assert roles == {"lead", "co"}


def test_it_changes_nothing_when_loaded_twice(nanyang):
    before = snapshot()
    load_demo()
    assert snapshot() == before


def test_it_reports_unchanged_rows_on_a_second_load(db, world):
    _, counts = load_plan(PLAN, "again")
    assert counts["created"] == 0
    assert counts["updated"] == 0
    assert counts["unchanged"] > 10


def test_it_updates_only_what_changed(db, world):
    data = copy.deepcopy(PLAN)
    data["indicators"][1]["value"] = 1200
    _, counts = load_plan(data, "edited")
    assert counts["updated"] == 1
    assert Indicator.objects.get(code="projects").value == 1200


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["tasks"][0].update(lead=["nobody"]), "unknown unit code 'nobody'"),
        (lambda d: d["tasks"][0].update(area="nowhere"), "unknown area code 'nowhere'"),
        (lambda d: d["tasks"][1].update(lead=[]), "needs at least one lead unit"),
        (lambda d: d["indicators"][0].update(kind="vibes"), "kind must be one of"),
        (lambda d: d["indicators"][0].update(value="lots"), "'lots' is not a number"),
        (lambda d: d["indicators"][1].update(value=None), "needs a value"),
        (lambda d: d["tasks"][1].update(deadline="June"), "'June' is not a date"),
        (lambda d: d["tasks"][0].update(span=[30, 10]), "span must be"),
        (lambda d: d["tasks"].append(dict(d["tasks"][0])), "repeated task code"),
        (lambda d: d["plan"].pop("name"), "required field is missing"),
    ],
)
def test_a_bad_file_says_where_and_saves_nothing(db, world, mutate, message):
    data = copy.deepcopy(PLAN)
    data["plan"]["code"] = "fresh-plan"
    mutate(data)
    with pytest.raises(LoadError, match=message.replace("(", r"\(")):
        load_plan(data, "bad.yaml")
    assert not Plan.objects.filter(code="fresh-plan").exists()


def test_the_data_files_are_plain_yaml_with_a_header():
    for path in (UNITS_FILE, PLAN_FILE):
        assert path.read_text(encoding="utf-8").lstrip().startswith("#")
        assert isinstance(read_yaml(path), dict)


def test_a_unit_file_with_an_unknown_kind_is_refused(db, tmp_path):
    bad = tmp_path / "units.yaml"
    bad.write_text("units:\n  - {code: x, name: X, kind: club}\n", encoding="utf-8")
    with pytest.raises(LoadError, match="unknown kind 'club'"):
        load_units(bad)
    assert not OrgUnit.objects.exists()


def test_the_investment_target_learns_its_curve_from_last_years_months(nanyang):
    from mubiao.dashboard.status import schedule_of
    from mubiao.monitor import Seasonal

    investment = nanyang.indicators.get(metric="省市重点项目完成投资")
    assert len(investment.baseline_series) == 12
    assert isinstance(schedule_of(investment), Seasonal)
