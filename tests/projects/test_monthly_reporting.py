"""A key project's month goes through the reporting workflow: slots, figures, photos,
review, locking and late unlock; only approved months count."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from mubiao.audit.models import AuditEntry
from mubiao.plans.models import Indicator
from mubiao.projects.models import ProjectFigures
from mubiao.projects.rollup import indicator_actuals
from mubiao.reporting import actions
from mubiao.reporting.models import Report
from tests.projects.conftest import PNG, make_project

S = Report.State


def figures(invested="1500", stage="building", **more) -> actions.Content:
    return actions.Content(figures={"invested": invested, "stage": stage}, **more)


def test_it_makes_one_monthly_slot_per_project_reported_by_its_lead_or_county(world, months):
    make_project(world, "p2", lead=world.units["fgw"])
    from mubiao.reporting.cycles import ensure_reports

    ensure_reports(months["202606"])
    slots = Report.objects.filter(cycle=months["202606"], project__isnull=False)
    assert {(r.project.code, r.unit.code) for r in slots} == {("p1", "county"), ("p2", "fgw")}
    assert all(r.role == "lead" for r in slots)
    assert ensure_reports(months["202606"]) == Report.objects.filter(cycle=months["202606"]).count()


def test_it_takes_a_months_figures_with_a_photo_over_http(login, month):
    report = month("202606")
    client = login("county")
    response = client.post(
        f"/reporting/r/{report.code}/",
        {"action": "submit", "invested": "1,500.5", "stage": "building", "progress": "主体施工",
         "files": SimpleUploadedFile("现场.png", PNG)},
    )  # fmt: skip
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == S.SUBMITTED
    version = report.versions.get()
    assert version.figures.invested == Decimal("1500.50") and version.figures.stage == "building"
    assert report.evidence.get().content_type == "image/png"
    entry = AuditEntry.objects.get(action="report.submit")
    assert entry.target.endswith("/county/project:p1")
    assert entry.after["figures"] == {"invested": "1500.5", "stage": "building"}
    page = client.get(f"/reporting/r/{report.code}/").text
    assert 'data-testid="project-figures"' in page and "1,500.50" in page


@pytest.mark.parametrize(
    ("invested", "stage"),
    [("三百", "building"), ("", "building"), ("100", "flying"), ("1e20", "building")],
)
def test_it_refuses_bad_figures_and_keeps_nothing(login, month, invested, stage):
    report = month("202606")
    response = login("county").post(
        f"/reporting/r/{report.code}/", {"action": "submit", "invested": invested, "stage": stage}
    )
    assert response.status_code == 400
    assert 'data-testid="error"' in response.text
    assert value_kept(response.text, invested)
    report.refresh_from_db()
    assert report.state == S.NOT_STARTED and not ProjectFigures.objects.exists()


def value_kept(page: str, invested: str) -> bool:
    return f'name="invested" value="{invested}"' in page


def test_it_refuses_another_units_project_month(login, month):
    report = month("202606")
    assert (
        login("swj").post(f"/reporting/r/{report.code}/", {"action": "submit"}).status_code == 403
    )
    assert report.versions.count() == 0


def test_it_counts_only_approved_months_in_the_indicators(world, month, clock):
    users = world.users
    amount = Indicator.objects.get(plan=world.plan, code="investment")
    count = Indicator.objects.get(plan=world.plan, code="projects")
    clock("2026-06-02")
    actions.submit(users["county"], month("202605"), figures("1000"))
    assert indicator_actuals(world.plan, dt.date(2026, 6, 2))[amount.pk] == 0  # not approved
    actions.approve(users["supervisor"], month("202605"))
    clock("2026-06-24")  # June's cycle is open (from 06-23), June has not ended
    actions.submit(users["county"], month("202606"), figures("2000"))
    actions.approve(users["supervisor"], month("202606"))
    # June's figures count only once June's reports are due (5 July, the data month);
    # May's since it was approved.
    assert indicator_actuals(world.plan, dt.date(2026, 6, 24))[amount.pk] == Decimal("0.1")
    assert indicator_actuals(world.plan, dt.date(2026, 7, 5))[amount.pk] == Decimal("0.1")
    clock("2026-07-06")
    actuals = indicator_actuals(world.plan, dt.date(2026, 7, 6))
    assert actuals[amount.pk] == Decimal("0.3")  # 3000 万元 = 0.3 亿元
    assert actuals[count.pk] == 1
    # A view of a day before May's approval counts nothing: history is rebuilt as it was.
    assert indicator_actuals(world.plan, dt.date(2026, 6, 1))[amount.pk] == 0


def test_it_locks_a_project_month_and_reopens_it_for_a_late_report(world, month, clock):
    users = world.users
    report = month("202606")
    clock("2026-07-11")  # past the lock
    with pytest.raises(ValidationError, match="锁定"):
        actions.submit(users["county"], report, figures())
    actions.unlock(users["supervisor"], report, "施工单位报表延误")
    version = actions.submit(users["county"], report, figures("800"))
    assert version.is_late and version.figures.invested == Decimal("800.00")
    actions.approve(users["supervisor"], report)
    actions.unlock(users["supervisor"], report, "统计口径调整")
    corrected = actions.submit(users["county"], report, figures("750"))
    assert corrected.number == 2  # a correction is a new version; v1 is kept
    assert ProjectFigures.objects.get(version__number=1).invested == Decimal("800.00")


def test_it_lets_only_the_supervisor_decide_on_a_project_month(world, month):
    users = world.users
    report = month("202606")
    actions.submit(users["county"], report, figures())
    for persona in ("county", "fgw", "leader"):
        with pytest.raises(PermissionDenied):
            actions.approve(users[persona], report)
    actions.approve(users["supervisor"], report)
    assert Report.objects.get(pk=report.pk).state == S.APPROVED


def test_it_keeps_a_drafts_figures_and_allows_them_blank(world, month):
    report = month("202606")
    actions.save_draft(world.users["county"], report, figures(""))
    assert not ProjectFigures.objects.exists()
    actions.save_draft(world.users["county"], report, figures("12"))
    actions.save_draft(world.users["county"], report, figures("13"))
    assert report.versions.count() == 1
    assert ProjectFigures.objects.get().invested == Decimal("13.00")


def test_it_takes_the_funds_secured_as_an_optional_figure(login, month):
    report = month("202606")
    client = login("county")
    url = f"/reporting/r/{report.code}/"
    response = client.post(
        url, {"action": "submit", "invested": "1500", "stage": "building", "funds_secured": "4,200"}
    )
    assert response.status_code == 302
    row = report.versions.get().figures
    assert row.funds_secured == Decimal("4200.00") and row.invested == Decimal("1500.00")
    entry = AuditEntry.objects.get(action="report.submit")
    assert entry.after["figures"] == {"invested": "1500", "stage": "building",
                                      "funds_secured": "4200"}  # fmt: skip
    page = client.get(url).text
    assert 'data-testid="funds-secured">4,200.00<' in page
    assert "本年累计到位资金（万元）" in page  # the form's Chinese label


def test_a_month_without_funds_secured_leaves_them_unreported(world, month):
    report = month("202606")
    actions.submit(world.users["county"], report, figures("100"))
    assert report.versions.get().figures.funds_secured is None


@pytest.mark.parametrize(
    ("funds", "sentence"),
    [("三千", "本年累计到位资金：“三千”不是数字。"), ("-5", "本年累计到位资金不能为负数（-5）"),
     ("1e20", "不是数字"), ("nan", "不是数字")],
)  # fmt: skip
def test_it_refuses_bad_funds_secured_with_a_sentence_and_keeps_nothing(
    login, month, funds, sentence
):
    report = month("202606")
    response = login("county").post(
        f"/reporting/r/{report.code}/",
        {"action": "submit", "invested": "100", "stage": "building", "funds_secured": funds},
    )
    assert response.status_code == 400
    assert sentence in response.text
    assert f'name="funds_secured" value="{funds}"' in response.text  # what was typed, kept
    report.refresh_from_db()
    assert report.state == S.NOT_STARTED and not ProjectFigures.objects.exists()


def test_a_draft_with_funds_needs_the_months_investment(world, month):
    report = month("202606")
    with pytest.raises(ValidationError, match=r"funds secured|到位资金"):
        actions.save_draft(
            world.users["county"],
            report,
            actions.Content(figures={"invested": "", "stage": "", "funds_secured": "100"}),
        )
    assert not ProjectFigures.objects.exists()
