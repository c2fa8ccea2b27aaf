"""Targets without numbers: qualitative goals and milestones."""

from __future__ import annotations

import pytest

from mubiao.extract import extract_text


@pytest.mark.parametrize(
    ("text", "metrics"),
    [
        ("城乡居民人均可支配收入与经济增长同步。", ["城乡居民人均可支配收入"]),
        (
            "一般公共预算收入、居民收入增长和经济增长基本同步。",
            ["一般公共预算收入", "居民收入增长"],
        ),
        ("完成省下达的节能减排目标任务。", ["节能减排目标任务"]),
        ("主要污染物减排完成上级下达任务。", ["主要污染物减排"]),
        ("坚决守住不发生系统性金融风险底线。", ["不发生系统性金融风险"]),
    ],
)
def test_it_reads_qualitative_targets(text: str, metrics: list[str]) -> None:
    plan = extract_text(text)
    assert [t.metric for t in plan.targets] == metrics
    assert all(
        t.comparator == "qualitative" and t.value is None and t.unit is None for t in plan.targets
    )


def test_it_takes_weak_qualitative_wording_only_in_a_targets_list() -> None:
    listed = extract_text("地区生产总值增长6%,进出口稳中提质。")
    assert [t.metric for t in listed.targets] == ["地区生产总值增长", "进出口"]
    prose = extract_text("坚持稳中求进,保持社会大局稳定,进出口稳中提质。")
    assert prose.targets == []


def test_it_reads_milestones() -> None:
    plan = extract_text("推动市级重点实验室通过科技部验收、市产业研究院实体化运行。")
    assert [t.kind for t in plan.targets] == ["milestone", "milestone"]
    assert plan.targets[0].metric.endswith("通过科技部验收")


def test_it_reads_common_milestone_wording_only_in_numbered_items() -> None:
    assert extract_text("确保城市轨道交通一号线建成通车。").targets == []
    (target,) = extract_text("3.确保城市轨道交通一号线建成通车。(市交通运输局牵头)").targets
    assert target.kind == "milestone"


def test_it_reads_no_qualitative_target_in_a_past_clause() -> None:
    assert extract_text("去年居民收入增长与经济增长同步。").targets == []
