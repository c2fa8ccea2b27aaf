"""Text at entry and on the way out: control characters refused with a sentence, text
limited to what a cell holds, and the Excel round trip lossless whatever the content."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from mubiao.api.actions import create_token
from mubiao.dashboard.bulletin import render_docx
from mubiao.dashboard.current import report_data_for
from mubiao.lib import text
from mubiao.lib.office import safe_cell, unsafe_cell
from mubiao.plans.models import Task
from mubiao.reporting import actions, excel
from mubiao.reporting.actions import Content
from mubiao.reporting.models import ReportVersion

CONTROLS = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1f", "\x7f", "\x85", "\ufffe"]


def versions() -> list:
    return list(ReportVersion.objects.values_list("pk", "progress", "problems", "submitted_at"))


@pytest.mark.parametrize("char", CONTROLS)
def test_the_form_refuses_a_control_character_with_a_sentence(login, slot, char):
    report = slot("swj", "t1")
    response = login("swj").post(
        f"/reporting/r/{report.code}/",
        {"action": "submit", "progress": f"已开工{char}项目", "value-projects": "3"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    assert "进展情况" in response.text and "控制字符" in response.text
    assert f"U+{ord(char):04X}" in response.text
    assert versions() == []


def test_the_api_refuses_a_control_character_and_a_lone_surrogate(client, world, slot):
    _t, raw = create_token(world.users["swj"], name="api", read_only=False)
    report = slot("swj", "t1")

    def send(body: str):
        return client.post(
            f"/api/v1/reports/{report.code}/submit", data=body,
            content_type="application/json", headers={"Authorization": f"Bearer {raw}"},
        )  # fmt: skip

    control = send('{"progress": "a\\u0001b"}')
    assert control.status_code == 422, control.content
    assert "控制字符" in control.json()["error"]["message"]
    surrogate = send('{"problems": "a\\ud800b"}')
    assert surrogate.status_code == 422
    assert (
        surrogate.json()["error"]["message"]
        and "payload.problems" in surrogate.json()["error"]["fields"]
    )
    assert versions() == []


def test_text_longer_than_a_cell_is_refused_at_entry(world, slot):
    report = slot("fgw", "t1")
    with pytest.raises(ValidationError, match="32,767"):
        actions.save_draft(world.users["fgw"], report, Content(problems="问" * 32768))
    with pytest.raises(ValidationError, match="32,767"):
        actions.save_draft(world.users["fgw"], report, Content(progress="=" + "1" * 32766))
    actions.save_draft(world.users["fgw"], report, Content(progress="长" * 32767))
    assert len(versions()) == 1


def test_browser_line_breaks_are_stored_as_a_cell_gives_them_back(world, slot):
    version = actions.save_draft(
        world.users["fgw"], slot("fgw", "t1"), Content(progress="一\r\n二\r三")
    )
    assert version.progress == "一\n二\n三"


@pytest.mark.parametrize("value", ["'引号开头", "'=1+1", "''两个", "'", "=SUM(A1)", "-3%"])
def test_a_leading_apostrophe_survives_a_cell(value):
    assert unsafe_cell(safe_cell(value)) == value


# Any text the entry accepts: every character but the control ones, any length a cell holds.
ACCEPTED = st.text(
    alphabet=st.characters(codec="utf-8").filter(lambda c: not text.CONTROL.match(c)),
    max_size=60,
).map(text.normalize)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(progress=ACCEPTED, problems=ACCEPTED, next_steps=ACCEPTED)
def test_re_uploading_an_unchanged_export_changes_nothing_whatever_the_text(
    world, march, slot, progress, problems, next_steps
):
    user = world.users["fgw"]
    actions.save_draft(
        user, slot("fgw", "t1"),
        Content(progress=progress, problems=problems, next_steps=next_steps,
                values={"projects": "386", "investment": "412.5"}),
    )  # fmt: skip
    before = versions()
    data = excel.export_template(user, march)
    assert excel.import_file(user, march, SimpleUploadedFile("same.xlsx", data)) == []
    assert versions() == before


def test_a_text_stored_longer_than_a_cell_is_kept_when_its_export_comes_back(world, march, slot):
    user = world.users["fgw"]
    report = slot("fgw", "t1")
    actions.save_draft(user, report, Content(progress="旧"))
    long = "长" * 40000  # stored before entry was limited
    ReportVersion.objects.filter(report=report).update(progress=long)
    data = excel.export_template(user, march)
    cell = load_workbook(io.BytesIO(data))["报告"]["E2"].value
    assert len(cell) == text.MAX_CELL
    assert excel.import_file(user, march, SimpleUploadedFile("same.xlsx", data)) == []
    assert ReportVersion.objects.get(report=report).progress == long


@pytest.fixture
def dirty(world, march, slot):
    """A task title and a report stored with control characters, as older data may be."""
    user = world.users["fgw"]
    report = slot("fgw", "t1")
    actions.submit(user, report, Content(progress="进展", values={"projects": "3"}))
    ReportVersion.objects.filter(report=report).update(
        progress="进\x02展\x0b", problems="\x01"
    )  # no NUL: PostgreSQL refuses it
    Task.objects.filter(plan=world.plan, code="t1").update(title="实施\x01重点项目")
    return world


def test_every_writer_copes_with_control_characters_already_stored(dirty, march, login):
    book = load_workbook(io.BytesIO(excel.export_template(dirty.users["fgw"], march)))
    assert book["报告"]["C2"].value == "实施重点项目" and book["报告"]["E2"].value == "进展"
    ledger = login("supervisor").get("/monitor/demo-2026/ledger/?as_of=2026-04-01&format=xlsx")
    assert ledger.status_code == 200
    sheet = load_workbook(io.BytesIO(ledger.content)).active
    assert "实施重点项目" in {c for row in sheet.iter_rows(values_only=True) for c in row}
    data = report_data_for(dirty.plan, None, dt.date(2026, 4, 1), scope_all=True)
    doc = Document(io.BytesIO(render_docx(data, march)))
    assert doc.paragraphs  # it opens
    assert "\x01" not in json.dumps([p.text for p in doc.paragraphs])
