"""Counties, functional zones and state-owned enterprises (each a sequence of its own)
ranked by their key projects' investment figures (PRACTICE.md §3), with the 红黑榜
where the plan uses one: what the ranking page (``/monitor/<plan>/ranking/``) shows and
the bulletin's section 二 prints, from one function, so both give the same places and
figures for the same day.

The plan's setting (``RankingSetting.units``, set by ``dashboard.actions.set_unit_ranking``)::

    {"order": "desc",                                     # 从高到低 ("asc": 从低到高)
     "red": {"size": 5, "comparison": ">=", "threshold": 100},   # 红榜: 前5位, 完成率不低于100
     "black": {"size": 3, "measure": "gap", "comparison": "<", "threshold": 0},  # 黑榜
     "exemptions": {"淅川县": "不可抗力（汛情）"},         # spared the black list
     "lights": "peers",                                    # 亮灯: against the sequence's average
     "last_year": {"unit": "亿元", "figures": "monthly",    # 上年同期数, for "measure": "growth"
                   "values": {"宛城区": [1.2, 1.5, 2.0]}}}

``lights`` ("peers", or absent for none) gives each unit a light against the units of
its own sequence (``monitor.colours.peer_completion_lights``): red when its completion
rate is below their average, green at or above it and at or above 序时进度, yellow at or
above it but behind 序时进度; the rule is stated in words and each sequence's average
printed.

An empty setting ranks highest first and prints no lists. The red list is always taken
from the best and the black list from the worst, whichever order the table prints in
("从低到高排名" prints the worst first; its 黑榜 is still the worst). A list rule's ``measure`` is
``completion`` (完成率, %), ``gap`` (与序时进度差, points) or ``growth`` (同比增速, %: this
year through the data month ÷ last year's same months − 1, ``growth_rate``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from mubiao.monitor import completion_rate, data_period_en, data_period_zh, fixed, gap_points
from mubiao.monitor.colours import describe_peer_completion, peer_completion_lights
from mubiao.monitor.ranking import RankedUnit
from mubiao.monitor.standings import (
    FigureRanking,
    ListRule,
    PointsRule,
    ScoreTier,
    Tier,
    add_points,
    assign_score_tiers,
    assign_tiers,
    describe_points,
    describe_tiers,
    place_counts,
    rank_sequences,
    red_black,
)
from mubiao.plans.models import Plan

#: The kinds of unit, in the order their tables print, with their names.
KINDS = {
    "county": ("县（市、区）", "counties and districts"),
    "zone": ("功能区", "functional zones"),
    "enterprise": ("市属国有企业", "state-owned enterprises"),
}
#: The light rules a plan can choose for the units' standings.
LIGHT_RULES = ("peers",)
LIGHT_WORDS = {"green": ("绿灯", "green"), "yellow": ("黄灯", "yellow"), "red": ("红灯", "red"),
               "grey": ("未评价", "not judged")}  # fmt: skip
MEASURES = {
    "completion": ("重点项目投资完成率", "key-project investment completion rate"),
    "gap": ("与序时进度差", "gap to time progress (points)"),
    "growth": ("重点项目投资同比增速", "year-on-year growth of key-project investment"),
}
#: The units last year's figures may be stated in, and what one is in 万元 (the ledger's).
LAST_YEAR_UNITS = {"亿元": 10_000.0, "万元": 1.0}


def parse(setting: dict[str, Any] | None) -> dict[str, Any]:
    """The setting checked: order, the list rules (``ListRule``) and exemptions; raises
    ValueError/TypeError/KeyError on anything else."""
    setting = dict(setting or {})
    unknown = set(setting) - {
        "order", "measure", "red", "black", "exemptions", "tiers", "points", "lights",
        "last_year",
    }  # fmt: skip
    if unknown:
        raise ValueError(f"unknown keys: {', '.join(sorted(unknown))}")
    order = setting.get("order", "desc")
    if order not in ("desc", "asc"):
        raise ValueError("order is 'desc' (highest first) or 'asc' (lowest first)")
    measure = setting.get("measure", "completion")
    if measure not in MEASURES:
        raise ValueError(f"the ranking's measure is one of {', '.join(MEASURES)}")
    rules: dict[str, ListRule | None] = {}
    for side in ("red", "black"):
        rule = setting.get(side)
        if rule is None:
            rules[side] = None
            continue
        on = rule.get("measure", "completion")
        if on not in MEASURES:
            raise ValueError(f"a list's measure is one of {', '.join(MEASURES)}")
        rules[side] = ListRule(
            int(rule["size"]), on, rule["comparison"], float(rule["threshold"]),
            labels=MEASURES[on],
        )  # fmt: skip
    exemptions = {str(k): str(v) for k, v in dict(setting.get("exemptions") or {}).items()}
    lights = setting.get("lights") or None
    if lights not in (None, *LIGHT_RULES):
        raise ValueError(f"lights is one of {', '.join(LIGHT_RULES)} (or none)")
    last_year = _last_year(setting.get("last_year"))
    if last_year is None and "growth" in (
        measure,
        *(rule.measure for rule in rules.values() if rule is not None),
    ):
        raise ValueError(_("ranking by growth needs last year's figures of the units"))
    return {
        "lights": lights,
        "last_year": last_year,
        "order": order, "measure": measure, "red": rules["red"], "black": rules["black"],
        "exemptions": exemptions, "tiers": _tiers(setting.get("tiers")),
        "points": _points(setting.get("points")),
    }  # fmt: skip


def _last_year(data: dict[str, Any] | None) -> dict[str, Any] | None:
    """Last year's figures per unit, as ``projects.measures.last_year_series`` reads the
    city's: ``{"unit": "亿元", "figures": "monthly", "values": {"宛城区": [1.2, 1.5, …]}}``,
    up to twelve figures a unit from January (null: not known), ``figures`` ``monthly``
    (each month's own investment) or ``ytd`` (the year to each month's end, 1–N月累计).
    Returns {"scale", "cumulative", "values": {unit: [万元 or None] * 12}} or None; a
    setting that is not that raises ValueError with a sentence in the user's language."""
    if not data:
        return None
    if not isinstance(data, dict):
        raise ValueError(_("last year's figures are given per unit"))
    unit = str(data.get("unit") or "")
    if unit not in LAST_YEAR_UNITS:
        raise ValueError(
            _("last year's figures are in 亿元 or 万元, not “%(unit)s”") % {"unit": unit}
        )
    figures = data.get("figures", "monthly")
    if figures not in ("monthly", "ytd"):
        raise ValueError(_("last year's figures are monthly or year-to-date (ytd)"))
    given = data.get("values")
    if not isinstance(given, dict) or not given:
        raise ValueError(_("last year's figures are given per unit"))
    scale = LAST_YEAR_UNITS[unit]
    values: dict[str, list[float | None]] = {}
    for name, series in given.items():
        if not str(name).strip() or not isinstance(series, list | tuple) or not series:
            raise ValueError(_("last year's figures of each unit are a list of months"))
        if len(series) > 12:
            raise ValueError(
                _("last year's figures of %(unit)s: at most 12 months, not %(n)s")
                % {"unit": name, "n": len(series)}
            )
        months: list[float | None] = []
        for value in series:
            if value is None or value == "":
                months.append(None)
                continue
            try:
                number = float(value)
            except (TypeError, ValueError):
                number = float("nan")
            if number != number or number in (float("inf"), float("-inf")):
                raise ValueError(
                    _("last year's figures of %(unit)s: “%(value)s” is not a number")
                    % {"unit": name, "value": value}
                )
            months.append(number * scale)
        values[str(name).strip()] = months + [None] * (12 - len(months))
    return {"unit": unit, "cumulative": figures == "ytd", "values": values}


def last_year_base(last_year: dict[str, Any] | None, unit: str, month: int) -> float | None:
    """A unit's figure for last year's same months (1–``month``月, 万元): the sum of its
    monthly figures, or its year-to-date figure at that month; None when not known (a
    month missing, the unit not given, no data month)."""
    if not last_year or month < 1 or unit not in last_year["values"]:
        return None
    series = last_year["values"][unit][:month]
    if last_year["cumulative"]:
        return series[-1]
    return None if any(v is None for v in series) else sum(v for v in series if v is not None)


def growth_rate(ytd: float, base: float | None) -> float | None:
    """同比增速 in %: year-to-date ÷ last year's same months − 1; None without a base
    above zero (no growth rate can be said of a zero or negative base).

    >>> growth_rate(105.0, 100.0), growth_rate(90.0, 100.0), growth_rate(5.0, 0.0)
    (5.0, -10.0, None)
    """
    if base is None or base <= 0:
        return None
    return (ytd / base - 1.0) * 100


def _growth_apart(last_year: dict[str, Any] | None, unit: str, month: int) -> tuple[str, str]:
    """Why a unit has no growth rate, in both languages ("", "" when it has one)."""
    base = last_year_base(last_year, unit, month)
    if base is None:
        return "无上年同期数", "no figure for last year's same months"
    if base <= 0:
        return "上年同期数为零，无法计算增速", "last year's same months are zero: no growth rate"
    return "", ""


def _tiers(data: dict[str, Any] | None) -> tuple[str, list] | None:
    """("place", [Tier]) or ("figure", [ScoreTier]) from
    ``{"by": "place", "bands": [{"zh": "第一方阵", "en": "first tier", "first": 1, "last": 3}]}``
    or ``{"by": "figure", "bands": [{"zh": …, "en": …, "at_least": 100}, {… "at_least": null}]}``."""
    if not data:
        return None
    by, bands = data.get("by", "place"), list(data.get("bands") or [])
    if by not in ("place", "figure"):
        raise ValueError("tiers go by 'place' (bands of places) or 'figure' (thresholds)")
    if not bands:
        raise ValueError("tiers need at least one band")
    out: list = []
    for band in bands:
        zh, en = str(band["zh"]).strip(), str(band.get("en") or band["zh"]).strip()
        if not zh:
            raise ValueError("a tier needs a name")
        if by == "place":
            first, last = int(band["first"]), int(band["last"])
            if 0 in (first, last) or ((first > 0) == (last > 0) and first > last):
                raise ValueError(f"tier {zh}: places {first} to {last} are not a band")
            out.append(Tier(zh, en, first, last))
        else:
            at_least = band.get("at_least")
            out.append(ScoreTier(zh, en, None if at_least is None else float(at_least)))
    return by, out


#: What a project earns points by: started by the data month (1 or 0), its year-to-date
#: investment (万元), its completion of the annual plan (%).
POINT_MEASURES = {
    "started": ("开工项目", "project started"),
    "ytd": ("累计完成投资（万元）", "investment to date (10,000 yuan)"),
    "completion": ("年度计划完成率（%）", "completion of the annual plan (%)"),
}


def _points(data: list | None) -> list[PointsRule]:
    rules = []
    for rule in list(data or []):
        measure = rule["measure"]
        if measure not in POINT_MEASURES:
            raise ValueError(f"a points rule's measure is one of {', '.join(POINT_MEASURES)}")
        per, at_least = rule.get("per"), rule.get("at_least")
        rules.append(PointsRule(
            measure, float(rule["points"]), None if per is None else float(per),
            None if at_least is None else float(at_least), labels=POINT_MEASURES[measure],
        ))  # fmt: skip
    return rules


def setting_of(plan: Plan) -> dict[str, Any]:
    from mubiao.dashboard.models import RankingSetting

    stored = RankingSetting.objects.filter(plan=plan).values_list("units", flat=True).first()
    return parse(stored or {})


def standings_of(plan: Plan, as_of: dt.date, progress: list | None = None) -> dict[str, Any]:
    """{"formula_zh", "formula_en", "lists_zh", "lists_en", "tiers_zh", "tiers_en",
    "counts_zh", "counts_en", "points_zh", "points_en", "sequences": [{kind, name_zh,
    name_en, rows, lists}], "measure"}: one sequence per kind of unit; each row {unit,
    plan, ytd, completion, gap, growth, place, place_en, rank, tied, tier, tier_en, firsts,
    lasts, points, apart_zh, apart_en (why a unit has no growth rate when ranked by it)};
    ``lists`` the 红黑榜 (None when the plan uses none). ``progress``: the plan's
    projects measured as of ``as_of`` (``progress_of``), when the caller has them."""
    from mubiao.projects.measures import progress_of, reference_month, with_counties

    setting = setting_of(plan)
    decimals = plan.rate_decimals
    measure = setting["measure"]
    data_month = reference_month(as_of, plan.pk, plan.year)
    month = data_month.month if data_month else 0
    labels = MEASURES[measure]
    if measure == "growth" and data_month is not None:  # "1–10月重点项目投资同比增速"
        labels = (f"{data_period_zh(data_month)}{labels[0]}",
                  f"{labels[1]}, {data_period_en(data_month)}")  # fmt: skip
    ranking = FigureRanking(measure, setting["order"], decimals=decimals, labels=labels)
    if progress is None:
        progress = progress_of(plan.projects.prefetch_related("county"), plan.year, as_of)
    else:
        with_counties(progress)
    progress = [r for r in progress if r.project.county_id is not None]
    figures, kinds = _unit_figures(
        progress, plan.year, as_of, decimals, setting["last_year"], month
    )
    index = MEASURE_INDEX[measure]
    best_first = dataclasses.replace(ranking, order="desc")
    ranked = rank_sequences({n: f[index] for n, f in figures.items()}, kinds, ranking)
    through = data_month
    counts = (
        _counts(plan, progress, as_of, kinds, best_first, decimals, setting["last_year"])
        if through
        else {}
    )
    points = _unit_points(progress, through, setting["points"])
    sequences = []
    for kind in sorted(ranked, key=lambda k: list(KINDS).index(k) if k in KINDS else 99):
        units = [_with_figures(u, figures) for u in ranked[kind]]
        lists = None
        if setting["red"] or setting["black"]:
            # The red list is taken from the best, the black from the worst, whichever
            # order the table prints in.
            best = [_with_figures(u, figures) for u in best_first.rank(
                {u.unit: figures[u.unit][index] for u in units})]  # fmt: skip
            rb = red_black(best, setting["red"], setting["black"], setting["exemptions"])
            lists = {
                "red": [u.unit for u in rb.red],
                "black": [u.unit for u in rb.black],
                "spared": [{"unit": u, "reason": why} for u, why in rb.spared],
            }
        tiers = _tiers_of(setting["tiers"], best_first, units, measure)
        name_zh, name_en = KINDS.get(kind, (kind, kind))
        lights, average = ({}, None)
        if setting["lights"] == "peers":
            lights, average = peer_completion_lights(
                {u.unit: figures[u.unit][1] for u in units},
                {u.unit: figures[u.unit][2] for u in units},
                decimals,
            )
        rows = []
        for u in units:
            row = _row(u, *figures[u.unit], decimals)
            apart = ("", "")
            if measure == "growth" and u.rank is None and u.unit not in setting["exemptions"]:
                apart = _growth_apart(setting["last_year"], u.unit, month)
            row.update(apart_zh=apart[0], apart_en=apart[1])
            light = str(lights[u.unit]) if u.unit in lights else ""
            row.update(light=light, light_zh=LIGHT_WORDS[light][0] if light else "",
                       light_en=LIGHT_WORDS[light][1] if light else "")  # fmt: skip
            tier = tiers.get(u.unit)
            firsts, lasts = counts.get(u.unit, (0, 0))
            row.update(tier=tier.zh if tier else "", tier_en=tier.en if tier else "",
                       firsts=firsts, lasts=lasts,
                       points=fixed(points[u.unit], 1) if u.unit in points else "")  # fmt: skip
            rows.append(row)
        sequences.append({
            "kind": kind, "name_zh": name_zh, "name_en": name_en, "lists": lists,
            "rows": rows, "tiered": _tiered(setting["tiers"], tiers, units),
            "average": None if average is None else f"{fixed(average, decimals)}%",
        })  # fmt: skip
    formula = ranking.describe()
    rules = _rules_in_words(setting)
    tiers_words = (
        describe_tiers(setting["tiers"][1], MEASURES[measure]) if setting["tiers"] else None
    )
    months = through.month if through else 0
    points_words = describe_points(setting["points"]) if setting["points"] else None
    lights_words = (
        describe_peer_completion("同类单位", "units compared") if setting["lights"] else ("", "")
    )
    return {
        "measure": measure,
        "lights_zh": lights_words[0],
        "lights_en": lights_words[1],
        "formula_zh": formula.zh,
        "formula_en": formula.en,
        "lists_zh": rules[0],
        "lists_en": rules[1],
        "tiers_zh": tiers_words.zh if tiers_words else "",
        "tiers_en": tiers_words.en if tiers_words else "",
        "counts_zh": (
            f"首末位次数：1–{months}月每月按{MEASURES[measure][0]}从高到低排名，统计各单位排第1和"
            "排末位的次数（并列者各计一次）"
            if months > 1
            else ""
        ),
        "counts_en": (
            f"first and last places: each month from January to {_MONTHS_EN[months]} ranked by "
            f"{MEASURES[measure][1]}, highest first; how often each unit was first and last "
            "(units tied each count)"
            if months > 1
            else ""
        ),
        "points_zh": (points_words.zh + "，按单位汇总") if points_words else "",
        "points_en": (points_words.en + ", summed per unit") if points_words else "",
        "sequences": sequences,
    }


def with_words(standings: dict[str, Any]) -> dict[str, Any]:
    """The standings with ``words``: (zh, en, id) of each rule in use beyond the order
    (tiers, first and last places, points), for the page to print."""
    words = [
        (standings[f"{key}_zh"], standings[f"{key}_en"], key)
        for key in ("lights", "tiers", "counts", "points")
        if standings[f"{key}_zh"]
    ]
    return {**standings, "words": words}


_MONTHS_EN = ("", "January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")  # fmt: skip
#: The position of each measure in a unit's figures (totals, completion, gap, growth).
MEASURE_INDEX = {"completion": 1, "gap": 2, "growth": 3}

type Figures = tuple[dict, float | None, float | None, float | None]


def _unit_figures(
    progress: list,
    year: int,
    as_of: dt.date,
    decimals: int,
    last_year: dict[str, Any] | None = None,
    month: int = 0,
) -> tuple[dict[str, Figures], dict[str, str]]:
    """unit name → (totals, completion %, gap in points, growth % on last year's same
    months through the data month ``month``), and unit name → kind."""
    from mubiao.projects.measures import totals

    groups: dict[str, list] = defaultdict(list)
    kinds: dict[str, str] = {}
    for r in progress:
        name = r.project.county.short_name or r.project.county.name
        groups[name].append(r)
        kinds[name] = kind_of(r.project.county)
    figures: dict[str, Figures] = {}
    for name, items in groups.items():
        t = totals(items, year, as_of)
        rate = None if t["rate"] is None else t["rate"] * 100
        gap = None if rate is None else gap_points(rate, t["share"] * 100, decimals)
        growth = growth_rate(float(t["ytd"]), last_year_base(last_year, name, month))
        figures[name] = (t, rate, gap, growth)
    return figures, kinds


def kind_of(unit) -> str:
    """The sequence of the unit a project is located in: a functional zone among the
    zones, a state-owned enterprise (its projects located with it) among the
    enterprises, any other unit among the counties."""
    from mubiao.orgs.models import OrgUnit

    if unit.kind == OrgUnit.Kind.ZONE:
        return "zone"
    return "enterprise" if unit.kind == OrgUnit.Kind.ENTERPRISE else "county"


def _counts(
    plan, progress, as_of, kinds, ranking, decimals, last_year=None
) -> dict[str, tuple[int, int]]:
    """unit → (times first, times last) over the year's months up to the data month, each
    month ranked best first on the figures through that month (as approved by now).

    Each month's figures come from sums per unit and month — investment, annual plan and
    the plan expected by the month's end — built in one pass over the projects; they are
    the figures :func:`_unit_figures` gives for the projects' months through that month."""
    from mubiao.monitor import DEFAULT_SCHEDULE
    from mubiao.projects.measures import expected_share, month_end, project_share, through_of

    through = through_of(progress, as_of, plan.year)
    if not progress or through is None:
        return {}
    last = through.month
    index = MEASURE_INDEX[ranking.measure]
    year = plan.year
    zero = Decimal(0)
    invested: dict[str, list[int]] = defaultdict(lambda: [0] * (last + 1))  # in cents
    planned: dict[str, Decimal] = defaultdict(lambda: zero)
    expected: dict[str, list[Decimal]] = defaultdict(lambda: [zero] * (last + 1))
    schedules: dict[str, Any] = {}
    # A project's 序时进度 depends only on its planned start (month, when within the year)
    # and its schedule, so each is worked out once per month, not once per project.
    shares: dict[tuple, Decimal] = {}
    for r in progress:
        name = r.project.county.short_name or r.project.county.name
        schedules.setdefault(name, r.schedule)
        sums = invested[name]
        for m, value in r.cents.items():
            if m <= last:
                sums[m] += value
        annual = r.project.annual_plan or zero
        planned[name] += annual
        start = r.project.planned_start
        key = (start.month if start and start.year == year else None, id(r.schedule))
        due = expected[name]
        for m in range(1, last + 1):
            share = shares.get((*key, m))
            if share is None:
                end = through if m == last else month_end(year, m)
                share = Decimal(str(project_share(r.project, year, end, r.schedule)))
                shares[(*key, m)] = share
            due[m] += annual * share
    rankings = []
    for month in range(1, last + 1):
        end = through if month == last else month_end(year, month)
        figures: dict[str, float | None] = {}
        for name in planned:
            ytd = sum(invested[name][1 : month + 1]) / 100  # 万元, as float(Decimal) reads
            plan_sum, due_sum = planned[name], expected[name][month]
            rate = completion_rate(max(ytd, 0.0), float(plan_sum))
            share_of = (
                float(due_sum / plan_sum)
                if plan_sum
                else expected_share(year, end, schedules.get(name, DEFAULT_SCHEDULE))
            )
            pct = None if rate is None else rate * 100
            gap = None if pct is None else gap_points(pct, share_of * 100, decimals)
            growth = (
                growth_rate(ytd, last_year_base(last_year, name, month))
                if index == MEASURE_INDEX["growth"]
                else None
            )
            figures[name] = (None, pct, gap, growth)[index]
        rankings.extend(rank_sequences(figures, kinds, ranking).values())
    return place_counts(rankings)


def _unit_points(progress, through, rules: list[PointsRule]) -> dict[str, float]:
    if not rules:
        return {}
    items = []
    for r in progress:
        started = r.project.actual_start is not None and (
            through is None or r.project.actual_start <= through
        )
        figures = {
            "started": 1.0 if started else 0.0,
            "ytd": float(r.ytd),
            "completion": None if r.rate is None else r.rate * 100,
        }
        items.append((r.project.county.short_name or r.project.county.name, figures))
    return add_points(items, rules)


def _tiered(tiers, of_unit: dict, units) -> list[dict] | None:
    """Each tier with its units in the table's order (None when the plan sets none)."""
    if not tiers:
        return None
    return [
        {"zh": t.zh, "en": t.en, "units": [u.unit for u in units if of_unit.get(u.unit) is t]}
        for t in tiers[1]
    ]


def _tiers_of(tiers, best_first, units, measure) -> dict:
    """unit → its tier (places counted best first, whichever order the table prints)."""
    if not tiers:
        return {}
    by, bands = tiers
    if by == "figure":
        return assign_score_tiers(units, bands, measure, best_first.decimals)
    best = best_first.rank({u.unit: u.measures.get(measure) for u in units})
    return assign_tiers(best, bands)


def _with_figures(unit: RankedUnit, figures: dict) -> RankedUnit:
    _t, completion, gap, growth = figures[unit.unit]
    return dataclasses.replace(
        unit, measures={"completion": completion, "gap": gap, "growth": growth}
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


def _row(
    ranked, t: dict, rate: float | None, gap: float | None, growth: float | None, decimals: int
) -> dict:
    return {
        # 同比增速 as printed, to the plan's decimals: "5.2%", "-3.1%"
        "growth": "—" if growth is None else f"{fixed(growth, decimals)}%",
        "unit": ranked.unit,
        # 亿元 to two decimals, as offices print sums of this size (the ledger holds 万元)
        "plan": fixed(float(t["plan"]) / 10_000, 2),
        "ytd": fixed(float(t["ytd"]) / 10_000, 2),
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
