"""Family 8, prose plans: headings become areas, measures become tasks.

The three plans below are written by the team for these tests (an interview with
paired-phrase headings, a speech with numbered headings, a feature with a review
before its plan); the seed interview is checked against the plan's own source when
the shared seed folder is beside the repository.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mubiao.extract import extract_text

INTERVIEW = """临川市长谈2026年发展思路
临川市市长 陈立新
稳投资 强产业
筑牢经济增长底盘
今年是开局之年,项目是经济工作的生命线。陈立新说,临川将坚持项目为王,全力稳投资扩需求。加快推进沿江快速路、城东污水处理厂等重点工程建设,确保完成固定资产投资600亿元以上。积极谋划一批新基建项目,持续优化项目审批服务。
今年还将全力促进制造业提质增效,深入实施技改提升行动,力争新增规上工业企业80家以上。
优环境 惠民生
让群众生活更有质感
民生是最大的政治。陈立新表示,临川将加大教育投入力度,新建改扩建中小学校12所;同时,持续推进老旧小区改造,完成改造小区45个。
统筹推进城乡医疗资源下沉,扎实开展县域医共体建设。千方百计稳住就业基本盘,城镇新增就业1.8万人。
"""

SPEECH = """在全县经济工作会议上的讲话
同志们:
一、聚焦产业升级,打造县域发展新引擎
今年要大力发展装备制造产业,着力培育新材料产业集群,力争工业总产值增长8%。加快建设县经济开发区标准化厂房,年内建成厂房20万平方米。
二、聚焦乡村振兴,建设宜居宜业和美乡村
深入推进高标准农田建设,新建高标准农田3万亩。持续改善农村人居环境,扎实开展村庄清洁行动。积极发展乡村旅游,打造精品民宿集聚区2个。
三、聚焦民生改善,提升群众获得感
加快补齐养老服务短板,建成乡镇养老服务中心5个;全面落实就业帮扶政策。
"""

FEATURE = """江岸区2026年怎么干
江岸区区长 周敏
过去一年,江岸区新开工项目56个,完成投资210亿元。
抓招商 引项目
持续开展产业链精准招商,力争引进亿元以上项目30个。深化与高校的合作,共建两个成果转化基地。
治环境 美城区
全力推进黑臭水体整治,年底前完成整治河道8条。大力实施城区绿化提升工程,新增公园绿地40公顷。
"""


def tree(text: str) -> tuple[list[str], list[tuple[int | None, str]], dict]:
    plan = extract_text(text).to_dict()
    areas = [h["text"] for h in plan["headings"]]
    return areas, [(t["heading"], t["text"]) for t in plan["tasks"]], plan


def test_an_interview_reads_as_areas_and_measures() -> None:
    areas, tasks, plan = tree(INTERVIEW)
    assert areas == ["稳投资 强产业", "优环境 惠民生"]
    assert [h["subtitle"] for h in plan["headings"]] == ["筑牢经济增长底盘", "让群众生活更有质感"]
    assert (0, "加快推进沿江快速路、城东污水处理厂等重点工程建设") in tasks
    assert (0, "确保完成固定资产投资600亿元以上") in tasks
    assert (0, "全力促进制造业提质增效") in tasks
    assert (1, "持续推进老旧小区改造") in tasks
    assert (1, "完成改造小区45个") in tasks
    assert (1, "千方百计稳住就业基本盘,城镇新增就业1.8万人") in tasks
    texts = [t for _, t in tasks]
    # principles, definitions and attributions are not measures
    assert not any(t.startswith(("坚持", "项目是", "民生是", "陈立新")) for t in texts)


def test_an_interview_attaches_every_figure_to_its_measure() -> None:
    _, _, plan = tree(INTERVIEW)
    attached = sorted(i for t in plan["tasks"] for i in t["targets"])
    assert attached == list(range(len(plan["targets"])))
    for task in plan["tasks"]:
        for k in task["targets"]:
            _, end = plan["targets"][k]["span"]
            assert task["span"][0] <= end <= task["span"][1]


def test_a_speech_with_numbered_headings_reads_as_a_tree() -> None:
    areas, tasks, _ = tree(SPEECH)
    assert areas == [
        "聚焦产业升级,打造县域发展新引擎",
        "聚焦乡村振兴,建设宜居宜业和美乡村",
        "聚焦民生改善,提升群众获得感",
    ]
    assert [h for h, _ in tasks].count(0) == 3
    assert (1, "新建高标准农田3万亩") in tasks or (
        1,
        "深入推进高标准农田建设,新建高标准农田3万亩",
    ) in tasks
    assert (2, "全面落实就业帮扶政策") in tasks


def test_a_feature_keeps_its_review_out_of_the_tree() -> None:
    areas, tasks, plan = tree(FEATURE)
    assert areas == ["抓招商 引项目", "治环境 美城区"]
    assert all("56个" not in t for _, t in tasks)
    assert [(t["value"], t["unit"]) for t in plan["targets"]][:1] == [(30, "个")]
    (river,) = [t for t in plan["tasks"] if "黑臭水体" in t["text"]]
    assert river["deadline"] == "2026-12-31"


def test_every_measure_has_its_own_span_in_the_input() -> None:
    for text in (INTERVIEW, SPEECH, FEATURE):
        plan = extract_text(text).to_dict()
        spans = [tuple(t["span"]) for t in plan["tasks"]]
        assert len(set(spans)) == len(spans)
        for task in plan["tasks"]:
            assert text[slice(*task["span"])] == task["text"]


@pytest.mark.parametrize(
    "text",
    [
        "关于印发重点工作分工方案的通知\n各单位:\n一、加强组织领导\n各单位要加快推进各项工作。\n"
        "二、强化督促检查\n持续开展督查,确保任务落实。",
        "今年主要预期目标是:生产总值增长6%左右。加快推进产业升级。",
        "标题\n短行一\n加快推进产业升级。",
    ],
)
def test_a_notice_or_a_text_without_sections_is_not_a_prose_plan(text: str) -> None:
    assert extract_text(text).tasks == []


def _seed() -> Path:
    """The seed interview in the shared folder beside the repository (or an ancestor)."""
    for folder in Path(__file__).resolve().parents[2].parents:
        path = folder / "shared" / "seed" / "000_7c6ce491aa0aa4ef.txt"
        if path.exists():
            return path
    return Path("/nonexistent")


SEED = _seed()


@pytest.mark.skipif(not SEED.exists(), reason="the shared seed folder is not beside the repository")
def test_the_seed_interview_reads_as_four_areas_of_about_sixty_measures() -> None:
    text = SEED.read_text("utf-8")
    plan = extract_text(text).to_dict()
    assert [h["text"] for h in plan["headings"]] == [
        "扩内需 促创新",
        "育产业 深改革",
        "融城乡 建集群",
        "固保障 优民生",
    ]
    assert 50 <= len(plan["tasks"]) <= 70
    assert all(t["heading"] is not None for t in plan["tasks"])
    spans = [tuple(t["span"]) for t in plan["tasks"]]
    assert len(set(spans)) == len(spans)
    attached = {i for t in plan["tasks"] for i in t["targets"]}
    numeric = [i for i, t in enumerate(plan["targets"]) if t["value"] is not None]
    # every figure but the headline growth target of the opening is inside a measure
    assert len(attached) >= 17
    assert set(numeric) - attached == {0}
    assert plan["targets"][0]["metric"].startswith("生产总值")
    # ... which is the plan's own: stated before the first area
    assert [i for i, t in enumerate(plan["targets"]) if t["headline"]] == [0]


# Headline targets: a target stated before the first area of a text that has areas, and
# inside no task, belongs to the whole plan (``headline``), not to the first area nor to
# none. Three layouts the team wrote: an interview's opening paragraph, a notice's
# preamble, a speech's 主要预期目标 sentence before its numbered sections.
HEADLINE_CASES = [
    (
        "青阳市长谈2026年工作\n青阳市市长 林海\n"
        "今年青阳将全力以赴稳增长,全年地区生产总值增长6%左右,一般公共预算收入增长4%。\n"
        "扩消费 稳投资\n激发内需新活力\n"
        "加快推动商圈改造升级,新建便民生活圈15个。持续扩大有效投资,确保重点项目完成投资300亿元以上。\n"
        "兴产业 强创新\n培育发展新动能\n大力发展新能源汽车零部件产业,力争新增高新技术企业60家。\n",
        [6, 4],
    ),
    (
        "关于印发东湖区2026年重点工作任务分工方案的通知\n各街道办事处,区直各部门:\n"
        "为确保完成全年目标,全区地区生产总值增长5.5%以上,城镇新增就业1.2万人,现将重点工作任务分工如下。\n"
        "一、扩大有效需求\n1.新开工亿元以上项目40个。(牵头单位:区发改局;配合单位:区住建局)\n"
        "二、壮大实体经济\n2.新增规上工业企业25家。(牵头单位:区工信局)\n",
        [5.5, 1.2],
    ),
    (
        "在全县经济工作会议上的讲话\n同志们:\n"
        "今年全县经济工作的总体要求是稳中求进,主要预期目标是:地区生产总值增长7%左右,"
        "居民人均可支配收入增长6.5%。\n"
        "一、坚定不移抓项目\n要加快推进产业园区建设,年内建成标准化厂房10万平方米。\n"
        "二、千方百计保民生\n要扎实推进城镇老旧小区改造,完成改造小区30个。\n",
        [7, 6.5],
    ),
]


@pytest.mark.parametrize(("text", "values"), HEADLINE_CASES)
def test_targets_before_the_first_area_are_the_plans_headline_targets(text, values) -> None:
    plan = extract_text(text).to_dict()
    assert len(plan["headings"]) == 2 and plan["tasks"]
    headline = [t for t in plan["targets"] if t["headline"]]
    assert [t["value"] for t in headline] == values
    assert all(t["heading"] is None for t in headline)
    owned = {k for task in plan["tasks"] for k in task["targets"]}
    rest = [i for i, t in enumerate(plan["targets"]) if not t["headline"]]
    # every other target lies in an area and, here, inside a task
    assert rest and all(plan["targets"][i]["heading"] is not None for i in rest)
    assert set(rest) <= owned and not owned & {
        i for i, t in enumerate(plan["targets"]) if t["headline"]
    }


@pytest.mark.parametrize(
    "text",
    [
        FEATURE,  # its opening is a review of last year: no target, so no headline
        "今年主要预期目标是:生产总值增长6%左右,城镇新增就业1万人。",  # no area at all
        INTERVIEW,  # every figure stands inside an area
    ],
)
def test_without_a_target_before_the_first_area_none_is_headline(text) -> None:
    assert not any(t.headline for t in extract_text(text).targets)
