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
