"""The co-units' workflow (牵头汇总): waiting or a stated reason, late parts, the merge,
and the lead's own words. t1 is led by fgw with swj as its co-unit (tests/conftest.py)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from mubiao.audit.models import AuditEntry
from mubiao.reporting import actions, workflow
from mubiao.reporting.actions import Content
from mubiao.reporting.models import Report

S = Report.State


def url(report: Report, query: str = "") -> str:
    return reverse("reporting:report", args=[report.code]) + query


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


def test_the_lead_sees_who_has_not_reported_and_needs_a_reason(login, slot):
    lead = slot("fgw", "t1")
    page = login("fgw").get(url(lead)).content.decode()
    assert 'data-testid="missing-parts"' in page and "市商务局" in page
    refused = login("fgw").post(url(lead), {"progress": "汇总", "action": "submit",
                                            "without_parts_reason": " "})  # fmt: skip
    assert refused.status_code == 400
    assert "市商务局" in refused.content.decode()
    lead.refresh_from_db()
    assert lead.state == S.NOT_STARTED
    done = login("fgw").post(url(lead), {"progress": "汇总", "action": "submit",
                                         "without_parts_reason": "商务局数据已电话核实"})  # fmt: skip
    assert done.status_code == 302
    version = lead.versions.get()
    assert version.without_parts == ["市商务局"]
    assert version.without_parts_reason == "商务局数据已电话核实"
    office = login("supervisor").get(url(lead)).content.decode()
    assert 'data-testid="without-parts"' in office and "商务局数据已电话核实" in office
    assert "市商务局" in AuditEntry.objects.get(action="report.submit").note


def test_no_reason_is_asked_once_every_part_is_in(world, slot):
    actions.submit(world.users["swj"], slot("swj", "t1"), Content(progress="配合"))
    version = actions.submit(world.users["fgw"], slot("fgw", "t1"), Content(progress="汇总",
                             without_parts_reason=""))  # fmt: skip
    assert version.without_parts == []


def test_a_late_part_reaches_the_lead_who_reopens_and_merges(world, login, slot, clock):
    lead, part = slot("fgw", "t1"), slot("swj", "t1")
    actions.submit(world.users["fgw"], lead, Content(progress="牵头推进",
                   values={"projects": "300"}, without_parts_reason="先报"))  # fmt: skip
    clock("2026-04-02")
    actions.submit(world.users["swj"], part, Content(progress="商务局完成签约", problems="用地紧张",
                   values={"projects": "86", "investment": "40"}))  # fmt: skip
    part.refresh_from_db()
    assert workflow.arrived_late(part)
    assert "牵头单位" in workflow.describe(part) and "等待牵头单位汇总" not in workflow.describe(
        part
    )
    inbox = login("fgw").get(reverse("reporting:inbox")).content.decode()
    assert 'data-testid="group-to_merge"' in inbox and "市商务局" in inbox
    office = (
        login("supervisor")
        .get(reverse("reporting:missing", args=[world.plan.code, "202603"]))
        .content.decode()
    )
    assert 'data-testid="late-parts"' in office
    response = login("fgw").post(url(lead), {"action": "reopen"})
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.state == S.DRAFT
    assert AuditEntry.objects.filter(action="report.reopen").count() == 1
    merged = login("fgw").get(url(lead, "?merge=1")).content.decode()
    assert "牵头推进\n【市商务局】商务局完成签约" in merged
    assert "【市商务局】用地紧张" in merged
    # projects: the lead's own 300 is kept; investment (empty) gets the part's 40
    assert 'name="value-projects" value="300"' in merged
    assert 'name="value-investment" value="40"' in merged
    assert 'data-testid="sum-projects"' in merged
    actions.submit(
        world.users["fgw"], lead, Content(progress="牵头推进\n【市商务局】商务局完成签约")
    )
    part.refresh_from_db()
    assert not workflow.arrived_late(part)
    assert workflow.describe(part) == "已报送，已纳入牵头单位汇总。"


def test_reopen_is_refused_without_a_late_part(world, slot):
    lead = slot("fgw", "t1")
    actions.submit(world.users["fgw"], lead, Content(progress="x", without_parts_reason="先报"))
    with pytest.raises(ValidationError):
        actions.reopen(world.users["fgw"], lead)


def test_a_part_sent_after_approval_is_flagged_to_the_office(world, login, slot, clock):
    lead, part = slot("fgw", "t1"), slot("swj", "t1")
    actions.submit(world.users["fgw"], lead, Content(progress="x", without_parts_reason="先报"))
    actions.approve(world.users["supervisor"], lead)
    clock("2026-04-02")
    actions.submit(world.users["swj"], part, Content(progress="迟到的配合部分"))
    part.refresh_from_db()
    assert "督查室" in workflow.describe(part)
    page = login("supervisor").get(url(lead)).content.decode()
    assert 'data-testid="late-parts-office"' in page
    missing = (
        login("supervisor")
        .get(reverse("reporting:missing", args=[world.plan.code, "202603"]))
        .content.decode()
    )
    table = missing[missing.index('data-testid="late-parts"') :]
    row = table[table.index("<tbody>") : table.index("</tbody>")]
    assert row.count("<tr>") == 1 and "<td>市商务局</td>" in row
    assert "汇总报告已审核通过：可开放补报，由牵头单位重新汇总" in row  # approved: unlock it


def test_the_merge_quotes_each_part_once(world, login, slot):
    actions.submit(world.users["swj"], slot("swj", "t1"), Content(progress="商务局部分"))
    lead = slot("fgw", "t1")
    actions.save_draft(world.users["fgw"], lead, Content(progress="牵头\n【市商务局】商务局部分"))
    merged = login("fgw").get(url(lead, "?merge=1")).content.decode()
    assert merged.count("【市商务局】商务局部分") == 1


def test_the_lead_decides_on_a_part_in_its_own_words(world, login, slot):
    part = slot("swj", "t1")
    actions.submit(world.users["swj"], part, Content(progress="配合"))
    lead_page = login("fgw").get(url(part)).content.decode()
    assert "采纳" in lead_page and "退回补充" in lead_page
    assert "审核通过" not in lead_page
    office_page = login("supervisor").get(url(part)).content.decode()
    assert "审核通过" in office_page
    login("fgw").post(url(part), {"action": "return", "comment": "请补充签约金额"})
    part.refresh_from_db()
    assert part.state == S.RETURNED
    assert "退回补充" in login("swj").get(url(part)).content.decode()


def test_the_form_shows_last_cycles_value(world, login, slot, clock):
    from mubiao.reporting.cycles import ensure_reports
    from mubiao.reporting.models import Cycle

    actions.submit(world.users["fgw"], slot("fgw", "t1"),
                   Content(progress="三月", values={"projects": "386"}, without_parts_reason="先报"))  # fmt: skip
    clock("2026-04-28")
    april = Cycle.objects.get(plan=world.plan, code="202604")
    ensure_reports(april)
    report = Report.objects.get(cycle=april, unit__code="fgw", task__code="t1")
    page = login("fgw").get(url(report)).content.decode()
    assert 'data-testid="previous-projects">386 个' in page
    assert 'data-previous="386"' in page


def test_with_two_lead_units_every_page_names_the_one_named_first(world, march, slot, clock):
    """t1 gets a second lead unit (tjj), named before fgw though its slot is newer: the
    parts belong to tjj's report, for the part's sentence, the lead's inbox and reopen
    button, and the office's list of late parts alike (docs/reporting.md)."""
    from mubiao.plans.models import Assignment
    from mubiao.reporting.cycles import ensure_reports

    task = world.plan.tasks.get(code="t1")
    Assignment.objects.filter(task=task, unit__code="fgw").update(order=1)
    Assignment.objects.create(task=task, unit=world.units["tjj"], role="lead", order=0)
    ensure_reports(march)
    tjj = world.users["tjj"] = _reporter(world, "tjj")
    fgw_lead, tjj_lead, part = slot("fgw", "t1"), slot("tjj", "t1"), slot("swj", "t1")
    assert fgw_lead.pk < tjj_lead.pk, "the first-named lead must not be the first by id"
    actions.submit(
        world.users["fgw"], fgw_lead, Content(progress="一", without_parts_reason="先报")
    )
    clock("2026-04-02")
    actions.submit(world.users["swj"], part, Content(progress="配合"))
    clock("2026-04-03")
    actions.submit(tjj, tjj_lead, Content(progress="二"))
    part.refresh_from_db()
    assert workflow.consolidation_of(part).pk == tjj_lead.pk
    # the part came before tjj's report: it is in it, on every page
    assert not workflow.arrived_late(part)
    assert workflow.describe(part) == "已报送，已纳入牵头单位汇总。"
    assert workflow.late_parts_in(march) == []
    assert workflow.late_parts(fgw_lead) == [] and workflow.late_parts(tjj_lead) == []
    # and a part sent after tjj's report is late against tjj's report, on every page
    clock("2026-04-04")
    actions.return_report(tjj, part, "请补充数据")
    actions.submit(world.users["swj"], part, Content(progress="补充"))
    for report in (part, fgw_lead, tjj_lead):
        report.refresh_from_db()
    assert [(p.pk, p.lead.pk) for p in workflow.late_parts_in(march)] == [(part.pk, tjj_lead.pk)]
    assert [p.pk for p in workflow.late_parts(tjj_lead)] == [part.pk]
    assert workflow.late_parts(fgw_lead) == []


def _reporter(world, unit: str):
    from django.contrib.auth import get_user_model

    from mubiao.orgs.models import Membership

    user = get_user_model().objects.create_user(f"{unit}-reporter", password="pw")
    Membership.objects.create(user=user, unit=world.units[unit], role=Membership.Role.REPORTER)
    return user


def test_a_lead_unit_named_second_waits_for_no_parts_and_merges_none(
    world, march, slot, login, client
):
    """The co-units' parts belong to the lead named first: the second lead's form asks no
    reason for missing parts and lists no parts (not even the first lead's report, which
    the page listed as one); the first lead's form still waits for its co-unit."""
    from mubiao.plans.models import Assignment
    from mubiao.reporting.cycles import ensure_reports

    task = world.plan.tasks.get(code="t1")
    Assignment.objects.create(task=task, unit=world.units["tjj"], role="lead", order=5)
    ensure_reports(march)
    second, tjj = slot("tjj", "t1"), _reporter(world, "tjj")
    assert workflow.missing_parts(second) == [] and workflow.parts_of(second) == []
    assert [p.unit.code for p in workflow.missing_parts(slot("fgw", "t1"))] == ["swj"]
    client.force_login(tjj)
    page = client.get(url(second)).content.decode()
    assert 'data-testid="missing-parts"' not in page and 'data-testid="parts"' not in page
    first = login("fgw").get(url(slot("fgw", "t1"))).content.decode()
    assert 'data-testid="missing-parts"' in first and 'data-testid="parts"' in first
    version = actions.submit(tjj, second, Content(progress="统计"))
    assert version.without_parts == []
