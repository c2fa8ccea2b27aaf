"""Load a plan kept as data (see data/nanyang-2026.yaml) into the database.

Loading is an upsert by public code: running it twice changes nothing, and a corrected
data file updates exactly the rows that differ. Every reference (unit, area, task) must
resolve; a bad file stops the load with the place and the reason, and nothing is saved.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from mubiao.orgs.loader import LoadError, upsert
from mubiao.orgs.models import OrgUnit
from mubiao.plans.models import (
    Area,
    Assignment,
    Document,
    Frame,
    Indicator,
    Milestone,
    Plan,
    Task,
)

# YAML folds a long line into several with a space between them; Chinese takes no spaces.
_CJK = r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’]"
_CJK_GAP = re.compile(rf"(?<={_CJK})\s+(?={_CJK})")


def clean_text(value: str | None) -> str:
    """Strip, and drop the spaces YAML folding leaves between Chinese characters."""
    return _CJK_GAP.sub("", (value or "").strip())


class PlanLoader:
    """One load of one plan file; keeps the lookups and counts while it walks the file."""

    def __init__(self, data: dict[str, Any], file_name: str) -> None:
        self.data = data
        self.file_name = file_name
        self.counts: dict[str, int] = {"created": 0, "updated": 0, "unchanged": 0}
        self.units = {u.code: u for u in OrgUnit.objects.all()}
        self.areas: dict[str, Area] = {}
        self.tasks: dict[str, Task] = {}
        self.frames: dict[str, Frame] = {}
        self.document: Document | None = None

    def fail(self, where: str, reason: str) -> None:
        raise LoadError(f"{self.file_name}: {where}: {reason}")

    def count(self, outcome: str) -> None:
        self.counts[outcome] += 1

    def unit(self, code: str, where: str) -> OrgUnit:
        if code not in self.units:
            self.fail(where, f"unknown unit code {code!r} (is it in the units file?)")
        return self.units[code]

    def ref(self, table: dict[str, Any], code: str | None, where: str, what: str) -> Any:
        if code is None:
            return None
        if code not in table:
            self.fail(where, f"unknown {what} code {code!r}")
        return table[code]

    def load(self) -> Plan:
        head = self.data.get("plan") or self.fail("plan", "missing")
        self.plan, outcome = upsert(
            Plan,
            {"code": head["code"]},
            {
                "name": head["name"],
                "issuer": self.unit(head["issuer"], "plan.issuer"),
                "year": int(head["year"]),
                "summary": clean_text(head.get("summary")),
                **self.conventions(head),
            },
        )
        self.count(outcome)
        self.load_documents()
        self.load_frames()
        self.load_areas(self.data.get("areas") or [], None, "areas")
        self.load_tasks()
        self.load_indicators()
        return self.plan

    def conventions(self, head: dict[str, Any]) -> dict[str, Any]:
        """The plan's counting conventions, each optional (docs/monitor.md)."""
        from mubiao.monitor import schedule_from_dict

        found: dict[str, Any] = {}
        for name in ("progress_schedule", "project_schedule"):
            if head.get(name):
                try:
                    schedule_from_dict(head[name])
                except (ValueError, TypeError) as exc:
                    self.fail(f"plan.{name}", str(exc))
                found[name] = head[name]
        if "rate_decimals" in head:
            found["rate_decimals"] = int(head["rate_decimals"])
        if "start_rate_basis" in head:
            if head["start_rate_basis"] not in Plan.StartRateBasis.values:
                self.fail(
                    "plan.start_rate_basis", f"use one of {', '.join(Plan.StartRateBasis.values)}"
                )
            found["start_rate_basis"] = head["start_rate_basis"]
        return found

    def load_documents(self) -> None:
        for i, item in enumerate(self.data.get("documents") or []):
            doc, outcome = upsert(
                Document,
                {"plan": self.plan, "code": item["code"]},
                {
                    "title": item["title"],
                    "kind": item.get("kind", Document.Kind.OTHER),
                    "source": item.get("source", ""),
                    "file_name": item.get("file", ""),
                },
            )
            self.count(outcome)
            if i == 0:
                self.document = doc

    def load_frames(self) -> None:
        for i, item in enumerate(self.data.get("frames") or []):
            where = f"frames[{i}]"
            parent = self.ref(self.frames, item.get("parent"), where, "frame")
            frame, outcome = upsert(
                Frame,
                {"plan": self.plan, "code": item["code"]},
                {
                    "name": item["name"],
                    "description": clean_text(item.get("description")),
                    "parent": parent,
                    "order": i,
                },
            )
            self.frames[frame.code] = frame
            self.count(outcome)

    def load_areas(self, items: list[dict], parent: Area | None, where: str) -> None:
        for i, item in enumerate(items):
            here = f"{where}[{i}]"
            code = item.get("code")
            if not code or code in self.areas:
                self.fail(here, f"missing or repeated area code {code!r}")
            area, outcome = upsert(
                Area,
                {"plan": self.plan, "code": code},
                {
                    "number": str(item.get("number") or ""),
                    "name": item["name"],
                    "subtitle": item.get("subtitle") or "",
                    "parent": parent,
                    "frame": self.ref(self.frames, item.get("frame"), here, "frame"),
                    "order": len(self.areas),
                },
            )
            self.areas[code] = area
            self.count(outcome)
            self.load_areas(item.get("children") or [], area, f"{here}.children")

    def span(self, item: dict, where: str) -> dict[str, Any]:
        span = item.get("span")
        if span is None:
            return {"document": None, "span_start": None, "span_end": None}
        if not (isinstance(span, list) and len(span) == 2 and 0 <= span[0] <= span[1]):
            self.fail(where, f"span must be [start, end] with start <= end, not {span!r}")
        return {"document": self.document, "span_start": span[0], "span_end": span[1]}

    def load_tasks(self) -> None:
        for i, item in enumerate(self.data.get("tasks") or []):
            where = f"tasks[{i}] ({item.get('code')})"
            if item.get("code") in self.tasks:
                self.fail(where, "repeated task code")
            task, outcome = upsert(
                Task,
                {"plan": self.plan, "code": item["code"]},
                {
                    "area": self.ref(self.areas, item.get("area"), where, "area"),
                    "number": str(item.get("number") or ""),
                    "title": item["title"],
                    "text": clean_text(item.get("text")),
                    "leader": item.get("leader") or "",
                    "deadline": self.date(item.get("deadline"), where),
                    "order": i,
                    **self.span(item, where),
                },
            )
            self.tasks[task.code] = task
            self.count(outcome)
            if not item.get("lead"):
                self.fail(where, "a task needs at least one lead unit")
            self.assign(item, {"task": task}, where)
            self.load_milestones(task, item.get("milestones") or [], where)

    def date(self, value: Any, where: str) -> dt.date | None:
        if value is None or isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.fail(where, f"{value!r} is not a date (YYYY-MM-DD)")

    def assign(self, item: dict, subject: dict, where: str) -> None:
        assumed = bool(item.get("units_assumed", False))
        wanted: dict[int, tuple[str, int]] = {}
        for role in (Assignment.Role.LEAD, Assignment.Role.CO):
            for order, code in enumerate(item.get(role) or []):
                unit = self.unit(code, f"{where}.{role}")
                if unit.pk in wanted:
                    self.fail(where, f"unit {code!r} is listed twice")
                wanted[unit.pk] = (role, order)
        existing = Assignment.objects.filter(**subject)
        stale = existing.exclude(unit_id__in=wanted)
        if stale.exists():
            stale.delete()
            self.count("updated")
        for unit_id, (role, order) in wanted.items():
            _, outcome = upsert(
                Assignment,
                {**subject, "unit_id": unit_id},
                {"role": role, "order": order, "assumed": assumed},
            )
            self.count(outcome)

    def load_milestones(self, task: Task, items: list[dict], where: str) -> None:
        for i, item in enumerate(items):
            _, outcome = upsert(
                Milestone,
                {"task": task, "order": i},
                {"text": item["text"], "due": self.date(item["due"], f"{where}.milestones[{i}]")},
            )
            self.count(outcome)
        extra = Milestone.objects.filter(task=task, order__gte=len(items))
        if extra.exists():
            extra.delete()
            self.count("updated")

    def number(self, value: Any, where: str) -> Decimal | None:
        if value is None:
            return None
        try:
            return Decimal(str(value))
        except InvalidOperation:
            self.fail(where, f"{value!r} is not a number")

    def load_indicators(self) -> None:
        seen: set[str] = set()
        for i, item in enumerate(self.data.get("indicators") or []):
            where = f"indicators[{i}] ({item.get('code')})"
            if item.get("code") in seen:
                self.fail(where, "repeated indicator code")
            seen.add(item["code"])
            self.check_choice(item, "kind", Indicator.Kind, where)
            self.check_choice(item, "comparator", Indicator.Comparator, where)
            self.check_choice(item, "direction", Indicator.Direction, where, default="up")
            self.check_choice(
                item, "accumulation", Indicator.Accumulation, where, default="cumulative"
            )
            value = self.number(item.get("value"), where)
            if item["comparator"] in Indicator.NUMERIC_COMPARATORS and value is None:
                self.fail(where, f"comparator {item['comparator']!r} needs a value")
            indicator, outcome = upsert(
                Indicator,
                {"plan": self.plan, "code": item["code"]},
                {
                    "area": self.ref(self.areas, item.get("area"), where, "area"),
                    "task": self.ref(self.tasks, item.get("task"), where, "task"),
                    "metric": item["metric"],
                    "kind": item["kind"],
                    "comparator": item["comparator"],
                    "value": value,
                    "value_max": self.number(item.get("value_max"), where),
                    "unit": item.get("unit") or "",
                    "period": str(item.get("period") or self.plan.year),
                    "baseline": self.number(item.get("baseline"), where),
                    "schedule": self.schedule(item.get("schedule"), where),
                    "baseline_series": self.series(item.get("baseline_series"), where),
                    "direction": item.get("direction") or "up",
                    "binding": bool(item.get("binding", False)),
                    "accumulation": item.get("accumulation") or "cumulative",
                    "headline": bool(item.get("headline", False)),
                    "order": i,
                    **self.span(item, where),
                },
            )
            self.count(outcome)
            if item.get("lead") or item.get("co"):
                self.assign(item, {"indicator": indicator}, where)
            elif indicator.task is None:
                self.fail(where, "an indicator outside any task needs a lead unit")

    def schedule(self, value: Any, where: str) -> dict:
        if not value:
            return {}
        from mubiao.monitor import schedule_from_dict

        try:
            schedule_from_dict(value)
        except (ValueError, TypeError, AttributeError) as exc:
            self.fail(where, f"schedule: {exc}")
        return dict(value)

    def series(self, value: Any, where: str) -> list:
        if not value:
            return []
        if not isinstance(value, list) or len(value) != 12:
            self.fail(where, "baseline_series must list twelve monthly values")
        return [None if v is None else float(self.number(v, where)) for v in value]

    def check_choice(
        self, item: dict, field: str, choices: type, where: str, default: str | None = None
    ) -> None:
        value = item.get(field, default)
        if value not in choices.values:
            self.fail(where, f"{field} must be one of {choices.values}, not {value!r}")


@transaction.atomic
def load_plan(data: dict[str, Any], file_name: str = "plan") -> tuple[Plan, dict[str, int]]:
    """Load one plan's data (already parsed); all or nothing."""
    loader = PlanLoader(data, file_name)
    try:
        plan = loader.load()
    except (KeyError, TypeError) as exc:
        raise LoadError(f"{file_name}: a required field is missing or malformed: {exc}") from exc
    if plan.status != Plan.Status.DRAFT:
        # A plan kept as data is one already issued: its tasks and targets report.
        now = timezone.now()
        Task.objects.filter(plan=plan, issued_at__isnull=True).update(issued_at=now)
        Indicator.objects.filter(plan=plan, issued_at__isnull=True).update(issued_at=now)
    # A reloaded plan's status store is judged again by the next tick (a first load has none).
    from mubiao.dashboard import statuses

    statuses.mark_stale(plan)
    return plan, loader.counts
