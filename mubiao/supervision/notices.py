"""Three-colour supervision notices (三色督办单): which are due, the daily job, the document.

For every item a unit has in hand (assigned, acknowledged or in progress) with a deadline:

- **blue** (蓝色督办单) when the deadline is within the plan's warning window
  (:func:`warning_days`, from the deadline back; the deadline day itself included);
- **yellow** (黄色督办单) when a target or task the item concerns is judged behind
  序时进度 (the monitor's judgement: yellow or red light) and the item is not overdue;
- **red** (红色督办单) from the day after the deadline (逾期).

The job issues each colour at most once per item: the notice row is written under a
unique constraint (item, colour, generated), so a second run, or two runs at once, make no
duplicate. Once red applies, no blue or yellow notice is issued any more.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mubiao.monitor.deadlines import is_due_soon
from mubiao.plans.models import Indicator, Plan, Task
from mubiao.supervision import actions, workflow
from mubiao.supervision.models import Notice, SupervisionItem

C = Notice.Colour
#: Days the unit has to answer a yellow or red notice (a blue one: by the deadline).
ANSWER_DAYS = {C.YELLOW: 5, C.RED: 3}
BEHIND = {"yellow", "red"}


def warning_days(plan: Plan) -> int:
    """The plan's warning window (临近) in days before a deadline: the one the inbox and
    the reminders use (``Plan.warning_days``)."""
    return plan.warning_days


def behind_items(plan: Plan, items: list[SupervisionItem], on: dt.date) -> set[int]:
    """The items (pks) whose targets or tasks the monitor judges behind 序时进度 on ``on``.

    Read from the plan's status store when it holds ``on`` (the one judgement the pages
    show: ``mubiao tick`` judges a new day before this job runs); judged for ``on``
    otherwise (another day, or a plan whose store is behind)."""
    by_item_ind = {i.pk: {x.pk for x in i.indicators.all()} for i in items}
    by_item_task = {i.pk: {x.pk for x in i.tasks.all()} for i in items}
    ind_pks = set().union(*by_item_ind.values()) if by_item_ind else set()
    task_pks = set().union(*by_item_task.values()) if by_item_task else set()
    if not ind_pks and not task_pks:
        return set()
    behind_ind, behind_task = _behind(plan, on, ind_pks, task_pks)
    return {
        i.pk for i in items if by_item_ind[i.pk] & behind_ind or by_item_task[i.pk] & behind_task
    }


def _behind(
    plan: Plan, on: dt.date, ind_pks: set[int], task_pks: set[int]
) -> tuple[set[int], set[int]]:
    from mubiao.dashboard import statuses
    from mubiao.dashboard.models import CurrentStatus
    from mubiao.dashboard.status import compute

    if statuses.store_is_current(plan, on) is not None:
        rows = CurrentStatus.objects.filter(plan=plan, status__in=BEHIND)
        return (
            set(rows.filter(indicator_id__in=ind_pks).values_list("indicator_id", flat=True)),
            set(rows.filter(task_id__in=task_pks).values_list("task_id", flat=True)),
        )
    result = compute(plan, on, Indicator.objects.filter(pk__in=ind_pks),
                     Task.objects.filter(pk__in=task_pks))  # fmt: skip
    return (
        {pk for pk in ind_pks if str(result.indicator_judgements[pk].status) in BEHIND},
        {pk for pk in task_pks if str(result.task_status.get(pk, "")) in BEHIND},
    )


def due(item: SupervisionItem, on: dt.date, behind: bool) -> list[tuple[str, str, dt.date]]:
    """(colour, reason, answer by) of the notices the rules call for today, issued or not."""
    if item.state not in workflow.WITH_UNIT or item.deadline is None or item.lead_unit_id is None:
        return []
    days = (item.deadline - on).days
    params = {"number": item.number, "title": item.title, "deadline": item.deadline.isoformat()}
    if days < 0:
        reason = _("%(number)s “%(title)s” was due on %(deadline)s and is overdue by %(n)s days.")
        return [
            (C.RED, reason % {**params, "n": -days}, on + dt.timedelta(days=ANSWER_DAYS[C.RED]))
        ]
    found = []
    if is_due_soon(item.deadline, on, open_=True, window=warning_days(item.plan)):
        reason = _("%(number)s “%(title)s” is due on %(deadline)s, in %(n)s days.")
        found.append((C.BLUE, reason % {**params, "n": days}, item.deadline))
    if behind:
        reason = _(
            "%(number)s “%(title)s”: the targets or tasks it concerns are behind schedule (序时进度)."
        )
        found.append(
            (
                C.YELLOW,
                reason % params,
                min(item.deadline, on + dt.timedelta(days=ANSWER_DAYS[C.YELLOW])),
            )
        )
    return found


def generate(now: dt.datetime | None = None) -> int:
    """The daily job: issue the notices due today and not yet issued; returns how many."""
    now = now or timezone.now()
    on = timezone.localdate(now)
    items = (
        SupervisionItem.objects.filter(state__in=workflow.WITH_UNIT, deadline__isnull=False,
                                       lead_unit__isnull=False)
        .select_related("plan__issuer", "lead_unit")
        .prefetch_related("indicators", "tasks", "notices")
    )  # fmt: skip
    by_plan: dict[int, list[SupervisionItem]] = defaultdict(list)
    for item in items:
        by_plan[item.plan_id].append(item)
    made = 0
    with translation.override(settings.LANGUAGE_CODE):
        for plan_items in by_plan.values():
            behind = behind_items(plan_items[0].plan, plan_items, on)
            for item in plan_items:
                made += _issue_due(item, on, item.pk in behind)
    return made


def _issue_due(item: SupervisionItem, on: dt.date, behind: bool) -> int:
    had = {n.colour for n in item.notices.all() if n.automatic}
    made = 0
    for colour, reason, answer_by in due(item, on, behind):
        if colour in had:
            continue
        try:
            with transaction.atomic():
                notice = actions.create_notice(None, item, colour, reason, answer_by,
                                               automatic=True, on=on)  # fmt: skip
        except IntegrityError:
            continue  # another run issued it first
        from mubiao.supervision import reminders

        reminders.notice_issued(notice)
        made += 1
    return made


# ── The document (Word, A4) ──────────────────────────────────────────────────────────

COLOUR_ZH = {"blue": "蓝色", "yellow": "黄色", "red": "红色"}
RGB = {"blue": (0x1F, 0x5F, 0xBF), "yellow": (0xB3, 0x80, 0x00), "red": (0xC0, 0x1F, 0x1F)}


def _font(run, name: str, size: float, bold: bool = False, rgb=None) -> None:
    """Set a run's font for Latin and East Asian text (w:eastAsia), so Word uses it for
    the Chinese characters too."""
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    if rgb:
        run.font.color.rgb = RGBColor(*rgb)
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)


def render_docx(notice: Notice) -> bytes:
    """The notice as a Word document on A4: heading, number, addressee, matter, reason,
    the date to answer by, the issuing office."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    item = notice.item
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)

    def para(text: str, *, font="仿宋_GB2312", size=16.0, bold=False, align=None, rgb=None):
        p = doc.add_paragraph()
        if align is not None:
            p.alignment = align
        _font(p.add_run(text), font, size, bold, rgb)
        return p

    office = f"{notice.plan.issuer.name}督查室"
    para(f"{COLOUR_ZH[notice.colour]}督办单", font="方正小标宋简体", size=22,
         align=WD_ALIGN_PARAGRAPH.CENTER, rgb=RGB[notice.colour])  # fmt: skip
    para(notice.number, size=16, align=WD_ALIGN_PARAGRAPH.CENTER)
    para(f"{notice.unit.name}：", size=16)
    para(f"　　{notice.reason}")
    para(f"　　督办事项：{item.number}　{item.title}")
    para(f"　　事项内容：{item.matter}")
    if item.deadline:
        para(f"　　办理时限：{_zh_date(item.deadline)}")
    para(f"　　请于{_zh_date(notice.answer_by)}前书面反馈办理情况及下步措施。")
    if item.synthetic:
        para("（模拟数据，仅供演示）", size=12, align=WD_ALIGN_PARAGRAPH.CENTER)
    para(office, align=WD_ALIGN_PARAGRAPH.RIGHT)
    para(_zh_date(notice.issued_on), align=WD_ALIGN_PARAGRAPH.RIGHT)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _zh_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def file_name(notice: Notice) -> str:
    return f"{notice.number}.docx"
