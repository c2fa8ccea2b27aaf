"""Counties and functional zones ranked by key-project investment completion: the ranking
page and the bulletin's section 二 give the same places and figures for the same day;
separate sequences, ties as 并列, the formula in words, best-first or worst-first, and
the 红黑榜 with its exemptions where the plan uses one."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from mubiao.dashboard import actions
from mubiao.dashboard.bulletin import build
from mubiao.reporting.models import Cycle

P = "/monitor/nanyang-2026"
ROW = re.compile(
    r'<tr data-testid="units-row"><td>(.*?)</td><td>(.*?)</td><td class="num">(.*?)</td>'
    r'<td class="num">(.*?)</td><td class="num">(.*?)</td><td class="num">(.*?)</td></tr>'
)


def page_tables(client, as_of: str) -> tuple[str, dict[str, list[tuple[str, ...]]]]:
    html = client.get(f"{P}/ranking/?as_of={as_of}").text
    tables = {}
    for kind in ("county", "zone"):
        part = html.split(f'data-testid="units-{kind}"')[1].split("</table>")[0]
        tables[kind] = [tuple(m) for m in ROW.findall(part)]
    return html, tables


def bulletin_tables(content: dict) -> dict[str, list[tuple[str, ...]]]:
    figures = next(s for s in content["sections"] if s["heading"].startswith("二、"))
    blocks = figures["blocks"]
    out = {}
    for i, block in enumerate(blocks):
        if block["kind"] == "subheading" and "重点项目投资完成情况" in block["text"]:
            kind = "zone" if "功能区" in block["text"] else "county"
            table = next(b for b in blocks[i:] if b["kind"] == "table")
            out[kind] = [tuple(r[:2] + r[2:]) for r in table["rows"]]
    return out


def paragraphs(content: dict) -> list[str]:
    return [b["text"] for s in content["sections"] for b in s["blocks"] if b["kind"] == "text"]


@pytest.fixture
def office(demo, client):
    user = get_user_model().objects.get(username="duchashi")
    client.force_login(user)
    return user


def test_the_ranking_page_and_the_bulletin_rank_counties_and_zones_alike(demo, office, client):
    cycle = Cycle.objects.get(plan=demo, code="202610")
    day = dt.date(2026, 11, 10)
    html, page = page_tables(client, day.isoformat())
    content = build(office, cycle, day)[2]
    assert bulletin_tables(content) == page
    counties, zones = page["county"], page["zone"]
    assert len(counties) >= 10 and {z[1] for z in zones} >= {"高新区"}
    assert not {z[1] for z in zones} & {c[1] for c in counties}  # separate sequences
    assert counties[0][0] == "第1" and zones[0][0] == "第1"
    rates = [float(c[4].rstrip("%")) for c in counties]
    assert rates == sorted(rates, reverse=True)  # best first by default
    words = "按重点项目投资完成率从高到低排名（保留1位小数，数值相同者并列）"
    assert words in html and f"排名办法：{words}。" in paragraphs(content)
    assert 'data-testid="red-black"' not in html  # no lists unless the plan uses them
    # The reporting ranking: the same places on the page and in the bulletin, ties 并列.
    full = html.split('data-testid="ranking-full"')[1].split("</table>")[0]
    on_page = re.findall(r'<tr><td class="num">(.*?)</td><td[^>]*>([^<]*?)[ <]', full)
    printed = next(b for b in next(s for s in content["sections"] if s["heading"].startswith(
        "二、"))["blocks"] if b["kind"] == "table" and b["caption"] == "市直单位")["rows"]  # fmt: skip
    assert [p for p in on_page if p[0] != "—"] == [
        (r[0], r[1]) for r in printed if r[0].startswith(("第", "并列"))
    ]
    assert on_page[0][0] == "并列第1"

    # Worst first, with a 红黑榜: red for completion ≥ 0 (top 3), black for the bottom 2
    # below 序时进度, the last county spared by an exemption.
    last = counties[-1][1]
    actions.set_unit_ranking(office, demo, {
        "order": "asc",
        "red": {"size": 3, "comparison": ">=", "threshold": 0},
        "black": {"size": 2, "measure": "gap", "comparison": "<", "threshold": 1000},
        "exemptions": {last: "不可抗力（汛情）"},
    })  # fmt: skip
    html, page = page_tables(client, day.isoformat())
    content = build(office, cycle, day)[2]
    assert bulletin_tables(content) == page
    rates = [float(c[4].rstrip("%")) for c in page["county"]]
    assert rates == sorted(rates) and page["county"][0][1] == last  # lowest first
    assert "从低到高" in html
    # Printed worst first, the red list is still the best 3, the black list the worst 2
    # below 序时进度 after the exempted one, who is listed as spared.
    red = re.search(r'data-testid="red-list-units">(.*?)</dd>', html).group(1)
    black = re.search(r'data-testid="black-list-units">(.*?)</dd>', html).group(1)
    ordered = [c[1] for c in page["county"]]
    assert red.split("、") == ordered[::-1][:3]
    assert black.split("、") == ordered[1:3]
    assert f"{last}（不可抗力（汛情））" in html
    sentence = next(p for p in paragraphs(content) if "县（市、区）红榜" in p)
    assert f"本期县（市、区）红榜：{red}；黑榜：{black}" in sentence
    assert "红榜：完成率" not in sentence and "重点项目投资完成率不低于0" in sentence


def test_an_exempt_unit_is_spared_the_black_list_on_both(demo, office, client):
    cycle = Cycle.objects.get(plan=demo, code="202610")
    day = dt.date(2026, 11, 10)
    worst = page_tables(client, day.isoformat())[1]["county"][-1][1]
    actions.set_unit_ranking(office, demo, {
        "black": {"size": 2, "measure": "gap", "comparison": "<", "threshold": 1000},
        "exemptions": {worst: "不可抗力（汛情）"},
    })  # fmt: skip
    html, page = page_tables(client, day.isoformat())
    black = re.search(r'data-testid="black-list-units">(.*?)</dd>', html).group(1).split("、")
    assert worst not in black and black == [c[1] for c in page["county"][-3:-1]][::-1]
    assert f"{worst}（不可抗力（汛情））" in html
    sentence = next(p for p in paragraphs(build(office, cycle, day)[2]) if "县（市、区）红榜" in p)
    assert f"黑榜：{'、'.join(black)}；{worst}因不可抗力（汛情）免于列入黑榜。" in sentence
    assert "经认定的不可抗力等情形免于列入黑榜" in sentence
    with pytest.raises(ValidationError):
        actions.set_unit_ranking(office, demo, {"order": "sideways"})
    with pytest.raises(ValidationError):
        actions.set_unit_ranking(
            office,
            demo,
            {"red": {"size": 3, "measure": "score", "comparison": ">", "threshold": 1}},
        )


def test_equal_figures_share_a_place_as_并列(demo, office, client):
    # The first day January's bulletin can be built (January's reports were due on 5
    # February): several counties stand at the same completion rate as printed.
    day = dt.date(2026, 2, 6)
    html, page = page_tables(client, day.isoformat())
    content = build(office, Cycle.objects.get(plan=demo, code="202601"), day)[2]
    assert bulletin_tables(content) == page
    rates = [float(c[4].rstrip("%")) for c in page["county"]]
    assert len(set(rates)) < len(rates)  # the case this test is about: equal figures
    for row, rate in zip(page["county"], rates, strict=True):
        place = 1 + sum(1 for other in rates if other > rate)  # best first
        tied = rates.count(rate) > 1
        assert row[0] == f"{'并列' if tied else ''}第{place}", row
    assert html.count("<td>并列第") >= sum(1 for r in rates if rates.count(r) > 1)


def test_the_ranking_page_prints_its_tables_once_in_the_body(demo, office, client):
    html = client.get(f"{P}/ranking/?as_of=2026-11-10").text
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "<" not in title and "排名" in title
    assert html.count('data-testid="units-county"') == 1
    assert html.index('data-testid="units-county"') > html.index("</title>")


def test_the_dashboards_ranking_excerpt_prints_ties_as_the_ranking_page_does(demo, office, client):
    # Units sharing a place print 并列第1 in the excerpt as on the full ranking page.
    places = re.compile(r'<tr><td class="num">(.*?)</td>')
    with time_machine.travel("2026-11-10 10:00 +0800", tick=False):
        full = client.get(f"{P}/ranking/").text.split('data-testid="ranking-full"')[1]
        board = client.get(f"{P}/").text.split('data-testid="ranking"')[1]
    on_page = places.findall(full.split("</table>")[0])
    shown = places.findall(board.split("</table>")[0])
    assert on_page[0] == "并列第1" and shown[0] == "并列第1"
    assert set(shown) <= set(on_page)


def test_a_plan_lights_the_counties_against_their_average(demo, office, client):
    """The peer rule as the plan's setting: red below the counties' average completion
    rate, green at or above it and on schedule, yellow at or above it but behind; the same
    lights and average on the ranking page (both languages) and in the bulletin."""
    cycle = Cycle.objects.get(plan=demo, code="202610")
    day = dt.date(2026, 11, 10)
    html = client.get(f"{P}/ranking/?as_of={day}").text
    assert 'data-testid="units-light"' not in html  # no lights unless the plan sets them
    actions.set_unit_ranking(office, demo, {"lights": "peers"})
    html = client.get(f"{P}/ranking/?as_of={day}").text
    part = html.split('data-testid="units-county"')[1].split("</table>")[0]
    rows = re.findall(
        r'<tr data-testid="units-row"><td>.*?</td><td>(.*?)</td>(?:<td class="num">.*?</td>){2}'
        r'<td class="num">(.*?)%</td><td class="num">(.*?)</td><td data-testid="units-light">'
        r'<span class="light light-(\w+)">(.*?)</span>',
        part,
    )
    assert len(rows) >= 10
    rates = [float(r[1]) for r in rows]
    average = round(sum(rates) / len(rates) + 1e-9, 1)
    for unit, rate, gap, light, word in rows:
        expected = "red" if float(rate) < average else ("green" if float(gap) >= 0 else "yellow")
        assert light == expected, (unit, rate, gap, average)
        assert word == {"red": "红灯", "yellow": "黄灯", "green": "绿灯"}[light]
    assert {r[3] for r in rows} >= {"red"} and len({r[3] for r in rows}) >= 2
    assert f"平均完成率：{average:.1f}%" in html.split('data-testid="units-county"')[1]
    assert "亮灯规则（同类单位对比）：完成率低于同类单位平均完成率" in html
    client.cookies.load({"django_language": "en"})
    english = client.get(f"{P}/ranking/?as_of={day}").text
    assert "lights against peers: red when the completion rate is below the average" in english
    content = build(office, cycle, day)[2]
    blocks = next(s for s in content["sections"] if s["heading"].startswith("二、"))["blocks"]
    table = next(b for b in blocks if b["kind"] == "table" and b["header"][-1] == "亮灯")
    assert [(r[1], r[-1]) for r in table["rows"]] == [
        (r[0], {"red": "红灯", "yellow": "黄灯", "green": "绿灯"}[r[3]]) for r in rows
    ]
    sentence = next(p for p in paragraphs(content) if "本期县（市、区）平均完成率" in p)
    red = "、".join(r[0] for r in rows if r[3] == "red")
    assert sentence.startswith("亮灯规则（同类单位对比）")
    assert f"本期县（市、区）平均完成率{average:.1f}%" in sentence and f"红灯：{red}" in sentence
    with pytest.raises(ValidationError):
        actions.set_unit_ranking(office, demo, {"lights": "memory"})
