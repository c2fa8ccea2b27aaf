"""Writes on plans: importing a source text into a plan, step by step.

start_import → (background) run_extraction → save_review (any number of times) →
accept_import. Each takes the acting user, checks permission, writes an audit row.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mubiao.audit.events import Event
from mubiao.audit.models import record
from mubiao.orgs import access
from mubiao.orgs.models import OrgUnit
from mubiao.plans.imports import match_unit, with_edits
from mubiao.plans.models import (
    Area,
    Assignment,
    Document,
    ImportDraft,
    Indicator,
    Plan,
    Task,
)

MAX_IMPORT_CHARS = 2_000_000

# How a target of each kind accumulates over the year, when the reviewer does not say.
ACCUMULATION = {
    "growth": "rate",
    "amount": "cumulative",
    "count": "cumulative",
    "level": "stock",
    "ratio": "stock",
    "milestone": "once",
    "qualitative": "once",
}


@transaction.atomic
def start_import(
    user,
    *,
    issuer: OrgUnit,
    text: str,
    file_name: str = "",
    kind: str = Document.Kind.OTHER,
    plan: Plan | None = None,
    plan_name: str = "",
    year: int | None = None,
) -> ImportDraft:
    """Keep the text as read and queue its extraction."""
    if not access.can_import(user, issuer):
        raise PermissionDenied(_("Only the supervision office may import plans."))
    if plan is not None and plan.issuer_id != issuer.pk:
        raise ValidationError(_("That plan belongs to another government."))
    if not text.strip():
        raise ValidationError(_("The document has no text to read."))
    if len(text) > MAX_IMPORT_CHARS:
        raise ValidationError(_("The document is too long to import (over 2 million characters)."))
    if plan is None and not plan_name.strip():
        raise ValidationError(_("Give the new plan a name, or choose an existing plan."))
    draft = ImportDraft.objects.create(
        created_by=user,
        issuer=issuer,
        plan=plan,
        plan_name=plan_name.strip(),
        year=year,
        kind=kind,
        file_name=file_name,
        text=text,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )
    record(user, Event.IMPORT_START, f"import:{draft.code}", after={"file": file_name})
    from mubiao.plans.tasks import extract_import

    transaction.on_commit(lambda: extract_import.enqueue(str(draft.code)))
    return draft


def run_extraction(draft: ImportDraft) -> ImportDraft:
    """Read the draft's text with the extractor (the background task's body)."""
    from mubiao.extract import ExtractError, extract_text

    _set(draft, status=ImportDraft.Status.RUNNING, progress=10)
    try:
        result = extract_text(draft.text, year_hint=draft.year).to_dict()
    except ExtractError as exc:
        return _set(draft, status=ImportDraft.Status.FAILED, progress=100, message=str(exc))
    _set(draft, progress=70)
    units = list(OrgUnit.objects.filter(path__startswith=draft.issuer.path))
    for task in result.get("tasks", []):
        task["lead_match"] = [_match(name, units) for name in task.get("lead", [])]
        task["co_match"] = [_match(name, units) for name in task.get("co", [])]
    if draft.year is None and result.get("year"):
        draft.year = result["year"]
    return _set(draft, status=ImportDraft.Status.READY, progress=100, draft=result)


def _match(name: str, units: list[OrgUnit]) -> dict[str, Any]:
    found = match_unit(name, units)
    return {
        "name": name,
        "unit": found.unit.code if found.unit else None,
        "score": found.score,
        "candidates": [u.code for u in found.candidates],
    }


def _set(obj: ImportDraft, **fields: Any) -> ImportDraft:
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.save(update_fields=[*fields, *(["year"] if "draft" in fields else [])])
    return obj


def fail_extraction(draft: ImportDraft) -> ImportDraft:
    """Mark a draft whose reading crashed, so the page stops waiting and says so."""
    return _set(
        draft,
        status=ImportDraft.Status.FAILED,
        progress=100,
        message=_(
            "mubiao could not read this document because of an internal error; "
            "the administrator has been told. Nothing was saved to the plan."
        ),
    )


@transaction.atomic
def save_review(user, draft: ImportDraft, edits: dict[str, Any]) -> ImportDraft:
    """Keep the reviewer's corrections; the extracted draft itself stays as it was."""
    _check_reviewable(user, draft)
    before = draft.edits
    draft.edits = edits
    draft.save(update_fields=["edits"])
    record(user, Event.IMPORT_REVIEW, f"import:{draft.code}", before=before, after=edits)
    return draft


def _check_reviewable(user, draft: ImportDraft) -> None:
    if not access.can_import(user, draft.issuer):
        raise PermissionDenied(_("Only the supervision office may import plans."))
    if draft.status != ImportDraft.Status.READY:
        raise ValidationError(_("This import is not ready for review."))


@transaction.atomic
def accept_import(user, draft: ImportDraft) -> Plan:
    """Turn the reviewed draft into plan items with their document; all or nothing."""
    _check_reviewable(user, draft)
    data = with_edits(draft.draft or {}, draft.edits)
    plan = draft.plan or _new_plan(draft, data)
    document = Document.objects.filter(plan=plan, sha256=draft.sha256).first()
    if document is None:
        document = Document.objects.create(
            plan=plan,
            code=f"doc-{draft.sha256[:10]}",
            title=data.get("title") or draft.file_name or _("Imported document"),
            kind=draft.kind,
            file_name=draft.file_name,
            text=draft.text,
            sha256=draft.sha256,
        )
    builder = _PlanBuilder(plan, document, data)
    counts = builder.build()
    draft.document = document
    draft.plan = plan
    draft.status = ImportDraft.Status.ACCEPTED
    draft.accepted_at = timezone.now()
    draft.save(update_fields=["document", "plan", "status", "accepted_at"])
    record(user, Event.IMPORT_ACCEPT, f"import:{draft.code}", after={"plan": plan.code, **counts})
    return plan


def _new_plan(draft: ImportDraft, data: dict[str, Any]) -> Plan:
    year = draft.year or data.get("year") or timezone.localdate().year
    base = f"{draft.issuer.code}-{year}"
    code, n = base, 1
    while Plan.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return Plan.objects.create(
        code=code, name=draft.plan_name or data.get("title") or code, issuer=draft.issuer,
        year=year, status=Plan.Status.DRAFT,
    )  # fmt: skip


class _PlanBuilder:
    """Areas from headings, tasks with their units, indicators; matched items are updated."""

    def __init__(self, plan: Plan, document: Document, data: dict[str, Any]) -> None:
        self.plan, self.document, self.data = plan, document, data
        self.units = {u.code: u for u in OrgUnit.objects.filter(path__startswith=plan.issuer.path)}
        self.counts = {"areas": 0, "tasks": 0, "targets": 0, "units": 0}

    def build(self) -> dict[str, int]:
        areas = self.areas()
        tasks = self.tasks(areas)
        self.indicators(areas, tasks)
        return self.counts

    def next_code(self, model, prefix: str) -> str:
        taken = set(model.objects.filter(plan=self.plan).values_list("code", flat=True))
        n = len(taken) + 1
        while f"{prefix}{n:03d}" in taken:
            n += 1
        return f"{prefix}{n:03d}"

    def areas(self) -> list[Area | None]:
        made: list[Area | None] = []
        parents: dict[int, Area] = {}
        for heading in self.data.get("headings", []):
            parent = parents.get(heading["level"] - 1)
            area = Area.objects.filter(plan=self.plan, name=heading["text"], parent=parent).first()
            if area is None:
                area = Area.objects.create(
                    plan=self.plan, code=self.next_code(Area, "a"), name=heading["text"][:200],
                    number=(heading.get("number") or "")[:16], parent=parent,
                    order=Area.objects.filter(plan=self.plan).count(),
                )  # fmt: skip
                self.counts["areas"] += 1
            parents[heading["level"]] = area
            made.append(area)
        return made

    def tasks(self, areas: list[Area | None]) -> dict[int, Task]:
        made: dict[int, Task] = {}
        for index, item in enumerate(self.data.get("tasks", [])):
            if item.get("skip"):
                continue
            task = Task.objects.filter(plan=self.plan, text=item["text"]).first()
            if task is None:
                task = Task(plan=self.plan, code=self.next_code(Task, "t"))
                self.counts["tasks"] += 1
            task.area = _at(areas, item.get("heading"))
            task.number = (item.get("number") or "")[:16]
            task.title = item.get("title") or _title(item["text"])
            task.text = item["text"]
            task.deadline = item.get("deadline")
            task.leader = "、".join(item.get("leaders") or [])[:100]
            task.document, task.span_start, task.span_end = self.document, *item["span"]
            task.order = index
            task.save()
            self.assign(task, item)
            made[index] = task
        return made

    def assign(self, task: Task, item: dict[str, Any]) -> None:
        wanted: dict[int, str] = {}
        for role in (Assignment.Role.LEAD, Assignment.Role.CO):
            for match in item.get(f"{role}_match", []):
                unit = self.unit_for(match)
                if unit is not None and unit.pk not in wanted:
                    wanted[unit.pk] = role
        task.assignments.exclude(unit_id__in=wanted).delete()
        for order, (unit_id, role) in enumerate(wanted.items()):
            Assignment.objects.update_or_create(
                task=task, unit_id=unit_id, defaults={"role": role, "order": order}
            )

    def unit_for(self, match: dict[str, Any]) -> OrgUnit | None:
        code = match.get("unit")
        if code == "__new__":
            return self.create_unit(match["name"])
        return self.units.get(code) if code else None

    def create_unit(self, name: str) -> OrgUnit:
        digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
        unit, created = OrgUnit.objects.get_or_create(
            code=f"u-{digest}",
            defaults={"name": name, "short_name": name, "kind": OrgUnit.Kind.DEPARTMENT,
                      "parent": self.plan.issuer},
        )  # fmt: skip
        self.counts["units"] += int(created)
        self.units[unit.code] = unit
        return unit

    def indicators(self, areas: list[Area | None], tasks: dict[int, Task]) -> None:
        owner = {
            t: i
            for i, item in enumerate(self.data.get("tasks", []))
            for t in item.get("targets", [])
        }
        for index, item in enumerate(self.data.get("targets", [])):
            if item.get("skip"):
                continue
            indicator = Indicator.objects.filter(plan=self.plan, metric=item["metric"]).first()
            if indicator is None:
                indicator = Indicator(plan=self.plan, code=self.next_code(Indicator, "i"))
                self.counts["targets"] += 1
            self.fill(indicator, item, areas, tasks.get(owner.get(index, -1)))
            indicator.order = index
            indicator.full_clean(exclude=["plan", "area", "task", "document"])
            indicator.save()

    def fill(self, ind: Indicator, item: dict, areas: list, task: Task | None) -> None:
        ind.metric = item["metric"][:200]
        ind.kind = item["kind"]
        ind.comparator = item["comparator"]
        ind.value = _decimal(item.get("value"))
        ind.value_max = _decimal(item.get("value_max"))
        ind.unit = (item.get("unit") or "")[:32]
        ind.period = item.get("period") or str(self.plan.year)
        ind.binding = bool(item.get("binding"))
        ind.direction = "down" if item["comparator"] == "<=" else "up"
        ind.accumulation = ACCUMULATION.get(item["kind"], "cumulative")
        ind.area = _at(areas, item.get("heading"))
        ind.task = task
        ind.document, ind.span_start, ind.span_end = self.document, *item["span"]


def _at(items: list, index: int | None):
    return items[index] if index is not None and 0 <= index < len(items) else None


def _title(text: str) -> str:
    head = text.split("。")[0].split("，")[0]
    return head[:60] or text[:60]


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))
