"""The reporting workflow as one table: state → allowed actions → who may take them.

Buttons are drawn from :data:`TRANSITIONS`; the actions check it; a parametrised test
walks it row by row. Users never see the state codes, only :func:`describe`'s sentences.

Who ("actor"):
- ``unit``: a reporter or head of the report's unit (or of a unit above it);
- ``lead``: a person of the task's lead unit, acting on a co-unit's part;
- ``reviewer``: the supervision office (督查室) of the plan's government.

A co-unit's part is reviewed by the lead unit (or the supervisor); the lead unit's
consolidated report, and a report on a standalone indicator, by the supervisor only.

Time: a cycle is open for writing from its opening date (``Cycle.opens_on``) until its
lock date (``Cycle.locks_on``, local time,
Asia/Shanghai); a submission after the due date is kept but marked late. After the lock
only a late unlock (补报) opens the report again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mubiao.plans.models import Assignment
from mubiao.reporting.models import Report, ReportVersion, Unlock

S = Report.State
#: The states of a report still to be written (临近 and 逾期 apply to these).
OPEN_STATES = (S.NOT_STARTED, S.DRAFT, S.RETURNED)


def _day_end(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def overdue_q(as_of: dt.date, prefix: str = "") -> Q:
    """``monitor.deadlines.is_overdue`` as a query on reports (``prefix`` e.g. "report__"):
    due before ``as_of`` and not submitted by its end, or sent back and not submitted since.
    Today's view and a view rebuilt for today are the same query."""
    never, after, sent_back = overdue_parts(as_of, prefix)
    return Q(**{f"{prefix}cycle__due_on__lt": as_of}) & (never | after | sent_back)


def overdue_parts(as_of: dt.date, prefix: str = "") -> tuple[Q, Q, Q]:
    """The three ways a past-due report is overdue (``overdue_q`` is their OR): never
    submitted, first submitted after ``as_of``, sent back by then and not submitted
    since. Apart, each is one index walk (``Report``'s indexes)."""
    end = _day_end(as_of)
    p = prefix
    return (
        Q(**{f"{p}first_submitted_at__isnull": True}),
        Q(**{f"{p}first_submitted_at__gte": end}),
        Q(**{f"{p}returned_at__lt": end}),
    )


def due_soon_q(as_of: dt.date, window: int, prefix: str = "") -> Q:
    """``monitor.deadlines.is_due_soon`` as a query: open, due within ``window`` days."""
    p = prefix
    return Q(**{f"{p}state__in": OPEN_STATES}) & Q(
        **{
            f"{p}cycle__due_on__gte": as_of,
            f"{p}cycle__due_on__lte": as_of + dt.timedelta(days=window),
        }
    )


@dataclass(frozen=True)
class Transition:
    action: str  # the action's name in actions.py and in forms
    label: object  # the button's text (lazy)
    sources: frozenset[str]  # states it may be taken from
    target: str | None  # the state afterwards; None = unchanged (but not_started → draft)
    parts: frozenset[str]  # actors allowed on a co-unit's part
    whole: frozenset[str]  # actors allowed on a consolidation or standalone report
    needs_open: bool  # only while the cycle is open (or unlocked)
    needs_text: bool = False  # a comment or reason is required
    primary: bool = False
    # The lead unit's own words when it decides on a co-unit's part (采纳 / 退回补充).
    lead_label: object = None


def _set(*items: str) -> frozenset[str]:
    return frozenset(items)


EDITABLE = _set(S.NOT_STARTED, S.DRAFT, S.RETURNED)

TRANSITIONS: tuple[Transition, ...] = (
    Transition("save_draft", gettext_lazy("Save draft"), EDITABLE, None,
               _set("unit"), _set("unit"), needs_open=True),
    Transition("submit", gettext_lazy("Submit"), EDITABLE, S.SUBMITTED,
               _set("unit"), _set("unit"), needs_open=True, primary=True),
    Transition("approve", gettext_lazy("Approve"), _set(S.SUBMITTED), S.APPROVED,
               _set("lead", "reviewer"), _set("reviewer"), needs_open=False, primary=True,
               lead_label=gettext_lazy("Accept the part")),
    Transition("return", gettext_lazy("Return for correction"), _set(S.SUBMITTED), S.RETURNED,
               _set("lead", "reviewer"), _set("reviewer"), needs_open=False, needs_text=True,
               lead_label=gettext_lazy("Return for more")),
    Transition("reopen", gettext_lazy("Reopen to merge the late parts"), _set(S.SUBMITTED),
               S.DRAFT, frozenset(), _set("unit"), needs_open=False),
    Transition("unlock", gettext_lazy("Reopen for late report (补报)"),
               _set(S.NOT_STARTED, S.DRAFT, S.RETURNED, S.APPROVED), None,
               _set("reviewer"), _set("reviewer"), needs_open=False, needs_text=True),
)  # fmt: skip

BY_ACTION = {t.action: t for t in TRANSITIONS}


def today() -> dt.date:
    """The local date (Asia/Shanghai): deadlines are dates in the city's time."""
    return timezone.localdate()


def active_unlock(report: Report) -> Unlock | None:
    now = timezone.now()
    return report.unlocks.filter(until__gt=now, used_at__isnull=True).first()


def is_locked(report: Report) -> bool:
    """Past the cycle's lock date and no late unlock in force."""
    return today() >= report.cycle.locks_on and active_unlock(report) is None


def not_yet_open(report: Report) -> bool:
    """Before the cycle's opening date: nothing can be written or submitted yet."""
    return today() < report.cycle.opens_on


def is_late(report: Report) -> bool:
    return today() > report.cycle.due_on


def transition_allowed(t: Transition, report: Report, actors: set[str]) -> bool:
    """Is ``t`` allowed on this report, for someone acting as any of ``actors``, now?"""
    if report.state not in t.sources:
        return False
    allowed = t.whole if report.is_consolidation or report.task_id is None else t.parts
    if not (allowed & actors):
        return False
    if t.needs_open and (is_locked(report) or not_yet_open(report)):
        return False
    if t.action == "reopen":
        # The lead takes back its consolidation, before review, to merge a late part.
        return not is_locked(report) and bool(late_parts(report))
    if t.action == "unlock":
        # Only a closed door needs unlocking: an approved report, or a locked cycle.
        return report.state == S.APPROVED or is_locked(report)
    return True


def actors_of(user, report: Report) -> set[str]:
    from mubiao.reporting import access

    actors = set()
    if access.fills_in(user, report):
        actors.add("unit")
    if not report.is_consolidation and access.leads_task_of(user, report):
        actors.add("lead")
    if access.reviews_plan(user, report.cycle.plan):
        actors.add("reviewer")
    return actors


def allowed_actions(user, report: Report) -> list[Transition]:
    """The buttons this user gets on this report, in table order."""
    actors = actors_of(user, report)
    return [t for t in TRANSITIONS if transition_allowed(t, report, actors)]


def buttons(user, report: Report) -> list[tuple[Transition, object]]:
    """(transition, its words for this user) for the report page."""
    actors = actors_of(user, report)
    return [
        (t, label_for(t, report, actors))
        for t in TRANSITIONS
        if transition_allowed(t, report, actors)
    ]


def label_for(t: Transition, report: Report, actors: set[str]) -> object:
    """The button's words: the lead deciding on a co-unit's part speaks its own (采纳)."""
    if t.lead_label and is_part(report) and "lead" in actors and "reviewer" not in actors:
        return t.lead_label
    return t.label


def is_part(report: Report) -> bool:
    """A co-unit's part of a task (the lead unit consolidates it)."""
    return bool(report.task_id) and not report.is_consolidation


def consolidations(cycle_id: int, task_ids) -> dict[int, Report]:
    """task id → the report that consolidates the task's co-units' parts in the cycle
    (one query, its unit read with it).

    The rule (docs/reporting.md, "Several lead units"): a task may name several lead
    units; each writes its own lead report, but the co-units' parts belong to one of
    them, the report of the lead unit named first for the task (the lowest order among
    its lead assignments, as the plan and its workbook list them, then the assignment's
    id). A lead report whose unit is no longer a lead of the task comes after the named
    ones, by id. Every page that names "the lead" of a part asks this."""
    named = Assignment.objects.filter(
        task_id=OuterRef("task_id"), unit_id=OuterRef("unit_id"), role=Assignment.Role.LEAD
    )
    leads = (
        Report.objects.filter(cycle_id=cycle_id, task_id__in=task_ids, role=Assignment.Role.LEAD)
        .annotate(
            named_order=Subquery(named.values("order")[:1]),
            named_pk=Subquery(named.values("pk")[:1]),
        )
        .select_related("unit")
        .order_by(
            "task_id",
            F("named_order").asc(nulls_last=True),
            F("named_pk").asc(nulls_last=True),
            "pk",
        )
    )
    found: dict[int, Report] = {}
    for lead in leads:
        found.setdefault(lead.task_id, lead)
    return found


class Chains:
    """How a set of reports stand in their tasks' consolidations, read for the whole set
    at once: the lead report each task's co-units' parts belong to (:func:`consolidations`,
    one query per cycle), the parts of each lead report that consolidates (one query), and
    when each was last submitted (one query, for what is asked). A page listing reports
    builds one for its rows and passes it to :func:`describe`, :func:`late_parts` …, so
    it reads a few queries, not a few per row; without one, each of those reads a set of
    one report. The rules are these methods: the module's functions only choose the set.
    """

    def __init__(self, reports) -> None:
        self.reports = list(reports)
        self._leads: dict[tuple[int, int], Report | None] = {}
        self._parts: dict[tuple[int, int], list[Report]] = {}
        self._last: dict[int, dt.datetime | None] = {}

    @staticmethod
    def _pair(report: Report) -> tuple[int, int]:
        return (report.cycle_id, report.task_id)

    def _lead(self, pair: tuple[int, int]) -> Report | None:
        """The lead report the task's parts belong to in the cycle; read, the first time
        one is asked, for every task of the set (and this one)."""
        if pair not in self._leads:
            wanted = {self._pair(r) for r in self.reports if r.task_id} | {pair}
            wanted -= set(self._leads)
            tasks: dict[int, set[int]] = {}
            for cycle_id, task_id in wanted:
                tasks.setdefault(cycle_id, set()).add(task_id)
            for cycle_id, ids in tasks.items():
                found = consolidations(cycle_id, sorted(ids))
                self._leads.update({(cycle_id, t): found.get(t) for t in ids})
        return self._leads[pair]

    def lead_of(self, part: Report) -> Report | None:
        """The lead report that consolidates this co-unit's part."""
        if not is_part(part):
            return None
        return self._lead(self._pair(part))

    def consolidates(self, report: Report) -> bool:
        """This lead report is the one its task's co-units' parts belong to this cycle."""
        if not (report.task_id and report.is_consolidation):
            return False
        found = self._lead(self._pair(report))
        return found is not None and found.pk == report.pk

    def parts_of(self, report: Report) -> list[Report]:
        """The co-units' parts of a consolidated report (none for a part or a standalone,
        nor for the report of a lead unit the parts do not belong to); read, the first
        time one is asked, for every consolidating report of the set (and this one)."""
        if not self.consolidates(report):
            return []
        pair = self._pair(report)
        if pair not in self._parts:
            wanted = {self._pair(r) for r in self.reports if self.consolidates(r)} | {pair}
            wanted -= set(self._parts)
            self._parts.update({w: [] for w in wanted})
            rows = (
                Report.objects.filter(
                    cycle_id__in={c for c, _t in wanted}, task_id__in={t for _c, t in wanted}
                )
                .exclude(role=Assignment.Role.LEAD)
                .select_related("unit")
                .order_by("unit__path", "pk")
            )
            for part in rows:
                if self._pair(part) in wanted:
                    self._parts[self._pair(part)].append(part)
        return self._parts[pair]

    def last_submitted(self, report: Report) -> dt.datetime | None:
        """When the report's latest submitted version was submitted; read for every report
        of the set, their leads and parts read so far, the first time one is asked."""
        if report.pk not in self._last:
            wanted = {r.pk for r in self.reports if r.task_id} | {report.pk}
            wanted |= {lead.pk for lead in self._leads.values() if lead is not None}
            wanted |= {p.pk for parts in self._parts.values() for p in parts}
            wanted -= set(self._last)
            found = _last_submissions(wanted)
            self._last.update({pk: found.get(pk) for pk in wanted})
        return self._last[report.pk]

    def arrived_late(self, part: Report, lead: Report | None = None) -> bool:
        """The part was submitted after the lead unit submitted its consolidation."""
        lead = lead if lead is not None else self.lead_of(part)
        if lead is None or part.state != S.SUBMITTED:
            return False
        if lead.state not in (S.SUBMITTED, S.APPROVED):
            return False
        return _sent_after(self.last_submitted(lead), self.last_submitted(part))

    def late_parts(self, report: Report) -> list[Report]:
        """Co-units' parts that arrived after this consolidation was submitted."""
        return [p for p in self.parts_of(report) if self.arrived_late(p, report)]


def _chains(report: Report, chains: Chains | None) -> Chains:
    return chains if chains is not None else Chains([report])


def consolidation_of(part: Report, chains: Chains | None = None) -> Report | None:
    """The lead report that consolidates this co-unit's part (:func:`consolidations`)."""
    return _chains(part, chains).lead_of(part)


def consolidates(report: Report, chains: Chains | None = None) -> bool:
    """This lead report is the one its task's co-units' parts belong to this cycle."""
    return _chains(report, chains).consolidates(report)


def parts_of(report: Report, chains: Chains | None = None) -> list[Report]:
    """The co-units' parts of a consolidated report (none for a part or a standalone,
    nor for the report of a lead unit the parts do not belong to: :func:`consolidations`)."""
    return _chains(report, chains).parts_of(report)


def _last_submissions(report_ids) -> dict[int, dt.datetime]:
    """report id → when its latest submitted version was submitted (one query)."""
    found: dict[int, dt.datetime] = {}
    rows = (
        ReportVersion.objects.filter(report_id__in=report_ids, submitted_at__isnull=False)
        .order_by("report_id", "-number")
        .values_list("report_id", "submitted_at")
    )
    for report_id, at in rows:
        found.setdefault(report_id, at)
    return found


def _sent_after(lead_at: dt.datetime | None, part_at: dt.datetime | None) -> bool:
    return bool(lead_at and part_at and part_at > lead_at)


def arrived_late(part: Report, lead: Report | None = None, chains: Chains | None = None) -> bool:
    """The part was submitted after the lead unit submitted its consolidation."""
    return _chains(part, chains).arrived_late(part, lead)


def late_parts(report: Report, chains: Chains | None = None) -> list[Report]:
    """Co-units' parts that arrived after this consolidation was submitted (none when
    another lead unit's report is the one the parts belong to: :func:`parts_of`)."""
    return _chains(report, chains).late_parts(report)


def missing_parts(report: Report, chains: Chains | None = None) -> list[Report]:
    """Co-units' parts not yet submitted (the lead sees who it is waiting for)."""
    return [p for p in parts_of(report, chains) if p.state not in (S.SUBMITTED, S.APPROVED)]


def describe(report: Report, chains: Chains | None = None) -> str:
    """A plain sentence for the report's state, as the unit should read it (``chains``:
    read for a list of reports at once, :class:`Chains`)."""
    if report.state == S.APPROVED:
        if is_part(report):
            return _("Accepted by the lead unit.")
        return _("Approved; the report is locked.")
    if report.state == S.SUBMITTED:
        if is_part(report):
            chains = _chains(report, chains)
            lead = chains.lead_of(report)
            if lead is not None and chains.arrived_late(report, lead):
                if lead.state == S.APPROVED:
                    return _(
                        "Sent after the lead unit's consolidation was approved; "
                        "flagged to the supervision office as late."
                    )
                return _(
                    "Sent after the lead unit submitted; the lead unit can reopen its "
                    "report to merge it."
                )
            if lead is not None and lead.state in (S.SUBMITTED, S.APPROVED):
                return _("Submitted; included in the lead unit's consolidation.")
            return _("Submitted; waiting for the lead unit to consolidate.")
        return _("Submitted; waiting for the supervision office's review.")
    if is_locked(report):
        return _("Past the deadline and locked; ask the supervision office for a late unlock.")
    if report.state == S.NOT_STARTED and not_yet_open(report):
        return _("This cycle opens on %(date)s; it can be reported from then.") % {
            "date": report.cycle.opens_on.isoformat()
        }
    if report.state == S.RETURNED:
        if is_part(report):
            return _("Returned for more; please add to it and submit again.")
        return _("Returned; please correct it and submit again.")
    if report.state == S.DRAFT:
        return _("Draft saved, not yet submitted.")
    return _("Not reported yet.")


def late_parts_in(cycle) -> list[Report]:
    """Every co-unit's part of the cycle sent after the lead report it belongs to
    (:func:`consolidations`) was submitted, with that report as ``part.lead`` (the
    office's list: a part is never left waiting unseen).

    Three queries however many parts: the lead reports, every candidate's and lead's
    last submission (``arrived_late``'s test for all at once, the candidates left in the
    database: a cycle's submitted parts are thousands in a province), then the late
    parts. ``tests/reporting/test_list_queries.py`` holds it to ``Chains.arrived_late``."""
    sent = Report.objects.filter(cycle=cycle, task__isnull=False, state=S.SUBMITTED).exclude(
        role=Assignment.Role.LEAD
    )
    leads = {
        task_id: lead
        for task_id, lead in consolidations(cycle.pk, sent.values("task_id")).items()
        if lead.state in (S.SUBMITTED, S.APPROVED)
    }
    if not leads:
        return []
    lead_ids = {lead.pk for lead in leads.values()}
    rows = (
        ReportVersion.objects.filter(
            Q(report__in=sent.filter(task_id__in=leads)) | Q(report_id__in=lead_ids),
            submitted_at__isnull=False,
        )
        .order_by("report_id", "-number")
        .values_list("report_id", "report__task_id", "submitted_at")
    )
    last: dict[int, tuple[int, dt.datetime]] = {}
    for report_id, task_id, at in rows:
        last.setdefault(report_id, (task_id, at))
    lead_at = {report_id: at for report_id, (_task, at) in last.items() if report_id in lead_ids}
    late = {
        report_id
        for report_id, (task_id, at) in last.items()
        if report_id not in lead_ids and _sent_after(lead_at.get(leads[task_id].pk), at)
    }
    found = list(Report.objects.filter(pk__in=late).select_related("unit", "task", "cycle"))
    for part in found:
        part.lead = leads[part.task_id]
    return found
