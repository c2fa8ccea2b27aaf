"""The bulletin (通报): an official document (公文) for one cycle, built from the report data.

``save_draft(user, cycle, as_of, narrative)`` builds it as a draft the office reviews
and edits (content, no files) as often as it likes; ``publish`` (of a draft or straight
away) records the statuses as of ``as_of`` in the
history, builds the report data for the whole plan, puts it together with the office's
edited narrative (issue number, addressees, basis sentence, 下步工作要求) into the
document's content (``bulletin_content``), freezes that content with the bulletin and
renders it to Word (``bulletin_docx``, A4, GB/T 9704 fonts and page numbers) and to PDF
(LibreOffice headless). Built again as of the same date, it says the same thing: the
builder only uses what was approved by then; a correction approved later is listed as
such, not silently merged.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from mubiao.dashboard.bulletin_docx import render
from mubiao.dashboard.current import report_data_for
from mubiao.dashboard.history import record
from mubiao.dashboard.models import Bulletin
from mubiao.lib.text import printable_tree
from mubiao.monitor import is_period_code, parse_period
from mubiao.plans import access as plan_access
from mubiao.plans.models import Plan
from mubiao.reporting.cycles import data_month_days, month_end
from mubiao.reporting.models import Cycle


def may_publish(user, plan: Plan) -> bool:
    """The plan's supervision office publishes (the same judgement as reviewing)."""
    return plan_access.supervises(user, plan)


def as_of_window(
    cycle: Cycle, dues: dict[dt.date, dt.date] | None = None
) -> tuple[dt.date, dt.date | None]:
    """The days a bulletin of ``cycle`` may be built as of (``None``: no last day).

    Its figures are those of the data month as of its "as of" day (PRACTICE.md §1,
    ``reporting.cycles.data_month``): for a cycle that ends with a month (202610, 2026Q3,
    2026) the window is the days on which that month is the plan's data month, from the
    day after its monthly reports were due to the day the next month's are due. The
    October bulletin (reports due on 5 November) is built as of 6 November to 5 December
    and prints 1–10月; as of 6 December it would print 1–11月 under October's title. The
    year's bulletin (December) has no last day. A custom cycle that does not end with a
    month is only kept from being built before it ends. ``dues``: the plan's
    ``reporting.cycles.monthly_dues``, when the caller asks about many cycles.
    """
    end = cycle.end
    if end != month_end(end.year, end.month):
        return end, None
    return data_month_days(cycle.plan_id, end.year, end.month, dues)


def check_as_of(cycle: Cycle, as_of: dt.date) -> None:
    """ValidationError with a sentence when ``as_of`` is outside ``as_of_window``."""
    first, last = as_of_window(cycle)
    if as_of < first or (last is not None and as_of > last):
        labels = {"cycle": cycle.label, "first": first.isoformat()}
        if last is None:
            raise ValidationError(
                _("The bulletin for %(cycle)s can be built as of %(first)s or later, once "
                  "the cycle has ended.") % labels
            )  # fmt: skip
        raise ValidationError(
            _("The bulletin for %(cycle)s prints that cycle's figures: build it as of a day "
              "from %(first)s to %(last)s. A later day would print the next month's figures "
              "under this cycle's title; choose the next cycle for them.")
            % {**labels, "last": last.isoformat()}
        )  # fmt: skip


def default_as_of(
    cycle: Cycle, today: dt.date, dues: dict[dt.date, dt.date] | None = None
) -> dt.date:
    """The day the bulletin form proposes for ``cycle``: today, kept within its window."""
    first, last = as_of_window(cycle, dues)
    return max(first, min(today, last) if last else today)


def build(
    user, cycle: Cycle, as_of: dt.date, narrative: dict | None = None
) -> tuple[dict, dict, dict]:
    """(report data, the narrative as told, the content) of ``cycle`` as of ``as_of``:
    the office's ``narrative`` over ``default_narrative``; what a draft previews and a
    publication freezes. ValidationError when ``as_of`` is outside ``as_of_window``."""
    check_as_of(cycle, as_of)
    if as_of > timezone.localdate():
        raise ValidationError(
            _("A bulletin prints what was known by its date, and %(date)s has not come yet.")
            % {"date": as_of.isoformat()}
        )
    plan = cycle.plan
    record(plan, as_of)
    data = report_data_for(plan, user, as_of, scope_all=True)
    told = {
        **default_narrative(plan, cycle, as_of),
        **{k: v for k, v in (narrative or {}).items() if v},
    }
    content = content_of(plan, cycle, data, told, timezone.localdate())
    return data, told, content


@transaction.atomic
def save_draft(
    user, cycle: Cycle, as_of: dt.date, narrative: dict | None = None, draft: Bulletin | None = None
) -> Bulletin:
    """Build the bulletin as a draft (content to review, no files), or build ``draft``
    again with the office's edits (``dashboard.actions.save_bulletin_draft`` audits)."""
    if user is not None and not may_publish(user, cycle.plan):
        raise PermissionDenied("bulletin")
    data, told, content = build(
        user, cycle, as_of, _unless_generated(user, cycle, as_of, narrative)
    )
    item = draft or Bulletin(created_by=user)
    item.cycle, item.as_of, item.state = cycle, as_of, Bulletin.State.DRAFT
    item.summary, item.issue_number = summary_of(data), told["issue_number"]
    item.narrative, item.content = told, content
    item.save()
    return item


@transaction.atomic
def publish(
    user, cycle: Cycle, as_of: dt.date, narrative: dict | None = None, draft: Bulletin | None = None
) -> Bulletin:
    """Build, render and store the bulletin of ``cycle`` as of ``as_of`` (the action
    ``dashboard.actions.publish_bulletin`` checks, audits and calls this); ``draft``, when
    given, is the draft that becomes the published bulletin.

    ``narrative`` is the office's edited text (``default_narrative`` fills what it
    leaves out). The content rendered is frozen with the bulletin; the .docx and its
    PDF copy are rendered from it."""
    if user is not None and not may_publish(user, cycle.plan):
        raise PermissionDenied("bulletin")
    data, told, content = build(
        user, cycle, as_of, _unless_generated(user, cycle, as_of, narrative)
    )
    item = draft or Bulletin(created_by=user)
    item.cycle, item.as_of, item.state = cycle, as_of, Bulletin.State.PUBLISHED
    item.summary, item.issue_number = summary_of(data), told["issue_number"]
    item.narrative, item.content, item.published_at = told, content, timezone.now()
    docx = render(content)
    item.file.save(item.file_name, ContentFile(docx), save=False)
    pdf = to_pdf(docx)
    if pdf is not None:
        item.pdf.save(item.pdf_name, ContentFile(pdf), save=False)
    item.save()
    return item


def _unless_generated(user, cycle: Cycle, as_of: dt.date, narrative: dict | None) -> dict:
    """``narrative`` with its 存在问题 text dropped when it is the text the figures give
    (the office left it as shown): then the section follows the figures of ``as_of``."""
    narrative = dict(narrative or {})
    if narrative.get("problems"):
        lines = [line.strip() for line in str(narrative["problems"]).splitlines() if line.strip()]
        if lines == problem_lines(build(user, cycle, as_of, {**narrative, "problems": ""})[2]):
            narrative["problems"] = ""
    return narrative


def problem_lines(content: dict) -> list[str]:
    """The paragraphs of 三、存在问题 as the content prints them (the text the office edits)."""
    for section in content["sections"]:
        if section["heading"] == "三、存在问题":
            return [b["text"] for b in section["blocks"] if b["kind"] == "text"]
    return []


@task()
def publish_in_background(cycle_id: int, as_of: str, user_id: int | None = None) -> str:
    """The same as ``publish``, for the database task worker; returns the bulletin code."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    item = publish(user, Cycle.objects.get(pk=cycle_id), dt.date.fromisoformat(as_of))
    return str(item.code)


def next_issue_number(plan: Plan, year: int) -> str:
    """督查通报〔2026〕第N期: one more than the plan's bulletins of that year."""
    n = (
        Bulletin.objects.filter(
            cycle__plan=plan, created_at__year=year, state=Bulletin.State.PUBLISHED
        ).count()
        + 1
    )
    return f"督查通报〔{year}〕第{n}期"


#: The office's template for 下步工作要求; it edits it before publishing.
REQUIREMENTS = (
    "一是对标对表抓推进。各责任单位要对照年度目标和序时进度，逐项梳理滞后指标和任务，"
    "制定赶超措施，确保按期完成。",
    "二是聚焦问题抓整改。对本通报列出的存在问题，牵头单位要会同配合单位逐项研究解决，"
    "整改情况随下期进展一并报送。",
    "三是压实责任抓落实。各单位要按时、如实报送进展，督查室将持续跟踪督办，"
    "对连续滞后的事项按程序约谈督办。",
)


def default_narrative(plan: Plan, cycle: Cycle, as_of: dt.date) -> dict:
    """What the office starts from: every line of it editable before publishing."""
    office = f"{plan.issuer.name}督查室"
    return {
        "issue_number": next_issue_number(plan, timezone.localdate().year),
        "office": office,
        "addressees": "各县（市、区）人民政府，市直各单位：",
        "basis": (
            f"根据《{plan.name}》和目标任务督查工作要求，现将{cycle_zh(cycle)}目标任务"
            "推进情况通报如下："
        ),
        "requirements": "\n".join(REQUIREMENTS),
        "contact": "",
        "problems": "",  # empty: 三、存在问题 as the figures say; else the office's text
    }


def content_of(plan: Plan, cycle: Cycle, data: dict, narrative: dict, signed_on: dt.date) -> dict:
    """Everything the document prints, as plain data (frozen with the bulletin), with
    control characters taken out of every string (the docx, the PDF and the web preview
    all draw this)."""
    from mubiao.dashboard.bulletin_content import sections_and_attachments
    from mubiao.dashboard.bulletin_docx import title_lines

    data, narrative = printable_tree(data), printable_tree(narrative)
    sections, attachments = sections_and_attachments(plan, data, narrative)
    return printable_tree(
        {
            "office_mark": narrative["office"],
            "issue_number": narrative["issue_number"],
            "title": f"关于{plan.name}{cycle_zh(cycle)}推进情况的通报",
            "title_lines": title_lines(["关于", plan.name, cycle_zh(cycle), "推进情况的通报"]),
            "addressees": narrative["addressees"],
            "basis": narrative["basis"],
            "sections": sections,
            "attachments": attachments,
            "signature": narrative["office"],
            "signed_on": f"{signed_on.year}年{signed_on.month}月{signed_on.day}日",
            "contact": narrative.get("contact") or "",
            "synthetic": data["synthetic"],
        }
    )


def to_pdf(docx: bytes) -> bytes | None:
    """The PDF copy, rendered by LibreOffice headless; None when LibreOffice is absent."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "bulletin.docx"
        source.write_bytes(docx)
        profile = Path(folder) / "profile"
        command = [soffice, f"-env:UserInstallation=file://{profile}", "--headless",
                   "--convert-to", "pdf", "--outdir", folder, str(source)]  # fmt: skip
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=120)
        except (subprocess.SubprocessError, OSError):
            return None
        target = Path(folder) / "bulletin.pdf"
        return target.read_bytes() if target.exists() else None


def summary_of(data: dict) -> dict:
    """What the bulletin said in figures: kept with it, compared with a rebuild."""
    return {
        "as_of": data["as_of"],
        "counts": data["counts"],
        "red": sorted(f"{r['type']}:{r['code']}" for r in data["red"]),
        "ranking": [(r["unit_code"], r["rank"]) for r in (data["ranking"] or {}).get("rows", [])],
        "overdue_reports": len(data["overdue"]["reports"]),
    }


def render_docx(data: dict, cycle: Cycle) -> bytes:
    """The Word document straight from report data, with the default narrative."""
    data = printable_tree(data)  # text stored before control characters were refused
    plan = cycle.plan
    narrative = default_narrative(plan, cycle, dt.date.fromisoformat(data["as_of"]))
    return render(content_of(plan, cycle, data, narrative, timezone.localdate()))


def cycle_zh(cycle: Cycle) -> str:
    """The cycle's name in Chinese, whatever language it was created in."""
    if not is_period_code(cycle.code):
        return cycle.name
    period = parse_period(cycle.code)
    month = period.first_month
    names = {
        "month": f"{month}月",
        "quarter": f"第{(month + 2) // 3}季度",
        "half": "上半年" if month == 1 else "下半年",
        "year": "全年",
    }
    return f"{period.year}年{names[period.kind]}"
