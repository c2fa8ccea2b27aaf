"""Load an organisation tree from YAML (see data/nanyang-units.yaml for the format).

Also the small upsert helpers every data loader of the project uses.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.db import models, transaction

from mubiao.orgs.models import OrgUnit


class LoadError(Exception):
    """A data file that cannot be loaded; the message says where and why."""


def upsert(model: type[models.Model], lookup: dict, values: dict) -> tuple[Any, str]:
    """Create or update one row; returns it and "created", "updated" or "unchanged"."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values), "created"
    changed = [name for name, value in values.items() if _differs(getattr(obj, name), value)]
    if not changed:
        return obj, "unchanged"
    for name in changed:
        setattr(obj, name, values[name])
    obj.save(update_fields=changed if model is not OrgUnit else None)
    return obj, "updated"


def _differs(current: Any, new: Any) -> bool:
    if isinstance(current, Decimal) and new is not None:
        return current != Decimal(str(new))
    return current != new


UNIT_FIELDS = {"code", "name", "short_name", "kind", "level", "aliases", "children"}


def read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise LoadError(f"{path.name}: cannot read it: {exc}") from exc
    if not isinstance(data, dict):
        raise LoadError(f"{path.name}: expected a mapping at the top")
    return data


@transaction.atomic
def load_units(path: Path) -> dict[str, int]:
    """Create or update every unit in the file; returns counts of created/updated/unchanged."""
    data = read_yaml(path)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    seen: set[str] = set()

    def walk(items: list[dict], parent: OrgUnit | None, where: str) -> None:
        for index, item in enumerate(items or []):
            here = f"{where}[{index}]"
            unknown = set(item) - UNIT_FIELDS
            if unknown:
                raise LoadError(f"{path.name}: {here}: unknown fields {sorted(unknown)}")
            code = item.get("code")
            if not code or code in seen:
                raise LoadError(f"{path.name}: {here}: missing or repeated code {code!r}")
            seen.add(code)
            kind = item.get("kind")
            if kind not in OrgUnit.Kind.values:
                raise LoadError(f"{path.name}: {here} ({code}): unknown kind {kind!r}")
            unit, outcome = upsert(
                OrgUnit,
                {"code": code},
                {
                    "name": item["name"],
                    "short_name": item.get("short_name") or item["name"],
                    "kind": kind,
                    "level": item.get("level") or "",
                    "aliases": list(item.get("aliases") or []),
                    "parent": parent,
                    "order": index,
                },
            )
            counts[outcome] += 1
            walk(item.get("children") or [], unit, f"{here}.children")

    walk(data.get("units") or [], None, "units")
    return counts
