"""The 任务分解表 workbook: export, import (all or nothing, every problem with its row and
column), the lossless round trip, and the pages that reach it from the editor."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from mubiao.audit.models import AuditEntry
from mubiao.orgs.models import OrgUnit
from mubiao.plans import actions, workbook
from mubiao.plans.models import Area, Assignment, Indicator, Milestone, Plan, Task

ZH = ["序号", "重点任务", "牵头单位", "配合单位", "责任领导", "完成时限", "指标", "目标值",
      "报送频次", "指标类型"]  # fmt: skip


def cells(data: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(data)).active
    return [[c.value for c in row] for row in sheet.iter_rows()]


def book(rows: list[list], header: list[str] = ZH) -> bytes:
    wb = Workbook()
    sheet = wb.active
    sheet.append(["示范市任务分解表"])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_the_export_is_the_task_division_table_of_the_whole_plan(world):
    with translation.override("zh-hans"):
        rows = cells(workbook.export_plan(world.plan))
    assert rows[1] == ZH
    body = [r for r in rows[2:]]
    assert ["一", "稳增长", *[None] * 8] in body
    assert ["（一）", "扩投资", *[None] * 8] in body  # no number: numbered as renumber would
    t1 = next(r for r in body if r[1] == "实施重点项目")
    assert t1[:4] == ["1", "实施重点项目", "市发展改革委", "市商务局"]
    assert t1[6:8] == ["实施重点项目", "≥ 1000个"] and t1[9] == "数量"
    more = body[body.index(t1) + 1]
    assert more[:6] == [None] * 6 and more[6:8] == ["完成投资", "≥ 1500亿元"]
    t2 = next(r for r in body if r[1] == "促进消费升级")
    assert t2[5] == dt.datetime(2026, 6, 30)
    # gdp stands alone in 稳增长, right after its section row, with its own lead unit
    growth = body.index(["一", "稳增长", *[None] * 8])
    assert body[growth + 1][2] == "市统计局" and body[growth + 1][6] == "地区生产总值增长"
    assert body[growth + 1][7] == "≥ 5.5%"


def test_the_headers_follow_the_language(world):
    with translation.override("en"):
        rows = cells(workbook.export_plan(world.plan))
    assert rows[1][:3] == ["No.", "Key task", "Lead unit"]
    with translation.override("en"):  # and an English workbook reads back
        plan = actions.import_workbook(world.users["supervisor"], None,
                                       workbook.export_plan(world.plan), issuer=world.units["city"],
                                       name="copy", year=2026)  # fmt: skip
    assert plan.tasks.count() == world.plan.tasks.count()


def _same_name_units(world) -> None:
    OrgUnit.objects.create(code="city-dev", name="发展和改革委员会", short_name="发改委",
                           kind="department", parent=world.units["city"])  # fmt: skip
    OrgUnit.objects.create(code="county-dev", name="发展和改革委员会", short_name="发改委",
                           kind="department", parent=world.units["county"])  # fmt: skip


def test_a_round_trip_gives_the_same_workbook_and_keeps_the_tree(world):
    _same_name_units(world)
    t1 = world.plan.tasks.get(code="t1")
    Assignment.objects.create(task=t1, unit=OrgUnit.objects.get(code="county-dev"), role="co",
                              order=5)  # fmt: skip
    office = world.users["supervisor"]
    first = workbook.export_plan(world.plan)
    assert "示范县/发改委" in cells(first)[[r[1] for r in cells(first)].index("实施重点项目")][3]
    plan = actions.import_workbook(office, None, first, issuer=world.units["city"],
                                   name=world.plan.name, year=2026)  # fmt: skip
    assert plan.status == Plan.Status.DRAFT and plan.code == "city-2026"
    assert cells(workbook.export_plan(plan)) == cells(first)
    t1_copy = plan.tasks.get(title="实施重点项目")
    assert [(a.unit.code, a.role) for a in t1_copy.assignments.order_by("-role", "order")] == [
        ("fgw", "lead"), ("swj", "co"), ("county-dev", "co")]  # fmt: skip
    investment = plan.indicators.get(metric="完成投资")
    assert (investment.comparator, investment.value, investment.unit) == (">=", 1500, "亿元")
    assert investment.area.name == "扩投资" and investment.area.parent.name == "稳增长"
    entry = AuditEntry.objects.filter(action="plan.import_workbook").get()
    assert entry.after["tasks"] == 4 and entry.actor == office


def test_every_problem_is_reported_with_row_column_and_reason_and_nothing_is_saved(world):
    _same_name_units(world)
    data = book([
        ["一", "稳增长", None, None, None, None, None, None, None, None],
        ["1", "实施重点项目", "市发改委会", None, None, "2027-03-31", "投资", "很多", None, None],
        ["2", "促进消费", "发改委", "市商务局", None, "6月底", "社零增长", "5.5%以上", "按季",
         None],
        [None, None, None, None, None, None, "进出口", "≥ 5-6%", None, None],
        ["3", "谋划项目", "市统计局", None, None, "明年", None, None, "每周", None],
    ])  # fmt: skip
    before = (Plan.objects.count(), Task.objects.count(), AuditEntry.objects.count())
    with translation.override("zh-hans"), pytest.raises(workbook.WorkbookRefused) as caught:
        actions.import_workbook(world.users["supervisor"], None, data,
                                issuer=world.units["city"], name="新计划", year=2026)  # fmt: skip
    problems = [(p.row, p.column, p.reason) for p in caught.value.problems]
    assert (
        4,
        "C",
        "没有名为“市发改委会”的单位（示范市人民政府之下）；是否指“示范市/发改委”？",
    ) in problems
    assert (4, "F", "日期 2027-03-31 不在计划年度 2026 内") in problems
    assert (4, "H", "“很多”不是数字") in problems
    assert (
        5,
        "C",
        "有 2 个单位都叫“发改委”，请写明是哪一个：“示范市/发改委”或“示范县/发改委”",
    ) in problems
    assert (6, "H", "“≥ 5-6%”不是数字") in problems
    assert (7, "F", "“明年”不是日期（年-月-日）") in problems
    assert any(p[:2] == (7, "I") for p in problems)
    assert len(problems) == 7
    assert str(caught.value.problems[0]).startswith("第4行，C列（牵头单位）：")
    assert (Plan.objects.count(), Task.objects.count(), AuditEntry.objects.count()) == before


def test_the_problems_are_in_english_for_an_english_user(world):
    data = book([["1", "实施重点项目", "无此单位", None, None, None, "投资", "x", None, None]])
    with translation.override("en"), pytest.raises(workbook.WorkbookRefused) as caught:
        actions.import_workbook(
            world.users["supervisor"],
            world.plan.__class__.objects.create(
                code="empty", name="空", issuer=world.units["city"], year=2026, status="draft"
            ),
            data,
        )
    with translation.override("en"):
        text = [str(p) for p in caught.value.problems]
    assert text[0].startswith("Row 3, column C (Lead unit): no unit called “无此单位”")
    assert "Row 3, column H (Target value): “x” is not a number" in text


def test_a_file_that_is_not_the_table_is_refused_in_one_sentence(world):
    wrong = book([["1", "x"]], header=["编号", "任务"])
    with translation.override("zh-hans"), pytest.raises(workbook.WorkbookRefused) as caught:
        actions.import_workbook(world.users["supervisor"], None, wrong,
                                issuer=world.units["city"], name="x", year=2026)  # fmt: skip
    assert "序号 | 重点任务" in str(caught.value.problems[0])
    with pytest.raises(workbook.WorkbookRefused):
        actions.import_workbook(world.users["supervisor"], None, b"not a zip",
                                issuer=world.units["city"], name="x", year=2026)  # fmt: skip


def test_importing_into_an_unissued_plan_replaces_its_tree_and_keeps_same_tasks(world):
    office = world.users["supervisor"]
    plan = actions.create_plan(office, issuer=world.units["city"], code="draft-2026",
                               name="草案", year=2026)  # fmt: skip
    old = actions.create_task(office, plan, title="保留的任务")
    actions.create_milestone(office, old, text="年中检查", due=dt.date(2026, 6, 30))
    gone = actions.create_task(office, plan, title="删去的任务")
    data = book([
        ["一", "稳增长", None, None, None, None, None, None, None, None],
        ["1", "保留的任务", "市商务局", None, "张三", "2026-05-31", "社零增长", "5–6%", "每季度",
         None],
        [None, None, None, None, None, None, "新增企业", "约700家", None, None],
    ])  # fmt: skip
    actions.import_workbook(office, plan, data)
    kept = Task.objects.get(pk=old.pk)
    assert kept.area.name == "稳增长" and kept.leader == "张三" and kept.rhythm == "quarter"
    assert Milestone.objects.filter(task=kept).count() == 1
    assert not Task.objects.filter(pk=gone.pk).exists()
    targets = list(kept.indicators.order_by("order").values_list("metric", "kind", "comparator"))
    assert targets == [("社零增长", "growth", "range"), ("新增企业", "count", "~")]


def test_a_plan_with_issued_tasks_cannot_be_replaced(world):
    with translation.override("zh-hans"), pytest.raises(Exception) as caught:
        actions.import_workbook(world.users["supervisor"], world.plan,
                                workbook.export_plan(world.plan))  # fmt: skip
    assert "已有任务下发" in " ".join(caught.value.messages)


def test_only_the_office_imports(world):
    data = workbook.export_plan(world.plan)
    for persona in ("fgw", "leader", "outsider"):
        with pytest.raises(PermissionError if False else Exception) as caught:
            actions.import_workbook(world.users[persona], None, data, issuer=world.units["city"],
                                    name="x", year=2026)  # fmt: skip
        assert caught.type.__name__ == "PermissionDenied"


# ── Pages ────────────────────────────────────────────────────────────────────────


def test_the_editor_reaches_the_workbook_page_and_its_download(login):
    client = login("supervisor")
    editor = client.get("/plans/demo-2026/edit/")
    assert 'href="/plans/demo-2026/edit/workbook/"' in editor.text
    page = client.get("/plans/demo-2026/edit/workbook/")
    assert page.status_code == 200 and 'data-testid="workbook-issued"' in page.text
    download = client.get("/plans/demo-2026/edit/workbook.xlsx")
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert cells(download.content)[1][0] == "序号"


@pytest.mark.parametrize("persona", ["fgw", "county", "leader", "viewer"])
def test_the_workbook_pages_are_the_offices(login, persona):
    client = login(persona)
    assert client.get("/plans/demo-2026/edit/workbook/").status_code in (403, 404)
    assert client.get("/plans/demo-2026/edit/workbook.xlsx").status_code in (403, 404)
    assert client.get("/imports/workbook/").status_code == 403


def test_a_new_plan_from_a_workbook_page_shows_the_problems_or_opens_the_editor(login, world):
    client = login("supervisor")
    bad = book([["1", "任务", "无此单位", None, None, None, None, None, None, None]])
    form = {"issuer": world.units["city"].pk, "name": "示范市2027年目标任务", "year": 2027}
    r = client.post("/imports/workbook/", {**form, "file": SimpleUploadedFile("a.xlsx", bad)},
                    HTTP_ACCEPT_LANGUAGE="zh-hans")  # fmt: skip
    assert r.status_code == 422 and "第3行" not in r.text  # a table, not a sentence
    assert 'data-testid="problem"' in r.text and "无此单位" in r.text
    assert not Plan.objects.filter(year=2027).exists()
    good = book([["1", "任务", "市商务局", None, None, "2027-12-31", None, None, None, None]])
    r = client.post("/imports/workbook/", {**form, "file": SimpleUploadedFile("a.xlsx", good)})
    plan = Plan.objects.get(year=2027)
    assert r.status_code == 302 and r["Location"] == f"/plans/{plan.code}/edit/"


# ── Copy last year's plan ────────────────────────────────────────────────────────


def test_copying_makes_next_years_draft_with_the_tree_and_dates_a_year_on(world, login):
    t1 = world.plan.tasks.get(code="t1")
    Task.objects.filter(pk=t1.pk).update(deadline=dt.date(2026, 12, 31))
    r = login("supervisor").post("/plans/demo-2026/edit/copy/", {"name": ""})
    new = Plan.objects.get(year=2027)
    assert r["Location"] == f"/plans/{new.code}/edit/"
    assert (new.code, new.name, new.status) == ("demo-2027", "示范市2027年目标任务", "draft")
    assert new.areas.count() == world.plan.areas.count()
    assert new.areas.get(code="investment").parent.code == "growth"
    copy = new.tasks.get(code="t1")
    assert copy.deadline == dt.date(2027, 12, 31) and copy.issued_at is None
    assert [a.unit.code for a in copy.assignments.order_by("-role", "order")] == ["fgw", "swj"]
    assert new.tasks.get(code="t3").milestones.get().due == dt.date(2027, 9, 30)
    sales = new.indicators.get(code="sales")
    assert (sales.value, sales.value_max, sales.period, sales.issued_at) == (
        Decimal("5"), Decimal("6"), "2027", None)  # fmt: skip
    assert new.indicators.get(code="gdp").assignments.get().unit.code == "tjj"
    assert AuditEntry.objects.filter(action="plan.copy", target="plan:demo-2027").exists()
    # the source is untouched
    assert world.plan.tasks.get(code="t1").issued_at is not None


def test_only_the_office_copies(login):
    assert login("fgw").post("/plans/demo-2026/edit/copy/").status_code in (403, 404)
    assert not Plan.objects.filter(year=2027).exists()


# ── The round trip, for any plan ─────────────────────────────────────────────────

TEXT = (
    st.text(alphabet="稳增长扩投资项目建设农田=+-'@ab1（）、，。 ", min_size=1, max_size=24)
    .map(str.strip)
    .filter(bool)
)
UNIT_CODES = ["fgw", "swj", "tjj", "county", "county-agri", "city-dev", "county-dev"]
VALUE = st.decimals(min_value=-10_000, max_value=1_000_000, places=2, allow_nan=False)


@st.composite
def targets(draw):
    kind = draw(st.sampled_from([k for k, _l in Indicator.Kind.choices]))
    comparator = draw(st.sampled_from(["qualitative", ">=", "<=", "~", "=", "range"]))
    value = None if comparator == "qualitative" else draw(VALUE)
    top = value + draw(VALUE.filter(lambda v: v >= 0)) if comparator == "range" else None
    unit = "" if value is None else draw(st.sampled_from(["%", "亿元", "个", "", "万人"]))
    return {"metric": draw(TEXT), "kind": kind, "comparator": comparator, "value": value,
            "value_max": top, "unit": unit}  # fmt: skip


@st.composite
def units(draw):
    chosen = draw(st.lists(st.sampled_from(UNIT_CODES), max_size=3, unique=True))
    lead = draw(st.booleans()) and bool(chosen)
    return [(code, "lead" if lead and i == 0 else "co") for i, code in enumerate(chosen)]


TASKS = st.fixed_dictionaries({
    "number": st.sampled_from(["", "1", "2", "10"]), "text": TEXT,
    "leader": st.sampled_from(["", "张三", "李四、王五"]),
    "deadline": st.none() | st.dates(dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
    "rhythm": st.sampled_from(["", "month", "quarter", "half", "year"]),
    "units": units(), "targets": st.lists(targets(), max_size=3),
})  # fmt: skip
BLOCK = st.fixed_dictionaries({
    "name": TEXT, "number": st.sampled_from(["", "一", "二"]),
    "alone": st.lists(st.tuples(targets(), units()), max_size=2),
    "tasks": st.lists(TASKS, max_size=3),
})  # fmt: skip
TREE = st.fixed_dictionaries({
    "loose": BLOCK, "areas": st.lists(st.tuples(BLOCK, st.lists(BLOCK, max_size=2)), max_size=3),
})  # fmt: skip


def _build(world, tree) -> Plan:
    plan = Plan.objects.create(code="gen-2026", name="生成的计划", issuer=world.units["city"],
                               year=2026, status="draft")  # fmt: skip
    unit = {u.code: u for u in OrgUnit.objects.all()}
    order = iter(range(10_000))

    def block(data, area):
        for target, assigned in data["alone"]:
            ind = Indicator.objects.create(plan=plan, area=area, code=f"i{next(order)}",
                                           period="2026", order=next(order), **target)  # fmt: skip
            for i, (code, role) in enumerate(assigned):
                Assignment.objects.create(indicator=ind, unit=unit[code], role=role, order=i)
        for item in data["tasks"]:
            fields = {k: item[k] for k in ("number", "text", "leader", "deadline", "rhythm")}
            task = Task.objects.create(plan=plan, area=area, code=f"t{next(order)}",
                                       title=item["text"][:60], order=next(order), **fields)  # fmt: skip
            for i, (code, role) in enumerate(item["units"]):
                Assignment.objects.create(task=task, unit=unit[code], role=role, order=i)
            for target in item["targets"]:
                Indicator.objects.create(plan=plan, area=area, task=task, code=f"i{next(order)}",
                                         period="2026", order=next(order), **target)  # fmt: skip

    block(tree["loose"], None)
    for top, subs in tree["areas"]:
        area = Area.objects.create(plan=plan, code=f"a{next(order)}", name=top["name"],
                                   number=top["number"], order=next(order))  # fmt: skip
        block(top, area)
        for sub in subs:
            child = Area.objects.create(plan=plan, code=f"a{next(order)}", name=sub["name"],
                                        parent=area, order=next(order))  # fmt: skip
            block(sub, child)
    return plan


def test_export_import_export_is_the_same_workbook_for_any_plan(world):
    _same_name_units(world)
    office = world.users["supervisor"]

    @given(tree=TREE)
    @settings(max_examples=40, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    def check(tree):
        with transaction.atomic():
            plan = _build(world, tree)
            first = workbook.export_plan(plan)
            again = actions.import_workbook(office, None, first, issuer=plan.issuer,
                                            name=plan.name, year=2026)  # fmt: skip
            assert cells(workbook.export_plan(again)) == cells(first)
            # and into the same (unissued) plan: nothing changes
            actions.import_workbook(office, again, first)
            assert cells(workbook.export_plan(again)) == cells(first)
            transaction.set_rollback(True)

    with translation.override("zh-hans"):
        check()
