"""Importing a plan's text: upload, read, review, accept; re-import shows what changed."""

from __future__ import annotations

import io
import re

import pytest
from docx import Document as DocxDocument

from mubiao.audit.models import AuditEntry
from mubiao.orgs.models import OrgUnit
from mubiao.plans import actions
from mubiao.plans.imports import match_unit, segments, unit_key
from mubiao.plans.models import Assignment, ImportDraft, Indicator, Plan, Task

NOTICE = """示范市2026年重点工作任务分工方案

一、稳定经济增长
1.全市地区生产总值增长6%左右。（牵头单位：市发展改革委；配合单位：市统计局）
2.完成固定资产投资800亿元以上。（牵头单位：市发展改革委、市商务局）
二、推动乡村振兴
3.新建高标准农田20万亩，6月底前完成主体工程。（牵头单位：示范县农业农村局）
"""


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("示范市发展和改革委员会", "发展和改革委员会"),
        ("市商务局", "商务局"),
        ("示范县农业农村局", "农业农村局"),
        ("商务局", "商务局"),
    ],
)
def test_it_keys_unit_names_without_their_place(name, key):
    assert unit_key(name) == key


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("市发展改革委", "fgw"),
        ("示范市商务局", "swj"),
        ("市统计局", "tjj"),
        ("示范县农业农村局", "county-agri"),
        ("市外事办", None),
    ],
)
def test_it_matches_written_unit_names_to_the_tree(world, written, code):
    found = match_unit(written, list(OrgUnit.objects.all()))
    assert (found.unit.code if found.unit else None) == code


def test_segments_cover_the_text_and_know_their_items():
    text = "甲乙丙丁戊"
    draft = {"targets": [{"span": [1, 3]}], "tasks": [{"span": [0, 4]}]}
    pieces = segments(text, draft)
    assert "".join(p.text for p in pieces) == text
    assert [(p.text, p.targets, p.tasks) for p in pieces] == [
        ("甲", [], [0]),
        ("乙丙", [0], [0]),
        ("丁", [], [0]),
        ("戊", [], []),
    ]


@pytest.fixture
def upload(login, django_capture_on_commit_callbacks):
    """upload(text=…, **fields) posts the import form as the supervisor; returns the draft."""

    def post(**fields):
        client = login("supervisor")
        data = {"issuer": "", "kind": "division_notice", "plan_name": "示范市重点工作", **fields}
        data["issuer"] = OrgUnit.objects.get(code="city").pk
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/imports/", data)
        return response

    return post


def review_form(draft: ImportDraft, **overrides) -> dict:
    """The review form as the page renders it, every item kept, units as matched."""
    form = {}
    for i, t in enumerate(draft.draft["targets"]):
        p = f"target-{i}-"
        form |= {p + "keep": "on", p + "metric": t["metric"], p + "comparator": t["comparator"],
                 p + "kind": t["kind"], p + "unit": t["unit"] or "",
                 p + "value": "" if t["value"] is None else str(t["value"]),
                 p + "value_max": "" if t["value_max"] is None else str(t["value_max"])}  # fmt: skip
        if t.get("headline"):
            form[p + "headline"] = "on"
    for i, t in enumerate(draft.draft["tasks"]):
        p = f"task-{i}-"
        form |= {p + "keep": "on", p + "text": t["text"]}
        for key in ("lead_match", "co_match"):
            for k, m in enumerate(t[key]):
                form[f"{p}{key}-{k}"] = m["unit"] or ""
    return form | overrides


def test_it_reads_a_pasted_notice_and_shows_it_for_review(upload, client):
    response = upload(text=NOTICE)
    draft = ImportDraft.objects.get()
    assert response.status_code == 302 and response.url == draft.get_absolute_url()
    assert draft.status == ImportDraft.Status.READY
    assert [t["value"] for t in draft.draft["targets"]] == [6, 800, 20, None]
    milestone = draft.draft["targets"][3]  # 6月底前完成主体工程: a dated milestone
    assert (milestone["kind"], milestone["deadline"]) == ("milestone", "2026-06-30")
    page = client.get(draft.get_absolute_url()).text
    assert page.count('data-testid="target-row"') == 4
    assert page.count('data-testid="task-row"') == 3
    assert '<mark class="mt mk"' in page
    lead = draft.draft["tasks"][1]["lead_match"]
    assert [m["unit"] for m in lead] == ["fgw", "swj"]


def test_accepting_makes_the_plan_with_units_targets_and_its_document(upload, client):
    upload(text=NOTICE)
    draft = ImportDraft.objects.get()
    response = client.post(draft.get_absolute_url(), review_form(draft, accept="1"))
    plan = Plan.objects.get(name="示范市重点工作")
    assert response.url == f"/plans/{plan.code}/edit/"  # the office builds the tree next
    assert plan.tasks.count() == 3
    gdp = Indicator.objects.get(plan=plan, metric="全市地区生产总值增长")
    assert (gdp.comparator, float(gdp.value), gdp.unit, gdp.accumulation) == ("~", 6.0, "%", "rate")
    assert gdp.task.number == "1"
    assert gdp.source_text == "1.全市地区生产总值增长6%左右"
    second = Task.objects.get(plan=plan, number="2")
    assert set(second.assignments.values_list("unit__code", "role")) == {
        ("fgw", "lead"), ("swj", "lead"),
    }  # fmt: skip
    farm = Task.objects.get(plan=plan, number="3")
    assert farm.deadline.isoformat() == "2026-06-30"
    assert farm.area.name == "推动乡村振兴"
    assert plan.documents.get().text == NOTICE
    draft.refresh_from_db()
    assert draft.status == ImportDraft.Status.ACCEPTED
    assert AuditEntry.objects.filter(action="import.accept").exists()


def test_the_reviewer_corrects_drops_and_creates_units(upload, client):
    upload(text=NOTICE)
    draft = ImportDraft.objects.get()
    form = review_form(draft, accept="1")
    form["target-1-value"] = "850"
    del form["target-2-keep"]
    form["task-0-co_match-0"] = "__new__"
    client.post(draft.get_absolute_url(), form)
    plan = Plan.objects.get(name="示范市重点工作")
    assert float(Indicator.objects.get(plan=plan, metric="完成固定资产投资").value) == 850
    assert not Indicator.objects.filter(plan=plan, metric="新建高标准农田").exists()
    created = OrgUnit.objects.get(name="市统计局", parent__code="city", code__startswith="u-")
    assert Assignment.objects.filter(unit=created, role="co").exists()
    draft.refresh_from_db()
    assert draft.draft["targets"][1]["value"] == 800  # the extractor's reading is kept


def test_a_wrong_number_is_named_and_nothing_is_saved(upload, client):
    upload(text=NOTICE)
    draft = ImportDraft.objects.get()
    form = review_form(draft, accept="1")
    form["target-0-value"] = "六点五"
    response = client.post(draft.get_absolute_url(), form, follow=True)
    assert "“六点五”" in response.text
    draft.refresh_from_db()
    assert draft.edits == {} and draft.status == ImportDraft.Status.READY
    assert not Plan.objects.filter(name="示范市重点工作").exists()


def test_importing_the_same_document_again_shows_changes_and_duplicates_nothing(upload, client):
    upload(text=NOTICE)
    first = ImportDraft.objects.get()
    client.post(first.get_absolute_url(), review_form(first, accept="1"))
    plan = Plan.objects.get(name="示范市重点工作")
    changed = NOTICE.replace("800亿元", "900亿元")
    upload(text=changed, plan=plan.pk, plan_name="")
    second = ImportDraft.objects.exclude(pk=first.pk).get()
    page = client.get(second.get_absolute_url()).text
    assert 'data-testid="changes"' in page
    changes = page[page.index('data-testid="changes"') :].split("</section>", 1)[0]
    assert re.search(r"800亿元\s*→\s*[^<]*900亿元", changes), changes
    client.post(second.get_absolute_url(), review_form(second, accept="1"))
    assert plan.indicators.count() == 4  # three figures and a dated milestone
    assert float(plan.indicators.get(metric="完成固定资产投资").value) == 900
    again = ImportDraft.objects.create(
        issuer=plan.issuer, plan=plan, text=changed, sha256=second.sha256,
        status=ImportDraft.Status.READY, draft=second.draft,
    )  # fmt: skip
    assert 'data-testid="same-document"' in client.get(again.get_absolute_url()).text


def test_it_reads_an_uploaded_word_file(upload):
    doc = DocxDocument()
    for line in NOTICE.splitlines():
        doc.add_paragraph(line)
    buffer = io.BytesIO()
    doc.save(buffer)
    buffer.name = "分工方案.docx"
    buffer.seek(0)
    upload(file=buffer)
    draft = ImportDraft.objects.get()
    assert draft.file_name == "分工方案.docx"
    assert len(draft.draft["tasks"]) == 3


def test_an_unreadable_file_gets_one_plain_sentence_and_saves_nothing(upload):
    garbage = io.BytesIO(b"%PDF-1.4 this is not really a pdf \x00\x01\x02")
    garbage.name = "broken.pdf"
    response = upload(file=garbage)
    assert response.status_code == 400
    assert 'role="alert"' in response.text
    assert not ImportDraft.objects.exists()


def test_a_docx_zip_bomb_is_refused_in_the_request_without_unpacking_it(upload):
    from tests.extract.test_readers import docx_bomb

    bomb = io.BytesIO(docx_bomb())
    bomb.name = "计划.docx"
    response = upload(file=bomb)
    assert response.status_code == 400
    assert "64 MB" in response.text
    assert not ImportDraft.objects.exists()


def test_an_empty_form_asks_for_a_file_or_text(upload):
    response = upload(text="   ")
    assert "请上传文件或粘贴文本。" in response.text
    assert "Upload a file or paste the text" not in response.text
    assert not ImportDraft.objects.exists()


@pytest.mark.parametrize("persona", ["fgw", "swj", "county", "outsider", "leader"])
def test_only_the_supervision_office_may_import(login, persona):
    assert login(persona).get("/imports/").status_code == 403


def test_another_governments_supervisor_cannot_open_a_draft(world, login, upload):
    upload(text=NOTICE)
    draft = ImportDraft.objects.get()
    from mubiao.orgs.models import Membership

    Membership.objects.create(
        user=world.users["outsider"], unit=world.units["other-city"], role="supervisor"
    )
    assert login("outsider").get(draft.get_absolute_url()).status_code == 403
    assert (
        login("supervisor").get("/imports/00000000-0000-0000-0000-000000000000/").status_code == 404
    )


def test_the_progress_poll_tells_htmx_to_reload_when_reading_is_done(upload, client):
    upload(text=NOTICE)
    draft = ImportDraft.objects.get()
    response = client.get(draft.get_absolute_url(), headers={"HX-Request": "true"})
    assert response.headers["HX-Refresh"] == "true"
    ImportDraft.objects.filter(pk=draft.pk).update(status="running", progress=40)
    partial = client.get(draft.get_absolute_url(), headers={"HX-Request": "true"}).text
    assert '<progress max="100" value="40">' in partial


@pytest.fixture
def large(login, settings, tmp_path, monkeypatch, django_capture_on_commit_callbacks):
    """post(file) as the supervisor with a 1 KB threshold for reading in the request;
    returns (response, the on-commit callbacks held back: the queued reading)."""
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(actions, "READ_INLINE_BYTES", 1024)

    def post(file):
        data = {"issuer": OrgUnit.objects.get(code="city").pk, "kind": "division_notice",
                "plan_name": "示范市重点工作", "file": file}  # fmt: skip
        with django_capture_on_commit_callbacks(execute=False) as queued:
            response = login("supervisor").post("/imports/", data, HTTP_ACCEPT_LANGUAGE="zh-hans")
        return response, queued

    return post


def notice_docx(name: str = "分工方案.docx") -> io.BytesIO:
    doc = DocxDocument()
    for line in NOTICE.splitlines():
        doc.add_paragraph(line)
    buffer = io.BytesIO()
    doc.save(buffer)
    buffer.name = name
    buffer.seek(0)
    return buffer


def test_a_large_document_is_read_by_the_worker_and_the_request_returns_at_once(large):
    response, queued = large(notice_docx())
    draft = ImportDraft.objects.get()
    assert response.status_code == 302 and response["Location"] == draft.get_absolute_url()
    # Nothing read in the request: the file waits beside the queued draft.
    assert (draft.status, draft.text) == (ImportDraft.Status.QUEUED, "")
    assert actions.unread_upload(draft).exists() and len(queued) == 1
    queued[0]()  # the worker: reads the .docx into text, then extracts
    draft.refresh_from_db()
    assert draft.status == ImportDraft.Status.READY
    assert "新建高标准农田" in draft.text and len(draft.draft["tasks"]) == 3
    assert draft.sha256 and not actions.unread_upload(draft).exists()


def test_a_large_docx_bomb_is_still_refused_in_the_request(large):
    from tests.extract.test_readers import docx_bomb

    bomb = io.BytesIO(docx_bomb())
    bomb.name = "计划.docx"
    response, queued = large(bomb)
    assert response.status_code == 400 and "64 MB" in response.text
    assert not ImportDraft.objects.exists() and not queued


def test_a_large_file_the_worker_cannot_read_fails_with_a_sentence(large, client):
    garbage = io.BytesIO(b"PK not a zip at all " * 200)
    garbage.name = "损坏.docx"
    response, queued = large(garbage)
    assert response.status_code == 302
    queued[0]()
    draft = ImportDraft.objects.get()
    assert draft.status == ImportDraft.Status.FAILED
    assert "损坏.docx is not a readable .docx file" in draft.message
    assert not actions.unread_upload(draft).exists()
    page = client.get(draft.get_absolute_url()).text
    assert "损坏.docx is not a readable .docx file" in page
