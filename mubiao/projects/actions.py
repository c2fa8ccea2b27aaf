"""Writes on the project library: importing the list from Excel (all or nothing)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from mubiao.audit.events import Event
from mubiao.audit.models import record
from mubiao.orgs import access
from mubiao.orgs.access import User
from mubiao.plans.models import Plan
from mubiao.projects.excel import ProjectSheetError, RowError, RowReader, read_rows
from mubiao.projects.models import Project


def can_manage_projects(user: User, plan: Plan) -> bool:
    """The supervision office keeps the project library (as it keeps the plan)."""
    return access.supervises(user, plan.issuer)


@transaction.atomic
def import_projects(user: User, plan: Plan, data: bytes) -> dict[str, int]:
    """Create or update projects from an uploaded sheet; raise ProjectSheetError with
    every row's problems and save nothing if any row is wrong."""
    if not can_manage_projects(user, plan):
        raise PermissionDenied(_("Only the supervision office may change the project library."))
    reader = RowReader(plan)
    existing = {p.code: p for p in Project.objects.filter(plan=plan)}
    by_name = {(p.name, p.county_id): p for p in existing.values()}
    seen: dict[tuple[str, int | None], int] = {}
    planned: list[tuple[Project | None, dict[str, Any]]] = []
    for row, values in read_rows(data):
        code = reader.text(row, values, "项目编号")
        fields = reader.fields(row, values)
        key = (fields["name"], fields["county"].pk if fields["county"] else None)
        if key in seen:
            reader.fail(row, "项目名称", _("repeats row %(row)s") % {"row": seen[key]})
        seen[key] = row
        if code and code not in existing:
            reader.fail(row, "项目编号", _("no project has the code “%(code)s”") % {"code": code})
        target = existing.get(code)
        twin = by_name.get(key)
        if target is None and twin is not None:
            reader.fail(row, "项目名称", _("duplicates project %(code)s; give its code to update it")
                        % {"code": twin.code})  # fmt: skip
        planned.append((target, fields))
    if reader.errors:
        raise ProjectSheetError(reader.errors)
    return _apply(user, plan, planned)


def _apply(
    user: User, plan: Plan, planned: list[tuple[Project | None, dict[str, Any]]]
) -> dict[str, int]:
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    next_number = Project.objects.filter(plan=plan).count() + 1
    for target, fields in planned:
        if target is None:
            while Project.objects.filter(plan=plan, code=f"p-{next_number:05d}").exists():
                next_number += 1
            Project.objects.create(plan=plan, code=f"p-{next_number:05d}", **fields)
            counts["created"] += 1
            continue
        changed = [k for k, v in fields.items() if getattr(target, k) != v]
        if changed:
            for name in changed:
                setattr(target, name, fields[name])
            target.save(update_fields=changed)
        counts["updated" if changed else "unchanged"] += 1
    record(user, Event.PROJECTS_IMPORT, f"plan:{plan.code}", after=counts)
    if counts["created"] or counts["updated"]:
        from mubiao.dashboard import statuses

        statuses.apply(plan, list(Project.objects.filter(plan=plan)[:1]))
    return counts


__all__ = ["ProjectSheetError", "RowError", "can_manage_projects", "import_projects"]
