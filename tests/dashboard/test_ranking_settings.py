"""The office's page for how counties and functional zones are ranked (measure, order,
红黑榜 with exemptions, tiers, points), saved through ``set_unit_ranking``; the ranking
page and the bulletin show the tiers, the first and last places over the year's months
and the points, each with its rule in words."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth import get_user_model

from mubiao.dashboard.bulletin import build
from mubiao.dashboard.models import RankingSetting
from mubiao.dashboard.unit_standings import standings_of
from mubiao.reporting.models import Cycle

P = "/monitor/nanyang-2026"
DAY = dt.date(2026, 11, 10)
FORM = {
    "measure": "gap", "order": "desc",
    "red_on": "1", "red_size": "3", "red_measure": "completion", "red_comparison": ">=",
    "red_threshold": "0",
    "black_size": "", "black_measure": "gap", "black_comparison": "<", "black_threshold": "",
    "exemptions": "淅川县：不可抗力（汛情）",
    "tiers_by": "place",
    "tiers": "第一方阵 | first tier | 1 | 3\n第二方阵 | second tier | 4 | 7\n第三方阵 | third tier | -3 | -1",
    "points": "started | 2 | | \ncompletion | 1 | 10 | ",
}  # fmt: skip


@pytest.fixture
def office(demo, client):
    client.force_login(get_user_model().objects.get(username="duchashi"))
    return get_user_model().objects.get(username="duchashi")


def _paragraphs(content: dict) -> list[str]:
    return [b["text"] for s in content["sections"] for b in s["blocks"] if b["kind"] == "text"]


def test_the_office_sets_the_ranking_and_the_page_and_bulletin_follow(demo, office, client):
    with time_machine.travel("2026-11-10 10:00 +0800", tick=False):
        form = client.get(f"{P}/ranking/settings/")
        assert form.status_code == 200 and "红榜" in form.text
        assert client.post(f"{P}/ranking/settings/", FORM).status_code == 302
        html = client.get(f"{P}/ranking/").text
    saved = RankingSetting.objects.get(plan=demo).units
    assert saved["measure"] == "gap" and saved["exemptions"] == {"淅川县": "不可抗力（汛情）"}
    assert saved["tiers"]["bands"][2] == {
        "zh": "第三方阵",
        "en": "third tier",
        "first": -3,
        "last": -1,
    }
    assert saved["points"][1] == {
        "measure": "completion",
        "points": 1.0,
        "per": 10.0,
        "at_least": None,
    }
    assert "black" not in saved  # the black list left off
    units = standings_of(demo, DAY)
    assert units["formula_zh"] == "按与序时进度差从高到低排名（保留1位小数，数值相同者并列）"
    rows = next(s for s in units["sequences"] if s["kind"] == "county")["rows"]
    gaps = [float(r["gap"]) for r in rows if r["rank"]]
    assert gaps == sorted(gaps, reverse=True)  # ranked by the gap in points now
    # Tiers by places: 1–3, 4–7, the last 3 (ties share a tier).
    for r in rows:
        if r["rank"] is not None and r["rank"] <= 3:
            assert r["tier"] == "第一方阵"
        elif r["rank"] is not None and 4 <= r["rank"] <= 7:
            assert r["tier"] == "第二方阵"
    assert rows[-1]["tier"] == "第三方阵"
    assert units["tiers_zh"] == "方阵：第1至3位为第一方阵；第4至7位为第二方阵；后3位为第三方阵"
    # First and last places over January–October: at least one of each a month.
    assert sum(r["firsts"] for r in rows) >= 10 and sum(r["lasts"] for r in rows) >= 10
    assert units["counts_zh"].startswith("首末位次数：1–10月每月按与序时进度差从高到低排名")
    assert units["points_zh"] == "积分 = 开工项目每1计2分；年度计划完成率（%）每10计1分，按单位汇总"
    assert units["tiers_zh"] in html and units["counts_zh"] in html and units["points_zh"] in html
    assert 'data-testid="units-extra"' in html and "方阵" in html
    content = build(office, Cycle.objects.get(plan=demo, code="202610"), DAY)[2]
    said = _paragraphs(content)
    tiered = next(p for p in said if p.startswith("按方阵：") and "县（市、区）" in p)
    top = [r["unit"] for r in rows if r["tier"] == "第一方阵"]
    assert f"第一方阵：{'、'.join(top)}" in tiered
    assert any(p.startswith(units["counts_zh"]) and "排第1：" in p for p in said)
    assert any(p.startswith(units["points_zh"]) and "积分：" in p for p in said)


def test_the_points_add_up_per_unit(demo, office):
    from mubiao.dashboard import actions
    from mubiao.projects.measures import progress_of

    actions.set_unit_ranking(office, demo, {"points": [
        {"measure": "started", "points": 2}, {"measure": "completion", "points": 1, "per": 10}]})  # fmt: skip
    rows = {r["unit"]: r for s in standings_of(demo, DAY)["sequences"] for r in s["rows"]}
    expected: dict[str, float] = {}
    for p in progress_of(demo.projects.select_related("county", "plan"), demo.year, DAY):
        if p.project.county_id is None:
            continue
        name = p.project.county.short_name or p.project.county.name
        started = p.project.actual_start is not None and p.project.actual_start <= dt.date(
            2026, 10, 31
        )
        earned = 2 * started + (int(p.rate * 100 / 10 + 1e-9) if p.rate is not None else 0)
        expected[name] = expected.get(name, 0) + earned
    assert expected and {u: float(r["points"]) for u, r in rows.items()} == expected
    assert any(v > 0 for v in expected.values())


@pytest.mark.parametrize(
    ("change", "sentence"),
    [
        ({"red_size": "三"}, "红榜：数量必须是数字，而不是“三”。"),
        ({"exemptions": "淅川县不可抗力"}, "每行豁免写作“单位：理由”"),
        ({"tiers": "第一方阵 | 1 | 3"}, "每个名次方阵写作"),
        ({"points": "size | 2 | | "}, "不是有效的"),
        ({"red_size": "inf"}, "红榜：数量必须是数字，而不是“inf”。"),
        ({"red_threshold": "nan"}, "红榜：门槛值必须是数字，而不是“nan”。"),
    ],
)
def test_bad_input_is_a_sentence_and_nothing_is_saved(demo, office, client, change, sentence):
    with time_machine.travel("2026-11-10 10:00 +0800", tick=False):
        response = client.post(f"{P}/ranking/settings/", {**FORM, **change})
    assert response.status_code == 400
    assert sentence in response.text
    assert not RankingSetting.objects.filter(plan=demo).exclude(units={}).exists()
    assert re.search(r'name="tiers"[^>]*>[^<]*第', response.text)  # the form keeps the input


def test_the_rules_and_the_form_read_in_english(demo, office, client):
    with time_machine.travel("2026-11-10 10:00 +0800", tick=False):
        client.post(f"{P}/ranking/settings/", FORM)
        client.post("/i18n/setlang/", {"language": "en", "next": "/"})
        html = client.get(f"{P}/ranking/").text
        form = client.get(f"{P}/ranking/settings/").text
    assert (
        "tiers: places 1 to 3: first tier; places 4 to 7: second tier; the last 3: third tier"
        in html
    )
    assert "first and last places: each month from January to October ranked by" in html
    assert "points = 2 per project started; 1 per 10 of completion of the annual plan (%)" in html
    assert "Times first" in html and "first tier" in html
    assert "Black list (黑榜): taken from the worst" in form and "Tiers by" in form


def test_the_form_sets_the_peers_lights_and_saving_again_keeps_them(demo, office, client):
    with time_machine.travel("2026-11-10 10:00 +0800", tick=False):
        assert client.post(f"{P}/ranking/settings/", {**FORM, "lights": "peers"}).status_code == 302
        assert RankingSetting.objects.get(plan=demo).units["lights"] == "peers"
        form = client.get(f"{P}/ranking/settings/").text
        assert '<option value="peers" selected>' in form  # shown as saved
        html = client.get(f"{P}/ranking/").text
        assert "亮灯规则" in html  # the rule in words on the ranking page
        # the office saves the form again as shown: the lights stay
        assert client.post(f"{P}/ranking/settings/", {**FORM, "lights": "peers"}).status_code == 302
        assert RankingSetting.objects.get(plan=demo).units["lights"] == "peers"
        assert client.post(f"{P}/ranking/settings/", FORM).status_code == 302  # chosen off
        assert "lights" not in RankingSetting.objects.get(plan=demo).units
        refused = client.post(f"{P}/ranking/settings/", {**FORM, "lights": "colour"})
    assert refused.status_code == 400 and "请选择排名的亮灯方式。" in refused.text
    assert "lights" not in RankingSetting.objects.get(plan=demo).units  # nothing saved
