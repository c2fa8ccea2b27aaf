"""Load a plan's industry chains and named key projects from its data file.

A project may state its ``annual_plan`` and ``total_investment`` (万元), its
``planned_start``, ``actual_start`` and ``planned_end`` (dates), and the codes of
the plan's indicators it ``counts_toward`` (the 1,000 projects, the ¥150 bn): a named
project counts toward the same targets as the rest of the pool, so the bulletin's
target line and its key projects line sum the same projects.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from mubiao.orgs.loader import LoadError, upsert
from mubiao.orgs.models import OrgUnit
from mubiao.plans.models import Indicator, Plan
from mubiao.projects.models import Chain, Project

CATEGORY_WORDS = {"新开工": "new", "续建": "ongoing", "竣工": "completing", "前期": "preparatory"}
AMOUNTS = ("annual_plan", "total_investment")
DATES = ("planned_start", "actual_start", "planned_end")
TIER_WORDS = {"省重点": "province", "市重点": "city", "县重点": "county"}


def load_chains(plan: Plan, items: list[dict[str, Any]]) -> dict[str, Chain]:
    chains: dict[str, Chain] = {}
    for i, item in enumerate(items):
        parent_code = item.get("parent")
        if parent_code and parent_code not in chains:
            raise LoadError(f"chains[{i}]: unknown parent chain {parent_code!r} (list it first)")
        chain, _ = upsert(
            Chain,
            {"plan": plan, "code": item["code"]},
            {
                "name": item["name"],
                "kind": item.get("kind", Chain.Kind.CHAIN),
                "parent": chains.get(parent_code) if parent_code else None,
                "from_source": item.get("source") == "article",
                "order": i,
            },
        )
        chains[chain.code] = chain
    return chains


def load_projects(plan: Plan, data: dict[str, Any], document=None) -> int:
    """Chains first, then projects; returns the number of projects in the file."""
    chains = load_chains(plan, data.get("chains") or [])
    units = {u.code: u for u in OrgUnit.objects.all()}

    def unit(code: str | None, where: str) -> OrgUnit | None:
        if code is None:
            return None
        if code not in units:
            raise LoadError(f"{where}: unknown unit code {code!r}")
        return units[code]

    indicators = {i.code: i for i in Indicator.objects.filter(plan=plan)}
    items = data.get("projects") or []
    for i, item in enumerate(items):
        where = f"projects[{i}] ({item.get('code')})"
        category = CATEGORY_WORDS.get(item.get("category"), item.get("category"))
        if category not in Project.Category.values:
            raise LoadError(f"{where}: unknown category {item.get('category')!r}")
        tier = TIER_WORDS.get(item.get("tier"), item.get("tier") or "")
        if tier and tier not in Project.Tier.values:
            raise LoadError(f"{where}: unknown tier {item.get('tier')!r}")
        chain_code = item.get("chain")
        if chain_code and chain_code not in chains:
            raise LoadError(f"{where}: unknown chain {chain_code!r}")
        span = item.get("span") or [None, None]
        toward = item.get("counts_toward") or []
        unknown = [code for code in toward if code not in indicators]
        if unknown:
            raise LoadError(f"{where}: counts toward unknown indicator {unknown[0]!r}")
        project, _ = upsert(
            Project,
            {"plan": plan, "code": item["code"]},
            {
                "name": item["name"],
                "category": category,
                "stage": "building" if category in ("ongoing", "completing") else "not_started",
                "county": unit(item.get("county"), where),
                "lead": unit(item.get("lead"), where),
                "chain": chains.get(chain_code) if chain_code else None,
                "note": (item.get("note") or "").strip(),
                "tier": tier,
                "synthetic": bool(item.get("synthetic", False)),
                "order": i,
                "document": document if span[0] is not None else None,
                "span_start": span[0],
                "span_end": span[1],
                # stated amounts only: a file that gives none leaves the library's as they are
                **{key: _amount(item, key, where) for key in AMOUNTS if key in item},
                **{key: _date(item, key, where) for key in DATES if key in item},
            },
        )
        if "counts_toward" in item:
            project.counts_toward.set([indicators[code] for code in toward])
    return len(items)


def _amount(item: dict[str, Any], key: str, where: str) -> Decimal | None:
    """An amount in 万元 (None when not stated); a negative or non-numeric one is refused."""
    value = item.get(key)
    if value is None:
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise LoadError(f"{where}: {key} {value!r} is not a number of 万元") from None
    if not amount.is_finite() or amount < 0:
        raise LoadError(f"{where}: {key} {value!r} is not a number of 万元")
    return amount


def _date(item: dict[str, Any], key: str, where: str) -> dt.date | None:
    """A date (YAML's 2026-03-01, or the same as text); None when stated as null."""
    value = item.get(key)
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise LoadError(f"{where}: {key} {value!r} is not a date (YYYY-MM-DD)") from None
