"""Every bad input a clear answer: a table of bad inputs fed to each entry point (the report
form, the API, the Excel upload, the import review), each answered with a 4xx and a
sentence in the user's language, and nothing in the database changed."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.apps import apps
from openpyxl import load_workbook

from mubiao.api.actions import create_token
from mubiao.plans.models import ImportDraft
from mubiao.reporting import excel

CONTROL = "已开工\x01项目"
LONG = "长" * 32768


def snapshot() -> dict[str, int]:
    """Row counts of every table that holds what people wrote."""
    names = ["reporting.ReportVersion", "reporting.ReportValue", "reporting.Evidence",
             "reporting.Review", "audit.AuditEntry", "plans.Indicator", "plans.Task",
             "plans.Plan"]  # fmt: skip
    counts = {n: apps.get_model(n).objects.count() for n in names}
    counts["report states"] = hash(
        tuple(apps.get_model("reporting.Report").objects.order_by("pk").values_list("state"))
    )
    return counts


# --- the report form and the API: (case, form fields, JSON body, Chinese sentence) -------
REPORT_CASES = [
    ("control character", {"progress": CONTROL}, {"progress": CONTROL}, "控制字符"),
    ("text longer than a cell", {"problems": LONG}, {"next_steps": "长" * 20001}, "字符"),
    ("negative cumulative actual", {"value-projects": "-5"}, {"values": {"projects": -5}}, "负数"),
    ("not a number", {"value-projects": "nan"}, {"values": {"projects": "nan"}}, "不是数字"),
    ("infinite", {"value-projects": "inf"}, {"values": {"projects": "Infinity"}}, "不是数字"),
    ("too large", {"value-projects": "1e400"}, {"values": {"projects": 1e300}}, "不是数字"),
]


@pytest.mark.parametrize(("case", "form", "body", "sentence"), REPORT_CASES)
def test_the_report_form_refuses(login, slot, case, form, body, sentence):
    report = slot("swj", "t1")  # a co-unit's part: it carries t1's targets
    before = snapshot()
    response = login("swj").post(
        f"/reporting/r/{report.code}/", {"action": "submit", **form},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )  # fmt: skip
    assert response.status_code == 400, case
    assert sentence in response.text, case
    assert snapshot() == before


@pytest.fixture
def api_post(client, world):
    _t, raw = create_token(world.users["swj"], name="api", read_only=False)

    def post(path: str, body) -> object:
        data = body if isinstance(body, str) else json.dumps(body)
        return client.post(
            f"/api/v1{path}", data=data, content_type="application/json",
            headers={"Authorization": f"Bearer {raw}", "Accept-Language": "zh-hans"},
        )  # fmt: skip

    return post


@pytest.mark.parametrize(("case", "form", "body", "sentence"), REPORT_CASES)
def test_the_api_refuses(api_post, slot, case, form, body, sentence):
    report = slot("swj", "t1")
    before = snapshot()
    response = api_post(f"/reports/{report.code}/submit", body)
    assert response.status_code == 422, (case, response.content)
    error = response.json()["error"]
    assert error["message"] and (sentence in error["message"] or error["fields"]), case
    assert snapshot() == before


@pytest.mark.parametrize("value", ["true", "false", '{"n": 1}', "[1]"])
def test_the_api_refuses_json_that_is_not_a_number(api_post, slot, value):
    report = slot("swj", "t1")
    before = snapshot()
    response = api_post(f"/reports/{report.code}/submit", f'{{"values": {{"projects": {value}}}}}')
    assert response.status_code == 422
    assert response.json()["error"]["fields"]
    assert snapshot() == before


def test_reports_before_their_cycle_opens_are_refused_everywhere(login, slot, clock, api_post):
    report = slot("swj", "t1")
    clock("2026-03-20")  # March's cycle opens on 03-24
    before = snapshot()
    form = login("swj").post(
        f"/reporting/r/{report.code}/", {"action": "submit", "progress": "提前"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )  # fmt: skip
    assert form.status_code == 400 and "2026-03-24" in form.text
    api = api_post(f"/reports/{report.code}/submit", {"progress": "提前"})
    assert api.status_code == 422 and "2026-03-24" in api.json()["error"]["message"]
    page = login("swj").get(f"/reporting/r/{report.code}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "2026-03-24" in page.text and 'value="submit"' not in page.text
    assert snapshot() == before


def test_the_excel_page_of_an_unopened_cycle_writes_nothing(world, login, clock):
    from mubiao.reporting.cycles import ensure_cycles
    from mubiao.reporting.models import Cycle, Report

    clock("2026-03-20")
    ensure_cycles(world.plan, Cycle.Kind.MONTH)
    before = Report.objects.count()
    response = login("fgw").get("/reporting/demo-2026/cycles/202604/excel/")
    assert response.status_code == 400 and "2026-04-" in response.text
    assert Report.objects.count() == before


def test_the_excel_page_of_an_open_cycle_is_a_get_that_writes_nothing(world, login, clock):
    from mubiao.reporting.cycles import ensure_cycles
    from mubiao.reporting.models import Cycle, Report

    ensure_cycles(world.plan, Cycle.Kind.MONTH)
    response = login("fgw").get("/reporting/demo-2026/cycles/202603/excel/")
    assert response.status_code == 200
    assert Report.objects.count() == 0


# --- the Excel upload: (case, how to spoil the exported template, Chinese sentence) -------
# (A cell cannot carry more than 32,767 characters nor a control character: openpyxl and
# Excel cut or refuse them when the file is written, so those are refused at the form.)
def _cell(book, sheet: str, ref: str, value) -> bytes:
    book[sheet][ref] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _damage(data: bytes) -> bytes:
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            body = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = body[: len(body) // 2]  # cut in the middle of its XML
            target.writestr(item, body)
    return out.getvalue()


EXCEL_CASES = [
    ("negative cumulative actual", lambda b, d: _cell(b, "指标", "F2", -5), "负数"),
    ("an unknown self-assessment", lambda b, d: _cell(b, "报告", "H2", "很好"), "选择"),
    ("not a number", lambda b, d: _cell(b, "指标", "F2", "nan"), "不是数字"),
    ("a damaged worksheet", lambda b, d: _damage(d), "损坏"),
    ("not a workbook", lambda b, d: b"PK\x03\x04 truncated", "Excel"),
]


@pytest.mark.parametrize(("case", "spoil", "sentence"), EXCEL_CASES)
def test_the_excel_upload_refuses(world, login, march, case, spoil, sentence):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = excel.export_template(world.users["fgw"], march)
    bad = spoil(load_workbook(io.BytesIO(data)), data)
    before = snapshot()
    response = login("fgw").post(
        "/reporting/demo-2026/cycles/202603/excel/",
        {"file": SimpleUploadedFile("filled.xlsx", bad)},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400, case
    assert sentence in response.text, case
    assert snapshot() == before


# --- the import review: (case, field, value, Chinese sentence) ----------------------------
@pytest.fixture
def ready_draft(login, django_capture_on_commit_callbacks):
    from mubiao.orgs.models import OrgUnit

    client = login("supervisor")
    text = "一、主要目标\n地区生产总值增长6%左右。\n二、重点任务\n1.实施重点项目。（牵头单位：市发展改革委）\n"
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/imports/", {
            "issuer": OrgUnit.objects.get(code="city").pk, "kind": "division_notice",
            "plan_name": "示范市重点工作", "text": text,
        })  # fmt: skip
    draft = ImportDraft.objects.get()
    assert draft.status == ImportDraft.Status.READY and draft.draft["targets"]
    return client, draft


REVIEW_CASES = [
    ("nan", "target-0-value", "nan", "不是数字"),
    ("inf", "target-0-value", "inf", "不是数字"),
    ("1e400", "target-0-value", "1e400", "不是数字"),
    ("too large", "target-0-value", "1e16", "超出"),
    ("control character in a metric", "target-0-metric", "增长\x0b率", "控制字符"),
]


@pytest.mark.parametrize(("case", "field", "value", "sentence"), REVIEW_CASES)
def test_the_import_review_refuses(ready_draft, case, field, value, sentence):
    client, draft = ready_draft
    target = draft.draft["targets"][0]
    form = {
        "target-0-metric": target["metric"], "target-0-keep": "on",
        "target-0-comparator": target["comparator"], "target-0-kind": target["kind"],
        "target-0-value": "6", field: value, "accept": "1",
    }  # fmt: skip
    before = snapshot()
    response = client.post(draft.get_absolute_url(), form, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400, case
    assert sentence in response.text, case
    assert snapshot() == before
    draft.refresh_from_db()
    assert draft.status == ImportDraft.Status.READY and draft.edits == {}
