"""Record status changes caused by time alone (a target turning red because nothing came in).

Approvals record their changes at once; this records the rest. Run it once a day (cron,
or the ``record_statuses_daily`` task), just after midnight; running it twice on a day
writes nothing new. As of today it also rebuilds each plan's current-status table, so
the first dashboard of the day does not wait for it.

    mubiao manage record_statuses [PLAN ...] [--as-of YYYY-MM-DD]
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from mubiao.dashboard import current
from mubiao.dashboard.history import record
from mubiao.plans.models import Plan


class Command(BaseCommand):
    help = "Record today's status changes of the active plans (or the plans named)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("plans", nargs="*", help="plan codes (default: every active plan)")
        parser.add_argument("--as-of", help="YYYY-MM-DD (default: today)")

    def handle(self, *args, plans: list[str], as_of: str | None, **options) -> None:
        try:
            day = dt.date.fromisoformat(as_of) if as_of else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--as-of {as_of!r} is not a date (YYYY-MM-DD)") from exc
        chosen = (
            Plan.objects.filter(code__in=plans) if plans else Plan.objects.filter(status="active")
        )
        missing = set(plans) - set(chosen.values_list("code", flat=True))
        if missing:
            raise CommandError(f"no plan with code {', '.join(sorted(missing))}")
        for plan in chosen:
            rows = record(plan, day)
            self.stdout.write(f"{plan.code}: {len(rows)} status changes recorded as of {day}")
            if day == timezone.localdate():
                current.rebuild(plan, day)
                self.stdout.write(f"{plan.code}: current-status table rebuilt as of {day}")
