"""A figure below zero where none can be (a cumulative actual of a count or an amount, a
project's month of investment) is refused unless the unit ticks the confirmation and gives
a reason; the reason is kept on the version and shown to whoever reviews it."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from mubiao.api.actions import create_token
from mubiao.audit.models import AuditEntry
from mubiao.projects.models import ProjectFigures
from mubiao.reporting.models import ReportValue
from tests.test_bad_inputs import snapshot

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
REASON = "统计口径调整，核减上月重复统计的5个项目"


def post(client, report, **fields):
    return client.post(f"/reporting/r/{report.code}/", {"action": "submit", **fields}, **ZH)


def test_a_confirmed_negative_actual_is_kept_with_its_reason_and_shown_to_the_reviewer(login, slot):
    report = slot("swj", "t1")  # swj's part; the lead unit fgw decides on it
    response = post(login("swj"), report, progress="核减", **{"value-projects": "-5"},
                    confirm_negative="1", negative_reason=REASON)  # fmt: skip
    assert response.status_code == 302
    version = report.versions.get()
    assert version.negative_reason == REASON
    assert ReportValue.objects.get(version=version, indicator__code="projects").value == -5
    assert AuditEntry.objects.get(action="report.submit").after["negative_reason"] == REASON
    page = login("fgw").get(f"/reporting/r/{report.code}/", **ZH).text
    assert 'data-testid="review-form"' in page
    assert "填报单位已确认数据为负数" in page and REASON in page


@pytest.mark.parametrize(
    ("fields", "sentence"),
    [
        ({}, "勾选确认并说明原因"),  # not confirmed: the refusal says how to confirm
        ({"negative_reason": REASON}, "勾选确认并说明原因"),  # a reason, but the box unticked
        ({"confirm_negative": "1", "negative_reason": "  "}, "实施重点项目为负数：请说明原因"),
        ({"confirm_negative": "1", "negative_reason": "核减\x01"}, "控制字符"),
    ],
)
def test_a_negative_actual_without_a_confirmed_reason_is_refused_and_saves_nothing(
    login, slot, fields, sentence
):
    report = slot("swj", "t1")
    before = snapshot()
    response = post(login("swj"), report, progress="核减", **{"value-projects": "-5"}, **fields)
    assert response.status_code == 400
    assert sentence in response.text
    assert snapshot() == before
    assert 'value="-5"' in response.text  # what was typed stays on screen
    assert ('name="confirm_negative" value="1" checked' in response.text) == (
        "confirm_negative" in fields
    )


def test_a_confirmation_without_a_figure_below_zero_stores_no_reason(login, slot):
    report = slot("swj", "t1")
    response = post(login("swj"), report, progress="正常", **{"value-projects": "5"},
                    confirm_negative="1", negative_reason=REASON)  # fmt: skip
    assert response.status_code == 302
    assert report.versions.get().negative_reason == ""
    page = login("fgw").get(f"/reporting/r/{report.code}/", **ZH).text
    assert 'data-testid="negative-reason"' not in page


def test_a_draft_keeps_its_confirmation_for_the_next_visit(login, slot):
    report = slot("swj", "t1")
    client = login("swj")
    response = client.post(
        f"/reporting/r/{report.code}/",
        {"action": "save_draft", "value-projects": "-5", "confirm_negative": "1",
         "negative_reason": REASON}, **ZH,
    )  # fmt: skip
    assert response.status_code == 302
    page = client.get(f"/reporting/r/{report.code}/", **ZH).text
    assert 'name="confirm_negative" value="1" checked' in page and REASON in page


@pytest.fixture
def api(client, world):
    _t, raw = create_token(world.users["swj"], name="api", read_only=False)

    def send(report, body: dict):
        return client.post(
            f"/api/v1/reports/{report.code}/submit", data=json.dumps(body),
            content_type="application/json",
            headers={"Authorization": f"Bearer {raw}", "Accept-Language": "zh-hans"},
        )  # fmt: skip

    return send


def test_the_api_keeps_a_negative_actual_only_with_a_reason(api, slot):
    report = slot("swj", "t1")
    before = snapshot()
    for body, sentence in [
        ({"values": {"projects": -5}}, "勾选确认并说明原因"),
        ({"values": {"projects": -5}, "negative_reason": ""}, "请说明原因"),
    ]:
        refused = api(report, {"progress": "核减", **body})
        assert refused.status_code == 422
        assert sentence in refused.json()["error"]["message"]
        assert snapshot() == before
    response = api(report, {"progress": "核减", "values": {"projects": -5},
                            "negative_reason": REASON})  # fmt: skip
    assert response.status_code == 200, response.content
    latest = response.json()["versions"][-1]
    assert latest["values"]["projects"] == -5 and latest["negative_reason"] == REASON


@pytest.fixture
def june_month(world, clock):
    from mubiao.reporting.cycles import ensure_cycles, ensure_reports
    from mubiao.reporting.models import Cycle, Report
    from tests.projects.conftest import IN_JUNE, make_project

    clock(IN_JUNE.date().isoformat())
    project = make_project(world)
    cycle = next(c for c in ensure_cycles(world.plan, Cycle.Kind.MONTH) if c.code == "202606")
    ensure_reports(cycle)
    return Report.objects.get(cycle=cycle, project=project)


def test_a_projects_negative_month_is_a_correction_only_when_confirmed(login, june_month):
    report, client = june_month, login("county")
    before = snapshot()
    refused = post(client, report, invested="-300", stage="building", progress="核减")
    assert refused.status_code == 400 and "不能为负数" in refused.text
    assert "勾选确认并说明原因" in refused.text and snapshot() == before
    saved = post(client, report, invested="-300", stage="building", progress="核减",
                 confirm_negative="1", negative_reason="统计核减上月重复计入的投资")  # fmt: skip
    assert saved.status_code == 302
    version = report.versions.get()
    assert ProjectFigures.objects.get(version=version).invested == Decimal("-300.00")
    assert version.negative_reason == "统计核减上月重复计入的投资"
