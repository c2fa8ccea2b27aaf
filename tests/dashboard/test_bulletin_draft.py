"""The bulletin's draft: built and saved for review (an audited action), edited again
(下步工作要求 and the wording of 存在问题), then published and frozen; control characters
are taken out on every path the text is drawn (the preview, the .docx, its PDF)."""

from __future__ import annotations

import io

import pytest
import time_machine
from django.core.exceptions import ValidationError
from docx import Document

from mubiao.audit.models import AuditEntry
from mubiao.dashboard import actions
from mubiao.dashboard.bulletin_docx import render
from mubiao.dashboard.models import Bulletin
from mubiao.reporting.models import Cycle
from tests.dashboard.helpers import report_value

P = "/monitor/demo-2026"


@pytest.fixture
def reported(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel("2026-07-08 16:00 +0800", tick=False):
        report_value(world.plan, "fgw", "202606", task="t1",
                     values={"investment": 600, "projects": 1003},
                     submitted="2026-07-05", approved="2026-07-08")  # fmt: skip
    return world


def docx_text(item: Bulletin) -> str:
    item.file.open("rb")
    return "\n".join(p.text for p in Document(io.BytesIO(item.file.read())).paragraphs)


FORM = {"cycle": "202606", "as_of": "2026-07-10"}


def test_the_office_saves_a_draft_edits_it_again_and_publishes_it(reported, login):
    client = login("supervisor")
    with time_machine.travel("2026-07-10 10:00 +0800", tick=False):
        page = client.get(f"{P}/bulletins/").text
        assert 'data-testid="save-draft"' in page
        response = client.post(f"{P}/bulletins/new/", {**FORM, "intent": "draft"})
        draft = Bulletin.objects.get()
        assert response.status_code == 302 and response["Location"].endswith(
            f"/bulletins/{draft.code}/edit/"
        )
        assert draft.is_draft and not draft.file and not draft.pdf and draft.published_at is None
        assert client.get(f"{P}/bulletins/{draft.code}/").status_code == 404  # nothing to send
        edit = client.get(f"{P}/bulletins/{draft.code}/edit/").text
        # The preview prints 存在问题 as the figures give it, and the form offers that text.
        generated = "其中“完成投资”完成年度目标的40.0%，低于序时进度10.0个百分点。"
        assert edit.count(generated) == 2, "preview and the 存在问题 box"
        assert "一是对标对表抓推进" in edit
        problems = "1. 完成投资（指标，市发展改革委）：受汛期影响，低于序时进度10.0个百分点。"
        client.post(f"{P}/bulletins/{draft.code}/edit/", {
            **FORM, "intent": "draft", "requirements": "一是十月底前补齐投资缺口。",
            "problems": "截至本期，1项指标滞后。\n" + problems,
        })  # fmt: skip
    draft.refresh_from_db()
    assert Bulletin.objects.count() == 1 and draft.is_draft  # the same draft, edited
    assert draft.narrative["requirements"] == "一是十月底前补齐投资缺口。"
    saves = AuditEntry.objects.filter(action="bulletin.draft").order_by("pk")
    assert saves.count() == 2
    assert saves[0].before is None and saves[1].before["narrative"]["requirements"].startswith(
        "一是对标对表"
    )
    assert saves[1].after["narrative"]["requirements"] == "一是十月底前补齐投资缺口。"
    with time_machine.travel("2026-07-11 09:00 +0800", tick=False):
        edit = client.get(f"{P}/bulletins/{draft.code}/edit/").text
        assert problems in edit and "一是十月底前补齐投资缺口。" in edit
        client.post(f"{P}/bulletins/{draft.code}/edit/", {
            **FORM, "intent": "publish", "requirements": "一是十月底前补齐投资缺口。",
            "problems": "截至本期，1项指标滞后。\n" + problems,
        })  # fmt: skip
    draft.refresh_from_db()
    assert not draft.is_draft and draft.file and draft.published_at is not None
    text = docx_text(draft)
    assert "一是十月底前补齐投资缺口。" in text and problems in text
    assert generated not in text  # the office's wording replaced the generated one
    assert "一是对标对表抓推进" not in text
    assert AuditEntry.objects.filter(action="bulletin.publish").count() == 1
    # Published: frozen; neither the page nor the action edits it again.
    response = client.post(f"{P}/bulletins/{draft.code}/edit/", {**FORM, "intent": "draft"})
    assert response.status_code == 400
    with pytest.raises(ValidationError):
        actions.save_bulletin_draft(
            reported.users["supervisor"], draft.cycle, draft.as_of, {}, draft
        )
    draft.refresh_from_db()
    assert not draft.is_draft and "一是十月底前补齐投资缺口。" in docx_text(draft)


def test_problems_left_as_shown_follow_the_figures_of_the_new_date(reported, login):
    client = login("supervisor")
    with time_machine.travel("2026-07-10 10:00 +0800", tick=False):
        client.post(f"{P}/bulletins/new/", {**FORM, "intent": "draft"})
        draft = Bulletin.objects.get()
        shown = [
            b["text"] for s in draft.content["sections"] if s["heading"] == "三、存在问题"
            for b in s["blocks"]
        ]  # fmt: skip
        client.post(f"{P}/bulletins/{draft.code}/edit/",
                    {**FORM, "intent": "draft", "problems": "\n".join(shown)})  # fmt: skip
    draft.refresh_from_db()
    assert draft.narrative["problems"] == ""  # not an edit: nothing frozen


def test_drafts_do_not_use_up_issue_numbers_and_only_the_office_drafts(reported, login):
    cycle = Cycle.objects.get(plan=reported.plan, code="202606")
    office = reported.users["supervisor"]
    import datetime as dt

    with time_machine.travel("2026-07-10 10:00 +0800", tick=False):
        first = actions.save_bulletin_draft(office, cycle, dt.date(2026, 7, 10))
        second = actions.save_bulletin_draft(office, cycle, dt.date(2026, 7, 10))
        assert first.issue_number == second.issue_number == "督查通报〔2026〕第1期"
        for persona in ("leader", "fgw"):
            response = login(persona).post(f"{P}/bulletins/new/", {**FORM, "intent": "draft"})
            assert response.status_code == 403, persona
            assert login(persona).get(f"{P}/bulletins/{first.code}/edit/").status_code == 403


def test_control_characters_are_taken_out_of_the_preview_and_the_files(reported, login):
    client = login("supervisor")
    with time_machine.travel("2026-07-10 10:00 +0800", tick=False):
        client.post(f"{P}/bulletins/new/", {
            **FORM, "intent": "draft", "requirements": "一是补齐\x07缺口。\x1b",
            "basis": "根据\x0c要求，现将情况通报如下：",
        })  # fmt: skip
        draft = Bulletin.objects.get()
        assert "一是补齐缺口。" in str(draft.content)
        # Content frozen before control characters were refused still renders clean.
        draft.content["sections"][3]["blocks"] = [{"kind": "text", "text": "二是\x01销号。"}]
        draft.save()
        edit = client.get(f"{P}/bulletins/{draft.code}/edit/").text
        assert "二是销号。" in edit and "\x01" not in edit
        raw = render(draft.content)
        assert "二是销号。" in "\n".join(p.text for p in Document(io.BytesIO(raw)).paragraphs)
        client.post(f"{P}/bulletins/{draft.code}/edit/", {
            **FORM, "intent": "publish", "requirements": "一是补齐\x07缺口。",
            "problems": "1. 完成投资\x0b滞后。",
        })  # fmt: skip
    draft.refresh_from_db()
    text = docx_text(draft)
    assert "一是补齐缺口。" in text and "1. 完成投资滞后。" in text
    assert not any(ch in text for ch in "\x07\x0b\x0c\x1b\x01")
