"""The bulletin: a Word document built from the report data, stored and reproducible."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from docx import Document

from mubiao.dashboard.bulletin import publish, render_docx
from mubiao.dashboard.models import Bulletin
from mubiao.dashboard.report_data import build
from mubiao.reporting.models import Cycle, Report
from mubiao.reporting.signals import report_reopened
from tests.dashboard.helpers import approve, report_value, submit

P = "/monitor/demo-2026"


@pytest.fixture
def reported(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel("2026-07-08 16:00 +0800", tick=False):
        report_value(world.plan, "fgw", "202606", task="t1",
                     values={"investment": 600, "projects": 1003},
                     submitted="2026-07-05", approved="2026-07-08")  # fmt: skip
    return world


def text_of(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [" | ".join(c.text for c in row.cells) for row in table.rows]
    return "\n".join(parts)


def body(item: Bulletin) -> tuple[list[str], list[list[str]]]:
    """The paragraphs before the corrections section, and the tables' cells."""
    item.file.open("rb")
    doc = Document(io.BytesIO(item.file.read()))
    paragraphs = [p.text for p in doc.paragraphs]
    if "五、此后更正" in paragraphs:
        paragraphs = paragraphs[: paragraphs.index("五、此后更正")]
    return paragraphs, [[c.text for row in t.rows for c in row.cells] for t in doc.tables]


def test_the_bulletin_has_its_summary_ranking_red_overdue_and_good_items(reported, login):
    client = login("supervisor")
    with time_machine.travel("2026-07-10 10:00 +0800", tick=False):
        response = client.post(f"{P}/bulletins/new/", {"cycle": "202606", "as_of": "2026-07-10"})
    assert response.status_code == 302
    item = Bulletin.objects.get()
    assert (item.cycle.code, item.as_of) == ("202606", dt.date(2026, 7, 10))
    download = client.get(f"{P}/bulletins/{item.code}/")
    assert download["Content-Disposition"].startswith("attachment")
    text = text_of(b"".join(download.streaming_content))
    assert "推进情况通报" in text and "（2026年6月，数据截至2026年7月10日）" in text
    assert "一、总体情况" in text and "1–6月，时间进度50.0%" in text
    assert "排名办法：得分 = 40 × 按时报送率" in text
    assert "1 | 市发展改革委" in text and "暂不排名 | 市统计局" in text
    assert "三、红灯和逾期事项" in text and "【指标】完成投资（市发展改革委）" in text
    assert "实施重点项目：1–6月累计1003个" in text  # done: good progress
    assert "实施重点项目：实施重点项目" not in text  # the name once


def test_a_bulletin_rebuilt_for_its_date_says_the_same_and_flags_later_corrections(reported):
    cycle = Cycle.objects.get(plan=reported.plan, code="202606")
    with time_machine.travel("2026-07-10 10:00 +0800", tick=False):
        first = publish(reported.users["supervisor"], cycle, dt.date(2026, 7, 10))
    report = Report.objects.get(task__code="t1", cycle=cycle)
    with time_machine.travel("2026-08-02 10:00 +0800", tick=False):
        report_reopened.send(sender=Report, report=report, actor=None)
        approve(submit(reported.plan, "fgw", "202606", task="t1",
                       values={"investment": 740, "projects": 1003}, submitted="2026-08-02"),
                "2026-08-02")  # fmt: skip
        again = publish(reported.users["supervisor"], cycle, dt.date(2026, 7, 10))
    assert again.summary == first.summary
    assert "investment" in str(first.summary["red"])
    again.file.open("rb")
    text = text_of(again.file.read())
    assert "五、此后更正" in text and "完成投资：2026-08-02更正后由红灯变为黄灯" in text
    # Apart from the note on the correction, the rebuilt document says the same.
    assert body(first) == body(again)


def test_only_the_supervision_office_publishes(reported, login):
    for persona in ("leader", "fgw", "outsider"):
        response = login(persona).post(f"{P}/bulletins/new/", {"cycle": "202606"})
        assert response.status_code == 403, persona
    assert not Bulletin.objects.exists()


def test_the_word_renderer_works_from_the_report_data_alone(reported):
    data = build(reported.plan, None, dt.date(2026, 7, 10), scope_all=True)
    text = text_of(render_docx(data, Cycle.objects.get(plan=reported.plan, code="202606")))
    assert "本期无红灯事项" not in text
    assert "模拟数据" not in text
