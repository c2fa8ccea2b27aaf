"""Build the plan tree (frames → areas → tasks → indicators) for one user and filter.

A fixed number of queries whatever the plan's size: areas, tasks, indicators and
assignments are fetched once each (as values, not models: a province's area holds
thousands of tasks) and joined in Python. A view of more than
``OPEN_LIMIT`` tasks is an outline (:func:`build_outline`): its top areas with their
counts only, each area's tasks fetched when it is opened (:func:`build_area`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.html import format_html_join

from mubiao.orgs.models import OrgUnit
from mubiao.plans.models import Area, Assignment, Indicator, Plan, Task, target_text

# A view with more tasks than this opens by area: the areas collapsed, each one's tasks
# fetched when it is opened (a province's 30,000 tasks took 20 s to render at once).
OPEN_LIMIT = 200


@dataclass(frozen=True)
class UnitTag:
    """A unit named on an item of the tree, with the role it plays."""

    role: str
    label: str  # the role's name, in the user's language
    name: str  # the unit's short name


@dataclass(frozen=True)
class TargetItem:
    metric: str
    target: str  # as people write it (``Indicator.target_display``)
    units: list[UnitTag] = field(default_factory=list)  # a standalone target's own


@dataclass(frozen=True)
class TaskItem:
    code: str
    title: str
    url: str
    units: list[UnitTag]
    targets: list[TargetItem]

    @property
    def unit_tags(self) -> str:
        """Its units as the tree shows them, lead first: one string, not a template loop
        per unit (a plan page lists hundreds)."""
        return format_html_join(
            "", '<span class="unit role-{}" title="{}">{}</span>',
            ((u.role, u.label, u.name) for u in self.units),
        )  # fmt: skip


@dataclass
class AreaNode:
    """An area of the tree. Loaded, it holds its tasks and standalone targets; in an
    outline it holds only how many of them (and of all its targets) the view shows."""

    area: Area
    children: list[AreaNode] = field(default_factory=list)
    tasks: list[TaskItem] = field(default_factory=list)
    indicators: list[TargetItem] = field(default_factory=list)  # standalone targets
    own_tasks: int = 0
    own_targets: int = 0
    loaded: bool = True

    @property
    def is_empty(self) -> bool:
        return not (self.task_count or self.target_count)

    @property
    def task_count(self) -> int:
        """Tasks shown in the area and the areas below it."""
        own = len(self.tasks) if self.loaded else self.own_tasks
        return own + sum(c.task_count for c in self.children)

    @property
    def target_count(self) -> int:
        """Targets shown in the area and below it: the tasks' and the standalone ones."""
        if self.loaded:
            own = len(self.indicators) + sum(len(t.targets) for t in self.tasks)
        else:
            own = self.own_targets
        return own + sum(c.target_count for c in self.children)


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


def _nodes(
    plan: Plan, areas: list[Area] | None = None
) -> tuple[dict[int, AreaNode], list[AreaNode]]:
    """Every area of the plan (``areas``, when the caller has read them) as a node (by
    id), and the top ones in order."""
    if areas is None:
        areas = list(Area.objects.filter(plan=plan))
    nodes = {a.pk: AreaNode(a) for a in areas}
    roots: list[AreaNode] = []
    for node in nodes.values():
        parent = nodes.get(node.area.parent_id)
        (parent.children if parent else roots).append(node)
    return nodes, roots


TARGET_FIELDS = ("metric", "comparator", "value", "value_max", "unit")


def _fill(
    plan: Plan,
    nodes: dict[int, AreaNode],
    loose: AreaNode,
    tasks: QuerySet[Task],
    indicators: QuerySet[Indicator],
) -> None:
    """Put the tasks (with their units, lead first, and targets) and the standalone
    targets (with their units) into their areas' nodes; five queries."""
    labels = {value: str(label) for value, label in Assignment.Role.choices}
    # A task's page, as the two halves around its code (codes are slugs): reversing each
    # task's URL cost more than the rest of its item.
    before, after = reverse("plans:task", args=[plan.code, "0"]).rsplit("0", 1)
    task_ids = tasks.order_by().values("pk")
    units: dict[int, list[UnitTag]] = defaultdict(list)
    for task_id, role, name in Assignment.objects.filter(task__in=task_ids).values_list(
        "task_id", "role", "unit__short_name"
    ):
        units[task_id].append(UnitTag(role, labels.get(role, role), name))
    targets: dict[int, list[TargetItem]] = defaultdict(list)
    for task_id, metric, *target in Indicator.objects.filter(task__in=task_ids).values_list(
        "task_id", *TARGET_FIELDS
    ):
        targets[task_id].append(TargetItem(metric, target_text(*target)))
    for pk, code, title, area_id in Task.objects.filter(pk__in=task_ids).values_list(
        "pk", "code", "title", "area_id"
    ):
        item = TaskItem(
            code, title, f"{before}{code}{after}", units.get(pk, []), targets.get(pk, [])
        )
        nodes.get(area_id, loose).tasks.append(item)
    standalone = indicators.filter(task__isnull=True).order_by().values("pk")
    own: dict[int, list[UnitTag]] = defaultdict(list)
    for indicator_id, role, name in Assignment.objects.filter(indicator__in=standalone).values_list(
        "indicator_id", "role", "unit__short_name"
    ):
        own[indicator_id].append(UnitTag(role, labels.get(role, role), name))
    for pk, area_id, metric, *target in Indicator.objects.filter(pk__in=standalone).values_list(
        "pk", "area_id", *TARGET_FIELDS
    ):
        item = TargetItem(metric, target_text(*target), own.get(pk, []))
        nodes.get(area_id, loose).indicators.append(item)


def build_tree(
    plan: Plan,
    tasks: QuerySet[Task],
    indicators: QuerySet[Indicator],
    area: Area | None = None,
    areas: list[Area] | None = None,
) -> list[AreaNode]:
    """Area nodes (roots, or the chosen area's subtree) holding the given tasks/indicators;
    ``areas``: the plan's areas in order, when the caller has read them."""
    nodes, roots = _nodes(plan, areas)
    loose = AreaNode(Area(plan=plan, code="", name=""))
    _fill(plan, nodes, loose, tasks, indicators)
    if area is not None:
        roots = [nodes[area.pk]]
    if not loose.is_empty:
        roots.append(loose)
    return [r for r in roots if not r.is_empty]


def build_outline(
    plan: Plan,
    tasks: QuerySet[Task],
    indicators: QuerySet[Indicator],
    areas: list[Area] | None = None,
) -> list[AreaNode]:
    """The top areas holding any of the given tasks or targets, each with its counts but
    none of its items (:func:`build_area` fetches them); the items outside every area
    (shown as "plan-wide") are loaded. Eight queries whatever the plan's size."""
    nodes, roots = _nodes(plan, areas)
    for node in nodes.values():
        node.loaded = False
    by_area = tasks.order_by().values("area_id").annotate(n=Count("pk", distinct=True))
    for row in by_area:
        if row["area_id"] in nodes:
            nodes[row["area_id"]].own_tasks = row["n"]
    targets = (
        indicators.order_by()
        .annotate(of_area=Coalesce("task__area_id", "area_id"))
        .values("of_area")
        .annotate(n=Count("pk", distinct=True))
    )
    for row in targets:
        if row["of_area"] in nodes:
            nodes[row["of_area"]].own_targets = row["n"]
    loose = AreaNode(Area(plan=plan, code="", name=""))
    _fill(plan, {}, loose, tasks.filter(area=None), indicators.filter(area=None))
    if not loose.is_empty:
        roots.append(loose)
    return [r for r in roots if not r.is_empty]


def build_area(
    plan: Plan, tasks: QuerySet[Task], indicators: QuerySet[Indicator], area: Area
) -> AreaNode:
    """One area's subtree holding the given tasks and targets that fall in it."""
    nodes, _ = _nodes(plan)
    codes = _below(nodes[area.pk])
    _fill(
        plan,
        nodes,
        AreaNode(area),  # nothing outside the area is asked for
        tasks.filter(area_id__in=codes),
        indicators.filter(area_id__in=codes),
    )
    return nodes[area.pk]


def _below(node: AreaNode) -> list[int]:
    """The ids of the node's area and of every area under it."""
    return [node.area.pk] + [pk for child in node.children for pk in _below(child)]


@dataclass(frozen=True)
class HeadlineRow:
    """A headline target as the plan page lists it."""

    metric: str
    target: str  # as people write it (``Indicator.target_display``)
    kind: str  # the kind's name, in the user's language
    units: list[str]  # responsible units' short names (``Indicator.responsible``)


def headline_rows(indicators: QuerySet[Indicator]) -> list[HeadlineRow]:
    """The headline targets among ``indicators``, in plan order, each with the units
    responsible for it (its own, else its task's, lead first, as
    ``Indicator.responsible``): three queries, read as values."""
    kinds = {value: str(label) for value, label in Indicator.Kind.choices}
    rows = list(
        indicators.filter(headline=True).values_list("pk", "task_id", "kind", *TARGET_FIELDS)
    )
    # Two index walks: an OR of the two made SQLite read every assignment of a province.
    own: dict[int, list[str]] = defaultdict(list)
    for indicator_id, name in Assignment.objects.filter(
        indicator__in=[r[0] for r in rows]
    ).values_list("indicator_id", "unit__short_name"):
        own[indicator_id].append(name)
    of_task: dict[int, list[str]] = defaultdict(list)
    for task_id, name in Assignment.objects.filter(
        task__in={r[1] for r in rows if r[1]}
    ).values_list("task_id", "unit__short_name"):
        of_task[task_id].append(name)
    return [
        HeadlineRow(
            metric, target_text(*target), kinds.get(kind, kind),
            own.get(pk) or (of_task.get(task_id, []) if task_id else []),
        )
        for pk, task_id, kind, metric, *target in rows
    ]  # fmt: skip


def units_in_plan(plan: Plan) -> list[OrgUnit]:
    """Every unit with an assignment in the plan, and the units above them below the
    issuer (a county, to see all its departments' items at once), in tree order."""
    assigned = Assignment.objects.filter(Q(task__plan=plan) | Q(indicator__plan=plan))
    paths = OrgUnit.objects.filter(pk__in=assigned.values("unit_id")).values_list("path", flat=True)
    codes = {code for path in paths for code in path.strip("/").split("/")}
    codes.discard(plan.issuer.code)
    return list(OrgUnit.objects.filter(code__in=codes).order_by("path"))
