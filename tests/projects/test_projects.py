"""The project library: the demo's scale, measures, access, and the Excel round trip."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.utils import translation
from openpyxl import Workbook, load_workbook

from mubiao.orgs.models import Membership, OrgUnit
from mubiao.projects.actions import import_projects
from mubiao.projects.excel import HEADER, ProjectSheetError, export_projects, safe_cell
from mubiao.projects.library import measures
from mubiao.projects.models import Project
from mubiao.projects.synthetic import make_projects


@pytest.fixture
def nanyang(demo):
    return demo  # loaded once per session (tests/demo_db.py)


@pytest.fixture
def supervisor(nanyang, django_user_model):
    user = django_user_model.objects.create_user("dc")
    Membership.objects.create(
        user=user, unit=OrgUnit.objects.get(code="duchashi"), role="supervisor"
    )
    return user


def test_the_demo_has_the_named_projects_and_a_city_sized_library(nanyang):
    assert Project.objects.filter(plan=nanyang, synthetic=False).count() == 7
    synthetic = Project.objects.filter(plan=nanyang, synthetic=True)
    assert synthetic.count() == 1000
    assert synthetic.values("county").distinct().count() >= 13
    assert make_projects(nanyang) == 0  # a second run changes nothing
    metrics = {t.metric for t in synthetic.first().counts_toward.all()}
    assert metrics == {"实施省市重点项目数", "省市重点项目完成投资"}


def test_the_named_projects_count_toward_the_targets_the_pool_counts_toward(nanyang):
    """One pool: the bulletin's target line (the rolled-up 完成投资) and its key projects
    line (every project of the plan) sum the same projects, to the same 万元."""
    from decimal import Decimal

    from mubiao.plans.models import Indicator
    from mubiao.projects.measures import summary
    from mubiao.projects.rollup import indicator_actuals

    named = Project.objects.filter(plan=nanyang, synthetic=False)
    for project in named:
        metrics = {t.metric for t in project.counts_toward.all()}
        assert metrics == {"实施省市重点项目数", "省市重点项目完成投资"}, project.code
        assert project.annual_plan and project.annual_plan > 0 and project.tier, project.code
    amount = Indicator.objects.get(plan=nanyang, metric="省市重点项目完成投资")
    day = dt.date(2026, 11, 10)
    head = summary(Project.objects.filter(plan=nanyang), nanyang.year, day)
    assert amount.projects.count() == head["n"] == 1007
    actual = indicator_actuals(nanyang, day)[amount.pk]  # 亿元
    assert actual == (Decimal(str(head["ytd"])) / 10000).quantize(Decimal("0.0001"))


def test_the_loader_reads_a_projects_plan_and_targets_and_refuses_unknown_ones(nanyang):
    from mubiao.orgs.loader import LoadError
    from mubiao.projects.loader import load_projects

    item = {"code": "extra", "name": "新增项目", "category": "新开工", "annual_plan": 1200,
            "counts_toward": ["i04"]}  # fmt: skip
    load_projects(nanyang, {"projects": [item]})
    project = Project.objects.get(plan=nanyang, code="extra")
    assert project.annual_plan == 1200
    assert [t.code for t in project.counts_toward.all()] == ["i04"]
    with pytest.raises(LoadError, match="unknown indicator 'i99'"):
        load_projects(nanyang, {"projects": [{**item, "counts_toward": ["i99"]}]})
    with pytest.raises(LoadError, match="annual_plan -5 is not a number"):
        load_projects(nanyang, {"projects": [{**item, "annual_plan": -5}]})
    load_projects(
        nanyang, {"projects": [{"code": "extra", "name": "新增项目", "category": "新开工"}]}
    )
    project.refresh_from_db()  # a file stating no amounts leaves the library's as they are
    assert project.annual_plan == 1200 and project.counts_toward.count() == 1


def test_the_start_rate_counts_new_projects_planned_by_the_date(nanyang):
    projects = Project.objects.filter(plan=nanyang)
    m = measures(projects, dt.date(2026, 10, 31), nanyang)
    assert 0 < m["planned"] and m["started"] <= m["planned"]
    assert m["start_rate"] == pytest.approx(m["started"] / m["planned"])
    early = measures(projects, dt.date(2026, 1, 1), nanyang)
    assert early["planned"] < m["planned"]
    assert sum(r["n"] for r in m["by_county"]) == projects.count()


def test_the_ledger_filters_and_exports(client, supervisor, nanyang):
    client.force_login(supervisor)
    page = client.get("/plans/nanyang-2026/projects/?county=wancheng&category=new").text
    assert "宛城区" in page and 'data-testid="start-rate"' in page
    response = client.get("/plans/nanyang-2026/projects/?county=wancheng&format=xlsx")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    assert len(rows) - 1 == Project.objects.filter(county__code="wancheng").count()


def test_a_county_reporter_sees_only_its_own_projects(client, nanyang, django_user_model):
    user = django_user_model.objects.create_user("wc")
    Membership.objects.create(user=user, unit=OrgUnit.objects.get(code="wancheng"), role="reporter")
    client.force_login(user)
    page = client.get("/plans/nanyang-2026/projects/").text
    assert "卧龙区" not in page.split('data-testid="projects"')[1].split("</table>")[0]
    other = Project.objects.filter(county__code="wolong").first()
    assert client.get(f"/plans/nanyang-2026/projects/{other.code}/").status_code == 403
    assert client.post("/plans/nanyang-2026/projects/upload/").status_code == 403


def test_export_then_import_of_an_unchanged_file_changes_nothing(supervisor, nanyang):
    data = export_projects(Project.objects.filter(plan=nanyang, county__code="xixia"))
    before = list(Project.objects.values_list("code", "name", "annual_plan", "stage"))
    counts = import_projects(supervisor, nanyang, data)
    assert counts["created"] == 0 and counts["updated"] == 0 and counts["unchanged"] > 0
    assert list(Project.objects.values_list("code", "name", "annual_plan", "stage")) == before


def sheet(*rows) -> bytes:
    book = Workbook()
    book.active.append(HEADER)
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def row(**values):
    base = {h: None for h in HEADER} | {"项目名称": "新材料产业园", "所在县区": "西峡县",
            "类别": "新开工", "建设阶段": "未开工", "总投资（万元）": 50000, "年度计划投资（万元）": 20000}  # fmt: skip
    return (base | values).values()


def test_it_creates_and_updates_projects_from_a_sheet(supervisor, nanyang):
    counts = import_projects(supervisor, nanyang, sheet(list(row())))
    assert counts["created"] == 1
    new = Project.objects.get(name="新材料产业园")
    counts = import_projects(
        supervisor, nanyang, sheet(list(row(**{"项目编号": new.code, "建设阶段": "在建"})))
    )
    assert counts["updated"] == 1
    new.refresh_from_db()
    assert new.stage == "building"


def test_a_duplicate_project_is_detected_not_created_twice(supervisor, nanyang):
    import_projects(supervisor, nanyang, sheet(list(row())))
    with translation.override("zh-hans"), pytest.raises(ProjectSheetError) as caught:
        import_projects(supervisor, nanyang, sheet(list(row())))
    assert "与项目" in str(caught.value) and "重复" in str(caught.value)
    with translation.override("en"), pytest.raises(ProjectSheetError) as caught:
        import_projects(supervisor, nanyang, sheet(list(row())))
    assert "duplicates project" in str(caught.value)
    assert Project.objects.filter(name="新材料产业园").count() == 1


def test_every_bad_row_is_named_and_nothing_is_saved(supervisor, nanyang):
    bad = sheet(
        list(row(**{"项目名称": "甲项目"})),
        list(row(**{"项目名称": "乙项目", "类别": "随便"})),
        list(row(**{"项目名称": "丙项目", "总投资（万元）": "很多"})),
        list(row(**{"项目名称": "丁项目", "所在县区": "火星县"})),
        list(row(**{"项目名称": "戊项目", "计划开工": "下个月"})),
    )
    with pytest.raises(ProjectSheetError) as caught:
        import_projects(supervisor, nanyang, bad)
    where = {(e.row, e.column) for e in caught.value.errors}
    assert where == {(3, "类别"), (4, "总投资（万元）"), (5, "所在县区"), (6, "计划开工")}
    assert not Project.objects.filter(name="甲项目").exists()


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"not a workbook", "不是Excel"),
        (b"", "不是Excel"),
    ],
)
def test_a_file_that_is_not_a_workbook_is_refused(supervisor, nanyang, data, reason):
    with pytest.raises(ProjectSheetError, match=reason):
        import_projects(supervisor, nanyang, data)


def test_a_macro_workbook_is_refused(supervisor, nanyang):
    buffer = io.BytesIO(sheet(list(row())))
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("xl/vbaProject.bin", b"\x00" * 10)
    with pytest.raises(ProjectSheetError, match="含宏"):
        import_projects(supervisor, nanyang, buffer.getvalue())


def test_a_zip_bomb_is_refused_before_it_is_unpacked(supervisor, nanyang):
    buffer = io.BytesIO(sheet(list(row())))
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/padding.bin", b"\x00" * (101 * 1024 * 1024))
    with pytest.raises(ProjectSheetError, match="100 MB"):
        import_projects(supervisor, nanyang, buffer.getvalue())


def test_a_wrong_header_is_refused(supervisor, nanyang):
    book = Workbook()
    book.active.append(["名称", "金额"])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(ProjectSheetError, match="表头与模板不一致"):
        import_projects(supervisor, nanyang, buffer.getvalue())


@pytest.mark.parametrize("text", ['=HYPERLINK("x")', "+1", "-2+3", "@SUM(A1)"])
def test_exported_text_never_runs_as_a_formula(text):
    assert safe_cell(text) == "'" + text
    assert safe_cell("南阳") == "南阳"
    assert safe_cell(5) == 5
