"""Case tables by family of error on unseen texts (the families of the importer's
generalisation work). Every sentence here is written by the team; none is taken from
an evaluation text or the seed. Each family has at least three variants, so a rule
that passes them reads the language, not one document."""

from __future__ import annotations

import pytest

from mubiao.extract import extract_text

from .helpers import targets_of


def qualitative_metrics(text: str) -> list[str]:
    plan = extract_text(text)
    assert all(t.value is None for t in plan.targets if t.comparator == "qualitative")
    return [t.metric for t in plan.targets if t.comparator == "qualitative"]


# ── Family 1: the past year read as this year's plan ─────────────────────────────────

REVIEW_THEN_PLAN = [
    (
        "过去一年,全县生产总值增长6.2%,完成固定资产投资860亿元,新增城镇就业2.3万人。"
        "今年经济社会发展的主要预期目标是:生产总值增长6%左右,城镇新增就业2.5万人以上。",
        [("~", 6, None, "%"), (">=", 2.5, None, "万人")],
    ),
    (
        "2025年,我市规上工业增加值增长8.1%,社会消费品零售总额达到了1200亿元。"
        "2026年全市主要目标:规上工业增加值增长7%。",
        [("=", 7, None, "%")],
    ),
    (
        "一年来,全区实现一般公共预算收入45亿元,同比增长4.3%。新的一年,一般公共预算收入增长4%。",
        [("=", 4, None, "%")],
    ),
    (
        "回顾过去五年,全市居民人均可支配收入年均增长7%。展望今年,居民人均可支配收入增长6.5%。",
        [("=", 6.5, None, "%")],
    ),
    (
        "全年粮食产量稳定在110亿斤以上,森林覆盖率达到了35%。今年主要预期目标:粮食产量稳定在112亿斤以上。",
        [(">=", 112, None, "亿斤")],
    ),
    (
        "各位代表,2025年全市地区生产总值完成3150亿元,增长5.6%;今年的预期目标是地区生产总值增长5.5%以上。",
        [(">=", 5.5, None, "%")],
    ),
    ("上年城镇调查失业率为5.1%。今年城镇调查失业率控制在5.5%左右。", [("~", 5.5, None, "%")]),
    ("全市外贸进出口总额较上年增长12.5%,实际使用外资3.2亿美元。", []),
]


@pytest.mark.parametrize(("text", "expected"), REVIEW_THEN_PLAN)
def test_family1_it_reads_the_review_as_results(text: str, expected: list[tuple]) -> None:
    assert targets_of(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "全县农业总产值实现了8.5%的增长,建成高标准农田6万亩。",
        "全年共完成了老旧小区改造210个,新增停车位4000个。",
        "规上工业企业达到了420家,工业用电量增长了9.6%。",
    ],
)
def test_family1_a_sentence_with_a_finished_marker_is_past_as_a_whole(text: str) -> None:
    assert targets_of(text, 2026) == []


def test_family1_figures_before_the_main_targets_section_need_their_own_cue() -> None:
    text = (
        "去年工作回顾\n全市生产总值增长5.9%。城乡居民收入分别增长5%、6.8%。\n"
        "今年主要预期目标\n生产总值增长5.5%左右;城镇新增就业3万人。"
    )
    assert targets_of(text) == [("~", 5.5, None, "%"), ("=", 3, None, "万人")]


def test_family1_the_plan_year_is_the_year_after_the_review() -> None:
    plan = extract_text("2025年全县完成投资300亿元;今年的目标是投资增长8%。")
    assert plan.year == 2026
    assert [(t.value, t.unit) for t in plan.targets] == [(8, "%")]


# ── Family 2: qualitative targets ────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("text", "metrics"),
    [
        (
            "今年主要预期目标是:生产总值增长6%,城乡居民收入增长与经济增长基本同步,"
            "城镇登记失业率控制在省定目标以内,实际使用外资保持稳定。",
            ["城乡居民收入增长", "城镇登记失业率", "实际使用外资"],
        ),
        (
            "主要预期目标:农村居民收入增速快于城镇居民,社会消费品零售总额稳中有升,生态环境质量持续改善。",
            ["农村居民收入增速", "社会消费品零售总额", "生态环境质量"],
        ),
        (
            "2026年的主要目标是:地区生产总值增长5.5%,完成省下达的节能减排目标任务,研发投入强度高于全省平均水平。",
            ["节能减排目标任务", "研发投入强度"],
        ),
        (
            "主要目标是:全县一般公共预算收入与经济增长同步,居民消费价格涨幅控制在国家目标以内,粮食总产量保持稳定。",
            ["全县一般公共预算收入", "居民消费价格涨幅", "粮食总产量"],
        ),
        (
            "今年预期目标:规上工业增加值增长7%,单位生产总值能耗降低完成省定任务,外贸进出口总额保持正增长。",
            ["单位生产总值能耗降低", "外贸进出口总额"],
        ),
        (
            "主要目标:城镇新增就业2万人,居民收入增长快于经济增长,空气质量优良天数比例高于全省平均水平。",
            ["居民收入增长", "空气质量优良天数比例"],
        ),
    ],
)
def test_family2_it_reads_qualitative_targets(text: str, metrics: list[str]) -> None:
    assert qualitative_metrics(text) == metrics


@pytest.mark.parametrize(
    "text",
    [
        "坚持稳中求进,推动经济持续好转,社会大局保持稳定。",
        "去年城镇登记失业率控制在省定目标以内。",
        "这一年,全市研发投入强度高于全省平均水平。",
    ],
)
def test_family2_it_reads_no_qualitative_target_in_prose_or_review(text: str) -> None:
    assert qualitative_metrics(text) == []


# ── Family 3: task lists in other layouts ────────────────────────────────────────────


def tasks_of(text: str, year: int | None = 2026) -> list[dict]:
    return extract_text(text, year_hint=year).to_dict()["tasks"]


def units_of(text: str) -> list[tuple]:
    return [(t["number"], t["lead"], t["co"], t["deadline"]) for t in tasks_of(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # table rows flattened with single spaces, no header
            "3 实施城市更新行动,完成老旧小区改造120个 区住建局 区发改委、区财政局 2026年12月底\n"
            "4 加快充电桩建设,新建公共充电桩300个 区发改委 区供电公司 2026年9月底",
            [
                ("3", ["区住建局"], ["区发改委", "区财政局"], "2026-12-31"),
                ("4", ["区发改委"], ["区供电公司"], "2026-09-30"),
            ],
        ),
        (
            "7 推进农村寄递物流体系建设 县邮政管理局 县商务局、县交通运输局 2026年11月底\n"
            "8 开展消费帮扶专项行动 县乡村振兴局 县总工会 年底前",
            [
                ("7", ["县邮政管理局"], ["县商务局", "县交通运输局"], "2026-11-30"),
                ("8", ["县乡村振兴局"], ["县总工会"], "2026-12-31"),
            ],
        ),
        (  # a header naming the columns drives every row (wide gaps)
            "序号  重点任务  牵头单位  配合单位  完成时限\n"
            "1  推进农贸市场改造提升,完成改造15个  县商务局  县市场监管局、县财政局  2026年10月底\n"
            "2  实施背街小巷整治行动  县住建局  各乡(镇)人民政府  2026年12月底",
            [
                ("1", ["县商务局"], ["县市场监管局", "县财政局"], "2026-10-31"),
                ("2", ["县住建局"], ["各乡(镇)人民政府"], "2026-12-31"),
            ],
        ),
        (  # a pipe table with a header row
            "| 序号 | 工作任务 | 牵头单位 | 配合单位 | 完成时限 |\n"
            "| 1 | 建设智慧停车平台 | 市城管局 | 市公安局、市大数据局 | 2026年6月底前 |\n"
            "| 2 | 新增公共停车位2000个 | 市城管局 | 各区政府 | 2026年12月底前 |",
            [
                ("1", ["市城管局"], ["市公安局", "市大数据局"], "2026-06-30"),
                ("2", ["市城管局"], ["各区政府"], "2026-12-31"),
            ],
        ),
        (  # columns in another order: the header decides
            "序号\t配合单位\t牵头单位\t重点任务\n1\t市财政局\t市教育局\t新建幼儿园6所\n"
            "2\t市卫健委\t市体育局\t建设社区健身中心10个",
            [("1", ["市教育局"], ["市财政局"], None), ("2", ["市体育局"], ["市卫健委"], None)],
        ),
    ],
)
def test_family3_it_reads_table_rows(text: str, expected: list[tuple]) -> None:
    assert units_of(text) == expected


@pytest.mark.parametrize(
    ("text", "leads"),
    [
        (
            "1.深化“一网通办”改革(责任单位:县政务服务中心)2.开展涉企收费专项清理(牵头单位:县市场监管局)"
            "3.推行包容审慎监管(责任单位:县司法局)",
            [["县政务服务中心"], ["县市场监管局"], ["县司法局"]],
        ),
        (
            "1.建设口袋公园5个。(市园林局牵头)2.改造提升城市绿道20公里。(市林业局牵头)",
            [["市园林局"], ["市林业局"]],
        ),
        (
            "4.完善公共法律服务体系;(市司法局牵头)5.推进诉源治理;(市中级法院牵头)6.加强社区矫正;(市司法局牵头)",
            [["市司法局"], ["市中级法院"], ["市司法局"]],
        ),
    ],
)
def test_family3_it_reads_several_items_written_on_one_line(
    text: str, leads: list[list[str]]
) -> None:
    assert [t["lead"] for t in tasks_of(text)] == leads


@pytest.mark.parametrize(
    ("text", "rows"),
    [
        (  # the leader's cell is merged over two rows
            "序号\t任务内容\t责任领导\t牵头单位\t配合单位\n"
            "1\t推进高标准农田建设12万亩\t王建军\t市农业农村局\t市财政局、市自然资源局\n"
            "2\t实施农村公路提档升级工程\t市交通运输局\t各县区政府",
            [(["王建军"], ["市农业农村局"]), (["王建军"], ["市交通运输局"])],
        ),
        (  # the lead unit's cell is merged: the row's only unit cell is co-operating
            "序号\t重点任务\t牵头单位\t配合单位\n1\t建设县级融媒体中心\t县委宣传部\t县财政局\n"
            "2\t推进应急广播全覆盖\t县文广旅局",
            [([], ["县委宣传部"]), ([], ["县委宣传部"])],
        ),
        (
            "序号  重点任务  责任领导  牵头单位  完成时限\n"
            "1  完成河道清淤30公里  李红  县水利局  6月底\n"
            "2  建成排涝泵站2座  县住建局  9月底",
            [(["李红"], ["县水利局"]), (["李红"], ["县住建局"])],
        ),
    ],
)
def test_family3_it_carries_merged_cells_down(text: str, rows: list[tuple]) -> None:
    assert [(t["leaders"], t["lead"]) for t in tasks_of(text)] == rows


# ── Family 4: unit lists ─────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("text", "lead", "co", "open_ended"),
    [
        (  # brackets inside a name, the document's rule for the first unit
            "各项任务中列第一位的为牵头单位。\n1.推进教育均衡发展。(县教育局、县财政局、各乡(镇)人民政府(街道办事处))",
            ["县教育局"],
            ["县财政局", "各乡(镇)人民政府(街道办事处)"],
            False,
        ),
        (
            "排在第一位的为牵头单位。\n1.推进全民健身。(市体育局、各县(市、区)人民政府)",
            ["市体育局"],
            ["各县(市、区)人民政府"],
            False,
        ),
        (  # a generic tail: the list is open-ended
            "1.加强基层医疗服务。(县卫健委牵头,县医保局等相关部门配合)",
            ["县卫健委"],
            ["县医保局"],
            True,
        ),
        (
            "2.推进文旅融合。(牵头单位:县文广旅局;配合单位:县发改委、各乡镇等有关单位)",
            ["县文广旅局"],
            ["县发改委", "各乡镇"],
            True,
        ),
        (
            "3.开展安全生产大检查。(县应急局牵头,县住建局、县交通局等部门按职责分工负责)",
            ["县应急局"],
            ["县住建局", "县交通局"],
            True,
        ),
        (  # a mark for the lead, before or after the name
            "1.建设区域物流枢纽。(★市发改委、市交通运输局、市商务局)",
            ["市发改委"],
            ["市交通运输局", "市商务局"],
            False,
        ),
        ("2.扩大有效投资。(市财政局、市发改委★)", ["市发改委"], ["市财政局"], False),
        ("3.优化口岸营商环境。(市商务局、▲市口岸办)", ["市口岸办"], ["市商务局"], False),
    ],
)
def test_family4_it_reads_unit_lists(
    text: str, lead: list[str], co: list[str], open_ended: bool
) -> None:
    (task,) = tasks_of(text)
    assert (task["lead"], task["co"], task["open_ended"]) == (lead, co, open_ended)


@pytest.mark.parametrize(
    ("text", "leaders"),
    [
        ("1.推进城乡供水一体化。(责任领导:张伟刘强;牵头单位:县水利局)", ["张伟", "刘强"]),
        ("2.建设物流园区。(责任领导:王建军李明;牵头单位:县商务局)", ["王建军", "李明"]),
        ("3.实施河湖治理。(责任领导:赵丽;牵头单位:县水利局)", ["赵丽"]),
    ],
)
def test_family4_it_splits_two_officials_written_together(text: str, leaders: list[str]) -> None:
    (task,) = tasks_of(text)
    assert task["leaders"] == leaders


# ── Family 5: the number before its noun ─────────────────────────────────────────────


def named(text: str, year: int | None = None) -> list[tuple]:
    return [
        (t.metric, t.comparator, t.value, t.unit)
        for t in extract_text(text, year_hint=year).targets
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "今年将推进42个老旧小区改造项目、18个城市更新片区建设。",
            [("老旧小区改造项目", "=", 42, "个"), ("城市更新片区建设", "=", 18, "个")],
        ),
        (
            "今年计划实施35个重点水利工程、新建12所中小学校。",
            [("重点水利工程", "=", 35, "个"), ("中小学校", "=", 12, "所")],
        ),
        (
            "年内改造6个农贸市场、9条背街小巷。",
            [("改造农贸市场", "=", 6, "个"), ("背街小巷", "=", 9, "条")],
        ),
    ],
)
def test_family5_each_figure_is_named_by_the_noun_after_it(text: str, expected: list) -> None:
    assert named(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026年,推动800家以上企业上云。", [("企业上云", ">=", 800, "家")]),
        ("今年培育30家以上专精特新企业。", [("专精特新企业", ">=", 30, "家")]),
        ("力争引进20个以上先进制造业项目。", [("先进制造业项目", ">=", 20, "个")]),
        # an amount bound inside the metric stays a bound, the count is the target
        ("今年实施500万元以上项目1200个。", [("实施500万元以上项目", "=", 1200, "个")]),
    ],
)
def test_family5_a_counted_threshold_is_the_target(text: str, expected: list) -> None:
    assert named(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("力争平均受教育年限达到11.6年。", [("平均受教育年限", "=", 11.6, "年")]),
        ("今年劳动年龄人口平均受教育年限提高到11.2年。", [(">=", 11.2)]),
        ("人均预期寿命达到79.5岁。", [("人均预期寿命", "=", 79.5, "岁")]),
    ],
)
def test_family5_years_and_ages_are_units_after_a_time_metric(text: str, expected: list) -> None:
    got = named(text)
    if len(expected[0]) == 2:
        assert [(g[2]) for g in got] == [expected[0][1]] and got[0][3] == "年"
    else:
        assert got == expected


def test_family5_a_year_is_not_a_figure_in_years() -> None:
    assert named("2026年实施三年行动计划,新建公园5个。") == [("新建公园", "=", 5, "个")]


# ── Family 6: several governments in one text ────────────────────────────────────────


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "从各地政府工作报告看,甲市今年生产总值预期增长6%左右,乙市提出增长5.5%以上,丙县则将目标定为7%。",
            [("甲市", 6), ("乙市", 5.5), ("丙县", 7)],
        ),
        (
            "各省份2026年经济增长目标陆续出炉:河北省预期增长5.5%左右;山西省增长5%左右;内蒙古自治区增长6%左右。",
            [("河北省", 5.5), ("山西省", 5), ("内蒙古自治区", 6)],
        ),
        (
            "郑州市提出,2026年地区生产总值增长6%;洛阳市提出增长5.5%以上。南阳市提出增长5.5%以上。",
            [("郑州市", 6), ("洛阳市", 5.5), ("南阳市", 5.5)],
        ),
        (
            "聚焦目标,各地拉高标杆。东川区提出生产总值增长8%。西岭县围绕项目建设,新开工项目60个以上。",
            [("东川区", 8), ("西岭县", 60)],
        ),
    ],
)
def test_family6_each_target_keeps_its_government(text: str, expected: list) -> None:
    plan = extract_text(text)
    assert [(t.entity, t.value) for t in plan.targets] == expected
    assert not any(t.metric.startswith(t.entity or "-") for t in plan.targets)


@pytest.mark.parametrize(
    "text",
    [
        "今年全市生产总值增长6%,城区新增绿地30公顷。",
        "我市将推进开发区建设,园区规上企业新增20家。",
        "河南郑州今年生产总值增长5.5%;郑州将新建学校20所。",
    ],
)
def test_family6_a_text_about_one_government_names_none(text: str) -> None:
    assert [t.entity for t in extract_text(text).targets] == [None] * len(
        extract_text(text).targets
    )


@pytest.mark.parametrize(
    ("text", "metrics"),
    [
        ("甲市提出生产总值增长6%,丙县则将目标定为7%。", ["生产总值增长", "生产总值增长"]),
        (
            "今年,全市生产总值增长8%。西岭县提出增长7%;北坪县提出增长7.5%。",
            ["全市生产总值增长", "全市生产总值增长", "全市生产总值增长"],
        ),
        (
            "东川区提出规上工业增加值增长9%;南港区增长8%。",
            ["规上工业增加值增长", "规上工业增加值增长"],
        ),
    ],
)
def test_family6_a_bare_growth_takes_the_measure_named_before(text: str, metrics: list) -> None:
    assert [t.metric for t in extract_text(text).targets] == metrics


# ── Family 7: dated milestones ───────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "2026年,6月底前完成方案报批,国庆节前建成开放城市中央公园。",
            [("完成方案报批", "2026-06-30"), ("建成开放城市中央公园", "2026-09-30")],
        ),
        (
            "2026年,确保轨道交通2号线9月底前开通运营,年底前完成老城区管网改造。",
            [("轨道交通2号线开通运营", "2026-09-30"), ("完成老城区管网改造", "2026-12-31")],
        ),
        (
            "2026年力争3月底前出台实施细则,10月底前建成市级数据中心。",
            [("出台实施细则", "2026-03-31"), ("建成市级数据中心", "2026-10-31")],
        ),
        ("2026年,上半年前启动新城污水厂建设。", [("启动新城污水厂建设", "2026-06-30")]),
    ],
)
def test_family7_it_reads_dated_milestones(text: str, expected: list) -> None:
    plan = extract_text(text)
    assert all(t.kind == "milestone" and t.comparator == "qualitative" for t in plan.targets)
    assert [(t.metric, t.deadline) for t in plan.targets] == expected


def test_family7_a_past_milestone_is_not_a_target() -> None:
    assert (
        extract_text("去年6月底前完成了方案报批。2026年主要目标:生产总值增长6%。").targets[0].value
        == 6
    )
