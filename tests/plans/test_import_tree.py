"""The import review follows the tree: tasks move between areas, targets between tasks."""

from __future__ import annotations

import re

from mubiao.audit.models import AuditEntry
from mubiao.plans.imports import split_task, target_owners, with_edits
from mubiao.plans.models import ImportDraft, Indicator, Plan, Task
from tests.plans.test_import import NOTICE, review_form, upload  # noqa: F401


def test_the_review_shows_each_tasks_area_and_each_targets_task(upload, client):  # noqa: F811
    upload(text=NOTICE)
    draft = ImportDraft.objects.get()
    page = client.get(draft.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").text
    areas = re.findall(r'name="task-(\d)-heading".*?<option value="(\d)" selected', page, re.S)
    assert areas == [("0", "0"), ("1", "0"), ("2", "1")]
    owners = re.findall(r'name="target-(\d)-task".*?<option value="(\d)" selected', page, re.S)
    assert owners == [("0", "0"), ("1", "1"), ("2", "2"), ("3", "2")]
    assert "领域" in page


def test_the_reviewer_moves_a_task_and_a_target_before_accepting(upload, client):  # noqa: F811
    upload(text=NOTICE)
    draft = ImportDraft.objects.get()
    form = review_form(draft, accept="1")
    form["task-1-heading"] = "1"  # 完成固定资产投资… moves to 推动乡村振兴
    form["target-0-task"] = "2"  # the growth target joins the farmland task
    form["target-3-task"] = ""  # the milestone stands alone
    client.post(draft.get_absolute_url(), form)
    plan = Plan.objects.get(name="示范市重点工作")
    assert Task.objects.get(plan=plan, number="2").area.name == "推动乡村振兴"
    growth = Indicator.objects.get(plan=plan, metric="全市地区生产总值增长")
    assert growth.task.number == "3" and growth.area.name == "推动乡村振兴"
    assert Indicator.objects.get(plan=plan, kind="milestone").task is None


def test_moving_a_target_rewrites_the_task_lists() -> None:
    draft = {
        "headings": [{"text": "甲"}, {"text": "乙"}],
        "targets": [{"heading": 0}, {"heading": 0}],
        "tasks": [{"heading": 0, "targets": [0, 1]}, {"heading": 1, "targets": []}],
    }
    merged = with_edits(draft, {"targets": {"1": {"task": 1}}, "tasks": {}})
    assert target_owners(merged) == {0: 0, 1: 1}
    assert merged["targets"][1]["heading"] == 1
    assert draft["tasks"][0]["targets"] == [0, 1]  # the stored draft is not changed
    loose = with_edits(draft, {"targets": {"0": {"task": None}}, "tasks": {}})
    assert target_owners(loose) == {1: 0}


def test_the_reviewer_merges_a_task_into_the_one_above(upload, client):  # noqa: F811
    upload(text=NOTICE)
    draft = ImportDraft.objects.get()
    page = client.get(draft.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").text
    assert page.count('data-testid="merge-up"') == 2 and "并入上一项任务" in page
    form = review_form(draft, accept="1")
    form["task-1-merge_up"] = "on"  # 完成固定资产投资… joins 全市地区生产总值增长…
    client.post(draft.get_absolute_url(), form)
    plan = Plan.objects.get(name="示范市重点工作")
    assert plan.tasks.count() == 2
    first = Task.objects.get(plan=plan, number="1")
    assert first.text.endswith("完成固定资产投资800亿元以上。")
    invest = Indicator.objects.get(plan=plan, value=800)
    assert invest.task == first
    assert set(first.assignments.values_list("unit__code", flat=True)) >= {"fgw", "swj"}


def test_merging_keeps_the_stored_draft_and_skips_the_merged_task() -> None:
    draft = {
        "targets": [{"heading": 0}, {"heading": 0}],
        "tasks": [
            {"text": "甲", "targets": [0], "span": [0, 2], "lead_match": [], "co_match": []},
            {"text": "乙", "targets": [1], "span": [3, 5], "lead_match": [], "co_match": []},
        ],
    }
    merged = with_edits(draft, {"tasks": {"1": {"merge_up": True, "skip": False}}})
    assert [t.get("skip", False) for t in merged["tasks"]] == [False, True]
    assert merged["tasks"][0]["text"] == "甲;乙" and merged["tasks"][0]["targets"] == [0, 1]
    assert merged["tasks"][0]["span"] == [0, 5]
    assert draft["tasks"][0]["text"] == "甲"


def test_the_reviewer_splits_a_task_and_its_targets_follow_their_part(upload, client):  # noqa: F811
    upload(text=NOTICE)
    draft = ImportDraft.objects.get()
    page = client.get(draft.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").text
    assert page.count('data-testid="split"') == 3 and "一分为二" in page
    form = review_form(draft, split="2")
    form["task-1-heading"] = "1"  # a correction of an earlier task stays where it was
    form["task-2-split"] = "6月底前"  # 新建高标准农田… | 6月底前完成主体工程。
    response = client.post(draft.get_absolute_url(), form)
    assert response.status_code == 302 and response.url.endswith("#task-2")
    draft.refresh_from_db()
    tasks = with_edits(draft.draft, draft.edits)["tasks"]
    assert [t["text"] for t in tasks[2:]] == ["新建高标准农田20万亩", "6月底前完成主体工程。"]
    assert [t["targets"] for t in tasks[2:]] == [[2], [3]]
    first, second = (t["span"] for t in tasks[2:])
    assert first[1] == second[0] and draft.text[second[0] : second[0] + 4] == "6月底前"
    assert tasks[3]["lead_match"][0]["unit"] == "county-agri" and tasks[1]["heading"] == 1
    entry = AuditEntry.objects.get(action="import.split")
    assert entry.before["targets"] == [2, 3] and entry.after["targets"] == [[2], [3]]
    client.post(draft.get_absolute_url(), review_form(draft, accept="1"))
    plan = Plan.objects.get(name="示范市重点工作")
    assert plan.tasks.count() == 4
    assert Indicator.objects.get(plan=plan, kind="milestone").task.text == "6月底前完成主体工程。"
    farmland = Indicator.objects.get(plan=plan, value=20)
    assert farmland.task.text == "新建高标准农田20万亩"


def test_a_split_moves_the_later_tasks_and_their_corrections_down() -> None:
    draft = {
        "targets": [{"span": [0, 2]}, {"span": [4, 6]}, {"span": [9, 10]}],
        "tasks": [
            {"text": "甲乙,丙丁", "span": [0, 7], "targets": [0, 1], "heading": 0},
            {"text": "戊己", "span": [8, 11], "targets": [2], "heading": 0},
        ],
    }
    edits = {
        "targets": {"2": {"task": 1}, "1": {"task": 0}},
        "tasks": {"1": {"text": "戊己庚", "heading": 1}},
    }
    data, fixes, change = split_task(draft, edits, "甲乙，丙丁。 戊己庚", 0, "丙丁")
    merged = with_edits(data, fixes)
    assert [t["text"] for t in merged["tasks"]] == ["甲乙", "丙丁", "戊己庚"]
    assert target_owners(merged) == {0: 0, 1: 1, 2: 2}
    assert merged["tasks"][2]["heading"] == 1 and merged["tasks"][1]["span"] == [3, 7]
    assert change["after"]["targets"] == [[0], [1]]
    assert len(draft["tasks"]) == 2 and edits["targets"]["2"] == {"task": 1}  # untouched


def test_a_split_at_words_not_in_the_task_is_refused_and_changes_nothing(upload, client):  # noqa: F811
    upload(text=NOTICE)
    draft = ImportDraft.objects.get()
    before = draft.draft
    form = review_form(draft, split="0")
    form["task-0-split"] = "不存在的词"
    response = client.post(draft.get_absolute_url(), form, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400 and "不存在的词" in response.text
    draft.refresh_from_db()
    assert draft.draft == before and not AuditEntry.objects.filter(action="import.split")


def test_both_parts_of_a_split_task_keep_its_deadline_and_their_own_text(upload, client):  # noqa: F811
    upload(text=NOTICE)
    draft = ImportDraft.objects.get()
    assert draft.draft["tasks"][2]["deadline"] == "2026-06-30"
    assert draft.draft["tasks"][1]["deadline"] is None
    form = review_form(draft, split="2")
    form["task-2-text"] = "新建高标准农田20万亩,6月底前完成主体工程并验收。"  # corrected first
    form["task-2-split"] = "6月底前"
    client.post(draft.get_absolute_url(), form)
    draft.refresh_from_db()
    tasks = with_edits(draft.draft, draft.edits)["tasks"]
    assert [(t["text"], t["deadline"]) for t in tasks[2:]] == [
        ("新建高标准农田20万亩", "2026-06-30"),
        ("6月底前完成主体工程并验收。", "2026-06-30"),
    ]
    page = client.get(draft.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").text
    assert page.count("2026-06-30") >= 2
    client.post(
        draft.get_absolute_url(),
        review_form(draft, accept="1")
        | {"task-2-text": "新建高标准农田20万亩", "task-3-text": "6月底前完成主体工程并验收。"},
    )
    plan = Plan.objects.get(name="示范市重点工作")
    parts = Task.objects.filter(plan=plan, number__in=["3", ""]).order_by("order")
    assert [(t.text, str(t.deadline)) for t in parts] == [
        ("新建高标准农田20万亩", "2026-06-30"),
        ("6月底前完成主体工程并验收。", "2026-06-30"),
    ]
    assert Task.objects.get(plan=plan, number="2").deadline is None


PREAMBLE = NOTICE.replace(
    "\n\n一、", "\n为完成全年目标,全市一般公共预算收入增长5%以上,现将任务分工如下。\n一、", 1
)


def test_a_target_before_the_first_area_is_accepted_as_a_headline_target(upload, client):  # noqa: F811
    upload(text=PREAMBLE)
    draft = ImportDraft.objects.get()
    assert [t["headline"] for t in draft.draft["targets"]] == [True, False, False, False, False]
    page = client.get(draft.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").text
    checked = re.findall(r'name="target-(\d)-headline"[^>]*?(checked)?>', page)
    assert checked == [("0", "checked"), ("1", ""), ("2", ""), ("3", ""), ("4", "")]
    client.post(draft.get_absolute_url(), review_form(draft, accept="1"))
    plan = Plan.objects.get(name="示范市重点工作")
    revenue = Indicator.objects.get(plan=plan, metric__contains="一般公共预算收入")
    assert revenue.headline and revenue.area is None and revenue.task is None
    assert list(plan.indicators.filter(headline=True)) == [revenue]


def test_the_reviewer_can_unmark_a_headline_target(upload, client):  # noqa: F811
    upload(text=PREAMBLE)
    draft = ImportDraft.objects.get()
    form = review_form(draft, accept="1")
    del form["target-0-headline"]
    client.post(draft.get_absolute_url(), form)
    plan = Plan.objects.get(name="示范市重点工作")
    assert not plan.indicators.filter(headline=True).exists()
