"""Reports as the reporting actions leave them: a slot, a version, values, a review.

The actions themselves (submit, approve, return) are issue 4's; these helpers write the
same rows and keep the status store as they do, so the dashboard is tested against what it reads.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from decimal import Decimal

from django.utils import timezone

from mubiao.dashboard import statuses
from mubiao.orgs.models import OrgUnit
from mubiao.plans.models import Indicator, Plan, Task
from mubiao.reporting.cycles import ensure_cycles
from mubiao.reporting.models import Cycle, Report, ReportValue, ReportVersion, Review


def at(day: str, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour)))


def cycle(plan: Plan, code: str) -> Cycle:
    ensure_cycles(plan, "month")
    return Cycle.objects.get(plan=plan, code=code)


def submit(
    plan: Plan,
    unit: str,
    code: str,
    *,
    task: str | None = None,
    indicator: str | None = None,
    values: dict[str, float] | None = None,
    submitted: str,
    role: str = "lead",
    assessment: str = "",
) -> ReportVersion:
    """A new version of the unit's report (the slot is made if missing)."""
    report, _ = Report.objects.get_or_create(
        cycle=cycle(plan, code),
        unit=OrgUnit.objects.get(code=unit),
        task=Task.objects.get(plan=plan, code=task) if task else None,
        indicator=Indicator.objects.get(plan=plan, code=indicator) if indicator else None,
        defaults={"role": role},
    )
    number = report.versions.count() + 1
    version = ReportVersion.objects.create(
        report=report, number=number, progress="按计划推进", assessment=assessment,
        submitted_at=at(submitted),
    )  # fmt: skip
    for ind_code, value in (values or {}).items():
        ReportValue.objects.create(
            version=version,
            indicator=Indicator.objects.get(plan=plan, code=ind_code),
            value=Decimal(str(value)),
        )
    report.state = Report.State.SUBMITTED
    report.first_submitted_at = report.first_submitted_at or at(submitted)
    report.save()
    return version


def approve(version: ReportVersion, day: str) -> Review:
    """Approve the version on ``day`` and keep the status store, as the approve action does."""
    report = version.report
    review = Review.objects.create(report=report, version=version, decision="approve")
    Review.objects.filter(pk=review.pk).update(at=at(day, 16))
    report.state = Report.State.APPROVED
    report.approved_at = at(day, 16)
    report.save()
    statuses.apply(report.cycle.plan, [report])
    return review


def report_value(plan, unit, code, *, task=None, indicator=None, values, submitted, approved,
                 assessment=""):  # fmt: skip
    version = submit(
        plan, unit, code, task=task, indicator=indicator, values=values, submitted=submitted,
        assessment=assessment,
    )  # fmt: skip
    return approve(version, approved)


LAZY_PART = re.compile(r'<section class="lazy-part"[^>]*?hx-get="([^"]+)"[^>]*>.*?</section>', re.S)


def assembled(client, url: str, **extra) -> tuple[str, dict]:
    """The dashboard as a browser shows it once loaded: its first response with each part
    it fetches as it loads (``hx-trigger="load"``, read from the status store) put in its
    place, and the data of the response and of its parts merged (``from_table``'s keys).
    A live view has no part to fetch: its page and data as they are. The page and its
    parts must be rendered by these requests (not yet in the page cache): their data is
    read from the rendering."""
    response = client.get(url, **extra)
    assert response.status_code == 200
    data = dict(response.context["data"])

    def fetch(found: re.Match) -> str:
        part = client.get(html.unescape(found.group(1)), **extra)
        assert part.status_code == 200, found.group(1)
        try:
            data.update(part.context["data"])
        except KeyError:  # the supervision panel: no figures of the store
            pass
        return part.content.decode()

    return LAZY_PART.sub(fetch, response.content.decode()), data
