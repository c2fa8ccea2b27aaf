"""What a bulletin says, section by section, as plain data (the Word renderer draws it).

一、总体情况 (the data month's 时间进度, counts, the headline figures with their gaps, the
key projects) 二、主要指标和重点项目完成情况 (the targets' table; one table per kind of unit —
counties, then functional zones — of key-project investment: 年度计划, 累计完成, 完成率,
与序时进度差, 名次, ranked as the ranking page ranks them (``unit_standings``), with the
formula in words and the 红黑榜 where the plan uses one; the start rate and the projects
behind; the reporting ranking) 三、存在问题 (each lagging item once, by name, with its units
and the cause its lead unit reported under 存在问题; a lagging task's own lagging indicators
are said in its line, not as items of their own) 四、下步工作要求 (the office's edited
text), then corrections approved after the date, and the attachments (items behind and
items on schedule).
"""

from __future__ import annotations

import datetime as dt

from mubiao.dashboard.unit_standings import standings_of
from mubiao.monitor import fixed, gap_points
from mubiao.monitor.progress import gap_words_zh
from mubiao.monitor.ranking import place_words
from mubiao.plans.models import Plan

STATUS_ZH = {"green": "绿灯", "yellow": "黄灯", "red": "红灯", "done": "已完成", "grey": "未评价"}
NUMERALS = "一二三四五六七八九十"
LAGGING = ("red", "yellow")
SHOWN_PROBLEMS = 20


def sections_and_attachments(plan: Plan, data: dict, narrative: dict) -> tuple[list, list]:
    as_of = dt.date.fromisoformat(data["as_of"])
    units = standings_of(plan, as_of)
    sections = [
        {"heading": "一、总体情况", "blocks": _overview(data)},
        {"heading": "二、主要指标和重点项目完成情况", "blocks": _figures(plan, data, units)},
        {
            "heading": "三、存在问题",
            "blocks": _edited(narrative.get("problems")) or _problems(plan, data, as_of),
        },
        {"heading": "四、下步工作要求", "blocks": _requirements(narrative)},
    ]
    if data["corrections"]:
        sections.append({"heading": "五、此后更正", "blocks": [
            {"kind": "text", "text": f"{c['subject']}：{c['as_of']}更正后由"
             f"{STATUS_ZH.get(c['from'], c['from'])}变为{STATUS_ZH.get(c['to'], c['to'])}。"}
            for c in data["corrections"]]})  # fmt: skip
    from mubiao.supervision.bulletin import paragraphs  # the section 督办事项办理情况

    supervised = paragraphs(plan, as_of)
    if supervised:
        number = NUMERALS[len(sections)]
        sections.append({"heading": f"{number}、督办事项办理情况",
                         "blocks": [_text(line) for line in supervised]})  # fmt: skip
    return sections, _attachments(data)


def _text(text: str) -> dict:
    return {"kind": "text", "text": text}


def _counts(counts: dict) -> str:
    order = ("green", "yellow", "red", "done", "grey")
    return "，".join(f"{STATUS_ZH[s]}{counts[s]}项" for s in order if counts[s]) or "尚无评价"


def _overview(data: dict) -> list[dict]:
    ind, tasks = data["counts"]["indicators"], data["counts"]["tasks"]
    progress = data["time_progress"]["label_zh"] or "尚无完整数据月份"
    blocks = [_text(
        f"{progress}。纳入监测的{sum(ind.values())}项目标指标中，{_counts(ind)}；"
        f"{sum(tasks.values())}项重点任务中，{_counts(tasks)}。"
    )]  # fmt: skip
    for row in data["headline"]:
        blocks.append(_text(row.get("explain_zh") or f"{row['name']}：暂无数据。"))
    p = data.get("projects")
    if p:
        blocks.append(_text(_projects_sentence(p)))
    return blocks


def yi(wan: float) -> str:
    """An amount of 万元 as offices print sums of this size: in 亿元 with two decimals
    (10,762,683万元 → 1076.27), as the bulletin's targets in 亿元 print theirs."""
    return fixed(float(wan) / 10_000, 2)


def _projects_sentence(p: dict) -> str:
    text = f"全市{p['n']}个重点项目"
    if p.get("plan"):
        text += f"年度计划投资{yi(p['plan'])}亿元，"
    text += f"累计完成投资{yi(p['ytd'])}亿元"
    if p.get("rate") is not None and p.get("plan"):
        completion = p["rate"] * 100
        expected = p["expected"] / p["plan"] * 100 if p["plan"] else 0.0
        text += f"，完成年度计划的{fixed(completion, 1)}%，{gap_words_zh(gap_points(completion, expected, 1), 1)}"
    if p.get("start_rate") is not None:
        text += (
            f"；开工率{fixed(p['start_rate'] * 100, 1)}%（{p['started']}/{p['planned_to_start']}）"
        )
    return text + f"；滞后于序时进度的项目{p['behind']}个。"


UNIT_HEADER = [
    "名次",
    "单位",
    "年度计划（亿元）",
    "累计完成（亿元）",
    "完成率",
    "与序时进度差（个百分点）",
]


def _unit_table(caption: str, rows: list[dict], lights: bool = False, growth: bool = False) -> dict:
    """A sequence's table; ranked by growth, a 同比增速 column; with the plan's light rule,
    a 亮灯 column."""
    return {
        "kind": "table",
        "caption": caption,
        "header": UNIT_HEADER + (["同比增速"] if growth else []) + (["亮灯"] if lights else []),
        "rows": [
            [r["place"], r["unit"], r["plan"], r["ytd"], r["completion"], r["gap"]]
            + ([r["growth"]] if growth else [])
            + ([r["light_zh"] or "—"] if lights else [])
            for r in rows
        ],
    }


def _lights_sentence(sequence: dict, rule: str) -> str:
    """亮灯规则…。本期县（市、区）平均完成率57.6%；绿灯：…；黄灯：…；红灯：…。"""
    said = [
        f"{word}：{'、'.join(units)}"
        for word, light in (("绿灯", "green"), ("黄灯", "yellow"), ("红灯", "red"))
        if (units := [r["unit"] for r in sequence["rows"] if r["light"] == light])
    ]
    text = f"{rule}。本期{sequence['name_zh']}平均完成率{sequence['average'] or '—'}"
    return text + ("；" + "；".join(said) if said else "") + "。"


def _figures(plan: Plan, data: dict, units: dict) -> list[dict]:
    blocks: list[dict] = []
    numbered = iter(NUMERALS)
    judged = [r for r in data["indicators"] if r.get("completion_shown")]
    if judged:
        blocks.append({"kind": "subheading", "text": f"（{next(numbered)}）主要指标完成情况"})
        blocks.append({
            "kind": "table", "caption": "",
            "header": ["指标", "年度目标", "累计完成", "完成率", "与序时进度差（个百分点）", "状态"],
            "rows": [[r["name"], r["target"], _num(r["actual"]), r["completion_shown"],
                      r["gap_shown"], STATUS_ZH[r["status"]]] for r in judged],
        })  # fmt: skip
    captions = {
        "county": "各县（市、区）重点项目投资完成情况",
        "zone": "各功能区重点项目投资完成情况",
    }
    for sequence in units["sequences"]:
        caption = captions.get(sequence["kind"], f"{sequence['name_zh']}重点项目投资完成情况")
        blocks.append({"kind": "subheading", "text": f"（{next(numbered)}）{caption}"})
        blocks.append(_text(f"排名办法：{units['formula_zh']}。"))
        growth = units.get("measure") == "growth"
        blocks.append(_unit_table("", sequence["rows"], bool(units["lights_zh"]), growth))
        if units["lights_zh"]:
            blocks.append(_text(_lights_sentence(sequence, units["lights_zh"])))
        if sequence["lists"] is not None:
            blocks.append(_text(_lists_sentence(sequence, units["lists_zh"])))
        blocks.extend(_text(line) for line in _standing_sentences(sequence, units))
    p = data.get("projects")
    if p:
        blocks.append({"kind": "subheading", "text": f"（{next(numbered)}）重点项目开工和滞后情况"})
        blocks.append(_text(_projects_sentence(p)))
        blocks.extend(_project_figures(plan, dt.date.fromisoformat(data["as_of"])))
        blocks.extend(_text(line) for line in _behind_sentences(plan, data["as_of"]))
    ranking = data.get("ranking")
    sequences = (("市直单位", "rows"), ("县（市、区）", "counties"), ("功能区", "zones"),
                 ("市属国有企业", "enterprises"))  # fmt: skip
    if ranking and any(ranking.get(key) for _title, key in sequences):
        blocks.append({"kind": "subheading", "text": f"（{next(numbered)}）责任单位进展报送排名"})
        blocks.append(_text(f"排名办法：{ranking['formula_zh']}。"))
        for title, rows in ((title, ranking.get(key) or []) for title, key in sequences):
            if rows:
                blocks.append({
                    "kind": "table", "caption": title,
                    "header": ["名次", "单位", "得分", "按时报送率", "绿灯占比", "逾期事项"],
                    "rows": [[_place(r, rows), r["unit"], "—" if r["score"] is None else f"{r['score']:.1f}",
                              _pct(r["on_time_rate"]), _pct(r["share_green"]), str(r["overdue"])]
                             for r in rows],
                })  # fmt: skip
    return blocks


TIER_ZH = {"province": "省重点项目", "city": "市重点项目", "county": "县重点项目", "": "未分级项目"}


def _project_figures(plan: Plan, as_of: dt.date) -> list[dict]:
    """The key projects' figures as bulletins print them (``projects.measures.figures``):
    the data month's increment (and 同比 where last year's series is stated), funds secured
    (资金到位率, with the number of projects reporting them) where any project reports
    them, and a table by tier (省/市/县重点), with the funds where reported."""
    from mubiao.projects.measures import figures

    f = figures(plan.projects.all(), plan.year, as_of)
    if f is None or not f["month"]:
        return []
    text = f"{f['month']}月当月完成投资{yi(f['increment'])}亿元"
    if f["yoy"] is not None:
        change = f["yoy"] * 100
        word = "增长" if change >= 0 else "下降"
        text += f"，1–{f['month']}月累计同比{word}{fixed(abs(change), 1)}%"
    blocks = [_text(text + "。")]
    if f["funds_n"]:
        blocks.append(_text(_funds_sentence(f)))
    tiers = f["by_tier"]
    if tiers and any(t["key"] for t in tiers):
        blocks.append(tier_table(tiers, bool(f["funds_n"])))
    return blocks


def tier_table(tiers: list[dict], with_funds: bool) -> dict:
    """分级别重点项目完成情况: a row per tier. A tier without an annual plan has no
    完成率 and no 资金到位率 (—), whatever funds its projects report: a rate needs a plan."""
    header = ["级别", "项目数", "年度计划（亿元）", "累计完成（亿元）", "完成率", "滞后项目"]
    rows = [[TIER_ZH.get(t["key"], t["label"]), str(t["n"]), yi(t["plan"]), yi(t["ytd"]), _pct(t["rate"] if t["plan"] else None), str(t["behind"])]
            for t in tiers]  # fmt: skip
    if with_funds:
        header.append("资金到位率（报送项目数）")
        for row, t in zip(rows, tiers, strict=True):
            known = t["funds_n"] and t["funds_rate"] is not None
            row.append(f"{_pct(t['funds_rate'])}（{t['funds_n']}）" if known else "—")
    return {"kind": "table", "caption": "分级别重点项目完成情况", "header": header, "rows": rows}


def _funds_sentence(f: dict) -> str:
    """资金到位: the projects reporting it, their funds and 资金到位率 (funds ÷ their plans)."""
    text = f"报送资金到位情况的{f['funds_n']}个项目本年累计到位资金{yi(f['funds_secured'])}亿元"
    if f["funds_rate"] is not None:
        text += f"，资金到位率{_pct(f['funds_rate'])}"
    return text + "。"


def _standing_sentences(sequence: dict, units: dict) -> list[str]:
    """方阵, 首末位次数 and 积分 of one sequence, each with its rule, where the plan uses them."""
    lines = []
    if sequence.get("tiered"):
        tiered = "；".join(
            f"{t['zh']}：{'、'.join(t['units']) or '空缺'}" for t in sequence["tiered"]
        )
        lines.append(f"按{units['tiers_zh']}，本期{sequence['name_zh']}{tiered}。")
    rows = sequence["rows"]
    if units.get("counts_zh"):
        firsts = "、".join(f"{r['unit']}{r['firsts']}次" for r in rows if r["firsts"]) or "无"
        lasts = "、".join(f"{r['unit']}{r['lasts']}次" for r in rows if r["lasts"]) or "无"
        lines.append(
            f"{units['counts_zh']}。{sequence['name_zh']}排第1：{firsts}；排末位：{lasts}。"
        )
    if units.get("points_zh"):
        scored = sorted(rows, key=lambda r: -float(r["points"] or 0))
        listed = "、".join(f"{r['unit']}{r['points'] or '0.0'}分" for r in scored)
        lines.append(f"{units['points_zh']}。{sequence['name_zh']}积分：{listed}。")
    return lines


def _lists_sentence(sequence: dict, rules: str) -> str:
    """红黑榜 of one sequence: the rule, who is on each list, who was spared."""
    lists = sequence["lists"]
    red = "、".join(lists["red"]) or "空缺"
    black = "、".join(lists["black"]) or "空缺"
    text = f"按红黑榜规则（{rules}），本期{sequence['name_zh']}红榜：{red}；黑榜：{black}"
    spared = lists["spared"]
    if len(spared) == 1:
        text += f"；{spared[0]['unit']}因{spared[0]['reason']}免于列入黑榜"
    elif spared:
        text += "；" + "、".join(f"{s['unit']}（{s['reason']}）" for s in spared) + "免于列入黑榜"
    return text + "。"


def _place(r: dict, rows: list[dict]) -> str:
    """第3, or 并列第1 when another unit shares the place."""
    if r["rank"]:
        tied = r.get("tied") or sum(1 for o in rows if o["rank"] == r["rank"]) > 1
        return place_words(r["rank"], bool(tied)).zh
    return "免于排名" if r["apart"] == "exempt" else "暂不排名"


def _num(value) -> str:
    if value is None:
        return "—"
    return f"{value:,.2f}".replace(",", "").rstrip("0").rstrip(".")


def _pct(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _behind_sentences(plan: Plan, as_of: str, shown: int = 10) -> list[str]:
    """The key projects behind schedule, in two sentences an office would write: those
    due to have started that have not (应开未开, the largest planned investment first,
    named with their county) and, of those started, the furthest behind 序时进度 (their
    share of it, lowest first). At most ``shown`` named in each; the rest counted."""
    from mubiao.projects.measures import progress_of
    from mubiao.projects.models import Project

    day = dt.date.fromisoformat(as_of)
    rows = [
        r
        for r in progress_of(plan.projects.select_related("county", "plan"), plan.year, day)
        if r.behind
    ]
    unstarted = [r for r in rows if r.stage == Project.Stage.NOT_STARTED]
    started = [r for r in rows if r.stage != Project.Stage.NOT_STARTED]
    unstarted.sort(key=lambda r: (-(r.project.annual_plan or 0), r.project.code))
    started.sort(key=lambda r: (r.against_expected or 0.0, r.project.code))
    out = []
    if unstarted:
        names = "、".join(_named(r) for r in unstarted[:shown])
        more = f"等{len(unstarted)}个" if len(unstarted) > shown else ""
        out.append(f"应开工未开工的项目{len(unstarted)}个：{names}{more}。")
    if started:
        lines = "；".join(_behind_line(r) for r in started[:shown])
        more = f"（共{len(started)}个已开工项目滞后）" if len(started) > shown else ""
        out.append(f"已开工项目中投资滞后较多的：{lines}{more}。")
    return out


def _named(r) -> str:
    """邓州市产业园项目, or 产业园项目（邓州市）: the county once."""
    name = r.project.name
    county = r.project.county.short_name if r.project.county_id else ""
    return name if not county or name.startswith(county) else f"{name}（{county}）"


def _behind_line(r) -> str:
    """邓州市产业园项目（完成序时计划的40.0%）: the county only where the name does not
    already begin with it."""
    name = r.project.name
    county = r.project.county.short_name if r.project.county_id else ""
    where = "" if county and name.startswith(county) else f"{county or '—'}，"
    return f"{name}（{where}完成序时计划的{fixed((r.against_expected or 0) * 100, 1)}%）"


def _lagging(data: dict) -> list[dict]:
    """Each red or yellow item once (an indicator shown among the red ones and again as
    its task's reason is one item), red first."""
    seen: set[tuple[str, str]] = set()
    out = []
    for status in LAGGING:
        for row in data["indicators"] + data["tasks"]:
            key = (row["type"], row["code"])
            if row["status"] == status and key not in seen:
                seen.add(key)
                out.append(row)
    return out


def causes(plan: Plan, as_of: dt.date) -> dict[tuple[str, str], str]:
    """(type, code) → the 存在问题 the lead unit reported in its latest approved report."""
    from mubiao.dashboard.status import day_end
    from mubiao.plans.models import Assignment
    from mubiao.reporting.models import ReportVersion, Review

    rows = (
        ReportVersion.objects.filter(
            report__cycle__plan=plan, report__role=Assignment.Role.LEAD,
            reviews__decision=Review.Decision.APPROVE, reviews__at__lt=day_end(as_of),
        )
        .exclude(problems="")
        .order_by("reviews__at", "number")
        .values_list("report__task__code", "report__indicator__code", "problems")
    )  # fmt: skip
    found: dict[tuple[str, str], str] = {}
    for task, indicator, problems in rows:
        if task:
            found[("task", task)] = problems.strip()
        if indicator:
            found[("indicator", indicator)] = problems.strip()
    return found


def _entries(lagging: list[dict]) -> list[tuple[dict, list[dict]]]:
    """The lagging items as 三、存在问题 lists them: a lagging task with its own lagging
    indicators folded in (one matter, said once, at the place of the first of them), every
    other item on its own."""
    tasks = {row["code"]: row for row in lagging if row["type"] == "task"}
    entries: list[tuple[dict, list[dict]]] = []
    place: dict[str, int] = {}
    for row in lagging:
        owner = row if row["type"] == "task" else tasks.get(row.get("task_code") or "")
        if owner is None:
            entries.append((row, []))
            continue
        if owner["code"] not in place:
            place[owner["code"]] = len(entries)
            entries.append((owner, []))
        if row is not owner:
            entries[place[owner["code"]]][1].append(row)
    return entries


def _quoted(name: str) -> str:
    """“name”, quotes inside it turned to ‘…’ as nested quotes are printed."""
    return "“" + name.replace("“", "‘").replace("”", "’") + "”"


def _said(row: dict) -> str:
    return row.get("gap_zh") or f"判为{STATUS_ZH[row['status']]}"


def _problem_line(n: int, row: dict, folded: list[dict], why: dict) -> str:
    who = "、".join(row.get("lead_units") or row.get("units") or []) or "未明确责任单位"
    kind = "指标" if row["type"] == "indicator" else "任务"
    figure = _said(row)
    named: list[str] = []
    by_light: dict[str, list[str]] = {}  # targets with a light only, said together
    for ind in folded:
        if ind["name"] == row["name"]:  # the task's own measure, by the same name: not twice
            if ind.get("gap_zh"):
                figure += f"，{ind['gap_zh']}"
        elif ind.get("gap_zh"):
            named.append(f"{_quoted(ind['name'])}{ind['gap_zh']}")
        else:
            by_light.setdefault(ind["status"], []).append(_quoted(ind["name"]))
    named += [f"{''.join(names)}判为{STATUS_ZH[light]}" for light, names in by_light.items()]
    if named:
        figure += "；其中" + "；".join(named)
    text = f"{n}. {row['name']}（{kind}，{who}）：{figure}。"
    cause = why.get((row["type"], row["code"])) or next(
        (why[("indicator", i["code"])] for i in folded if ("indicator", i["code"]) in why), None
    )
    if cause:
        text += f"存在问题：{cause.rstrip('。')}。"
    return text


def _problems(plan: Plan, data: dict, as_of: dt.date) -> list[dict]:
    lagging = _lagging(data)
    if not lagging:
        return [_text("本期各项目标任务均达到序时进度。")]
    why = causes(plan, as_of)
    blocks = [
        _text(
            f"截至本期，{len(lagging)}项目标任务滞后于序时进度（红灯{sum(r['status'] == 'red' for r in lagging)}项），主要是："
        )
    ]
    shown = _entries(lagging)[:SHOWN_PROBLEMS]
    for i, (row, folded) in enumerate(shown, 1):
        blocks.append(_text(_problem_line(i, row, folded, why)))
    rest = len(lagging) - sum(1 + len(folded) for _row, folded in shown)
    if rest > 0:
        blocks.append(_text(f"其余{rest}项见附件1。"))
    late = data["overdue"]["reports"]
    if late:
        blocks.append(
            _text(
                f"另有{len(late)}份进展报告逾期未报送，涉及{len({r['unit'] for r in late})}个单位。"
            )
        )
    return blocks


def _edited(text) -> list[dict]:
    """The office's own wording of a section, one paragraph a line ([] when none)."""
    return [_text(line.strip()) for line in str(text or "").splitlines() if line.strip()]


def _requirements(narrative: dict) -> list[dict]:
    lines = [line.strip() for line in str(narrative.get("requirements", "")).splitlines()]
    return [_text(line) for line in lines if line] or [_text("（无）")]


ITEM_HEADER = ["序号", "事项", "类别", "责任单位", "完成率", "与序时进度差（个百分点）", "状态"]


def _item_rows(rows: list[dict]) -> list[list[str]]:
    return [
        [str(i), r["name"], "指标" if r["type"] == "indicator" else "任务",
         "、".join(r.get("lead_units") or r.get("units") or []) or "—",
         r.get("completion_shown") or "—", r.get("gap_shown") or "—", STATUS_ZH[r["status"]]]
        for i, r in enumerate(rows, 1)
    ]  # fmt: skip


def _attachments(data: dict) -> list[dict]:
    on_schedule = [
        r for r in data["indicators"] + data["tasks"] if r["status"] in ("green", "done")
    ]
    return [
        {
            "title": "滞后于序时进度事项清单",
            "caption": "",
            "header": ITEM_HEADER,
            "rows": _item_rows(_lagging(data)),
        },
        {
            "title": "达到序时进度事项清单",
            "caption": "",
            "header": ITEM_HEADER,
            "rows": _item_rows(on_schedule),
        },
    ]
