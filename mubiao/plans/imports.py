"""Reading helpers for the import review: highlighting, unit matching, what changed.

Nothing here writes; the writes are in ``plans.actions`` (``split_task`` only computes
the split draft that ``actions.split_import_task`` saves).
"""

from __future__ import annotations

import difflib
import itertools
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from mubiao.orgs.models import OrgUnit
from mubiao.plans.models import Indicator, Plan, Task

# Prefixes that differ between how a document writes a unit and how the tree names it.
_UNIT_PREFIX = re.compile(r"^(?:[\u4e00-\u9fff]{0,6}?(?:省|市|县|区))(?=[\u4e00-\u9fff]{2,})")


def unit_key(name: str) -> str:
    """The part of a unit's name that identifies it: "南阳市发展和改革委员会" → "发展和改革委员会"."""
    name = re.sub(r"\s+", "", name or "")
    return _UNIT_PREFIX.sub("", name, count=1) or name


@dataclass
class UnitMatch:
    name: str
    unit: OrgUnit | None
    score: float
    candidates: list[OrgUnit] = field(default_factory=list)


def match_unit(name: str, units: list[OrgUnit]) -> UnitMatch:
    """The closest existing unit for a name as written, with a similarity score.

    Exact names and aliases score 1; otherwise the best character similarity of the name's
    distinctive part against each unit's short and full name. Below 0.6 there is no match
    (the reviewer picks one or creates the unit).
    """
    key = unit_key(name)
    scored: list[tuple[float, OrgUnit]] = []
    for unit in units:
        names = {unit.name, unit.short_name, *unit.aliases}
        if name in names or key in {unit_key(n) for n in names}:
            scored.append((1.0, unit))
            continue
        best = max(difflib.SequenceMatcher(None, key, unit_key(n)).ratio() for n in names if n)
        scored.append((best, unit))
    scored.sort(key=lambda pair: (-pair[0], pair[1].path))
    top = scored[0] if scored else (0.0, None)
    return UnitMatch(
        name=name,
        unit=top[1] if top[0] >= 0.6 else None,
        score=round(top[0], 2),
        candidates=[u for s, u in scored[:5] if s >= 0.3],
    )


@dataclass
class Segment:
    text: str
    targets: list[int]
    tasks: list[int]


def segments(
    text: str, draft: dict[str, Any], start: int = 0, end: int | None = None
) -> list[Segment]:
    """The text (or its stretch ``start:end``) cut at every item boundary, each piece
    knowing which items cover it (by their index in the whole draft)."""
    end = len(text) if end is None else min(end, len(text))
    spans = [("targets", i, t["span"]) for i, t in enumerate(draft.get("targets", []))]
    spans += [("tasks", i, t["span"]) for i, t in enumerate(draft.get("tasks", []))]
    if start > 0 or end < len(text):
        spans = [(k, i, s) for k, i, s in spans if s[0] < end and s[1] > start]
    cuts = sorted({start, end, *(p for _, _, s in spans for p in s if start <= p <= end)})
    pieces = []
    for start, end in itertools.pairwise(cuts):
        covering = [(kind, i) for kind, i, s in spans if s[0] <= start and end <= s[1]]
        pieces.append(
            Segment(
                text=text[start:end],
                targets=[i for kind, i in covering if kind == "targets"],
                tasks=[i for kind, i in covering if kind == "tasks"],
            )
        )
    return pieces


def with_edits(draft: dict[str, Any], edits: dict[str, Any]) -> dict[str, Any]:
    """The draft as the reviewer corrected it (edits keyed "targets"/"tasks" → index → fields)."""
    merged = {**draft}
    for kind in ("targets", "tasks"):
        items = [dict(item) for item in draft.get(kind, [])]
        for index, fields in (edits.get(kind) or {}).items():
            if int(index) < len(items):
                items[int(index)].update(fields)
        merged[kind] = items
    _move_targets(merged)
    _merge_tasks(merged)
    return merged


def _merge_tasks(merged: dict[str, Any]) -> None:
    """A task the reviewer merged into the one above (its edit holds "merge_up") joins
    that task: its text is appended, its targets and units go with it, and it is skipped."""
    tasks = merged.get("tasks", [])
    for index, task in enumerate(tasks):
        if not task.get("merge_up") or task.get("skip"):
            continue
        above = next((t for t in reversed(tasks[:index]) if not t.get("skip")), None)
        if above is None:
            continue
        above["text"] = f"{above['text']};{task['text']}"
        above["targets"] = sorted({*above.get("targets", []), *task.get("targets", [])})
        for key in ("lead_match", "co_match"):
            above[key] = [*above.get(key, []), *task.get(key, [])]
        end = task.get("span", [0, 0])[1]
        if "span" in above:
            above["span"] = [above["span"][0], max(above["span"][1], end)]
        task["skip"], task["targets"] = True, []


def target_owners(draft: dict[str, Any]) -> dict[int, int]:
    """Target index → the index of the task it belongs to (as the draft links them)."""
    return {t: i for i, task in enumerate(draft.get("tasks", [])) for t in task.get("targets", [])}


def _move_targets(merged: dict[str, Any]) -> None:
    """A target the reviewer moved to another task (its edit holds "task": index or
    None) leaves its old task's list, joins the new one and takes the task's area."""
    tasks = merged.get("tasks", [])
    for index, target in enumerate(merged.get("targets", [])):
        if "task" not in target:
            continue
        for task in tasks:
            task["targets"] = [k for k in task.get("targets", []) if k != index]
        owner = target["task"]
        if owner is not None and 0 <= owner < len(tasks):
            tasks[owner]["targets"] = sorted([*tasks[owner]["targets"], index])
            target["heading"] = tasks[owner].get("heading")


@dataclass
class Change:
    kind: str  # "target" or "task"
    change: str  # "new", "changed", "unchanged", "missing"
    label: str
    before: str = ""
    after: str = ""


def target_label(item: dict[str, Any]) -> str:
    value = item.get("value")
    value = "" if value is None else f"{value:g}"
    if item.get("comparator") == "range" and item.get("value_max") is not None:
        value += f"–{item['value_max']:g}"
    return f"{item.get('metric', '')} {item.get('comparator', '')} {value}{item.get('unit') or ''}"


def indicator_label(ind: Indicator) -> str:
    return target_label(
        {
            "metric": ind.metric,
            "comparator": ind.comparator,
            "value": float(ind.value) if ind.value is not None else None,
            "value_max": float(ind.value_max) if ind.value_max is not None else None,
            "unit": ind.unit,
        }
    )


def changes_against(plan: Plan, draft: dict[str, Any]) -> list[Change]:
    """What accepting this draft would change in the plan: items matched by their words."""
    indicators = {ind.metric: ind for ind in plan.indicators.all()}
    tasks = {task.text or task.title: task for task in plan.tasks.all()}
    out: list[Change] = []
    for item in draft.get("targets", []):
        if item.get("skip"):
            continue
        found = indicators.pop(item["metric"], None)
        after = target_label(item)
        if found is None:
            out.append(Change("target", "new", item["metric"], after=after))
        else:
            before = indicator_label(found)
            state = "unchanged" if before == after else "changed"
            out.append(Change("target", state, item["metric"], before=before, after=after))
    for item in draft.get("tasks", []):
        if item.get("skip"):
            continue
        found = tasks.pop(item["text"], None)
        out.append(Change("task", "unchanged" if found else "new", _short(item["text"])))
    out += [
        Change("target", "missing", m, before=indicator_label(i)) for m, i in indicators.items()
    ]
    out += [Change("task", "missing", _short(t)) for t in tasks]
    return out


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def existing_task(plan: Plan, text: str) -> Task | None:
    return plan.tasks.filter(text=text).first()


def split_task(
    draft: dict[str, Any], edits: dict[str, Any], source: str, index: int, before: str
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The draft and corrections with task ``index`` cut in two just before ``before``.

    The second part becomes a new task right after the first, on its own stretch of the
    source, with the same area and units; each target goes with the part its passage lies
    in. Later tasks move down one place, and the corrections that name them (a task's by
    its place, a target's re-parenting) follow, so nothing already reviewed is lost.
    Returns (draft, edits, what changed for the audit row); the arguments stay as they were.
    """
    data = dict(draft)
    tasks = [dict(t) for t in data.get("tasks", [])]
    if not 0 <= index < len(tasks):
        raise ValidationError(_("There is no such task in this import."))
    label = _("Task %(n)s") % {"n": index + 1}
    fixes = {kind: dict((edits or {}).get(kind) or {}) for kind in ("targets", "tasks")}
    own = dict(fixes["tasks"].get(str(index)) or {})
    task = tasks[index]
    text = own.get("text") or task["text"]
    words = (before or "").strip()
    at = text.find(words) if words else -1
    if at < 0:
        raise ValidationError(
            _("%(task)s: “%(words)s” is not in its text; give the words where the second part begins.")
            % {"task": label, "words": words[:40]}
        )  # fmt: skip
    first, second = text[:at].rstrip(" ,，;；、"), text[at:].strip()
    if not first or not second:
        raise ValidationError(
            _("%(task)s: a split needs text on both sides of “%(words)s”.")
            % {"task": label, "words": words[:40]}
        )
    start, end = task["span"]
    cut = _source_offset(source, start, end, words, at / len(text))
    targets = data.get("targets", [])
    late = {k for k in task.get("targets", []) if targets[k]["span"][0] >= cut}
    late |= {
        int(k)
        for k, fields in fixes["targets"].items()
        if fields.get("task") == index and targets[int(k)]["span"][0] >= cut
    }
    was = sorted({*task.get("targets", []), *late})
    tail = {**task, "text": second, "number": "", "span": [cut, end]}
    tail["targets"] = sorted(k for k in task.get("targets", []) if k in late)
    task.update(text=first, span=[start, cut])
    task["targets"] = [k for k in task.get("targets", []) if k not in late]
    tasks.insert(index + 1, tail)
    data["tasks"] = tasks
    fixes["tasks"] = {
        str(int(k) + 1 if int(k) > index else int(k)): v for k, v in fixes["tasks"].items()
    }
    if own:
        fixes["tasks"][str(index)] = {**own, "text": first}
        fixes["tasks"][str(index + 1)] = {**own, "text": second, "merge_up": False}
    for key, fields in list(fixes["targets"].items()):
        owner = fields.get("task")
        if owner is not None and (owner > index or (owner == index and int(key) in late)):
            fixes["targets"][key] = {**fields, "task": owner + 1}
    owners = target_owners(with_edits(data, fixes))
    parts = [sorted(k for k in was if owners.get(k) == i) for i in (index, index + 1)]
    change = {
        "before": {"task": index, "text": text, "targets": was},
        "after": {"tasks": [index, index + 1], "texts": [first, second], "targets": parts},
    }
    return data, fixes, change


def _source_offset(source: str, start: int, end: int, words: str, share: float) -> int:
    """Where in the source stretch ``start:end`` the words begin, compared with widths
    folded as the task's text has them; failing that, the same share of the stretch."""
    from mubiao.extract.normalize import fold_width
    from mubiao.extract.offsets import OffsetText

    folded = fold_width(OffsetText.identity(source[start:end]))
    found = folded.text.find(fold_width(OffsetText.identity(words)).text)
    if found > 0:
        return start + folded.index[found]
    return start + max(1, min(end - start - 1, round((end - start) * share)))
