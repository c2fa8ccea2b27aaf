"""Task-division documents: numbered tasks, responsible units, leaders, deadlines."""

from __future__ import annotations

import pytest

from mubiao.extract import extract_text


def tasks_of(text: str, year: int | None = 2026) -> list[dict]:
    return extract_text(text, year_hint=year).to_dict()["tasks"]


@pytest.mark.parametrize(
    ("line", "lead", "co"),
    [
        (
            "1.推进产业升级。(市工业和信息化局牵头,市发展改革委、市财政局配合)",
            ["市工业和信息化局"],
            ["市发展改革委", "市财政局"],
        ),
        (
            "2.深化改革。(市政府办公室牵头,市级各有关部门及各县市区政府按职责分工负责)",
            ["市政府办公室"],
            ["市级各有关部门", "各县市区政府"],
        ),
        (
            "3.扩大开放。(牵头单位:市商务局;责任单位:市外办、市口岸办)",
            ["市商务局"],
            ["市外办", "市口岸办"],
        ),
        ("4.稳定就业。(责任单位:市人力资源社会保障局)", ["市人力资源社会保障局"], []),
        (
            "5.城市更新。(市住房城乡建设局牵头,各县(市、区)政府负责)",
            ["市住房城乡建设局"],
            ["各县(市、区)政府"],
        ),
        ("6.生态修复。(市自然资源和规划局、市林业局)", [], ["市自然资源和规划局", "市林业局"]),
        ("7.交通建设。(省交通运输厅、财政厅牵头)", ["省交通运输厅", "财政厅"], []),
    ],
)
def test_it_reads_unit_clauses(line: str, lead: list[str], co: list[str]) -> None:
    (task,) = tasks_of(line)
    assert (task["lead"], task["co"]) == (lead, co)


def test_it_reads_unit_lines_after_the_task() -> None:
    text = "1.地区生产总值增长6%左右。\n\n牵头单位:区发改局\n\n责任单位:区经济开发区,各街道、区直各部门\n\n2.下一项。\n牵头单位:区财政局"
    first, second = tasks_of(text)
    assert first["lead"] == ["区发改局"] and first["co"] == ["区经济开发区", "各街道", "区直各部门"]
    assert second["lead"] == ["区财政局"]
    assert text[slice(*first["span"])].endswith("区直各部门")


def test_it_reads_labels_written_on_one_line_without_separators() -> None:
    text = "1.提升消费。\n牵头单位:市商务局 配合单位:市文化广电和旅游局、市市场监管局"
    (task,) = tasks_of(text)
    assert task["lead"] == ["市商务局"] and task["co"] == ["市文化广电和旅游局", "市市场监管局"]


def test_it_follows_first_listed_is_lead() -> None:
    text = "各项任务中列第一位的为牵头单位。\n1.建设数字政府。(市大数据局、市财政局、市委网信办)"
    (task,) = tasks_of(text)
    assert task["lead"] == ["市大数据局"] and task["co"] == ["市财政局", "市委网信办"]


def test_it_keeps_leaders_apart_from_units() -> None:
    text = "1.地区生产总值增长8%以上。(责任领导:张明、李华;牵头单位:区发改局)"
    (task,) = tasks_of(text)
    assert task["leaders"] == ["张明", "李华"] and task["lead"] == ["区发改局"] and task["co"] == []


@pytest.mark.parametrize(
    ("line", "deadline"),
    [
        ("1.完成清单编制,6月底前公布。(市政府办公室牵头)", "2026-06-30"),
        ("2.2026年9月30日前建成平台。(市大数据局牵头)", "2026-09-30"),
        ("3.年内建成投用。(市卫生健康委牵头)", "2026-12-31"),
        ("4.持续推进。(市水利局牵头)", None),
    ],
)
def test_it_reads_deadlines(line: str, deadline: str | None) -> None:
    (task,) = tasks_of(line)
    assert task["deadline"] == deadline


def test_it_reads_a_deadline_line() -> None:
    text = "1.提升消费。\n牵头单位:市商务局\n完成时限:2026年10月底前"
    assert tasks_of(text)[0]["deadline"] == "2026-10-31"


def test_it_reads_headings_and_links_tasks_to_the_innermost() -> None:
    text = (
        "一、稳定经济增长\n(一)扩大有效投资\n加强项目建设\n"
        "1.新开工项目300个。(市发展改革委牵头)\n二、深化改革开放\n2.优化营商环境。(市政务服务局牵头)"
    )
    plan = extract_text(text).to_dict()
    assert [(h["level"], h["number"], h["text"]) for h in plan["headings"]] == [
        (1, "一、", "稳定经济增长"),
        (2, "(一)", "扩大有效投资"),
        (3, None, "加强项目建设"),
        (1, "二、", "深化改革开放"),
    ]
    assert [t["heading"] for t in plan["tasks"]] == [2, 3]
    assert plan["tasks"][0]["targets"] == [0]


def test_it_takes_no_notice_requirements_or_attachments_for_tasks() -> None:
    text = (
        "各街道、各部门:\n现将方案印发给你们。\n一、加强组织领导。各牵头单位要高度重视,明确责任人。\n"
        "二、按时报告情况。请于2026年1月20日前报区政府督查室(填写附件1)。\n附件:1.任务清单\n2.进度表"
    )
    plan = extract_text(text)
    assert plan.tasks == []


def test_it_does_not_take_a_task_whose_unit_clause_is_cut_off() -> None:
    text = "1.推进改革。(市政府办公室牵头)\n2.深化审批改革。(市政府办公室、市"
    plan = extract_text(text)
    assert [t.number for t in plan.tasks] == ["1"]
    assert any("截断" in w for w in plan.warnings)


def test_it_reads_bracketed_labels_and_a_lead_mark_inside_a_list() -> None:
    text = "1.推进城市更新。\n【牵头单位】市住建局\n【配合单位】市财政局\n2.优化营商环境。(责任单位:市政务服务局(牵头)、市市场监管局)"
    first, second = tasks_of(text)
    assert (first["lead"], first["co"]) == (["市住建局"], ["市财政局"])
    assert (second["lead"], second["co"]) == (["市政务服务局"], ["市市场监管局"])


def test_it_reads_a_flattened_table_by_its_header() -> None:
    text = (
        "序号  重点任务  牵头单位  配合单位  完成时限\n"
        "1  新开工项目300个  市发展改革委  市财政局、市自然资源局  6月底前\n"
        "2\t建成数据中心\t市大数据局\t市通信管理办\t2026年10月底前"
    )
    first, second = tasks_of(text)
    assert (first["lead"], first["co"], first["deadline"]) == (
        ["市发展改革委"],
        ["市财政局", "市自然资源局"],
        "2026-06-30",
    )
    assert (second["lead"], second["deadline"]) == (["市大数据局"], "2026-10-31")
    assert "新开工项目300个" in first["text"]


def test_it_reads_a_flattened_row_without_a_header() -> None:
    (task,) = tasks_of("3  推进城市更新  市住房城乡建设局  市财政局")
    assert (task["lead"], task["co"]) == (["市住房城乡建设局"], ["市财政局"])


def test_it_reads_targets_inside_table_rows() -> None:
    plan = extract_text("序号  重点任务  牵头单位\n1  新开工项目300个以上  市发展改革委")
    assert [(t.metric, t.comparator, t.value) for t in plan.targets] == [("新开工项目", ">=", 300)]


def test_it_follows_first_listed_is_lead_for_responsible_units() -> None:
    text = "1.建设数字政府。(责任单位:市大数据局、市财政局)\n注:责任单位中列第一位的为牵头单位。"
    (task,) = tasks_of(text)
    assert task["lead"] == ["市大数据局"] and task["co"] == ["市财政局"]


def test_it_reads_huitong_and_you() -> None:
    (task,) = tasks_of("1.推进城市更新。(由市住房城乡建设局会同市财政局负责)")
    assert (task["lead"], task["co"]) == (["市住房城乡建设局"], ["市财政局"])


def test_it_reads_a_task_that_runs_over_two_paragraphs() -> None:
    text = "1.推进城市更新。\n重点改造老旧小区120个,完善配套设施。\n牵头单位:市住建局\n2.下一项。\n牵头单位:市财政局"
    first, second = tasks_of(text)
    assert first["lead"] == ["市住建局"] and first["co"] == [] and second["lead"] == ["市财政局"]
    assert first["text"] == "推进城市更新。\n重点改造老旧小区120个,完善配套设施。"
    assert text[slice(*first["span"])].endswith("市住建局")
