"""Writes on plans: importing a source text, building the plan's tree, issuing it.

- Import: start_import → (background) run_extraction → save_review (any number of
  times), split_import_task → accept_import (a large draft: in the background, run_accept).
- The tree: create/update/move/delete of areas, tasks, targets and milestones;
  assign_unit / unassign_unit; close_task, complete_milestone, change_target (a reason
  once issued, effective from a date); renumber.
- Issuing: issue (下发), acknowledge / object_to (签收); request_change / decide_change
  (调整申请).

Each takes the acting user, checks permission, runs in one transaction and writes an
audit row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from mubiao.audit.events import Event
from mubiao.audit.models import record
from mubiao.orgs import access
from mubiao.orgs.access import User
from mubiao.orgs.models import OrgUnit
from mubiao.plans.imports import match_unit, split_task, with_edits
from mubiao.plans.models import (
    Area,
    Assignment,
    ChangeRequest,
    Document,
    ImportDraft,
    Indicator,
    Milestone,
    Notice,
    Plan,
    TargetRevision,
    Task,
    next_milestone_code,
)

if TYPE_CHECKING:
    from mubiao.plans import workbook
    from mubiao.reporting.evidence import CheckedFile

logger = logging.getLogger(__name__)

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


def _check_start(user: User, issuer: OrgUnit, plan: Plan | None, plan_name: str) -> None:
    if not access.supervises(user, issuer):
        raise PermissionDenied(_("Only the supervision office may import plans."))
    if plan is not None and plan.issuer_id != issuer.pk:
        raise ValidationError(_("That plan belongs to another government."))
    if plan is None and not plan_name.strip():
        raise ValidationError(_("Give the new plan a name, or choose an existing plan."))


def _check_text(text: str) -> None:
    if not text.strip():
        raise ValidationError(_("The document has no text to read."))
    if len(text) > MAX_IMPORT_CHARS:
        raise ValidationError(_("The document is too long to import (over 2 million characters)."))


@transaction.atomic
def start_import(
    user: User,
    *,
    issuer: OrgUnit,
    text: str = "",
    file_name: str = "",
    kind: str = Document.Kind.OTHER,  # type: ignore[assignment]  # a Choices member (CONTRIBUTING: mypy and Choices)
    plan: Plan | None = None,
    plan_name: str = "",
    year: int | None = None,
    upload: bytes | None = None,
) -> ImportDraft:
    """Keep the text as read and queue its extraction. An ``upload`` (a file's bytes, too
    large to read in the request: READ_INLINE_BYTES) is kept unread beside the draft and
    read into its text by the worker, before the extraction (:func:`run_extraction`)."""
    _check_start(user, issuer, plan, plan_name)
    if upload is None:
        _check_text(text)
    draft = ImportDraft.objects.create(
        created_by=user,
        issuer=issuer,
        plan=plan,
        plan_name=plan_name.strip(),
        year=year,
        kind=kind,
        file_name=file_name,
        text=text if upload is None else "",
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest() if upload is None else "",
    )
    if upload is not None:
        path = unread_upload(draft)
        path.parent.mkdir(parents=True, exist_ok=True)
        part = path.with_suffix(".part")
        part.write_bytes(upload)
        part.replace(path)  # whole or not at all
    record(user, Event.IMPORT_START, f"import:{draft.code}",
           after={"file": file_name, **({"read_by": "worker"} if upload is not None else {})})  # fmt: skip
    from mubiao.plans.tasks import extract_import

    transaction.on_commit(lambda: extract_import.enqueue(str(draft.code)))
    return draft


# An uploaded file larger than this is read into text by the worker, not in the request.
READ_INLINE_BYTES = 1024 * 1024


def unread_upload(draft: ImportDraft) -> Path:
    """Where a large upload waits for the worker to read it (removed once read)."""
    from django.conf import settings

    return Path(settings.MEDIA_ROOT) / "imports" / f"{draft.code}.upload"


UPLOAD_STRAY_AFTER = dt.timedelta(hours=1)


def clean_unread_uploads(now: dt.datetime) -> int:
    """Remove large uploads no reading will take (``mubiao tick``): a ``.part`` an
    interrupted request left, and an upload whose import was deleted, failed or already
    read, once an hour old. An upload still waiting for its worker stays. Returns how
    many were removed."""
    from django.conf import settings

    root = Path(settings.MEDIA_ROOT) / "imports"
    if not root.is_dir():
        return 0
    cutoff = (now - UPLOAD_STRAY_AFTER).timestamp()
    old = [p for p in root.iterdir() if p.is_file() and p.stat().st_mtime <= cutoff]
    waiting = {
        str(code)
        for code in ImportDraft.objects.filter(
            status__in=(ImportDraft.Status.QUEUED, ImportDraft.Status.RUNNING), text=""
        ).values_list("code", flat=True)
    }
    removed = 0
    for path in old:
        if path.suffix == ".upload" and path.stem in waiting:
            continue
        path.unlink(missing_ok=True)
        removed += 1
    return removed


def _read_upload(draft: ImportDraft) -> ImportDraft | None:
    """Read a large upload into the draft's text (the unpacked-size cap applies, as in
    the request); a file that cannot be read fails the draft with the reader's sentence
    (returned); None when the text is there to extract."""
    from mubiao.extract import ExtractError, read_bytes

    path = unread_upload(draft)
    if draft.text or not path.exists():
        return None
    _set(draft, status=ImportDraft.Status.RUNNING, progress=5)
    try:
        with heartbeat(draft):
            text = read_bytes(path.read_bytes(), draft.file_name or path.name)
        _check_text(text)
    except (ExtractError, ValidationError) as exc:
        message = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        path.unlink(missing_ok=True)
        return _set(draft, status=ImportDraft.Status.FAILED, progress=100, message=message)
    _set(draft, text=text, sha256=hashlib.sha256(text.encode("utf-8")).hexdigest())
    path.unlink(missing_ok=True)
    return None


def run_extraction(draft: ImportDraft) -> ImportDraft:
    """Read the draft's text with the extractor (the background task's body)."""
    from mubiao.extract import ExtractError, extract_text

    _set(draft, status=ImportDraft.Status.RUNNING, attempts=draft.attempts + 1)
    failed = _read_upload(draft)
    if failed is not None:
        return failed
    _set(draft, progress=10)
    try:
        with heartbeat(draft):
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


HEARTBEAT_SECONDS = 30.0


@contextmanager
def heartbeat(draft: ImportDraft, every: float = HEARTBEAT_SECONDS) -> Iterator[None]:
    """Touch the draft's heartbeat every ``every`` seconds while a long step runs, from a
    thread of this process: if the process dies, so does the heartbeat."""
    from django.db import connection

    stop = threading.Event()

    def beat() -> None:
        from django.db import OperationalError

        try:
            while not stop.wait(every):
                try:
                    ImportDraft.objects.filter(pk=draft.pk, status__in=ImportDraft.BUSY).update(
                        heartbeat_at=timezone.now()
                    )
                except OperationalError:  # the write lock busy (a chunk being written):
                    logger.warning("heartbeat of import %s skipped: database busy", draft.code)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=beat, name=f"heartbeat-{draft.code}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


def _match(name: str, units: list[OrgUnit]) -> dict[str, Any]:
    found = match_unit(name, units)
    return {
        "name": name,
        "unit": found.unit.code if found.unit else None,
        "score": found.score,
        "candidates": [u.code for u in found.candidates],
    }


def _set(obj: ImportDraft, **fields: Any) -> ImportDraft:
    fields["heartbeat_at"] = timezone.now()  # every step is a sign of life
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


MAX_ATTEMPTS = 2


def recover_stalled_imports(now: dt.datetime) -> int:
    """Drafts left "running" or "accepting" by a worker that died: a reading is read
    again (a fresh task), or, after MAX_ATTEMPTS readings, failed with a sentence; an
    accept resumes from its last committed chunk, or after MAX_ACCEPT_ATTEMPTS is given
    up cleanly (``give_up_accepting``). A ``mubiao tick`` job; returns how many.

    Each draft is claimed with a conditional update on its stale heartbeat, so two ticks
    never both recover it, and a worker that was only slow (and touched it since) keeps it.
    """
    from django.conf import settings

    from mubiao.plans.tasks import accept_in_background, extract_import

    cutoff = now - dt.timedelta(seconds=settings.MUBIAO_TASK_STALE_SECONDS)
    stale = ImportDraft.objects.filter(status__in=ImportDraft.BUSY, heartbeat_at__lt=cutoff)
    done = 0
    for draft in stale:
        claim = ImportDraft.objects.filter(
            pk=draft.pk, status=draft.status, heartbeat_at=draft.heartbeat_at
        )
        was = draft.status
        accepting = was == ImportDraft.Status.ACCEPTING
        if accepting:
            attempts = draft.accepting.get("attempts", 1)
            retry = attempts < MAX_ACCEPT_ATTEMPTS
        else:
            attempts, retry = draft.attempts, draft.attempts < MAX_ATTEMPTS
        with transaction.atomic():
            if accepting:
                changes: dict[str, Any] = {"heartbeat_at": now}
                if retry:
                    changes["accepting"] = {**draft.accepting, "attempts": attempts + 1}
            elif retry:
                changes = {"status": ImportDraft.Status.QUEUED, "progress": 0, "heartbeat_at": now}
            else:
                changes = {
                    "status": ImportDraft.Status.FAILED, "progress": 100, "heartbeat_at": now,
                    "message": _(
                        "The background worker reading this document stopped %(n)s times "
                        "before it finished. Nothing was saved to the plan; import the "
                        "document again, or split it into smaller files."
                    ) % {"n": draft.attempts},
                }  # fmt: skip
            if not claim.update(**changes):
                continue
            if accepting and not retry:
                draft.refresh_from_db()
                draft = give_up_accepting(draft, now)
            after = {"status": draft.status if accepting else changes["status"]}
            record(None, Event.IMPORT_RECOVER, f"import:{draft.code}",
                   before={"status": was, "attempts": attempts},
                   after={**after, "resume": accepting and retry})  # fmt: skip
            if retry:
                code = str(draft.code)
                task = accept_in_background if accepting else extract_import
                transaction.on_commit(lambda code=code, task=task: task.enqueue(code))
        done += 1
    return done


@transaction.atomic
def save_review(user: User, draft: ImportDraft, edits: dict[str, Any]) -> ImportDraft:
    """Keep the reviewer's corrections; the extracted draft itself stays as it was."""
    _check_reviewable(user, draft)
    before = draft.edits
    draft.edits = edits
    draft.save(update_fields=["edits"])
    record(user, Event.IMPORT_REVIEW, f"import:{draft.code}", before=before, after=edits)
    return draft


@transaction.atomic
def split_import_task(user: User, draft: ImportDraft, index: int, before: str) -> ImportDraft:
    """Cut task ``index`` of the draft in two just before the words ``before`` (see
    ``imports.split_task``); the reviewer's corrections follow the tasks they name."""
    _check_reviewable(user, draft)
    draft = ImportDraft.objects.select_for_update().get(pk=draft.pk)
    data, edits, change = split_task(
        draft.draft or {}, draft.edits or {}, draft.text, index, before
    )
    draft.draft, draft.edits = data, edits
    draft.save(update_fields=["draft", "edits"])
    record(user, Event.IMPORT_SPLIT, f"import:{draft.code}", before=change["before"],
           after=change["after"])  # fmt: skip
    return draft


def _check_reviewable(user: User, draft: ImportDraft) -> None:
    if not access.supervises(user, draft.issuer):
        raise PermissionDenied(_("Only the supervision office may import plans."))
    if draft.status != ImportDraft.Status.READY:
        raise ValidationError(_("This import is not ready for review."))


# A draft with more items than this (tasks and targets) is accepted by the worker, in
# chunks of ACCEPT_CHUNK items, each its own short transaction: a unit's submission in
# between finds the write lock free. A smaller one is accepted at once, in the request.
ACCEPT_INLINE_ITEMS = 400
ACCEPT_CHUNK = 250
MAX_ACCEPT_ATTEMPTS = 3


def accept_import(user: User, draft: ImportDraft) -> Plan | None:
    """Turn the reviewed draft into plan items with their document.

    A small draft is accepted at once, all or nothing, and its plan returned. A large one
    is queued for the worker (returns None; the review page shows its progress): its
    chunks commit one by one with their place, so a worker that dies resumes from the
    last chunk (``recover_stalled_imports``), and after its last attempt a new plan made
    by it is removed again; the plan is never left half built.
    """
    _check_reviewable(user, draft)
    data = with_edits(draft.draft or {}, draft.edits)
    size = len(data.get("tasks", [])) + len(data.get("targets", []))
    with transaction.atomic():
        draft = ImportDraft.objects.select_for_update().get(pk=draft.pk)
        _check_reviewable(user, draft)
        draft.accepting = {"user": user.pk, "phase": "start", "done": 0, "attempts": 1}
        if size <= ACCEPT_INLINE_ITEMS:
            while _accept_step(draft, data):
                pass
            return draft.plan
        _set(draft, status=ImportDraft.Status.ACCEPTING, progress=0, accepting=draft.accepting)
        record(user, Event.IMPORT_REVIEW, f"import:{draft.code}", after={"accept": "queued"})
        from mubiao.plans.tasks import accept_in_background

        code = str(draft.code)
        transaction.on_commit(lambda: accept_in_background.enqueue(code))
    return None


def run_accept(
    draft: ImportDraft, after_chunk: Callable[[ImportDraft], object] | None = None
) -> ImportDraft:
    """Accept a queued draft chunk by chunk (the background task's body), each chunk one
    transaction that also commits the place reached; resumes from that place."""
    data = with_edits(draft.draft or {}, draft.edits)
    with heartbeat(draft):
        while True:
            with transaction.atomic():
                draft = ImportDraft.objects.select_for_update().get(pk=draft.pk)
                if draft.status != ImportDraft.Status.ACCEPTING:
                    return draft  # resolved meanwhile (recovered, or done by another run)
                more = _accept_step(draft, data)
            if not more:
                return draft
            if after_chunk is not None:
                after_chunk(draft)


def _accept_step(draft: ImportDraft, data: dict[str, Any]) -> bool:
    """One chunk of accepting, saved with its place; False once the draft is accepted."""
    from django.contrib.auth import get_user_model

    state = draft.accepting
    phase = state["phase"]
    if phase == "start":
        plan = draft.plan or _new_plan(draft, data)
        state["new_plan"] = draft.plan is None
        draft.plan = plan
        draft.document = _document_for(draft, plan, data)
        builder = _PlanBuilder(plan, draft.document, data)
        state["areas"] = [a.pk if a else None for a in builder.areas()]
        state.update(phase="tasks", done=0, tasks={}, counts=builder.counts)
    elif phase in ("tasks", "targets"):
        assert draft.plan is not None and draft.document is not None
        builder = _PlanBuilder(draft.plan, draft.document, data, state["counts"])
        areas = _areas_of(state["areas"])
        items = data.get(phase, [])
        chunk = range(state["done"], min(state["done"] + ACCEPT_CHUNK, len(items)))
        if phase == "tasks":
            made = builder.tasks(areas, chunk)
            state["tasks"].update({str(i): t.pk for i, t in made.items()})
        else:
            tasks = Task.objects.in_bulk(state["tasks"].values())
            builder.indicators(
                areas, {int(i): tasks[pk] for i, pk in state["tasks"].items()}, chunk
            )
        state["counts"], state["done"] = builder.counts, chunk.stop
        if chunk.stop >= len(items):
            state.update(phase="targets" if phase == "tasks" else "finish", done=0)
    else:  # finish
        assert draft.plan is not None
        user = get_user_model().objects.filter(pk=state.get("user")).first()
        _set(draft, status=ImportDraft.Status.ACCEPTED, progress=100, accepted_at=timezone.now(), message="",
             plan=draft.plan, document=draft.document, accepting={**state, "phase": "done"})  # fmt: skip
        record(user, Event.IMPORT_ACCEPT, f"import:{draft.code}",
               after={"plan": draft.plan.code, **state["counts"]})  # fmt: skip
        _judge(draft.plan, "all")
        return False
    total = len(data.get("tasks", [])) + len(data.get("targets", [])) or 1
    done = state["done"] + (len(data.get("tasks", [])) if state["phase"] == "targets" else 0)
    done = total if state["phase"] == "finish" else done
    _set(draft, plan=draft.plan, document=draft.document, accepting=state,
         progress=min(99, round(100 * done / total)))  # fmt: skip
    return True


def _areas_of(ids: list[int | None]) -> list[Area | None]:
    found = Area.objects.in_bulk([i for i in ids if i is not None])
    return [found.get(i) if i is not None else None for i in ids]


def _document_for(draft: ImportDraft, plan: Plan, data: dict[str, Any]) -> Document:
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
    return document


def give_up_accepting(draft: ImportDraft, now: dt.datetime) -> ImportDraft:
    """An accept that stopped MAX_ACCEPT_ATTEMPTS times: a plan it was making is removed
    again (the draft goes back to review, nothing kept); into an existing plan, what was
    written stays, matched by its words, so accepting again completes it."""
    state = draft.accepting
    plan = draft.plan
    if state.get("new_plan") and plan is not None:
        ImportDraft.objects.filter(pk=draft.pk).update(plan=None, document=None)
        plan.delete()
        draft.plan = draft.document = None
        message = _(
            "Accepting this import stopped %(n)s times before it finished. The plan it was "
            "making has been removed again; nothing was kept. Accept it again."
        ) % {"n": state.get("attempts", 0)}  # fmt: skip
    else:
        message = _(
            "Accepting this import stopped %(n)s times before it finished. Part of it is "
            "already in the plan; accept it again to complete it (nothing is duplicated)."
        ) % {"n": state.get("attempts", 0)}  # fmt: skip
    return _set(draft, status=ImportDraft.Status.READY, progress=0, message=message,
                accepting={}, plan=draft.plan, document=draft.document)  # fmt: skip


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

    def __init__(
        self, plan: Plan, document: Document, data: dict[str, Any],
        counts: dict[str, int] | None = None,
    ) -> None:  # fmt: skip
        self.plan, self.document, self.data = plan, document, data
        self.units = {u.code: u for u in OrgUnit.objects.filter(path__startswith=plan.issuer.path)}
        self.counts = dict(counts or {"areas": 0, "tasks": 0, "targets": 0, "units": 0})
        self.taken: dict[Any, set[str]] = {}

    def next_code(self, model: type[models.Model], prefix: str) -> str:
        taken = self.taken.get(model)
        if taken is None:  # read once per chunk, then kept up to date here
            taken = set(model.objects.filter(plan=self.plan).values_list("code", flat=True))
            self.taken[model] = taken
        n = len(taken) + 1
        while f"{prefix}{n:03d}" in taken:
            n += 1
        taken.add(f"{prefix}{n:03d}")
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

    def tasks(self, areas: list[Area | None], indexes: range) -> dict[int, Task]:
        made: dict[int, Task] = {}
        items = self.data.get("tasks", [])
        texts = {items[i]["text"] for i in indexes}
        found: dict[str, Task] = {}  # the plan's tasks this chunk matches, read at once
        for old in Task.objects.filter(plan=self.plan, text__in=texts).order_by("-pk"):
            found[old.text] = old
        for index in indexes:
            item = items[index]
            if item.get("skip"):
                continue
            task = found.get(item["text"])
            if task is None:
                task = Task(plan=self.plan, code=self.next_code(Task, "t"))
                self.counts["tasks"] += 1
            task.area = _at(areas, item.get("heading"))
            task.number = (item.get("number") or "")[:16]
            task.title = item.get("title") or _title(item["text"])
            task.text = item["text"]
            task.deadline = item.get("deadline")
            task.leader = "、".join(item.get("leaders") or [])[:100]
            start, end = item["span"]
            task.document, task.span_start, task.span_end = self.document, start, end
            task.order = index
            task.save()
            found[task.text] = task
            self.assign(task, item)
            made[index] = task
        return made

    def assign(self, task: Task, item: dict[str, Any]) -> None:
        wanted: dict[int, str] = {}
        for role in (Assignment.Role.LEAD, Assignment.Role.CO):
            for match in item.get(f"{role}_match", []):
                unit = self.unit_for(match)
                if unit is not None and unit.pk not in wanted:
                    wanted[unit.pk] = str(role)  # a Choices member's str is its value
        task.assignments.exclude(unit_id__in=wanted).delete()
        for order, (unit_id, wanted_role) in enumerate(wanted.items()):
            Assignment.objects.update_or_create(
                task=task, unit_id=unit_id, defaults={"role": wanted_role, "order": order}
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

    def indicators(self, areas: list[Area | None], tasks: dict[int, Task], indexes: range) -> None:
        owner = {
            t: i
            for i, item in enumerate(self.data.get("tasks", []))
            for t in item.get("targets", [])
        }
        items = self.data.get("targets", [])
        metrics = {items[i]["metric"] for i in indexes}
        found: dict[str, Indicator] = {}  # the plan's targets this chunk matches
        for old in Indicator.objects.filter(plan=self.plan, metric__in=metrics).order_by("-pk"):
            found[old.metric] = old
        for index in indexes:
            item = items[index]
            if item.get("skip"):
                continue
            indicator = found.get(item["metric"])
            if indicator is None:
                indicator = Indicator(plan=self.plan, code=self.next_code(Indicator, "i"))
                self.counts["targets"] += 1
            self.fill(indicator, item, areas, tasks.get(owner.get(index, -1)))
            indicator.order = index
            # Codes are unique by next_code; the field and constraint checks still run.
            indicator.full_clean(
                exclude=["plan", "area", "task", "document"], validate_unique=False
            )
            indicator.save()
            found[indicator.metric] = indicator

    def fill(
        self, ind: Indicator, item: dict[str, Any], areas: list[Area | None], task: Task | None
    ) -> None:
        ind.metric = item["metric"][:200]
        ind.kind = item["kind"]
        ind.comparator = item["comparator"]
        ind.value = _decimal(item.get("value"))
        ind.value_max = _decimal(item.get("value_max"))
        ind.unit = (item.get("unit") or "")[:32]
        ind.period = item.get("period") or str(self.plan.year)
        ind.binding = bool(item.get("binding"))
        ind.headline = ind.headline or bool(item.get("headline"))  # never unmarks one
        ind.direction = "down" if item["comparator"] == "<=" else "up"
        ind.accumulation = ACCUMULATION.get(item["kind"], "cumulative")
        ind.area = _at(areas, item.get("heading"))
        ind.task = task
        start, end = item["span"]
        ind.document, ind.span_start, ind.span_end = self.document, start, end


def _at(items: list[Area | None], index: int | None) -> Area | None:
    return items[index] if index is not None and 0 <= index < len(items) else None


def _title(text: str) -> str:
    head = text.split("。")[0].split("，")[0]
    return head[:60] or text[:60]


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


# ── The plan tree: areas, tasks, targets, milestones, assignments ───────────────────
# Every write below takes the acting user, checks that they run the plan's office
# (a supervisor of the issuing government), runs in one transaction and writes one audit
# row. An edit of a task or target carries the version it was made from; if someone
# saved in between, it is refused with EditConflict and nothing changes.


class EditConflict(ValidationError):
    """Someone else saved this item since the form was opened; ``current`` is their version."""

    def __init__(self, current: Any) -> None:
        super().__init__(
            _(
                "Someone else changed this item while you were editing it. "
                "Their version is shown; make your change again."
            )
        )
        self.current = current


def may_edit(user: User, plan: Plan) -> bool:
    """Whether the user runs the office that issues the plan (builds and changes its tree)."""
    return access.supervises(user, plan.issuer)


def _check_office(user: User, plan: Plan) -> None:
    if not may_edit(user, plan):
        raise PermissionDenied(_("Only the supervision office may change the plan."))


def _next_code(model: type[models.Model], plan: Plan, prefix: str) -> str:
    taken = set(model.objects.filter(plan=plan).values_list("code", flat=True))
    n = len(taken) + 1
    while f"{prefix}{n:03d}" in taken:
        n += 1
    return f"{prefix}{n:03d}"


def _snapshot(obj: Any, fields: list[str]) -> dict[str, Any]:
    """Field values as JSON-friendly text for the audit row."""
    out: dict[str, Any] = {}
    for name in fields:
        value = getattr(obj, name)
        if hasattr(value, "code"):
            value = value.code
        elif value is not None and not isinstance(value, (str, int, bool, list, dict)):
            value = str(value)
        out[name] = value
    return out


def _validate(obj: Any, exclude: list[str] | None = None) -> None:
    obj.full_clean(exclude=[*(exclude or []), "document"], validate_unique=False)


def _check_version(obj: Any, version: int | None) -> None:
    """Lock the row and refuse an edit made from an older version."""
    fresh = type(obj).objects.select_for_update().get(pk=obj.pk)
    if version is not None and fresh.version != version:
        raise EditConflict(fresh)
    obj.version = fresh.version + 1


def _check_deadline(plan: Plan, day: Any, field: str = "deadline") -> None:
    if day is not None and day.year != plan.year:
        raise ValidationError(
            {field: _("The date %(date)s is outside the plan's year %(year)s.")
             % {"date": day.isoformat(), "year": plan.year}}
        )  # fmt: skip


def _judge(plan: Plan, subjects: Any) -> None:
    """Judge again what the edit touched, inside the action's transaction (the status store)."""
    from mubiao.dashboard import statuses

    statuses.apply(plan, statuses.ALL if subjects == "all" else subjects)


# Plans


@transaction.atomic
def create_plan(user: User, *, issuer: OrgUnit, code: str, name: str, year: int) -> Plan:
    """A new, empty plan in draft; it is issued later (``issue``)."""
    if not access.supervises(user, issuer):
        raise PermissionDenied(_("Only the supervision office may change the plan."))
    plan = Plan(code=code, name=name.strip(), issuer=issuer, year=year, status=Plan.Status.DRAFT)
    plan.full_clean()
    plan.save()
    record(user, Event.PLAN_CREATE, f"plan:{plan.code}", after=_snapshot(plan, PLAN_FIELDS))
    return plan


PLAN_FIELDS = ["name", "year", "summary", "acknowledge_days", "status"]


@transaction.atomic
def update_plan(user: User, plan: Plan, **fields: Any) -> Plan:
    _check_office(user, plan)
    unknown = set(fields) - {"name", "summary", "acknowledge_days", "year"}
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    before = _snapshot(plan, PLAN_FIELDS)
    for name, value in fields.items():
        setattr(plan, name, value)
    plan.full_clean()
    plan.save()
    _judge(plan, "all")  # a new year or name: every row and the pages' header
    record(user, Event.PLAN_CHANGE, f"plan:{plan.code}", before=before,
           after=_snapshot(plan, PLAN_FIELDS))  # fmt: skip
    return plan


# Areas

AREA_FIELDS = ["number", "name", "subtitle", "parent", "order"]


def _area_target(area: Area) -> str:
    return f"area:{area.plan.code}/{area.code}"


@transaction.atomic
def create_area(
    user: User, plan: Plan, *, name: str, number: str = "", subtitle: str = "",
    parent: Area | None = None,
) -> Area:  # fmt: skip
    _check_office(user, plan)
    if parent is not None and parent.plan_id != plan.pk:
        raise ValidationError(_("The parent area belongs to another plan."))
    siblings = Area.objects.filter(plan=plan, parent=parent)
    area = Area(
        plan=plan, code=_next_code(Area, plan, "a"), name=name.strip(), number=number.strip(),
        subtitle=subtitle.strip(), parent=parent, order=_next_order(siblings),
    )  # fmt: skip
    _validate(area)
    area.save()
    _judge(plan, "all")
    record(user, Event.AREA_CREATE, _area_target(area), after=_snapshot(area, AREA_FIELDS))
    return area


def _next_order(siblings: QuerySet[Any]) -> int:
    last = siblings.order_by("-order").values_list("order", flat=True).first()
    return 0 if last is None else last + 1


@transaction.atomic
def update_area(user: User, area: Area, *, name: str, number: str = "", subtitle: str = "") -> Area:
    _check_office(user, area.plan)
    before = _snapshot(area, AREA_FIELDS)
    area.name, area.number, area.subtitle = name.strip(), number.strip(), subtitle.strip()
    _validate(area)
    area.save()
    _judge(area.plan, "all")  # the area's name is in its items' rows
    record(user, Event.AREA_CHANGE, _area_target(area), before=before,
           after=_snapshot(area, AREA_FIELDS))  # fmt: skip
    return area


@transaction.atomic
def move_area(user: User, area: Area, *, parent: Area | str | None = "keep", step: int = 0) -> Area:
    """Put the area under another parent (at the end), and/or move it ``step`` places
    among its siblings (-1 up, +1 down)."""
    _check_office(user, area.plan)
    before = _snapshot(area, AREA_FIELDS)
    if parent != "keep":
        assert not isinstance(parent, str)
        _check_area_parent(area, parent)
        area.parent = parent
        area.order = _next_order(Area.objects.filter(plan=area.plan, parent=parent))
        area.save(update_fields=["parent", "order"])
    if step:
        _shift(area, list(Area.objects.filter(plan=area.plan, parent=area.parent_id)), step)
    area.refresh_from_db()
    _judge(area.plan, "all")
    record(user, Event.AREA_MOVE, _area_target(area), before=before,
           after=_snapshot(area, AREA_FIELDS))  # fmt: skip
    return area


def _check_area_parent(area: Area, parent: Area | None) -> None:
    ancestor = parent
    while ancestor is not None:
        if ancestor.pk == area.pk:
            raise ValidationError(_("An area cannot be placed inside itself."))
        ancestor = ancestor.parent
    if parent is not None and parent.plan_id != area.plan_id:
        raise ValidationError(_("The parent area belongs to another plan."))


def _shift(item: Any, siblings: list[Any], step: int) -> None:
    """Move ``item`` by ``step`` places among its siblings and number them 0, 1, 2…"""
    siblings.sort(key=lambda s: (s.order, s.pk))
    index = next(i for i, s in enumerate(siblings) if s.pk == item.pk)
    target = max(0, min(len(siblings) - 1, index + step))
    siblings.insert(target, siblings.pop(index))
    for order, sibling in enumerate(siblings):
        if sibling.order != order:
            sibling.order = order
            type(sibling).objects.filter(pk=sibling.pk).update(order=order)


@transaction.atomic
def reorder_tasks(user: User, plan: Plan, *, area: Area | None, codes: list[str]) -> list[str]:
    """Put the tasks of one area (or those outside any area) in the order given by their
    codes, as the editor's drag and drop sends it; the list must name each of them once."""
    _check_office(user, plan)
    if area is not None and area.plan_id != plan.pk:
        raise ValidationError(_("The area belongs to another plan."))
    siblings = sorted(Task.objects.select_for_update().filter(plan=plan, area=area),
                      key=lambda t: (t.order, t.pk))  # fmt: skip
    if len(codes) != len(set(codes)) or set(codes) != {t.code for t in siblings}:
        raise ValidationError(
            _("The new order must name every task of the area once: reload the page, "
              "someone may have added or moved a task.")
        )  # fmt: skip
    before = [t.code for t in siblings]
    by_code = {t.code: t for t in siblings}
    for order, code in enumerate(codes):
        if by_code[code].order != order:
            Task.objects.filter(pk=by_code[code].pk).update(order=order)
    if codes != before:
        _judge(plan, "all")  # the ledger's order
        target = f"area:{plan.code}/{area.code}" if area else f"plan:{plan.code}"
        record(user, Event.TASK_REORDER, target, before={"order": before}, after={"order": codes})
    return codes


@transaction.atomic
def delete_area(user: User, area: Area) -> None:
    """Delete an empty area; one that still holds sub-areas, tasks or targets is refused."""
    _check_office(user, area.plan)
    if area.children.exists() or area.tasks.exists() or area.indicators.exists():
        raise ValidationError(
            _("The area %(area)s still holds sub-areas, tasks or targets: move or delete them "
              "first.") % {"area": area}
        )  # fmt: skip
    before = _snapshot(area, AREA_FIELDS)
    target, plan = _area_target(area), area.plan
    area.delete()
    _judge(plan, "all")
    record(user, Event.AREA_DELETE, target, before=before)


# Tasks

TASK_FIELDS = ["area", "number", "title", "text", "leader", "deadline", "rhythm", "order"]
TASK_EDITABLE = {"area", "number", "title", "text", "leader", "deadline", "rhythm"}


def _task_target(task: Task) -> str:
    return f"task:{task.plan.code}/{task.code}"


def _apply_task_fields(task: Task, fields: dict[str, Any]) -> None:
    unknown = set(fields) - TASK_EDITABLE
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(task, name, value.strip() if isinstance(value, str) else value)
    if task.area_id and task.area.plan_id != task.plan_id:
        raise ValidationError(_("The area belongs to another plan."))
    _check_deadline(task.plan, task.deadline)
    if not task.title and task.text:
        task.title = _title(task.text)
    _validate(task, exclude=["plan", "area", "closed_by"])


@transaction.atomic
def create_task(user: User, plan: Plan, **fields: Any) -> Task:
    """A new task (not yet issued); title, text, number, area, leader, deadline, rhythm."""
    _check_office(user, plan)
    task = Task(plan=plan, code=_next_code(Task, plan, "t"))
    _apply_task_fields(task, fields)
    task.order = _next_order(Task.objects.filter(plan=plan, area=task.area))
    task.save()
    _judge(plan, [task])
    record(user, Event.TASK_CREATE, _task_target(task), after=_snapshot(task, TASK_FIELDS))
    return task


@transaction.atomic
def update_task(user: User, task: Task, *, version: int | None, **fields: Any) -> Task:
    """Change a task's fields; ``version`` is the one the form showed (EditConflict if stale)."""
    _check_office(user, task.plan)
    _check_version(task, version)
    before = _snapshot(Task.objects.get(pk=task.pk), TASK_FIELDS)
    _apply_task_fields(task, fields)
    task.save()
    _judge(task.plan, [task])
    record(user, Event.TASK_CHANGE, _task_target(task), before=before,
           after=_snapshot(task, TASK_FIELDS))  # fmt: skip
    return task


@transaction.atomic
def move_task(user: User, task: Task, *, area: Area | str | None = "keep", step: int = 0) -> Task:
    """Put the task in another area (at its end) and/or move it ``step`` places."""
    _check_office(user, task.plan)
    before = _snapshot(task, TASK_FIELDS)
    if area != "keep":
        assert not isinstance(area, str)
        if area is not None and area.plan_id != task.plan_id:
            raise ValidationError(_("The area belongs to another plan."))
        task.area = area
        task.order = _next_order(Task.objects.filter(plan=task.plan, area=area))
        task.version += 1
        task.save(update_fields=["area", "order", "version"])
    if step:
        _shift(task, list(Task.objects.filter(plan=task.plan, area=task.area_id)), step)
    task.refresh_from_db()
    _judge(task.plan, "all")
    record(user, Event.TASK_MOVE, _task_target(task), before=before,
           after=_snapshot(task, TASK_FIELDS))  # fmt: skip
    return task


@transaction.atomic
def delete_task(user: User, task: Task) -> None:
    """Delete a task not yet issued; an issued task is closed instead (its reports stay)."""
    _check_office(user, task.plan)
    if task.is_issued:
        raise ValidationError(
            _("The task %(number)s %(title)s has been issued: close it instead of deleting it.")
            % {"number": task.number, "title": task.title}
        )
    before = _snapshot(task, TASK_FIELDS)
    target, plan = _task_target(task), task.plan
    task.delete()
    _judge(plan, "all")
    record(user, Event.TASK_DELETE, target, before=before)


@transaction.atomic
def close_task(user: User, task: Task, *, reopen: bool = False) -> Task:
    """Mark the task done (销号), or reopen it."""
    _check_office(user, task.plan)
    before = {"closed_at": task.closed_at.isoformat() if task.closed_at else None}
    task.closed_at = None if reopen else timezone.now()
    task.closed_by = None if reopen else user
    task.version += 1
    task.save(update_fields=["closed_at", "closed_by", "version"])
    after = {"closed_at": task.closed_at.isoformat() if task.closed_at else None}
    _judge(task.plan, [task])
    if reopen:
        record(user, Event.TASK_REOPEN, _task_target(task), before=before, after=after)
    else:
        record(user, Event.TASK_CLOSE, _task_target(task), before=before, after=after)
    return task


@transaction.atomic
def renumber(user: User, plan: Plan) -> int:
    """Number areas (一、二、…) and the tasks in each area (1, 2, …) in their order;
    returns how many numbers changed."""
    _check_office(user, plan)
    changed = 0
    areas = list(Area.objects.filter(plan=plan).order_by("order", "pk"))
    roots = [a for a in areas if a.parent_id is None]
    for index, area in enumerate(roots):
        changed += _set_number(area, CHINESE_NUMERALS[index] if index < 99 else str(index + 1))
    for area in areas:
        if area.parent_id is not None:
            siblings = [a for a in areas if a.parent_id == area.parent_id]
            changed += _set_number(area, f"（{CHINESE_NUMERALS[siblings.index(area)]}）")
    for area_id in [None, *(a.pk for a in areas)]:
        tasks = Task.objects.filter(plan=plan, area_id=area_id).order_by("order", "pk")
        for index, task in enumerate(tasks):
            changed += _set_number(task, str(index + 1))
    _judge(plan, "all")
    record(user, Event.PLAN_RENUMBER, f"plan:{plan.code}", after={"changed": changed})
    return changed


def _chinese(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return f"{'' if tens == 1 else digits[tens]}十{digits[ones] if ones else ''}"


CHINESE_NUMERALS = [_chinese(n) for n in range(1, 100)]


def _set_number(obj: Any, number: str) -> int:
    if obj.number == number:
        return 0
    type(obj).objects.filter(pk=obj.pk).update(number=number)
    return 1


# Targets (indicators)

TARGET_FIELDS = [
    "task", "area", "metric", "kind", "comparator", "value", "value_max", "unit", "period",
    "baseline", "direction", "binding", "accumulation", "headline", "schedule",
    "baseline_series",
]  # fmt: skip
TARGET_VALUE_FIELDS = {"comparator", "value", "value_max"}
#: The fields that make its 序时进度, with their empty value.
TARGET_PROGRESS_FIELDS: dict[str, Any] = {"schedule": {}, "baseline_series": []}


def _target_target(ind: Indicator) -> str:
    return f"indicator:{ind.plan.code}/{ind.code}"


def _apply_target_fields(ind: Indicator, fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(TARGET_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(ind, name, value.strip() if isinstance(value, str) else value)
    for name in ("value", "value_max", "baseline"):
        setattr(ind, name, _number(getattr(ind, name), name))
    if not ind.period:
        ind.period = str(ind.plan.year)
    if not ind.accumulation:
        ind.accumulation = ACCUMULATION.get(ind.kind, "cumulative")
    if ind.task_id and ind.task.plan_id != ind.plan_id:
        raise ValidationError(_("The task belongs to another plan."))
    if ind.task_id and not fields.get("area"):
        ind.area = ind.task.area
    _validate(ind, exclude=["plan", "area", "task"])


def _number(value: Any, field: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except ArithmeticError:
        number = None
    if number is None or not number.is_finite():
        raise ValidationError({field: _("“%(value)s” is not a number.") % {"value": value}})
    return number


@transaction.atomic
def create_target(user: User, plan: Plan, **fields: Any) -> Indicator:
    """A new target; in a task, or standing alone in an area."""
    _check_office(user, plan)
    ind = Indicator(plan=plan, code=_next_code(Indicator, plan, "i"))
    if not fields.get("accumulation"):
        fields["accumulation"] = ACCUMULATION.get(fields.get("kind", ""), "cumulative")
    _apply_target_fields(ind, fields)
    ind.order = _next_order(Indicator.objects.filter(plan=plan, task=ind.task))
    if ind.task_id and ind.task.is_issued and ind.issued_at is None:
        ind.issued_at = timezone.now()
    ind.save()
    _judge(plan, [ind])
    record(user, Event.TARGET_CREATE, _target_target(ind), after=_snapshot(ind, TARGET_FIELDS))
    return ind


def target_needs_reason(ind: Indicator, fields: dict[str, Any]) -> bool:
    """Whether this edit changes an issued target's value or its 序时进度 (its schedule or
    last year's months, against which the unit is judged): then a reason is asked, and for
    the value an effective date."""
    if ind.issued_at is None and not (ind.task_id and ind.task.is_issued):
        return False
    return _value_changes(ind, fields) or any(
        name in fields and (fields[name] or empty) != (getattr(ind, name) or empty)
        for name, empty in TARGET_PROGRESS_FIELDS.items()
    )


def _value_changes(ind: Indicator, fields: dict[str, Any]) -> bool:
    probe = Indicator(
        **{f.attname: getattr(ind, f.attname) for f in Indicator._meta.concrete_fields}
    )
    for name in TARGET_VALUE_FIELDS & set(fields):
        value = fields[name]
        setattr(probe, name, _number(value, name) if name != "comparator" else value)
    return any(getattr(probe, n) != getattr(ind, n) for n in TARGET_VALUE_FIELDS)


@transaction.atomic
def change_target(
    user: User, ind: Indicator, *, version: int | None, reason: str = "",
    effective_from: dt.date | None = None, **fields: Any,
) -> Indicator:  # fmt: skip
    """Edit a target. Once it is issued, a change of its value needs a reason; the old
    value stays in force before ``effective_from`` (default today), so earlier judgements
    and bulletins keep it. A change of its 序时进度 (``schedule``, ``baseline_series``)
    needs a reason too, kept in the audit row; it applies to the whole year."""
    _check_office(user, ind.plan)
    return _change_target(user, ind, version=version, reason=reason,
                          effective_from=effective_from, fields=fields)  # fmt: skip


def _change_target(
    user: User, ind: Indicator, *, version: int | None, reason: str,
    effective_from: dt.date | None, fields: dict[str, Any],
) -> Indicator:  # fmt: skip
    needs_reason = target_needs_reason(ind, fields)
    if needs_reason and not reason.strip():
        raise ValidationError(
            {"reason": _("This target has been issued: give the reason for changing it.")}
        )
    _check_version(ind, version)
    new_value = needs_reason and _value_changes(ind, fields)
    old = Indicator.objects.get(pk=ind.pk)
    before = _snapshot(old, TARGET_FIELDS)
    _apply_target_fields(ind, fields)
    ind.save()
    if new_value:
        day = effective_from or timezone.localdate()
        _check_deadline(ind.plan, day, "effective_from")
        TargetRevision.objects.create(
            indicator=ind, effective_from=day, reason=reason.strip(), changed_by=user,
            old_comparator=old.comparator, old_value=old.value, old_value_max=old.value_max,
            new_comparator=ind.comparator, new_value=ind.value, new_value_max=ind.value_max,
        )  # fmt: skip
    _judge(ind.plan, [ind])
    record(user, Event.TARGET_CHANGE, _target_target(ind), before=before,
           after=_snapshot(ind, TARGET_FIELDS), note=reason.strip())  # fmt: skip
    return ind


@transaction.atomic
def move_target(user: User, ind: Indicator, *, step: int) -> Indicator:
    _check_office(user, ind.plan)
    _shift(ind, list(Indicator.objects.filter(plan=ind.plan, task=ind.task_id)), step)
    ind.refresh_from_db()
    _judge(ind.plan, "all")  # the ledger's order
    record(user, Event.TARGET_MOVE, _target_target(ind), after={"order": ind.order})
    return ind


@transaction.atomic
def delete_target(user: User, ind: Indicator) -> None:
    """Delete a target not yet issued (an issued one has reports and a history)."""
    _check_office(user, ind.plan)
    if ind.issued_at is not None:
        raise ValidationError(
            _("The target %(metric)s has been issued and cannot be deleted.")
            % {"metric": ind.metric}
        )
    before = _snapshot(ind, TARGET_FIELDS)
    target, plan = _target_target(ind), ind.plan
    ind.delete()
    # The whole plan, as for a deleted task: the target's row went with it (a cascade), so
    # judging only its task would leave the store's header counting a row no longer there.
    _judge(plan, "all")
    record(user, Event.TARGET_DELETE, target, before=before)


# Milestones


def _milestone_target(m: Milestone) -> str:
    return f"milestone:{m.task.plan.code}/{m.task.code}/{m.code}"


@transaction.atomic
def create_milestone(user: User, task: Task, *, text: str, due: dt.date | None) -> Milestone:
    _check_office(user, task.plan)
    _check_deadline(task.plan, due, "due")
    milestone = Milestone(task=task, code=next_milestone_code(task.pk), text=text.strip(),
                          due=due, order=_next_order(task.milestones.all()))  # fmt: skip
    milestone.full_clean()
    milestone.save()
    _judge(task.plan, [milestone])
    record(user, Event.MILESTONE_CREATE, _milestone_target(milestone),
           after={"text": milestone.text, "due": str(due)})  # fmt: skip
    return milestone


@transaction.atomic
def update_milestone(
    user: User, milestone: Milestone, *, text: str, due: dt.date | None
) -> Milestone:
    _check_office(user, milestone.task.plan)
    _check_deadline(milestone.task.plan, due, "due")
    before = {"text": milestone.text, "due": str(milestone.due)}
    milestone.text, milestone.due = text.strip(), due
    milestone.full_clean()
    milestone.save()
    _judge(milestone.task.plan, [milestone])
    record(user, Event.MILESTONE_CHANGE, _milestone_target(milestone), before=before,
           after={"text": milestone.text, "due": str(due)})  # fmt: skip
    return milestone


@transaction.atomic
def complete_milestone(
    user: User, milestone: Milestone, *, on: dt.date | Literal[False] | None = None
) -> Milestone:
    """Mark the milestone done on ``on`` (default today), or not done with ``on=False``;
    done in the plan's year, or late in the year after."""
    plan = milestone.task.plan
    _check_office(user, plan)
    if on and not plan.year <= on.year <= plan.year + 1:
        raise ValidationError(
            {"done": _("A milestone of the plan for %(year)s is done in %(year)s or %(next)s, "
                       "not on %(date)s.")
             % {"year": plan.year, "next": plan.year + 1, "date": on.isoformat()}}
        )  # fmt: skip
    before = {"done_at": str(milestone.done_at) if milestone.done_at else None}
    milestone.done_at = None if on is False else (on or timezone.localdate())
    milestone.save(update_fields=["done_at"])
    _judge(milestone.task.plan, [milestone])
    record(user, Event.MILESTONE_COMPLETE, _milestone_target(milestone), before=before,
           after={"done_at": str(milestone.done_at) if milestone.done_at else None})  # fmt: skip
    return milestone


@transaction.atomic
def delete_milestone(user: User, milestone: Milestone) -> None:
    _check_office(user, milestone.task.plan)
    target = _milestone_target(milestone)
    before = {"text": milestone.text, "due": str(milestone.due)}
    plan, task = milestone.task.plan, milestone.task
    milestone.delete()
    _judge(plan, [task])
    record(user, Event.MILESTONE_DELETE, target, before=before)


# Assignments


@transaction.atomic
def assign_unit(
    user: User,
    task: Task,
    unit: OrgUnit,
    *,
    role: str = Assignment.Role.CO,  # type: ignore[assignment]  # a Choices member (CONTRIBUTING: mypy and Choices)
    step: int = 0,
) -> Assignment:
    """Make ``unit`` the task's lead (the former lead becomes a co-unit) or a co-unit, or
    move it ``step`` places among the co-units. One lead per task."""
    plan = task.plan
    _check_office(user, plan)
    if not unit.is_within(plan.issuer):
        raise ValidationError(
            _("%(unit)s is not under %(issuer)s.") % {"unit": unit.name, "issuer": plan.issuer}
        )
    if role not in Assignment.Role.values:
        raise ValidationError(_("Choose lead or co-operating unit."))
    before = _assignments_of(task)
    if role == Assignment.Role.LEAD:  # type: ignore[comparison-overlap]  # a Choices member (CONTRIBUTING: mypy and Choices)
        task.assignments.filter(role=Assignment.Role.LEAD).exclude(unit=unit).update(
            role=Assignment.Role.CO
        )
    assignment, _created = Assignment.objects.get_or_create(
        task=task, unit=unit, defaults={"role": role, "order": 10_000}
    )
    if assignment.role != role:
        assignment.role = role
        assignment.save(update_fields=["role"])
    items = list(task.assignments.all())
    items.sort(key=lambda a: (a.role != Assignment.Role.LEAD, a.order, a.pk))
    if step:
        index = items.index(next(a for a in items if a.pk == assignment.pk))
        target = max(1 if items[0].role == Assignment.Role.LEAD else 0,
                     min(len(items) - 1, index + step))  # fmt: skip
        if assignment.role != Assignment.Role.LEAD:
            items.insert(target, items.pop(index))
    for order, item in enumerate(items):
        if item.order != order:
            Assignment.objects.filter(pk=item.pk).update(order=order)
    if task.is_issued and _created:
        _issue_assignment(user, task, assignment)
    Task.objects.filter(pk=task.pk).update(version=task.version + 1)
    task.version += 1
    _open_slots(task)
    former = OrgUnit.objects.filter(code__in=[u.split(":")[0] for u in before])
    _judge(plan, [task, unit, *former])  # a former lead's standing too
    record(user, Event.UNIT_ASSIGN, _task_target(task), before={"units": before},
           after={"units": _assignments_of(task)})  # fmt: skip
    assignment.refresh_from_db()
    return assignment


@transaction.atomic
def unassign_unit(user: User, task: Task, unit: OrgUnit) -> None:
    _check_office(user, task.plan)
    before = _assignments_of(task)
    task.assignments.filter(unit=unit).delete()
    Task.objects.filter(pk=task.pk).update(version=task.version + 1)
    task.version += 1
    _judge(task.plan, [task, unit])
    record(user, Event.UNIT_UNASSIGN, _task_target(task), before={"units": before},
           after={"units": _assignments_of(task)})  # fmt: skip


def _open_slots(task: Task) -> None:
    """The report slots of the cycles already open, for an issued task's units (later
    cycles get theirs when they open: ``mubiao tick``)."""
    if task.issued_at is None:
        return
    from mubiao.reporting.cycles import ensure_open_reports

    ensure_open_reports(task.plan)


def _assignments_of(task: Task) -> list[str]:
    rows = task.assignments.select_related("unit").order_by("-role", "order")
    return [f"{a.unit.code}:{a.role}" for a in rows]


# ── Issuing (下发) and acknowledging (签收) ────────────────────────────────────────


def issue_problems(tasks: Iterable[Task]) -> list[str]:
    """What stops these tasks being issued, one sentence each (a task needs a lead unit)."""
    problems = []
    for task in tasks:
        if not any(a.role == Assignment.Role.LEAD for a in task.assignments.all()):
            problems.append(
                _("Task %(number)s %(title)s has no lead unit.")
                % {"number": task.number, "title": task.title}
            )
    return problems


@transaction.atomic
def issue(user: User, plan: Plan, tasks: list[Task] | None = None) -> list[Task]:
    """Issue the plan's tasks not yet issued (or the given batch): reporting starts on them,
    and every unit assigned is told. All or nothing: a task without a lead unit stops it."""
    _check_office(user, plan)
    pending = Task.objects.filter(plan=plan, issued_at__isnull=True).prefetch_related(
        "assignments__unit"
    )
    if tasks is not None:
        pending = pending.filter(pk__in=[t.pk for t in tasks])
    batch = list(pending)
    problems = issue_problems(batch)
    if problems:
        raise ValidationError(problems)
    now = timezone.now()
    Task.objects.filter(pk__in=[t.pk for t in batch]).update(issued_at=now)
    targets = Indicator.objects.filter(plan=plan, issued_at__isnull=True)
    if tasks is not None:
        targets = targets.filter(task__in=batch)
    issued_targets = targets.update(issued_at=now)
    if plan.status == Plan.Status.DRAFT:
        plan.status = Plan.Status.ACTIVE
        plan.save(update_fields=["status"])
    for task in batch:
        task.issued_at = now
        for assignment in task.assignments.all():
            _issue_assignment(user, task, assignment)
    if batch:
        _open_slots(batch[0])
    _judge(plan, "all")
    record(user, Event.PLAN_ISSUE, f"plan:{plan.code}",
           after={"tasks": [t.code for t in batch], "targets": issued_targets})  # fmt: skip
    return batch


def _issue_assignment(user: User, task: Task, assignment: Assignment) -> None:
    """Tell the unit its task arrived (in the app, by e-mail, to the group robot)."""
    if assignment.acknowledged_at or assignment.objection:
        Assignment.objects.filter(pk=assignment.pk).update(
            acknowledged_at=None, acknowledged_by=None, objection="", objected_at=None
        )
    text = _(
        "%(unit)s: task %(number)s %(title)s has been issued to you as %(role)s; "
        "please acknowledge it within %(days)s days."
    ) % {"unit": assignment.unit.short_name, "number": task.number, "title": task.title,
         "role": assignment.get_role_display(), "days": task.plan.acknowledge_days}  # fmt: skip
    notify(unit_people(assignment.unit), task.plan, Notice.Kind.ISSUED, text, task=task)  # type: ignore[arg-type]  # a Choices member (CONTRIBUTING: mypy and Choices)


def unit_people(unit: OrgUnit) -> list[User]:
    """The unit's reporters and heads (or, if it has none, those of the nearest unit above)."""
    from mubiao.orgs.models import Membership
    from mubiao.reporting.reminders import _unit_people

    people = {u.pk: u for role in (Membership.Role.REPORTER, Membership.Role.HEAD)
              for u in _unit_people(unit, str(role))}  # fmt: skip
    return list(people.values())


def office_people(plan: Plan) -> list[User]:
    from mubiao.orgs.models import Membership

    rows = Membership.objects.filter(role=Membership.Role.SUPERVISOR, user__is_active=True)
    return list({m.user.pk: m.user for m in rows.select_related("user", "unit__parent")
                 if plan.issuer.is_within(m.unit.governing_unit())}.values())  # fmt: skip


def notify(users: list[User], plan: Plan, kind: str, text: str, *, task: Task | None = None) -> int:
    """A notice in the app for each person; e-mail and the group robot once the
    transaction commits (a mail server down never undoes the write)."""
    Notice.objects.bulk_create(
        [Notice(recipient=u, plan=plan, task=task, kind=kind, message=text) for u in users]
    )
    emails = [u.email for u in users if u.email]
    transaction.on_commit(lambda: _send_out(emails, text))
    return len(users)


def _send_out(emails: list[str], text: str) -> None:
    import logging

    from django.conf import settings
    from django.core.mail import send_mail

    from mubiao.reporting.reminders import post_webhook

    log = logging.getLogger(__name__)
    try:
        if emails:
            send_mail(_("mubiao notice"), text, None, emails)
        webhook = getattr(settings, "MUBIAO_WEBHOOK_URL", "")
        if webhook:
            post_webhook(webhook, text)
    except Exception:  # the notice in the app stands; the channels are best effort
        log.exception("sending a plan notice failed")


def acknowledge_deadline(task: Task) -> dt.datetime | None:
    """The last moment a unit may object to the task (the acknowledge window's end)."""
    if task.issued_at is None:
        return None
    return task.issued_at + dt.timedelta(days=task.plan.acknowledge_days)


def _waiting(plan: Plan | None, *, overdue_at: dt.datetime | None = None) -> list[Assignment]:
    """Issued task assignments neither acknowledged nor objected to; with ``overdue_at``,
    only those whose acknowledge window had ended by then."""
    rows = Assignment.objects.filter(
        task__isnull=False, task__issued_at__isnull=False, acknowledged_at__isnull=True,
        objection="",
    ).select_related("task__plan", "unit__parent")  # fmt: skip
    if plan is not None:
        rows = rows.filter(task__plan=plan)
    if overdue_at is not None:
        rows = [a for a in rows if (end := acknowledge_deadline(a.task)) and end < overdue_at]
    return list(rows)


def _remind_units(assignments: list[Assignment], today: dt.date) -> dict[str, int]:
    """Remind each unit once a day of its tasks still waiting for 签收: the unit's rows are
    claimed with one conditional UPDATE (those not yet reminded today); a unit none of
    whose rows is claimed (already reminded, by the tick or the button) is skipped.
    Returns {unit code: tasks reminded of}."""
    from django.db.models import Q

    by_unit: dict[tuple[int, int], list[Assignment]] = {}
    for a in assignments:
        by_unit.setdefault((a.task.plan_id, a.unit_id), []).append(a)
    reminded: dict[str, int] = {}
    for rows in by_unit.values():
        claimed = Assignment.objects.filter(
            Q(ack_reminded_on__isnull=True) | Q(ack_reminded_on__lt=today),
            pk__in=[a.pk for a in rows],
        ).update(ack_reminded_on=today)
        if not claimed:
            continue
        unit, plan = rows[0].unit, rows[0].task.plan
        tasks = "；".join(f"{a.task.number} {a.task.title}" for a in rows)
        text = _(
            "%(unit)s: please acknowledge (签收) the tasks issued to you, or object with a "
            "reason: %(tasks)s"
        ) % {"unit": unit.short_name, "tasks": tasks}
        notify(unit_people(unit), plan, Notice.Kind.REMIND, text,  # type: ignore[arg-type]  # a Choices member (CONTRIBUTING: mypy and Choices)
               task=rows[0].task if len(rows) == 1 else None)  # fmt: skip
        reminded[unit.code] = len(rows)
    return reminded


def remind_overdue_acknowledgements(now: dt.datetime) -> int:
    """A ``mubiao tick`` job: remind every unit that has not acknowledged a task after its
    plan's window (``acknowledge_days`` after issue), once per unit a day. Returns how many
    units were reminded."""
    with transaction.atomic():
        reminded = _remind_units(_waiting(None, overdue_at=now), timezone.localdate(now))
        if reminded:
            record(None, Event.TASK_REMIND_ACKNOWLEDGE, "tick:acknowledgements",
                   after={"units": reminded})  # fmt: skip
    return len(reminded)


@transaction.atomic
def remind_acknowledge(user: User, plan: Plan) -> dict[str, int]:
    """The office's "remind now" on the acknowledgements page: every unit still waiting
    on an issued task of the plan is reminded, unless it was reminded today already (so
    pressing twice sends nothing more). Returns {unit code: tasks}."""
    _check_office(user, plan)
    reminded = _remind_units(_waiting(plan), timezone.localdate())
    if reminded:
        record(user, Event.TASK_REMIND_ACKNOWLEDGE, f"plan:{plan.code}", after={"units": reminded})
    return reminded


def _my_assignment(user: User, task: Task, unit: OrgUnit | None) -> Assignment:
    if not task.is_issued:
        raise ValidationError(_("This task has not been issued yet."))
    roots = access.unit_roots(user)
    mine = [a for a in task.assignments.select_related("unit")
            if any(a.unit.is_within(r) for r in roots)]  # fmt: skip
    if unit is not None:
        mine = [a for a in mine if a.unit_id == unit.pk]
    if not mine:
        raise PermissionDenied(_("Only a unit the task is assigned to may acknowledge it."))
    return mine[0]


@transaction.atomic
def acknowledge(user: User, task: Task, *, unit: OrgUnit | None = None) -> Assignment:
    """签收: the unit confirms it received its part of the task."""
    assignment = _my_assignment(user, task, unit)
    assignment.acknowledged_at = timezone.now()
    assignment.acknowledged_by = user
    assignment.objection, assignment.objected_at = "", None
    assignment.save(update_fields=["acknowledged_at", "acknowledged_by", "objection",
                                   "objected_at"])  # fmt: skip
    record(user, Event.TASK_ACKNOWLEDGE, _task_target(task), after={"unit": assignment.unit.code})
    return assignment


@transaction.atomic
def object_to(user: User, task: Task, *, reason: str, unit: OrgUnit | None = None) -> Assignment:
    """The unit objects to its part of the task, with a reason, inside the window."""
    assignment = _my_assignment(user, task, unit)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the unit objects to this task.")})
    closes = acknowledge_deadline(task)
    if closes is not None and timezone.now() > closes:
        raise ValidationError(
            _("The time to object to this task ended on %(date)s; ask the office for a change "
              "instead.") % {"date": timezone.localtime(closes).date().isoformat()}
        )  # fmt: skip
    assignment.objection, assignment.objected_at = reason.strip(), timezone.now()
    assignment.acknowledged_at, assignment.acknowledged_by = None, None
    assignment.save(update_fields=["acknowledged_at", "acknowledged_by", "objection",
                                   "objected_at"])  # fmt: skip
    text = _("%(unit)s objects to task %(number)s %(title)s: %(reason)s") % {
        "unit": assignment.unit.short_name, "number": task.number, "title": task.title,
        "reason": assignment.objection}  # fmt: skip
    notify(office_people(task.plan), task.plan, Notice.Kind.OBJECTION, text, task=task)  # type: ignore[arg-type]  # a Choices member (CONTRIBUTING: mypy and Choices)
    record(user, Event.TASK_OBJECT, _task_target(task), after={"unit": assignment.unit.code},
           note=assignment.objection)  # fmt: skip
    return assignment


def acknowledgements(plan: Plan) -> QuerySet[Assignment]:
    """Every assignment of the plan's issued tasks, with its task and unit, for the office's
    list of who has and has not acknowledged."""
    return (
        Assignment.objects.filter(task__plan=plan, task__issued_at__isnull=False)
        .select_related("task", "unit__parent", "acknowledged_by")
        .order_by("task__order", "task__pk", "-role", "order")
    )


# ── Change requests (调整申请) ─────────────────────────────────────────────────────


@transaction.atomic
def request_change(
    user: User, task: Task, *, kind: str, proposed: dict[str, Any], reason: str,
    effective_from: dt.date | None = None, indicator: Indicator | None = None,
    evidence: UploadedFile | list[UploadedFile] | tuple[UploadedFile, ...] | None = None,
    unit: OrgUnit | None = None,
) -> ChangeRequest:  # fmt: skip
    """A unit assigned to an issued task asks to change one of its targets, its deadline
    or an assignment, with a reason (and evidence: one uploaded file, or a list of them,
    checked like a report's evidence by ``reporting.evidence.check_files``)."""
    assignment = _my_assignment(user, task, unit)
    evidence = _checked_evidence(evidence)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the change.")})
    plan = task.plan
    day = effective_from or timezone.localdate()
    _check_deadline(plan, day, "effective_from")
    proposed, current = _check_proposal(task, kind, proposed, indicator)
    cr = ChangeRequest(
        plan=plan, task=task,
        indicator=indicator if kind == ChangeRequest.Kind.TARGET else None,  # type: ignore[comparison-overlap]  # a Choices member (CONTRIBUTING)
        unit=assignment.unit, kind=kind, proposed=proposed, current=current,
        reason=reason.strip(), effective_from=day, requested_by=user,
    )  # fmt: skip
    if evidence is not None:
        evidence.upload.seek(0)  # type: ignore[attr-defined]  # CheckedFile.upload: the upload as given
        cr.evidence.save(evidence.name, evidence.upload, save=False)
    cr.save()
    text = _("%(unit)s asks to change task %(number)s %(title)s (%(kind)s): %(reason)s") % {
        "unit": assignment.unit.short_name, "number": task.number, "title": task.title,
        "kind": cr.get_kind_display(), "reason": cr.reason}  # fmt: skip
    notify(office_people(plan), plan, Notice.Kind.REQUESTED, text, task=task)  # type: ignore[arg-type]  # a Choices member (CONTRIBUTING: mypy and Choices)
    record(user, Event.CHANGE_REQUEST, f"change:{cr.code}",
           after={"task": task.code, "kind": kind, **proposed}, note=cr.reason)  # fmt: skip
    return cr


@transaction.atomic
def attach_change_evidence(
    user: User,
    cr: ChangeRequest,
    evidence: UploadedFile | list[UploadedFile] | tuple[UploadedFile, ...] | None,
) -> ChangeRequest:
    """The asker attaches the evidence file to their pending request (the API's way: the
    request is sent as JSON, then its file), checked as ``request_change`` checks it."""
    cr = ChangeRequest.objects.select_for_update(of=("self",)).select_related("task").get(pk=cr.pk)
    if cr.requested_by_id != user.pk:
        raise PermissionDenied(_("Only the person who asked may add evidence to the request."))
    if cr.state != ChangeRequest.State.PENDING:
        raise ValidationError(_("This request has already been decided."))
    if cr.evidence:
        raise ValidationError({"evidence": _("This request already has its file of evidence.")})
    checked = _checked_evidence(evidence)
    if checked is None:
        raise ValidationError({"evidence": _("Attach a file.")})
    checked.upload.seek(0)  # type: ignore[attr-defined]  # CheckedFile.upload: the upload as given
    cr.evidence.save(checked.name, checked.upload, save=False)
    cr.save(update_fields=["evidence"])
    record(user, Event.CHANGE_EVIDENCE, f"change:{cr.code}",
           after={"file": checked.name, "sha256": checked.sha256})  # fmt: skip
    return cr


def _checked_evidence(
    evidence: UploadedFile | list[UploadedFile] | tuple[UploadedFile, ...] | None,
) -> CheckedFile | None:
    """The change request's evidence file, checked (count, size, type by content); None if
    nothing was attached. A request holds one file: several are refused after the checks
    every evidence upload gets."""
    from mubiao.reporting.evidence import check_files

    if evidence is None:
        return None
    uploads = [u for u in (evidence if isinstance(evidence, list | tuple) else [evidence]) if u]
    if not uploads:
        return None
    try:
        checked = check_files(uploads)
    except ValidationError as exc:
        raise ValidationError({"evidence": exc.messages}) from None
    if len(checked) > 1:
        raise ValidationError(
            {"evidence": _("A change request carries one file of evidence: put the pages "
                           "into one PDF and attach that.")}
        )  # fmt: skip
    return checked[0]


def _check_proposal(
    task: Task, kind: str, proposed: dict[str, Any], indicator: Indicator | None
) -> tuple[dict[str, Any], dict[str, Any]]:
    if kind == ChangeRequest.Kind.TARGET:  # type: ignore[comparison-overlap]  # a Choices member (CONTRIBUTING)
        if indicator is None or indicator.task_id != task.pk:
            raise ValidationError({"indicator": _("Choose one of the task's targets.")})
        value = _number(proposed.get("value"), "value")
        if value is None and indicator.comparator in Indicator.NUMERIC_COMPARATORS:
            raise ValidationError({"value": _("Give the new target value.")})
        value_max = _number(proposed.get("value_max"), "value_max")
        return (
            {"value": _text(value), "value_max": _text(value_max)},
            {"value": _text(indicator.value), "value_max": _text(indicator.value_max)},
        )
    if kind == ChangeRequest.Kind.DEADLINE:  # type: ignore[comparison-overlap]  # a Choices member (CONTRIBUTING)
        day = _date(proposed.get("deadline"))
        _check_deadline(task.plan, day)
        return {"deadline": day.isoformat()}, {
            "deadline": task.deadline.isoformat() if task.deadline else None
        }
    if kind == ChangeRequest.Kind.ASSIGNMENT:  # type: ignore[comparison-overlap]  # a Choices member (CONTRIBUTING)
        unit = OrgUnit.objects.filter(code=proposed.get("unit") or "").first()
        role = proposed.get("role")
        if unit is None or not unit.is_within(task.plan.issuer):
            raise ValidationError({"unit": _("Choose a unit of this government.")})
        if role not in ("lead", "co", "none"):
            raise ValidationError({"role": _("Choose lead, co-operating unit or none.")})
        now = task.assignments.filter(unit=unit).values_list("role", flat=True).first()
        return {"unit": unit.code, "role": role}, {"unit": unit.code, "role": now or "none"}
    raise ValidationError({"kind": _("Choose what to change: a target, the deadline or a unit.")})


def _text(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError(
            {"deadline": _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": value}}
        ) from None


@transaction.atomic
def decide_change(
    user: User, cr: ChangeRequest, *, approve: bool, comment: str = ""
) -> ChangeRequest:
    """The office approves (the change takes effect from its date) or refuses, with a comment."""
    _check_office(user, cr.plan)
    cr = ChangeRequest.objects.select_for_update().get(pk=cr.pk)
    if cr.state != ChangeRequest.State.PENDING:
        raise ValidationError(_("This request has already been decided."))
    if not approve and not comment.strip():
        raise ValidationError({"comment": _("Say why the request is refused.")})
    if approve:
        _apply_change(user, cr)
    cr.state = ChangeRequest.State.APPROVED if approve else ChangeRequest.State.REFUSED
    cr.decided_by, cr.decided_at, cr.comment = user, timezone.now(), comment.strip()
    cr.save(update_fields=["state", "decided_by", "decided_at", "comment"])
    task = cr.task
    text = _("Your request to change task %(number)s %(title)s was %(state)s. %(comment)s") % {
        "number": task.number, "title": task.title, "state": cr.get_state_display(),
        "comment": cr.comment}  # fmt: skip
    if cr.requested_by is not None:
        notify([cr.requested_by], cr.plan, Notice.Kind.DECIDED, text.strip(), task=task)  # type: ignore[arg-type]  # a Choices member (CONTRIBUTING: mypy and Choices)
    if approve:
        record(user, Event.CHANGE_APPROVE, f"change:{cr.code}", note=cr.comment)
    else:
        record(user, Event.CHANGE_REFUSE, f"change:{cr.code}", note=cr.comment)
    return cr


def _apply_change(user: User, cr: ChangeRequest) -> None:
    task = Task.objects.select_related("plan").get(pk=cr.task_id)
    if cr.kind == ChangeRequest.Kind.TARGET:
        ind = Indicator.objects.select_related("plan", "task").get(pk=cr.indicator_id)
        fields = {"value": cr.proposed.get("value")}
        if ind.comparator == Indicator.Comparator.RANGE:
            fields["value_max"] = cr.proposed.get("value_max")
        _change_target(user, ind, version=None, reason=cr.reason,
                       effective_from=cr.effective_from, fields=fields)  # fmt: skip
    elif cr.kind == ChangeRequest.Kind.DEADLINE:
        update_task(user, task, version=None, deadline=_date(cr.proposed["deadline"]))
    else:
        unit = OrgUnit.objects.get(code=cr.proposed["unit"])
        if cr.proposed["role"] == "none":
            unassign_unit(user, task, unit)
        else:
            assign_unit(user, task, unit, role=cr.proposed["role"])


def target_history(ind: Indicator) -> list[TargetRevision]:
    return list(ind.revisions.select_related("changed_by"))


# ── Whole plans: the task-division workbook (任务分解表), next year's copy ─────────


def _issued_anything(plan: Plan) -> bool:
    return (
        Task.objects.filter(plan=plan, issued_at__isnull=False).exists()
        or Indicator.objects.filter(plan=plan, issued_at__isnull=False).exists()
    )


def _free_plan_code(base: str) -> str:
    code, n = base, 1
    while Plan.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return code


def _tree_counts(plan: Plan) -> dict[str, int]:
    return {
        "areas": Area.objects.filter(plan=plan).count(),
        "tasks": Task.objects.filter(plan=plan).count(),
        "targets": Indicator.objects.filter(plan=plan).count(),
    }


@transaction.atomic
def import_workbook(
    user: User, plan: Plan | None, data: bytes, *, issuer: OrgUnit | None = None, name: str = "",
    year: int | None = None,
) -> Plan:  # fmt: skip
    """Fill a plan from a 任务分解表 (``plans.workbook``): a new draft plan (``plan=None``,
    with issuer, name and year), or a plan none of whose tasks is issued, whose tree the
    workbook then replaces (tasks and targets of the same text are kept, with their codes
    and milestones). All or nothing: WorkbookRefused lists every problem with its row and
    column, and nothing is saved."""
    from mubiao.plans import workbook

    if plan is None:
        if issuer is None or not access.supervises(user, issuer):
            raise PermissionDenied(_("Only the supervision office may change the plan."))
        if not name.strip():
            raise ValidationError({"name": _("Give the new plan a name.")})
        year = year or timezone.localdate().year
    else:
        _check_office(user, plan)
        if _issued_anything(plan):
            raise ValidationError(
                _("This plan has issued tasks: a workbook can fill only a plan not yet issued; "
                  "import it as a new plan instead.")
            )  # fmt: skip
        issuer, year = plan.issuer, plan.year
    parsed = workbook.parse(data, year=year, issuer=issuer)
    if plan is None:
        plan = Plan(code=_free_plan_code(f"{issuer.code}-{year}"), name=name.strip(),
                    issuer=issuer, year=year, status=Plan.Status.DRAFT)  # fmt: skip
        plan.full_clean()
        plan.save()
        record(user, Event.PLAN_CREATE, f"plan:{plan.code}", after=_snapshot(plan, PLAN_FIELDS))
    before = _tree_counts(plan)
    _WorkbookFill(plan).fill(parsed)
    _judge(plan, "all")
    record(user, Event.PLAN_IMPORT_WORKBOOK, f"plan:{plan.code}", before=before,
           after=parsed.counts)  # fmt: skip
    return plan


class _WorkbookFill:
    """Writes a parsed workbook into the plan; what the workbook no longer holds goes."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.codes = {
            model: set(model.objects.filter(plan=plan).values_list("code", flat=True))
            for model in (Area, Task, Indicator)
        }
        self.areas: dict[tuple[int | None, str], list[Area]] = {}
        for area in Area.objects.filter(plan=plan).order_by("order", "pk"):
            self.areas.setdefault((area.parent_id, area.name), []).append(area)
        self.tasks: dict[str, list[Task]] = {}
        for task in Task.objects.filter(plan=plan).order_by("order", "pk"):
            self.tasks.setdefault(task.text or task.title, []).append(task)
        self.alone: dict[str, list[Indicator]] = {}
        for ind in Indicator.objects.filter(plan=plan, task__isnull=True).order_by("order", "pk"):
            self.alone.setdefault(ind.metric, []).append(ind)
        self.kept: dict[type, set[int]] = {Area: set(), Task: set(), Indicator: set()}
        self.alone_order = 0

    def code(self, model: type[models.Model], prefix: str) -> str:
        taken = self.codes[model]
        n = len(taken) + 1
        while f"{prefix}{n:03d}" in taken:
            n += 1
        taken.add(f"{prefix}{n:03d}")
        return f"{prefix}{n:03d}"

    def fill(self, parsed: workbook.Parsed) -> None:
        self.block(parsed.loose, None)
        top: Area | None = None
        orders: dict[int | None, int] = {}
        for row in parsed.areas:
            parent = None if row.top else top
            key = parent.pk if parent else None
            area = self.area(row, parent, orders.get(key, 0))
            orders[key] = orders.get(key, 0) + 1
            if row.top:
                top = area
            self.block(row, area)
        Task.objects.filter(plan=self.plan).exclude(pk__in=self.kept[Task]).delete()
        Indicator.objects.filter(plan=self.plan).exclude(pk__in=self.kept[Indicator]).delete()
        Area.objects.filter(plan=self.plan).exclude(pk__in=self.kept[Area]).update(parent=None)
        Area.objects.filter(plan=self.plan).exclude(pk__in=self.kept[Area]).delete()

    def area(self, row: workbook.AreaRow, parent: Area | None, order: int) -> Area:
        found = self.areas.get((parent.pk if parent else None, row.name)) or []
        area = found.pop(0) if found else Area(plan=self.plan, code=self.code(Area, "a"))
        area.name, area.number, area.parent, area.order = row.name, row.number, parent, order
        area.save()
        self.kept[Area].add(area.pk)
        return area

    def block(self, row: workbook.AreaRow, area: Area | None) -> None:
        for target in row.targets:
            found = self.alone.get(target.metric) or []
            ind = found.pop(0) if found else None
            ind = self.indicator(ind, target, area=area, task=None, order=self.alone_order)
            self.alone_order += 1
            self.assign(ind.assignments, {"indicator": ind}, target.lead, target.co)
        for order, item in enumerate(row.tasks):
            found = self.tasks.get(item.text) or []
            task = found.pop(0) if found else Task(plan=self.plan, code=self.code(Task, "t"))
            task.area, task.number, task.text = area, item.number, item.text
            task.title = _title(item.text)[:200]
            task.leader, task.deadline, task.rhythm = item.leader, item.deadline, item.rhythm
            task.order = order
            if task.pk:
                task.version += 1
            task.save()
            self.kept[Task].add(task.pk)
            self.assign(task.assignments, {"task": task}, item.lead, item.co)
            mine: dict[str, list[Indicator]] = {}
            for ind in task.indicators.order_by("order", "pk"):
                mine.setdefault(ind.metric, []).append(ind)
            for index, target in enumerate(item.targets):
                found_ind = mine.get(target.metric) or []
                self.indicator(found_ind.pop(0) if found_ind else None, target, area=area,
                               task=task, order=index)  # fmt: skip

    def indicator(
        self, ind: Indicator | None, target: workbook.TargetRow, *, area: Area | None,
        task: Task | None, order: int,
    ) -> Indicator:  # fmt: skip
        if ind is None:
            ind = Indicator(plan=self.plan, code=self.code(Indicator, "i"),
                            period=str(self.plan.year))  # fmt: skip
        elif ind.pk in self.kept[Indicator]:
            ind = Indicator(plan=self.plan, code=self.code(Indicator, "i"),
                            period=str(self.plan.year))  # fmt: skip
        if ind.kind != target.kind or not ind.accumulation:
            ind.accumulation = ACCUMULATION.get(target.kind, "cumulative")
        if ind.comparator != target.comparator:
            ind.direction = "down" if target.comparator == "<=" else "up"
        ind.metric, ind.kind, ind.comparator = target.metric, target.kind, target.comparator
        ind.value, ind.value_max, ind.unit = target.value, target.value_max, target.unit
        ind.area, ind.task, ind.order = area, task, order
        if ind.pk:
            ind.version += 1
        ind.save()
        self.kept[Indicator].add(ind.pk)
        return ind

    def assign(
        self, manager: Any, subject: dict[str, Any], lead: OrgUnit | None, co: list[OrgUnit]
    ) -> None:
        wanted = [(u, Assignment.Role.LEAD) for u in [lead] if u] + [
            (u, Assignment.Role.CO) for u in co
        ]
        manager.exclude(unit__in=[u for u, _r in wanted]).delete()
        for order, (unit, role) in enumerate(wanted):
            Assignment.objects.update_or_create(
                unit=unit, **subject, defaults={"role": role, "order": order}
            )


def _shift_year(day: dt.date | None, years: int) -> dt.date | None:
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@transaction.atomic
def copy_plan(user: User, source: Plan, *, year: int | None = None, name: str = "") -> Plan:
    """Next year's plan from this one (copy last year's plan): its areas, tasks, targets
    with their values as a starting point, units and milestones, dates moved by the years
    between; a draft, nothing issued, acknowledged or done."""
    _check_office(user, source)
    year = year or source.year + 1
    if year <= source.year:
        raise ValidationError({"year": _("The copy is for a later year than %(year)s.")
                               % {"year": source.year}})  # fmt: skip
    years, old = year - source.year, str(source.year)
    if not name.strip():
        name = (
            source.name.replace(old, str(year)) if old in source.name else (f"{source.name} {year}")
        )
    code_base = (
        source.code.replace(old, str(year)) if old in source.code else (f"{source.code}-{year}")
    )
    plan = Plan(
        code=_free_plan_code(code_base), name=name.strip()[:200], issuer=source.issuer,
        year=year, status=Plan.Status.DRAFT, summary=source.summary,
        acknowledge_days=source.acknowledge_days, warning_days=source.warning_days,
        progress_schedule=source.progress_schedule, project_schedule=source.project_schedule,
        rate_decimals=source.rate_decimals, start_rate_basis=source.start_rate_basis,
    )  # fmt: skip
    plan.full_clean()
    plan.save()
    from mubiao.dashboard.models import BandSetting
    from mubiao.plans.models import Frame

    frames: dict[int, Frame] = {}
    for frame in Frame.objects.filter(plan=source).order_by("parent_id", "order", "pk"):
        frames[frame.pk] = Frame.objects.create(
            plan=plan, code=frame.code, name=frame.name, description=frame.description,
            parent=frames.get(frame.parent_id), order=frame.order,
        )  # fmt: skip
    areas: dict[int, Area] = {}
    pending = list(Area.objects.filter(plan=source).order_by("order", "pk"))
    while pending:
        ready = [a for a in pending if a.parent_id is None or a.parent_id in areas]
        for a in ready:
            areas[a.pk] = Area.objects.create(
                plan=plan, code=a.code, number=a.number, name=a.name, subtitle=a.subtitle,
                parent=areas.get(a.parent_id), frame=frames.get(a.frame_id), order=a.order,
            )  # fmt: skip
        pending = [a for a in pending if a.pk not in areas]
    tasks: dict[int, Task] = {}
    for t in Task.objects.filter(plan=source).order_by("order", "pk"):
        tasks[t.pk] = Task.objects.create(
            plan=plan, area=areas.get(t.area_id), code=t.code, number=t.number, title=t.title,
            text=t.text, leader=t.leader, deadline=_shift_year(t.deadline, years),
            order=t.order, rhythm=t.rhythm, milestone_seq=t.milestone_seq,
        )  # fmt: skip
        for m in t.milestones.all():
            Milestone.objects.create(task=tasks[t.pk], code=m.code, text=m.text, order=m.order,
                                     due=_shift_year(m.due, years))  # fmt: skip
    inds: dict[int, Indicator] = {}
    copied = [f.name for f in Indicator._meta.concrete_fields if f.name in TARGET_FIELDS]
    for ind in Indicator.objects.filter(plan=source).order_by("order", "pk"):
        values = {name: getattr(ind, name) for name in copied if name not in ("task", "area")}
        period = ind.period.replace(old, str(year), 1) if ind.period.startswith(old) else ind.period
        values["period"] = period
        inds[ind.pk] = Indicator.objects.create(
            plan=plan, code=ind.code, task=tasks.get(ind.task_id), area=areas.get(ind.area_id),
            order=ind.order, **values,
        )  # fmt: skip
    for a in Assignment.objects.filter(Q(task__plan=source) | Q(indicator__plan=source)):
        Assignment.objects.create(
            task=tasks.get(a.task_id), indicator=inds.get(a.indicator_id), unit_id=a.unit_id,
            role=a.role, assumed=a.assumed, order=a.order,
        )  # fmt: skip
    for band in BandSetting.objects.filter(plan=source):
        BandSetting.objects.create(plan=plan, rule=band.rule, data=band.data)
    counts = _tree_counts(plan)
    _judge(plan, "all")
    record(user, Event.PLAN_COPY, f"plan:{plan.code}",
           after={"from": source.code, "year": year, **counts})  # fmt: skip
    return plan
