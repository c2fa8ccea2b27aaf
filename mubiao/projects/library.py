"""The figures the key projects' library page prints around its list, in one JSON-ready
dict in no language (``figures_of``): the totals, the month's increment, year on year,
funds secured, the breakdowns by tier, stage and category, the counts and 开工率 (over
the library and per county), each county's funds, and the plan's targets rolled up from
the projects.

They are counted from the projects measured as of a day (``measures.progress_of``, the
one builder). The status store keeps the whole library's as of its day
(``StatusCache.library``), counted by ``statuses.apply`` whenever a key project's month
or the library changes and by a rebuild; the page reads them for a view of the whole
library by one who sees all of it, and counts the same figures with the same function
over the rows of any other view (a filter, a unit's projects, a day the store does not
hold). ``readable`` turns either into what the page's template reads.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet, Sum

from mubiao.monitor import start_rate
from mubiao.plans.models import Plan
from mubiao.projects import measures as pm
from mubiao.projects.models import Project
from mubiao.projects.rollup import indicator_actuals

#: What of ``measures.totals`` the page prints, and how each is kept.
_DECIMALS = ("ytd", "plan", "expected")
_PLAIN = ("n", "rate", "share", "against_expected", "reported", "up_to_date", "behind")


def measures(
    projects: QuerySet[Project], as_of: dt.date, plan: Plan, through: dt.date | None = None
) -> dict[str, Any]:
    """The projects' count, total and this year's planned investment and 开工率 as of a
    date (on the plan's denominator, at its data month: ``through`` when the caller has
    it from the measured projects), and the same per county (``by_county``)."""
    through = through or pm.reference_month(as_of, plan.pk, plan.year)
    planned, started = pm.start_filters(as_of, plan.start_rate_basis, through)
    totals = projects.aggregate(
        n=Count("pk"),
        total=Sum("total_investment"),
        annual=Sum("annual_plan"),
        planned=Count("pk", filter=planned),
        started=Count("pk", filter=started),
    )
    by_county = list(
        projects.values("county__code", "county__short_name")
        .annotate(
            n=Count("pk"),
            annual=Sum("annual_plan"),
            planned=Count("pk", filter=planned),
            started=Count("pk", filter=started),
        )
        .order_by("-n", "county__short_name")
    )
    for row in by_county:
        row["start_rate"] = start_rate(row["started"], row["planned"])
    return {
        **totals,
        "start_rate": start_rate(totals["started"], totals["planned"]),
        "by_county": by_county,
    }


def _plain(value: Any) -> Any:
    """A sum as JSON keeps it (a Decimal as its string)."""
    return str(value) if isinstance(value, Decimal) else value


def figures_of(
    plan: Plan,
    rows: list[pm.Progress],
    as_of: dt.date,
    projects: QuerySet[Project],
    targets: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The library's figures over ``rows`` (``projects`` measured as of ``as_of``, their
    counties loaded), JSON-ready: ``totals``, ``breakdowns`` (unlabelled), ``measures``
    (:func:`measures`), ``county_funds`` (county code, "" for city-wide →
    ``measures.funds``) and ``targets`` (indicator id → its actual from all the plan's
    projects, as a string). ``targets``: those already counted for the same day (the
    whole library's, which the store keeps): the same for any part of the library, so a
    part's view need not measure the plan's other projects for them."""
    t = pm.totals(rows, plan.year, as_of)
    m = measures(projects, as_of, plan, t["through"])
    counties = pm.grouped(rows, lambda p: p.county.code if p.county_id else "")
    funds_keys = ("funds_n", "funds_secured", "funds_plan", "funds_rate")
    return {
        "totals": {
            **{k: str(t[k]) for k in _DECIMALS},
            **{k: t[k] for k in _PLAIN},
            "through": t["through"].isoformat() if t["through"] else None,
        },
        "breakdowns": pm.breakdowns(rows, as_of),
        "measures": {
            **{k: _plain(v) for k, v in m.items() if k != "by_county"},
            "by_county": [{k: _plain(v) for k, v in row.items()} for row in m["by_county"]],
        },
        "county_funds": {code: {k: g[k] for k in funds_keys} for code, g in counties},
        "targets": targets
        if targets is not None
        else {
            str(pk): str(actual)
            for pk, actual in indicator_actuals(
                plan, as_of, {r.project.pk: r for r in rows}
            ).items()
        },
    }


def readable(figures: dict[str, Any]) -> dict[str, Any]:
    """``figures_of``'s dict (just counted, or read back from the store) as the page
    reads it: sums as Decimals, the data month as a date, the breakdowns labelled in the
    current language, the targets by indicator id."""
    t = dict(figures["totals"])
    for k in _DECIMALS:
        t[k] = Decimal(t[k])
    t["through"] = dt.date.fromisoformat(t["through"]) if t["through"] else None
    m = dict(figures["measures"])
    m["by_county"] = [{**row, "annual": _sum(row["annual"])} for row in m["by_county"]]
    m.update(total=_sum(m["total"]), annual=_sum(m["annual"]))
    return {
        "totals": t,
        "breakdowns": pm.labelled(figures["breakdowns"]),
        "measures": m,
        "county_funds": figures["county_funds"],
        "targets": {int(pk): Decimal(v) for pk, v in figures["targets"].items()},
    }


def _sum(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


__all__ = ["figures_of", "measures", "readable"]
