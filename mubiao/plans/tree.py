"""Build the plan tree (frames → areas → tasks → indicators) for one user and filter.

A fixed number of queries whatever the plan's size: areas, tasks, indicators and
assignments are fetched once each and joined in Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet

from mubiao.orgs.models import OrgUnit
from mubiao.plans.models import Area, Assignment, Indicator, Plan, Task


@dataclass
class AreaNode:
    area: Area
    children: list[AreaNode] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.tasks or self.indicators or any(not c.is_empty for c in self.children))

    @property
    def task_count(self) -> int:
        return len(self.tasks) + sum(c.task_count for c in self.children)


def with_units(tasks: QuerySet[Task]) -> QuerySet[Task]:
    """Tasks with their assignments (lead first) and indicators in two extra queries."""
    return tasks.select_related("area", "plan").prefetch_related(
        Prefetch("assignments", queryset=Assignment.objects.select_related("unit")),
        Prefetch("indicators", queryset=Indicator.objects.prefetch_related("assignments__unit")),
        "milestones",
    )


def filter_by_unit(
    tasks: QuerySet[Task], indicators: QuerySet[Indicator], unit: OrgUnit | None
) -> tuple[QuerySet[Task], QuerySet[Indicator]]:
    if unit is None:
        return tasks, indicators
    tasks = tasks.filter(assignments__unit__path__startswith=unit.path).distinct()
    indicators = indicators.filter(
        assignments__unit__path__startswith=unit.path
    ) | indicators.filter(task__in=tasks)
    return tasks, indicators.distinct()


def build_tree(
    plan: Plan,
    tasks: QuerySet[Task],
    indicators: QuerySet[Indicator],
    area: Area | None = None,
) -> list[AreaNode]:
    """Area nodes (roots, or the chosen area's subtree) holding the given tasks/indicators."""
    nodes = {a.pk: AreaNode(a) for a in Area.objects.filter(plan=plan).select_related("frame")}
    roots: list[AreaNode] = []
    for node in nodes.values():
        parent = nodes.get(node.area.parent_id)
        (parent.children if parent else roots).append(node)
    loose = AreaNode(Area(plan=plan, code="", name=""))
    for task in with_units(tasks):
        nodes.get(task.area_id, loose).tasks.append(task)
    standalone = indicators.filter(task__isnull=True).prefetch_related("assignments__unit")
    for indicator in standalone:
        nodes.get(indicator.area_id, loose).indicators.append(indicator)
    if area is not None:
        roots = [nodes[area.pk]]
    if not loose.is_empty:
        roots.append(loose)
    return [r for r in roots if not r.is_empty]


def units_in_plan(plan: Plan) -> list[OrgUnit]:
    """Every unit with an assignment in the plan, and the units above them below the
    issuer (a county, to see all its departments' items at once), in tree order."""
    assigned = OrgUnit.objects.filter(
        Q(assignments__task__plan=plan) | Q(assignments__indicator__plan=plan)
    ).distinct()
    codes = {code for unit in assigned for code in unit.path.strip("/").split("/")}
    codes.discard(plan.issuer.code)
    return list(OrgUnit.objects.filter(code__in=codes).order_by("path"))
