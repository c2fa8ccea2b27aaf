"""The office's lists read their rows in a fixed number of queries, however long: the
review queue's figures, filters and areas, and the missing-reports page's parts sent
after their lead (each made several queries per row)."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mubiao.reporting import actions, workflow
from mubiao.reporting.inbox import review_queue
from mubiao.reporting.models import Report
from mubiao.reporting.views import QUEUE_PAGE


@pytest.fixture(autouse=True)
def _in_november():
    with time_machine.travel("2026-11-08 10:00 +0800", tick=False):
        yield


def _queries(client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as seen:
        page = client.get(url).content.decode()
    return len(seen.captured_queries), page.count('data-testid="queue-row"')


def test_a_long_queue_takes_no_more_queries_than_a_short_one(demo, client):
    office = get_user_model().objects.get(username="duchashi")
    client.force_login(office)
    url = reverse("reporting:review", args=[demo.code])
    client.get(url)  # sessions, translations and caches warmed
    queue = list(review_queue(demo).order_by("pk"))
    assert len(queue) >= 10, "the demo's queue is too short to prove anything"
    long_queries, long_rows = _queries(client, url)
    # one row of each kind stays: a key project's month and a task's or target's report
    keep = [next(r for r in queue if r.project_id), next(r for r in queue if not r.project_id)]
    actions.bulk_approve(office, [r for r in queue if r not in keep])
    short_queries, short_rows = _queries(client, url)
    assert (long_rows, short_rows) == (min(len(queue), QUEUE_PAGE), 2)
    assert long_queries == short_queries


def test_the_queue_pages_cover_it_once_oldest_first_and_keep_the_filters(demo, client):
    client.force_login(get_user_model().objects.get(username="duchashi"))
    url = reverse("reporting:review", args=[demo.code])
    queue = list(review_queue(demo).order_by("first_submitted_at", "pk"))
    assert len(queue) > QUEUE_PAGE, "the demo's queue fits one page: paging proves nothing"
    seen, page_url = [], url
    while page_url:
        page = client.get(page_url).content.decode()
        codes = re.findall(r'name="report" value="([^"]+)"', page)
        assert 0 < len(codes) <= QUEUE_PAGE
        assert f"显示{len(queue)}份，共{len(queue)}份。" in page  # the whole queue, every page
        seen += codes
        following = re.search(r'<a href="\?([^"]*)" data-testid="next-page">', page)
        page_url = f"{url}?{following.group(1).replace('&amp;', '&')}" if following else None
    assert seen == [str(r.code) for r in queue]
    # a filter stays on the pager's links, and the count names the filtered rows
    unit = queue[0].unit
    mine = [r for r in queue if r.unit_id == unit.pk]
    page = client.get(url, {"unit": unit.code}).content.decode()
    assert page.count('data-testid="queue-row"') == min(len(mine), QUEUE_PAGE)
    assert f"显示{len(mine)}份，共{len(queue)}份。" in page
    if len(mine) > QUEUE_PAGE:
        assert f"unit={unit.code}&amp;page=2" in page


def test_a_key_projects_month_in_the_queue_shows_its_investment_and_stage(demo, client):
    from mubiao.projects.models import ProjectFigures

    client.force_login(get_user_model().objects.get(username="duchashi"))
    queued = (  # the oldest: on the queue's first page
        review_queue(demo)
        .filter(project__isnull=False)
        .order_by("first_submitted_at", "pk")
        .first()
    )
    assert queued is not None, "the demo's queue holds no key project's month"
    figures = ProjectFigures.objects.get(version=queued.versions.order_by("-number").first())
    page = client.get(reverse("reporting:review", args=[demo.code])).content.decode()
    row = page.split(f'value="{queued.code}"', 1)[1].split("</tr>", 1)[0]
    # as the report page prints them (projects/_figures_view.html)
    assert f"本月完成投资（万元）: <b>{figures.invested:,.2f}</b>" in row
    assert f"月末建设阶段: <b>{figures.get_stage_display()}</b>" in row


def test_the_parts_sent_after_their_lead_are_found_in_three_queries(demo):
    cycle = demo.cycles.get(code="202610")
    S = Report.State
    parts = Report.objects.filter(cycle=cycle, task__isnull=False, state=S.SUBMITTED).exclude(
        role="lead"
    )
    leads = Report.objects.filter(
        cycle=cycle, role="lead", task__isnull=False, state__in=(S.SUBMITTED, S.APPROVED)
    )
    weighed = parts.filter(task_id__in=leads.values("task_id")).count()
    assert weighed >= 10, "too few parts with a submitted lead to prove anything"
    with CaptureQueriesContext(connection) as seen:
        late = workflow.late_parts_in(cycle)
    assert len(seen.captured_queries) == 3
    # the same parts, against the same lead report, as judging each one apart (a query or
    # two each) against the report it belongs to (two demo tasks name several leads)
    assert sorted((p.pk, p.lead.pk) for p in late) == sorted(
        (p.pk, workflow.consolidation_of(p).pk) for p in parts if workflow.arrived_late(p)
    )
    assert late, "no part was sent after its lead: the comparison proves nothing"


def test_the_missing_page_of_a_cycle_just_opened_lists_tasks_and_counts_months(demo, client):
    """Every slot unsent (a cycle's first day): the page lists each unit's tasks and
    targets and counts its key projects' months, whose total is the home page's count;
    a unit's own view lists all its slots, and urging from it reminds that unit only."""
    from mubiao.reporting.inbox import not_submitted
    from mubiao.reporting.models import Reminder

    office = get_user_model().objects.get(username="duchashi")
    client.force_login(office)
    cycle = demo.cycles.get(code="202610")
    Report.objects.filter(cycle=cycle).update(state=Report.State.NOT_STARTED)
    unsent = not_submitted(office, demo, cycle)
    url = reverse("reporting:missing", args=[demo.code, cycle.code])
    page = client.get(url).content.decode()
    months = {
        code: int(n)
        for code, n in re.findall(
            r'href="\?unit=([^"]+)" data-testid="missing-months" data-count="(\d+)"', page
        )
    }
    assert page.count('data-testid="missing-report"') == unsent.filter(project=None).count()
    assert sum(months.values()) == unsent.exclude(project=None).count() > 0
    county = max(months, key=months.get)
    mine = unsent.filter(unit__code=county)
    own = client.get(url, {"unit": county}).content.decode()
    assert own.count('data-testid="missing-report"') == mine.count() >= months[county]
    assert 'data-testid="missing-months"' not in own
    assert f'name="unit" value="{county}"' in own
    client.post(url, {"unit": county})
    urged = set(Reminder.objects.filter(kind="urge").values_list("report__unit__code", flat=True))
    assert urged == {county}


def test_a_list_of_reports_reads_its_consolidations_in_three_queries(demo):
    """The inbox, a report's parts and the API's pages describe many reports at once
    (``workflow.Chains``): the leads, the parts and the last submissions are read for the
    whole list, and every sentence and list of parts is what each report reads alone."""
    cycle = demo.cycles.get(code="202610")
    reports = list(
        Report.objects.filter(cycle=cycle, task__isnull=False).select_related("cycle", "unit")
    )

    def read(report, chains=None):
        return (
            str(workflow.describe(report, chains)),
            [p.pk for p in workflow.late_parts(report, chains)],
            [p.pk for p in workflow.missing_parts(report, chains)],
            workflow.consolidates(report, chains),
        )

    alone = {r.pk: read(r) for r in reports}
    with CaptureQueriesContext(connection) as seen:
        chains = workflow.Chains(reports)
        together = {r.pk: read(r, chains) for r in reports}
    assert len(seen.captured_queries) == 3
    assert together == alone
    kinds = {sentence for sentence, *_rest in alone.values()}
    late = sum(bool(late) for _s, late, _m, _c in alone.values())
    missing = sum(bool(missing) for _s, _l, missing, _c in alone.values())
    assert len(kinds) >= 3 and late and missing, "too uniform a cycle to prove anything"
