"""The review queue (filters, select-all, figures before opening) and 催报 (urge now)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation

from mubiao.audit.models import AuditEntry
from mubiao.reporting import actions
from mubiao.reporting.actions import Content
from mubiao.reporting.cycles import ensure_reports
from mubiao.reporting.models import Cycle, Reminder, Report


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


def queue(client, plan, **params):
    return client.get(reverse("reporting:review", args=[plan.code]), params).content.decode()


def test_the_queue_filters_and_shows_figures_with_their_change(world, login, slot, clock):
    sup = world.users["supervisor"]
    march_lead = slot("fgw", "t1")
    actions.submit(world.users["fgw"], march_lead, Content(progress="三月",
                   values={"projects": "300"}, without_parts_reason="先报"))  # fmt: skip
    actions.approve(sup, march_lead)
    clock("2026-04-28")
    april = Cycle.objects.get(plan=world.plan, code="202604")
    ensure_reports(april)
    lead = Report.objects.get(cycle=april, unit__code="fgw", task__code="t1")
    actions.submit(world.users["fgw"], lead, Content(progress="四月",
                   values={"projects": "386"}, without_parts_reason="先报"))  # fmt: skip
    other = Report.objects.get(cycle=april, unit__code="swj", task__code="t2")
    actions.submit(world.users["swj"], other, Content(progress="消费"))
    client = login("supervisor")
    page = queue(client, world.plan)
    assert page.count('data-testid="queue-row"') == 2
    assert 'data-select-all="report"' in page
    assert "<b>386</b> 个" in page and "(+86)" in page
    only_fgw = queue(client, world.plan, unit="fgw")
    assert only_fgw.count('data-testid="queue-row"') == 1 and "实施重点项目" in only_fgw
    only_rural = queue(client, world.plan, area="rural")
    assert "没有符合" in only_rural or only_rural.count('data-testid="queue-row"') == 0
    growth = queue(client, world.plan, area="growth")
    assert growth.count('data-testid="queue-row"') == 2  # investment is under growth
    assert queue(client, world.plan, late="1").count('data-testid="queue-row"') == 0
    assert queue(client, world.plan, state="again").count('data-testid="queue-row"') == 0


def test_the_office_urges_the_listed_units_once_per_window(world, login, march):
    client = login("supervisor")
    url = reverse("reporting:missing", args=[world.plan.code, march.code])
    page = client.get(url).content.decode()
    assert 'data-testid="urge"' in page
    response = client.post(url, {"unit": ["fgw"]})
    assert response.status_code == 302
    sent = Reminder.objects.filter(kind=Reminder.Kind.URGE)
    assert sent.exists()
    assert {r.report.unit.code for r in sent} == {"fgw"}
    assert all(r.recipient == world.users["fgw"] for r in sent)
    assert "督查室催报" in sent.first().message
    assert AuditEntry.objects.filter(action="report.urge").count() == 1
    again = actions.urge(world.users["supervisor"], march, ["fgw"])
    assert again.units == [] and [u.code for u in again.waiting] == ["fgw"]
    assert Reminder.objects.filter(kind=Reminder.Kind.URGE).count() == sent.count()
    inbox = login("fgw").get(reverse("reporting:inbox")).content.decode()
    assert "督查室催报" in inbox


def test_only_the_office_may_urge(world, march):
    with pytest.raises(PermissionDenied):
        actions.urge(world.users["leader"], march)
    with pytest.raises(PermissionDenied):
        actions.urge(world.users["fgw"], march)
