"""The bulletin: an official document (公文) built from the report data, edited by the
office, published as Word and PDF, stored and reproducible."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import zipfile

import pytest
import time_machine
from docx import Document

from mubiao.audit.models import AuditEntry
from mubiao.dashboard.bulletin import publish, render_docx
from mubiao.dashboard.current import report_data_for
from mubiao.dashboard.models import Bulletin
from mubiao.reporting.models import Cycle
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
    """The paragraphs of sections 一 to 四 (before any later corrections, attachments and
    the date of signing), and the tables' cells."""
    item.file.open("rb")
    doc = Document(io.BytesIO(item.file.read()))
    paragraphs = [p.text for p in doc.paragraphs]
    start = paragraphs.index("一、总体情况")
    ends = [paragraphs.index(m) for m in ("五、此后更正",) if m in paragraphs]
    ends += [i for i, t in enumerate(paragraphs) if t.startswith("附件：")]
    paragraphs = [p for p in paragraphs[start : min(ends) if ends else None] if p]
    return paragraphs, [[c.text for row in t.rows for c in row.cells] for t in doc.tables]


NARRATIVE = {
    "issue_number": "督查通报〔2026〕第9期",
    "requirements": "一是紧盯投资缺口，十月底前补齐。\n二是逐项销号存在问题。",
}


def test_the_bulletin_has_every_element_of_an_official_document(reported, login):
    client = login("supervisor")
    with time_machine.travel("2026-07-10 10:00 +0800", tick=False):
        form = client.get(f"{P}/bulletins/").text
        assert 'value="督查通报〔2026〕第1期"' in form  # the next number, editable
        response = client.post(
            f"{P}/bulletins/new/", {"cycle": "202606", "as_of": "2026-07-10", **NARRATIVE}
        )
    assert response.status_code == 302
    item = Bulletin.objects.get()
    assert (item.cycle.code, item.as_of, item.issue_number) == (
        "202606", dt.date(2026, 7, 10), "督查通报〔2026〕第9期",
    )  # fmt: skip
    download = client.get(f"{P}/bulletins/{item.code}/")
    assert download["Content-Disposition"].startswith("attachment")
    text = text_of(b"".join(download.streaming_content))
    lines = text.splitlines()
    assert lines[0].endswith("督查室") and lines[1] == "督查通报〔2026〕第9期"
    assert "关于示范市2026年目标任务\n2026年6月推进情况的通报" in text  # in two lines
    assert "各县（市、区）人民政府，市直各单位：" in text
    assert "现将2026年6月目标任务推进情况通报如下：" in text
    for heading in (
        "一、总体情况",
        "二、主要指标和重点项目完成情况",
        "三、存在问题",
        "四、下步工作要求",
    ):
        assert heading in lines, heading
    assert "1–6月，时间进度50.0%。" in text
    targets = [line for line in lines if line.startswith("完成投资 | ")]  # the targets' table
    assert targets and targets[0].endswith(" | 600 | 40.0% | -10.0 | 红灯"), targets
    assert "排名办法：得分 = 40 × 按时报送率" in text
    assert "第1 | 市发展改革委" in text and "暂不排名 | 市统计局" in text
    problems = lines[lines.index("三、存在问题") : lines.index("四、下步工作要求")]
    investment = [p for p in problems if "完成投资" in p]
    assert len(investment) == 1  # listed once: in its task's line, not as an item of its own
    assert investment[0] == (
        "2. 实施重点项目（任务，市发展改革委）：判为红灯；"
        "其中“完成投资”完成年度目标的40.0%，低于序时进度10.0个百分点。"
    )
    assert (
        "3. 促进消费升级（任务，市商务局）：判为红灯；其中“社会消费品零售总额增长”判为红灯。"
        in problems
    )
    assert not [p for p in problems if p.startswith("4.") or "其余" in p]  # 5 items in 3 lines
    assert "该指标" not in text
    assert "1 | 实施重点项目 | 指标 | 市发展改革委 | 100.3% | +50.3 | 已完成" in lines  # 附件2
    assert "实施重点项目：实施重点项目" not in text  # the name once
    assert "一是紧盯投资缺口，十月底前补齐。" in lines and "二是逐项销号存在问题。" in lines
    assert "附件：1. 滞后于序时进度事项清单；2. 达到序时进度事项清单" in text
    paragraphs = [line for line in lines if line and " | " not in line]
    signed = paragraphs.index("2026年7月10日")  # 落款 and date, before the attachments' pages
    assert paragraphs[signed - 1].endswith("督查室") and paragraphs[signed + 1] == "附件1"
    entry = AuditEntry.objects.get(action="bulletin.publish")
    assert entry.after["issue_number"] == "督查通报〔2026〕第9期"


def test_it_refuses_a_narrative_too_long_and_publishes_nothing(reported, login):
    client = login("supervisor")
    response = client.post(
        f"{P}/bulletins/new/",
        {"cycle": "202606", "as_of": "2026-07-10", "issue_number": "期" * 65},
        follow=True,
    )
    refusal = re.findall(r'<p class="message error">([^<]*)</p>', response.text)
    assert refusal == ["期号超过64个字符。"]  # the box by its name, in the page's language
    assert not Bulletin.objects.exists()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.post(
        f"{P}/bulletins/new/",
        {"cycle": "202606", "as_of": "2026-07-10", "issue_number": "期" * 65},
        follow=True,
    )
    refusal = re.findall(r'<p class="message error">([^<]*)</p>', response.text)
    assert refusal == ["Issue number is longer than 64 characters."]
    assert not Bulletin.objects.exists()


def docx_xml(item: Bulletin) -> dict[str, str]:
    item.file.open("rb")
    with zipfile.ZipFile(io.BytesIO(item.file.read())) as z:
        return {
            n: z.read(n).decode("utf-8")
            for n in ("word/document.xml", "word/styles.xml", "word/footer1.xml")
            if n in z.namelist()
        }


def test_the_word_file_is_a4_with_chinese_fonts_and_page_numbers(reported):
    with time_machine.travel("2026-07-10 10:00 +0800", tick=False):
        item = publish(
            reported.users["supervisor"],
            Cycle.objects.get(plan=reported.plan, code="202606"),
            dt.date(2026, 7, 10),
        )
    xml = docx_xml(item)
    document, styles = xml["word/document.xml"], xml["word/styles.xml"]
    assert re.search(r'<w:pgSz w:w="11906" w:h="16838"', document)  # A4 in twentieths of a point
    assert 'w:eastAsia="仿宋_GB2312"' in styles  # the body
    assert 'w:eastAsia="黑体"' in document and 'w:eastAsia="楷体_GB2312"' in document
    assert 'w:eastAsia="方正小标宋简体"' in document
    assert "Heading" not in document  # no theme headings (blue, Latin fonts)
    # Each table repeats its header row on every page and splits no row across pages;
    # its columns are as wide as their entries need (序号 narrow, 事项 wide).
    assert document.count("<w:tblHeader/>") == document.count("<w:tbl>") > 0
    assert "<w:cantSplit/>" in document
    grids = re.findall(r"<w:tblGrid>(.*?)</w:tblGrid>", document)
    widths = [int(w) for w in re.findall(r'w:w="(\d+)"', grids[-1])]  # 附件2's items
    assert widths[1] > widths[0] and abs(sum(widths) - 156 * 56.7) < 60
    footer = xml["word/footer1.xml"]
    assert "— " in footer and " PAGE " in footer and " —" in footer


def test_the_title_is_set_in_lines_that_keep_each_number_with_its_unit(reported):
    """2号小标宋 holds 20 ems a line: a longer title is set in lines broken between its
    parts (never inside 10月, which Word's own wrapping cut after 10), the paragraph's runs
    separated by a line break (w:br) in the document's XML."""
    reported.plan.name = "南阳市2026年目标任务体系"
    reported.plan.save(update_fields=["name"])
    with time_machine.travel("2026-07-10 10:00 +0800", tick=False):
        item = publish(
            reported.users["supervisor"],
            Cycle.objects.get(plan=reported.plan, code="202606"),
            dt.date(2026, 7, 10),
        )
    document = docx_xml(item)["word/document.xml"]
    title = next(
        p for p in re.findall(r"<w:p>.*?</w:p>|<w:p .*?</w:p>", document) if "推进情况的通报" in p
    )
    runs = re.findall(r"<w:r>(.*?)</w:r>", title)
    lines = [re.sub(r"<[^>]+>", "", r) for r in runs]
    assert lines == ["关于南阳市2026年目标任务体系", "2026年6月推进情况的通报"]
    assert "<w:br/>" in runs[1] and "<w:br/>" not in runs[0]
    assert all('<w:sz w:val="44"/>' in r and 'w:eastAsia="方正小标宋简体"' in r for r in runs)
    assert item.content["title"] == "".join(lines)  # the title as one string, as before


@pytest.mark.parametrize(
    ("parts", "lines"),
    [
        (["关于", "南阳市2026年目标任务体系", "2026年10月", "推进情况的通报"],
         ["关于南阳市2026年目标任务体系", "2026年10月推进情况的通报"]),
        (["关于", "某县2026年重点工作任务", "2026年第3季度", "推进情况的通报"],
         ["关于某县2026年重点工作任务", "2026年第3季度推进情况的通报"]),
        (["关于", "全市重点工作", "2026年10月", "推进情况的通报"],
         ["关于全市重点工作2026年10月推进情况的通报"]),  # 19 ems: one line
        (["关于", "南阳市2026年国民经济和社会发展计划目标任务分解落实", "2026年10月", "推进情况的通报"],
         ["关于南阳市2026年国民经济和社会发展计划", "目标任务分解落实2026年10月推进情况的通报"]),
    ],
)  # fmt: skip
def test_title_lines_break_between_parts_and_never_inside_a_number(parts, lines):
    from mubiao.dashboard.bulletin_docx import TITLE_EMS, _ems, title_lines

    assert title_lines(parts) == lines
    assert all(_ems(line) <= TITLE_EMS for line in lines)
    for line in lines:  # no line begins with a unit cut off its number
        assert not re.match(r"[年月期季度%]", line) and not re.search(r"\d$", line)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_the_pdf_copy_renders_a4_pages_numbered_in_the_footer(reported, login):
    from pypdf import PdfReader

    with time_machine.travel("2026-07-10 10:00 +0800", tick=False):
        item = publish(
            reported.users["supervisor"],
            Cycle.objects.get(plan=reported.plan, code="202606"),
            dt.date(2026, 7, 10),
        )
    assert item.pdf, "no PDF copy"
    response = login("supervisor").get(f"{P}/bulletins/{item.code}/pdf/")
    pdf = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    assert len(pdf.pages) >= 3
    for page in pdf.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width), round(height)) == (595, 842)  # A4 in points
    texts = [page.extract_text() for page in pdf.pages]
    for number, text in enumerate(texts, 1):
        assert f"— {number} —" in text, number
    assert "一、总体情况" in texts[0]
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in pdf.pages
        for font in (page["/Resources"].get_object().get("/Font") or {}).values()
    }
    assert any("CJK" in f or "Song" in f or "Fang" in f or "Hei" in f for f in fonts), fonts


def test_a_bulletin_rebuilt_for_its_date_says_the_same_and_flags_later_corrections(reported):
    cycle = Cycle.objects.get(plan=reported.plan, code="202606")
    with time_machine.travel("2026-07-10 10:00 +0800", tick=False):
        first = publish(reported.users["supervisor"], cycle, dt.date(2026, 7, 10))
    with time_machine.travel("2026-08-02 10:00 +0800", tick=False):
        approve(submit(reported.plan, "fgw", "202606", task="t1",
                       values={"investment": 740, "projects": 1003}, submitted="2026-08-02"),
                "2026-08-02")  # fmt: skip
        again = publish(reported.users["supervisor"], cycle, dt.date(2026, 7, 10))
    assert again.summary == first.summary
    assert "investment" in str(first.summary["red"])
    again.file.open("rb")
    text = text_of(again.file.read())
    assert "五、此后更正" in text and "完成投资：2026-08-02更正后由红灯变为黄灯" in text
    assert first.content["sections"][:4] == again.content["sections"][:4]
    # Apart from the note on the correction, the rebuilt document says the same.
    assert body(first) == body(again)


def test_only_the_supervision_office_publishes(reported, login):
    for persona in ("leader", "fgw", "outsider"):
        response = login(persona).post(f"{P}/bulletins/new/", {"cycle": "202606"})
        assert response.status_code == 403, persona
    assert not Bulletin.objects.exists()


def test_the_word_renderer_works_from_the_report_data_alone(reported):
    data = report_data_for(reported.plan, None, dt.date(2026, 7, 10), scope_all=True)
    text = text_of(render_docx(data, Cycle.objects.get(plan=reported.plan, code="202606")))
    assert "本期无红灯事项" not in text
    assert "模拟数据" not in text


def test_the_attachments_note_the_office_and_the_date_stay_on_one_page(reported):
    """Word and LibreOffice move the 附件 note, the 落款 and the 成文日期 to the next page
    together: each paragraph from the note to the office keeps with the next, so the date
    is never left alone on a page (the demo's October bulletin had it so)."""
    data = report_data_for(reported.plan, None, dt.date(2026, 7, 10), scope_all=True)
    doc = Document(
        io.BytesIO(render_docx(data, Cycle.objects.get(plan=reported.plan, code="202606")))
    )
    texts = [p.text for p in doc.paragraphs]
    note = next(i for i, t in enumerate(texts) if t.startswith("附件："))
    signed = next(i for i, t in enumerate(texts) if re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", t))
    assert texts[signed - 1].endswith("督查室") and signed - note == 4  # note, 2 blank, office
    for p in doc.paragraphs[note - 1 : signed]:
        assert p.paragraph_format.keep_with_next, repr(p.text)
    assert not doc.paragraphs[signed].paragraph_format.keep_with_next  # then the page break


def test_a_task_and_its_measure_of_the_same_name_are_one_problem_said_once():
    from mubiao.dashboard.bulletin_content import _entries, _problem_line

    def row(kind, code, name, status, task="", gap=""):
        return {"type": kind, "code": code, "name": name, "status": status, "task_code": task,
                "gap_zh": gap, "lead_units": ["市科技局"]}  # fmt: skip

    lagging = [
        row("indicator", "i1", "研究院实体化运行", "red", task="t1"),
        row("indicator", "i2", "高新技术企业数", "red"),  # no task: an item of its own
        row("task", "t1", "研究院实体化运行", "red"),
        row("indicator", "i3", "研发投入", "yellow", task="t1", gap="低于序时进度2.0个百分点"),
        row("indicator", "i4", "“瞪羚”企业数", "yellow", task="t1"),
        row("indicator", "i5", "专利数", "yellow", task="t1"),
    ]
    entries = _entries(lagging)
    assert [(r["code"], [i["code"] for i in f]) for r, f in entries] == [
        ("t1", ["i1", "i3", "i4", "i5"]),
        ("i2", []),
    ]
    why = {("indicator", "i3"): "设备到货延迟。"}
    assert _problem_line(1, *entries[0], why) == (
        "1. 研究院实体化运行（任务，市科技局）：判为红灯；其中“研发投入”低于序时进度2.0个百分点；"
        "“‘瞪羚’企业数”“专利数”判为黄灯。存在问题：设备到货延迟。"
    )


def test_a_project_behind_is_named_with_its_county_once():
    from types import SimpleNamespace as NS

    from mubiao.dashboard.bulletin_content import _behind_line

    def row(name, county):
        unit = NS(short_name=county) if county else None
        return NS(project=NS(name=name, county=unit, county_id=1 if county else None),
                  against_expected=0.4)  # fmt: skip

    assert (
        _behind_line(row("邓州市产业园项目", "邓州市")) == "邓州市产业园项目（完成序时计划的40.0%）"
    )
    assert _behind_line(row("产业园项目", "邓州市")) == "产业园项目（邓州市，完成序时计划的40.0%）"
    assert _behind_line(row("全市项目", None)) == "全市项目（—，完成序时计划的40.0%）"


def test_the_projects_behind_are_said_as_not_started_and_started_but_behind(monkeypatch):
    from types import SimpleNamespace as NS

    from mubiao.dashboard import bulletin_content
    from mubiao.projects import measures
    from mubiao.projects.models import Project

    county = NS(short_name="邓州市")

    def project(code, name, stage, plan, share, behind=True):
        return NS(project=NS(code=code, name=name, county=county, county_id=1, annual_plan=plan),
                  stage=stage, against_expected=share, behind=behind)  # fmt: skip

    new, building = Project.Stage.NOT_STARTED, Project.Stage.BUILDING
    rows = [
        project("p1", "冷链物流园项目", new, 3000, 0.0),
        project("p2", "邓州市智能工厂项目", new, 9000, 0.0),
        project("p3", "产业园项目", building, 5000, 0.62),
        project("p4", "污水处理厂项目", building, 2000, 0.41),
        project("p5", "学校项目", building, 1000, 1.2, behind=False),  # on schedule: not named
    ]
    monkeypatch.setattr(measures, "progress_of", lambda *a, **k: rows)
    plan = NS(projects=NS(select_related=lambda *a: None), year=2026)
    said = bulletin_content._behind_sentences(plan, "2026-11-10")
    assert said == [
        # the largest planned investment first, each with its county once
        "应开工未开工的项目2个：邓州市智能工厂项目、冷链物流园项目（邓州市）。",
        # the furthest behind first
        "已开工项目中投资滞后较多的：污水处理厂项目（邓州市，完成序时计划的41.0%）；"
        "产业园项目（邓州市，完成序时计划的62.0%）。",
    ]
    assert bulletin_content._behind_sentences(plan, "2026-11-10", shown=1)[0] == (
        "应开工未开工的项目2个：邓州市智能工厂项目等2个。"
    )
