"""The bulletin (通报): a Word document for one cycle, built from the report data.

``publish(user, cycle, as_of)`` records the statuses as of ``as_of`` in the history,
builds the report data for the whole plan, renders it (summary, ranking table with its
formula, red and overdue items, good progress) and stores the file with the cycle. Built
again as of the same date, it says the same thing: the builder only uses what was
approved by then; a correction approved later is listed as such, not silently merged.
"""

from __future__ import annotations

import datetime as dt
import io

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.tasks import task
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from mubiao.dashboard.current import report_data_for
from mubiao.dashboard.history import record
from mubiao.dashboard.models import Bulletin
from mubiao.monitor import is_period_code, parse_period
from mubiao.plans import access as plan_access
from mubiao.plans.models import Plan
from mubiao.reporting.models import Cycle

STATUS_ZH = {"green": "绿灯", "yellow": "黄灯", "red": "红灯", "done": "已完成", "grey": "未评价"}


def may_publish(user, plan: Plan) -> bool:
    """The plan's supervision office publishes (the same judgement as reviewing)."""
    return plan_access.supervises(user, plan)


@transaction.atomic
def publish(user, cycle: Cycle, as_of: dt.date) -> Bulletin:
    """Build, render and store the bulletin of ``cycle`` as of ``as_of``."""
    plan = cycle.plan
    if user is not None and not may_publish(user, plan):
        raise PermissionDenied("bulletin")
    record(plan, as_of)
    data = report_data_for(plan, user, as_of, scope_all=True)
    item = Bulletin(cycle=cycle, as_of=as_of, created_by=user, summary=summary_of(data))
    item.file.save(item.file_name, ContentFile(render_docx(data, cycle)), save=False)
    item.save()
    return item


@task()
def publish_in_background(cycle_id: int, as_of: str, user_id: int | None = None) -> str:
    """The same as ``publish``, for the database task worker; returns the bulletin code."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    item = publish(user, Cycle.objects.get(pk=cycle_id), dt.date.fromisoformat(as_of))
    return str(item.code)


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
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "SimSun"
    style.font.size = Pt(12)
    title = doc.add_heading(f"{data['plan']['name']}推进情况通报", level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sub = doc.add_paragraph(f"（{cycle_zh(cycle)}，数据截至{_zh_date(data['as_of'])}）")
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if data["synthetic"]:
        doc.add_paragraph("注：本通报所用进展数据含模拟数据，仅供演示。")
    _summary(doc, data)
    _ranking(doc, data)
    _red_and_overdue(doc, data)
    _good(doc, data)
    if data["corrections"]:
        doc.add_heading("五、此后更正", level=1)
        for c in data["corrections"]:
            doc.add_paragraph(
                f"{c['subject']}：{c['as_of']}更正后由{STATUS_ZH.get(c['from'], c['from'])}"
                f"变为{STATUS_ZH.get(c['to'], c['to'])}。",
                style="List Bullet",
            )
    from mubiao.supervision.bulletin import write_section  # the section 督办事项办理情况

    number = "六" if data["corrections"] else "五"
    write_section(
        doc, cycle.plan, dt.date.fromisoformat(data["as_of"]), f"{number}、督办事项办理情况"
    )
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


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


def _zh_date(iso: str) -> str:
    day = dt.date.fromisoformat(iso)
    return f"{day.year}年{day.month}月{day.day}日"


def _counts_text(counts: dict) -> str:
    return "，".join(
        f"{STATUS_ZH[s]}{counts[s]}项"
        for s in ("green", "yellow", "red", "done", "grey")
        if counts[s]
    )


def _summary(doc, data: dict) -> None:
    doc.add_heading("一、总体情况", level=1)
    ind, tasks = data["counts"]["indicators"], data["counts"]["tasks"]
    doc.add_paragraph(
        f"截至{_zh_date(data['as_of'])}（{data['time_progress']['label_zh'] or '尚无数据月份'}），"
        f"全市{sum(ind.values())}项目标指标中，{_counts_text(ind) or '尚无评价'}；"
        f"{sum(tasks.values())}项重点任务中，{_counts_text(tasks) or '尚无评价'}。"
    )
    for row in data["headline"]:
        doc.add_paragraph(row["explain_zh"], style="List Bullet")


def _ranking(doc, data: dict) -> None:
    ranking = data["ranking"]
    doc.add_heading("二、责任单位排名", level=1)
    if not ranking:
        doc.add_paragraph("本期无排名。")
        return
    doc.add_paragraph(f"排名办法：{ranking['formula_zh']}。")
    for title, rows in (("市直单位", ranking["rows"]), ("县（市、区）", ranking["counties"])):
        if not rows:
            continue
        doc.add_paragraph(title)
        table = doc.add_table(rows=1, cols=6)
        table.style = "Table Grid"
        for cell, text in zip(
            table.rows[0].cells,
            ("名次", "单位", "得分", "按时报送率", "绿灯占比", "逾期事项"),
            strict=True,
        ):
            cell.text = text
        for r in rows:
            cells = table.add_row().cells
            values = (
                str(r["rank"])
                if r["rank"]
                else ("免于排名" if r["apart"] == "exempt" else "暂不排名"),
                r["unit"],
                "—" if r["score"] is None else f"{r['score']:.1f}",
                _pct(r["on_time_rate"]),
                _pct(r["share_green"]),
                str(r["overdue"]),
            )
            for cell, text in zip(cells, values, strict=True):
                cell.text = text


def _pct(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _red_and_overdue(doc, data: dict) -> None:
    doc.add_heading("三、红灯和逾期事项", level=1)
    if not data["red"]:
        doc.add_paragraph("本期无红灯事项。")
    for row in data["red"]:
        who = "、".join(row["lead_units"] or row["units"])
        text = row["explain_zh"] or "进展明显滞后。"
        label = "任务" if row["type"] == "task" else "指标"
        doc.add_paragraph(f"【{label}】{row['name']}（{who}）：{text}", style="List Bullet")
    late = data["overdue"]["reports"]
    if late:
        doc.add_paragraph(f"逾期未报送{len(late)}份：")
        for r in late:
            doc.add_paragraph(
                f"{r['unit']}：{r['cycle']}（{r['subject']}），应于{r['due']}前报送，已逾期{r['days']}天。",
                style="List Bullet",
            )
    for m in data["overdue"]["milestones"]:
        doc.add_paragraph(
            f"{m['task']}：时间节点“{m['text']}”应于{m['due']}完成，尚未完成。", style="List Bullet"
        )


def _good(doc, data: dict) -> None:
    doc.add_heading("四、进展较好事项", level=1)
    if not data["good"]:
        doc.add_paragraph("本期无。")
    for row in data["good"]:
        doc.add_paragraph(row.get("explain_zh") or f"{row['name']}：已完成。", style="List Bullet")
