"""Counties and functional zones ranked by their key projects' investment completion
(PRACTICE.md §3), with the 红黑榜 where the plan uses one: what the ranking page
(``/monitor/<plan>/ranking/``) shows and the bulletin's section 二 prints, from one
function, so both give the same places and figures for the same day.

The plan's setting (``RankingSetting.units``, set by ``dashboard.actions.set_unit_ranking``)::

    {"order": "desc",                                     # 从高到低 ("asc": 从低到高)
     "red": {"size": 5, "comparison": ">=", "threshold": 100},   # 红榜: 前5位, 完成率不低于100
     "black": {"size": 3, "measure": "gap", "comparison": "<", "threshold": 0},  # 黑榜
     "exemptions": {"淅川县": "不可抗力（汛情）"}}          # spared the black list

An empty setting ranks highest first and prints no lists. The red list is always taken
from the best and the black list from the worst, whichever order the table prints in
("从低到高排名" prints the worst first; its 黑榜 is still the worst). A list rule's ``measure`` is
``completion`` (完成率, %) or ``gap`` (与序时进度差, points).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from typing import Any

from mubiao.monitor import fixed, gap_points
from mubiao.monitor.ranking import RankedUnit
from mubiao.monitor.standings import FigureRanking, ListRule, rank_sequences, red_black
from mubiao.plans.models import Plan

#: The kinds of unit, in the order their tables print, with their names.
KINDS = {
    "county": ("县（市、区）", "counties and districts"),
    "zone": ("功能区", "functional zones"),
}
MEASURES = {
    "completion": ("重点项目投资完成率", "key-project investment completion rate"),
    "gap": ("与序时进度差", "gap to time progress (points)"),
}


def parse(setting: dict[str, Any] | None) -> dict[str, Any]:
    """The setting checked: order, the list rules (``ListRule``) and exemptions; raises
    ValueError/TypeError/KeyError on anything else."""
    setting = dict(setting or {})
    unknown = set(setting) - {"order", "red", "black", "exemptions"}
    if unknown:
        raise ValueError(f"unknown keys: {', '.join(sorted(unknown))}")
    order = setting.get("order", "desc")
    if order not in ("desc", "asc"):
        raise ValueError("order is 'desc' (highest first) or 'asc' (lowest first)")
    rules: dict[str, ListRule | None] = {}
    for side in ("red", "black"):
        rule = setting.get(side)
        if rule is None:
            rules[side] = None
            continue
        measure = rule.get("measure", "completion")
        if measure not in MEASURES:
            raise ValueError(f"a list's measure is one of {', '.join(MEASURES)}")
        rules[side] = ListRule(
            int(rule["size"]), measure, rule["comparison"], float(rule["threshold"]),
            labels=MEASURES[measure],
        )  # fmt: skip
    exemptions = {str(k): str(v) for k, v in dict(setting.get("exemptions") or {}).items()}
    return {"order": order, "red": rules["red"], "black": rules["black"], "exemptions": exemptions}


def setting_of(plan: Plan) -> dict[str, Any]:
    from mubiao.dashboard.models import RankingSetting

    stored = RankingSetting.objects.filter(plan=plan).values_list("units", flat=True).first()
    return parse(stored or {})


def standings_of(plan: Plan, as_of: dt.date) -> dict[str, Any]:
    """{"formula_zh", "formula_en", "sequences": [{kind, name_zh, name_en, rows, lists}]}:
    one sequence per kind of unit; each row {unit, plan, ytd, completion, gap, place,
    place_en, rank, tied}; ``lists`` the 红黑榜 (None when the plan uses none)."""
    from mubiao.projects.measures import progress_of, totals

    setting = setting_of(plan)
    decimals = plan.rate_decimals
    ranking = FigureRanking(
        "completion", setting["order"], decimals=decimals, labels=MEASURES["completion"]
    )
    groups: dict[str, list] = defaultdict(list)
    kinds: dict[str, str] = {}
    for r in progress_of(plan.projects.select_related("county", "plan"), plan.year, as_of):
        if r.project.county_id is None:
            continue
        name = r.project.county.short_name or r.project.county.name
        groups[name].append(r)
        kinds[name] = "zone" if r.project.county.kind == "zone" else "county"
    figures: dict[str, tuple[dict, float | None, float | None]] = {}
    for name, items in groups.items():
        t = totals(items, plan.year, as_of)
        rate = None if t["rate"] is None else t["rate"] * 100
        gap = None if rate is None else gap_points(rate, t["share"] * 100, decimals)
        figures[name] = (t, rate, gap)
    best_first = dataclasses.replace(ranking, order="desc")
    ranked = rank_sequences({n: f[1] for n, f in figures.items()}, kinds, ranking)
    sequences = []
    for kind in sorted(ranked, key=lambda k: list(KINDS).index(k) if k in KINDS else 99):
        units = [_with_figures(u, figures) for u in ranked[kind]]
        lists = None
        if setting["red"] or setting["black"]:
            # The red list is taken from the best, the black from the worst, whichever
            # order the table prints in.
            best = [_with_figures(u, figures) for u in best_first.rank(
                {u.unit: figures[u.unit][1] for u in units})]  # fmt: skip
            rb = red_black(best, setting["red"], setting["black"], setting["exemptions"])
            lists = {
                "red": [u.unit for u in rb.red],
                "black": [u.unit for u in rb.black],
                "spared": [{"unit": u, "reason": why} for u, why in rb.spared],
            }
        name_zh, name_en = KINDS.get(kind, (kind, kind))
        sequences.append({
            "kind": kind, "name_zh": name_zh, "name_en": name_en, "lists": lists,
            "rows": [_row(u, *figures[u.unit], decimals) for u in units],
        })  # fmt: skip
    formula = ranking.describe()
    rules = _rules_in_words(setting)
    return {
        "formula_zh": formula.zh,
        "formula_en": formula.en,
        "lists_zh": rules[0],
        "lists_en": rules[1],
        "sequences": sequences,
    }


def _with_figures(unit: RankedUnit, figures: dict) -> RankedUnit:
    return dataclasses.replace(
        unit, measures={"completion": figures[unit.unit][1], "gap": figures[unit.unit][2]}
    )


def _rules_in_words(setting: dict[str, Any]) -> tuple[str, str]:
    zh, en = [], []
    for side, top, (name_zh, name_en) in (
        ("red", True, ("红榜", "red list")),
        ("black", False, ("黑榜", "black list")),
    ):
        rule = setting[side]
        if rule is not None:
            words = rule.describe(top)
            zh.append(f"{name_zh}：{words.zh}")
            en.append(f"{name_en}: {words.en}")
    if zh and setting["exemptions"]:
        zh.append("经认定的不可抗力等情形免于列入黑榜")
        en.append("units with an accepted exemption are kept off the black list")
    return "；".join(zh), "; ".join(en)


def _row(ranked, t: dict, rate: float | None, gap: float | None, decimals: int) -> dict:
    return {
        "unit": ranked.unit,
        "plan": fixed(float(t["plan"]), 0),
        "ytd": fixed(float(t["ytd"]), 0),
        "completion": "—" if rate is None else f"{fixed(rate, decimals)}%",
        "gap": "—" if gap is None else signed(gap, decimals),
        "place": ranked.place_zh,
        "place_en": ranked.place_en,
        "rank": ranked.rank,
        "tied": ranked.tied,
    }


def signed(points: float, decimals: int) -> str:
    text = fixed(points, decimals)
    return text if text.startswith("-") or float(text) == 0 else f"+{text}"
