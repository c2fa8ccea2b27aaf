"""Judge plans again as of a day, by hand: a change row for each status that changed.

The polling job (``mubiao tick``) does this for every active plan on each new day; this
command is for a plan named by hand or a past day (a backfill). As of today it also
rebuilds the plan's status store. Running it twice on a day writes nothing new.

    mubiao manage record_statuses [PLAN ...] [--as-of YYYY-MM-DD]
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from mubiao.dashboard import statuses
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
            rows = statuses.apply(plan, statuses.ALL, on=day)
            self.stdout.write(f"{plan.code}: {rows} status changes recorded as of {day}")
