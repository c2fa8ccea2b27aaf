"""The bulletin's section 督办事项办理情况, from :func:`queues.bulletin_section`.

The bulletin calls :func:`write_section` after its other sections; a plan with no
supervision items by the bulletin's date gets no section.
"""

from __future__ import annotations

import datetime as dt

from mubiao.plans.models import Plan
from mubiao.supervision.queues import bulletin_section


def paragraphs(plan: Plan, as_of: dt.date) -> list[str]:
    """The section's sentences (the first is the summary), empty when there is nothing."""
    data = bulletin_section(plan, as_of)
    if not data["total"]:
        return []
    n = data["notices"]
    lines = [
        f"截至{as_of.year}年{as_of.month}月{as_of.day}日，共立项督办事项{data['total']}项，"
        f"已办结{data['closed']}项（其中按期办结{data['closed_on_time']}项），在办{data['open']}项，"
        f"逾期未办结{data['overdue']}项；累计下发蓝色督办单{n['blue']}份、黄色{n['yellow']}份、红色{n['red']}份。"
    ]
    for row in data["overdue_items"]:
        lines.append(
            f"{row['number']}“{row['title']}”（{row['unit']}）：办理时限"
            f"{row['deadline'].year}年{row['deadline'].month}月{row['deadline'].day}日，"
            f"已逾期{row['days']}天。"
        )
    return lines


def write_section(doc, plan: Plan, as_of: dt.date, heading: str) -> bool:
    """Add the section to a python-docx document; False when there was nothing to say."""
    lines = paragraphs(plan, as_of)
    if not lines:
        return False
    doc.add_heading(heading, level=1)
    doc.add_paragraph(lines[0])
    for line in lines[1:]:
        doc.add_paragraph(line, style="List Bullet")
    return True
