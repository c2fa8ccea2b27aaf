"""The import review follows the tree: tasks move between areas, targets between tasks."""

from __future__ import annotations

import re

from mubiao.plans.imports import target_owners, with_edits
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
