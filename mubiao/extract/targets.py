"""Steps 5 to 7, comparator, metric and kind: the targets of a normalised text.

Reads paragraph by paragraph, clause by clause (see `clauses` for the past/planned
state). In a planned clause every quantity that is not a threshold inside a metric
(500万元以上项目), a structural count (11项工作) or a code becomes a target; lists
written with 、 are distributed (A、B分别达到X、Y; A、B均增长X). Clauses without a
number are matched against the qualitative and milestone patterns of
``lexicons/patterns.yaml``.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from . import lexicon
from .clauses import NEUTRAL, PAST, PLANNED, after_break, cues, final_state, is_past, state_at
from .dates import deadline as read_deadline
from .dates import holiday
from .numbers import Quantity, find_quantities
from .segment import Clause, Line, clauses, numbering

_QUOTES = re.compile(r"[“”‘’\"'「」『』《》]")
_OPENERS = '“‘「『《"'
_CLOSERS = {"“": "”", "‘": "’", "「": "」", "『": "』", "《": "》", '"': '"'}
_LIST_JOIN = {"、", "和", "及", "与"}
_FILLER = re.compile(
    r"(?:动态)?(?:分别|均|都)?[将要已]?(?:确定为|设定为|定为|保持在|稳定在|控制在|达到|占据|占|达|为|是)?$"
)
_DISTRIBUTE = re.compile(
    r"(?<![人年平首成京])(分别|均|都)(?P<verb>(?:动态)?(?:确定为|设定为|保持在|控制在|稳定在|达到|达|为|增长|提高|下降|"
    r"降低|突破|超过|不低于|不少于|增速为|增速|增幅)?)$"
)
_GROWTH_VERB = re.compile(r"增长|增速|增幅|提高|下降|降低|涨幅|减少")
_YEAR_PREFIX = re.compile(r"^(?:(?:19|20)\d{2}年)+")
_TRAILING_PUNCT = ",;。!?:、 "
_LIST_SPLIT = re.compile(r"、")
_CONTINUATION = re.compile(r"^(?:占|其中|比|较|同比|增速|增幅)")
_RESULT_NEXT = re.compile(r"^(?:比上年|较上年|比去年|较去年|同比)")
_ENUMERATION = re.compile(
    r"^(?:[一二三四五六七八九十]是|第[一二三四五六七八九十]+[,、是]|首先|其次|最后)"
)
_AND_SPLIT = re.compile(r"(?<=[\u4e00-\u9fffA-Za-z])(?:及|和)(?=[\u4e00-\u9fffA-Za-z])")


@dataclass
class Found:
    """A target in normalised-text coordinates (spans are mapped back later)."""

    metric: str
    kind: str
    comparator: str
    value: float | None
    value_max: float | None
    unit: str | None
    start: int
    end: int
    binding: bool
    horizon: bool
    confidence: float
    cued: bool = False  # a planned cue of its own clause stands before the number
    deadline: str | None = None  # ISO date of a dated milestone (6月底前完成…)
    entity: str | None = None  # the government a round-up text names for it


@cache
def _lex() -> dict[str, Any]:
    comp = lexicon.load("comparators")
    cues = lexicon.load("cues")
    units = lexicon.load("units")
    catalogue = [n["name"] for n in lexicon.load("indicators")["names"]]
    return {
        "before": comp["before"],
        "after": comp["after"],
        "before_re": re.compile(rf"(?:{lexicon.alternation(list(comp['before']))})$"),
        "cut": sorted(cues["metric_cut"], key=len, reverse=True),
        "verbs_re": re.compile(rf"(?:{lexicon.alternation(cues['metric_verbs'])})$"),
        "structural_re": re.compile(
            rf"^(?:重点|主要|关键|核心)?(?:{lexicon.alternation(units['structural_nouns'])})"
            r"(?=$|的|[,;。、:()\s])"
        ),
        "binding": tuple(cues["binding"]),
        "horizon": tuple(re.compile(p) for p in cues["horizon"]),
        "catalogue": catalogue,
        "change_re": re.compile(lexicon.alternation(cues["change_words"])),
        "target_verbs": re.compile(lexicon.alternation(cues["target_verbs"])),
        "triggers": re.compile(lexicon.alternation(lexicon.load("patterns")["triggers"])),
        "lead_words": sorted(
            set(cues["metric_cut"] + cues["metric_verbs"] + cues["planned"]), key=len, reverse=True
        ),
        "indicator_kind": {n["name"]: n["kind"] for n in lexicon.load("indicators")["names"]},
        "result_re": re.compile(lexicon.alternation(cues["result_markers"])),
        "entity_re": re.compile(
            r"(?:^|(?<=[,;:。、\s]))(?P<e>[\u4e00-\u9fff]{1,8}?"
            rf"(?:{lexicon.alternation(cues['entity_endings'])}))"
            rf"(?=\d{{4}}年|{lexicon.alternation(cues['entity_after'])})"
        ),
        "not_entities": frozenset(cues["not_entities"]),
        "not_entity_starts": tuple(cues["not_entity_starts"]),
        "place_parts": tuple(cues["place_parts"]),
        "intro_re": re.compile(lexicon.alternation(cues["targets_intro"])),
    }


def find_targets(text: str, lines: list[Line], year: int | None) -> tuple[list[Found], list[str]]:
    """All targets of the normalised `text`, and warnings about what was skipped."""
    found: list[Found] = []
    warnings: list[str] = []
    cut_at = _truncation_point(text)
    state = NEUTRAL
    section = _targets_section(text)
    for line in lines:
        if _starts_part(line.text):
            state = after_break(state)
        targets, state = _paragraph_targets(line, year, cut_at, warnings, state)
        if section is not None and line.end <= section:
            # before the 主要预期目标 section a figure needs a planned cue of its own
            targets = [f for f in targets if f.cued or f.value is None]
        found += targets
    _name_entities(text, lines, found)
    return found, warnings


def _entities_at(text: str, lines: list[Line]) -> list[tuple[int, str]]:
    """(position, name) of every government named as the subject of a statement."""
    out = []
    for line in lines:
        for m in _lex()["entity_re"].finditer(line.text):
            name = m.group("e")
            lex = _lex()
            if (
                name not in lex["not_entities"]
                and not name.startswith(lex["not_entity_starts"])
                and not name.endswith(lex["place_parts"])
                and not _NOT_IN_NAME.search(name)
            ):
                out.append((line.start + m.start("e"), name))
    return out


# characters of a clause, not of a place name (一是围绕郑州市, 制造业立市)
_NOT_IN_NAME = re.compile(r"[年月日是在的和与及对向从围绕把将以为业立强兴建推进实施了这些目标体现]")
_ENTITY_FRAME = re.compile(r"^(?:提出|预期|计划|今年|明年|将|则将|则|的|力争|确保|争取|:)+")


def _name_entities(text: str, lines: list[Line], found: list[Found]) -> None:
    """In a text about several governments each target keeps the one it is stated for
    (the last named before it), and its metric loses the name ("乙市提出增长" → 增长,
    then the measure of the target before: 生产总值增长)."""
    named = _entities_at(text, lines)
    names = {n for _, n in named}
    # 河南郑州 and 郑州 are one government
    if len({n for n in names if not any(o != n and o.endswith(n) for o in names)}) < 2:
        return
    positions = [p for p, _ in named]
    previous = ""
    for f in found:
        k = bisect.bisect_right(positions, f.start + len(f.metric)) - 1
        if k < 0:
            previous = f.metric
            continue
        f.entity = named[k][1]
        metric = f.metric
        if metric.startswith(f.entity):
            metric = _ENTITY_FRAME.sub("", metric[len(f.entity) :])
        if (
            not metric or _GROWTH_VERB.fullmatch(metric) or metric in ("目标", "目标定为")
        ) and previous:
            grow = _GROWTH_VERB.search(previous)
            metric = previous if grow or not metric else previous + metric
        f.metric = metric or f.metric
        if f.metric not in ("目标", "目标定为"):
            previous = f.metric


_SECTION = re.compile(r"(?:今年|\d{4}年)?(?:经济社会发展的?|全市|全省|全县|全区)?主要预期目标")


def _targets_section(text: str) -> int | None:
    """Where the main-targets section (主要预期目标) starts, when the text before it
    reviews the past (去年, 过去一年, a year before …): the figures written there are
    results unless a planned cue of their own says otherwise."""
    m = _SECTION.search(text)
    if m is None or m.start() == 0:
        return None
    before = text[: m.start()]
    if not re.search(lexicon.alternation(lexicon.load("cues")["review"]), before):
        return None
    return m.start()


_HORIZON_CHARS = re.compile(r"均|五|到|至")


def _is_horizon(text: str, year: int | None) -> bool:
    """年均…, “十五五”时期…, 到2030年…: a goal for several years."""
    if not _HORIZON_CHARS.search(text):
        return False  # fast path: none of the horizon patterns can match
    for pattern in _lex()["horizon"]:
        for m in pattern.finditer(text):
            later = m.groupdict().get("year")
            if later is None or year is None or int(later) > year:
                return True
    return False


def _starts_part(text: str) -> bool:
    """A numbered line, an enumeration (一是, 第一) or a short heading starts afresh."""
    if numbering(text) or _ENUMERATION.match(text):
        return True
    return len(text) <= 25 and not re.search(r"[,;。:!?]", text)


def _truncation_point(text: str) -> int | None:
    """Where a long text ends mid-sentence, the start of its unfinished last clause."""
    stripped = text.rstrip()
    if len(stripped) < 300 or stripped[-1] in "。!?;)”’」》.…】":
        return None
    last = max(stripped.rfind(c) for c in ",;。!?:、\n")
    return last + 1


def _paragraph_targets(
    line: Line, year: int | None, cut_at: int | None, warnings: list[str], state: str
) -> tuple[list[Found], str]:
    out: list[Found] = []
    weak: list[Found] = []
    binding = any(w in line.text for w in _lex()["binding"])
    in_item = numbering(line.text) is not None
    last_metric = ""
    horizon = False
    parts = list(clauses(line))
    all_cues = [cues(c.text, year) for c in parts]
    finished = (
        _finished_sentences(parts, all_cues) if _lex()["result_re"].search(line.text) else set()
    )
    intro = _lex()["intro_re"].search(line.text)
    listed_from = line.start + intro.start() if intro else None
    listed = False
    for k, clause in enumerate(parts):
        if _ENUMERATION.match(clause.text):
            state = after_break(state)  # 一是…二是…: each point starts afresh
        clause_cues = all_cues[k]
        if k in finished:
            state = PAST  # a sentence that states a finished result (完成了, 达到了)
        listed = listed or (listed_from is not None and clause.end > listed_from)
        if _CONTINUATION.match(clause.text):
            # 占年度计划的25%: a clause that goes on about the number before it
            clause_cues = [c for c in clause_cues if is_past(c.state)]
        horizon = horizon or _is_horizon(clause.text, year)
        quantities = find_quantities(clause.text)
        if cut_at is not None and clause.end > cut_at:
            # the text stops inside this clause: what comes after the last mark is unfinished
            whole = [q for q in quantities if clause.start + q.end <= cut_at]
            if len(whole) < len(quantities):
                tail = clause.text[max(0, cut_at - clause.start) :].strip()
                warnings.append(f"文本在句中结束,最后的“{tail}”可能不完整,未作为目标读取。")
            quantities = whole
            if not quantities:
                break
        if quantities:
            found = _numeric_targets(
                clause, quantities, clause_cues, state, binding, horizon, last_metric
            )
            own = state_at(clause_cues, len(clause.text), state)[0]
            then = parts[k + 1].text if k + 1 < len(parts) else ""
            if found and own == NEUTRAL and _RESULT_NEXT.match(then):
                found = []  # 生产总值3000亿元,比上年增长5.8%: a result and its change
            if found:
                last_metric = found[-1].metric
            out += found
        elif not is_past(state_at(clause_cues, _predicate_at(clause.text), state)[0]):
            strong, maybe = _wordy_targets(clause, binding, in_item, year)
            out += strong
            weak += maybe
        state = final_state(clause_cues, len(clause.text), state)
        if clause.ends_sentence:
            horizon = False
    if listed or any(f.value is not None for f in out):
        out += weak
    return sorted(out, key=lambda f: f.start), state


def _predicate_at(text: str) -> int:
    """Where the wording of a target without a number starts (its trigger word), so
    that a cue inside the wording (控制在省定目标以内) does not decide its state."""
    m = _lex()["triggers"].search(text)
    return m.start() if m else len(text)


def _finished_sentences(parts: list[Clause], all_cues: list[list[Any]]) -> set[int]:
    """Indices of the clauses of sentences written as finished results: a result
    marker (完成了, 实现了, 达到了 …) and no planned cue anywhere in the sentence."""
    out: set[int] = set()
    sentence: list[int] = []
    for k, clause in enumerate(parts):
        sentence.append(k)
        if clause.ends_sentence or k == len(parts) - 1:
            text = "".join(parts[i].text for i in sentence)
            planned = any(c.state == PLANNED for i in sentence for c in all_cues[i])
            if not planned and _lex()["result_re"].search(text):
                out.update(sentence)
            sentence = []
    return out


def _numeric_targets(
    clause: Clause,
    quantities: list[Quantity],
    clause_cues: list[Any],
    state: str,
    binding: bool,
    horizon: bool,
    prev_metric: str,
) -> list[Found]:
    out: list[Found] = []
    text = clause.text
    prev_end = 0
    for group in _groups(text, quantities):
        first = group[0]
        st, own = state_at(clause_cues, first.start, state)
        before = text[prev_end : first.start]
        kept = [q for q in group if not _is_threshold(text, q) and not _is_structural(text, q)]
        if _lex()["change_re"].search(text[: first.start]):
            kept = []  # 较去年下调0.5个百分点: how a target moved, not a target
        if not kept and _is_threshold(text, group[-1]):
            continue  # a bound inside the next metric: the metric goes on after it
        prev_end = group[-1].end
        if is_past(st) or not kept:
            continue
        group = kept
        conf = 0.9 if st == PLANNED and own else 0.85 if st == PLANNED else 0.8
        noun = _after_metric(text, group[-1])
        for metric, q, start in _metrics(text, before, first.start, group, prev_metric):
            end = q.end
            if noun and metric.endswith(noun) and len(group) == 1:
                # 推进42个老旧小区改造项目、18个城市更新片区建设: the noun after the
                # number names it, and the next figure's name starts after the noun
                end = q.end + len(text[q.end :]) - len(text[q.end :].lstrip("的")) + len(noun)
                prev_end = end + (text[end : end + 1] in _LIST_JOIN)
            comparator = _comparator(q, before if q is first else "", group[-1])
            signs = _lex()["target_verbs"].search(before + metric) or _is_known(metric)
            if st == NEUTRAL and comparator == "=" and not signs:
                continue  # a bare fact in a clause without cues
            found = Found(
                metric=metric,
                kind=_kind(metric, q),
                comparator=comparator,
                value=q.value,
                value_max=q.value_max,
                unit=q.unit,
                start=clause.start + start,
                end=clause.start + end,
                binding=binding,
                horizon=horizon,
                confidence=min(0.97, conf + (0.05 if _is_known(metric) else 0.0)),
                cued=st == PLANNED and own,
            )
            out.append(found)
            prev_metric = metric
    return out


def _groups(text: str, quantities: list[Quantity]) -> list[list[Quantity]]:
    """Quantities joined only by 、/和/及 form one list (10家、40家、700家左右)."""
    groups: list[list[Quantity]] = []
    for q in quantities:
        if groups and text[groups[-1][-1].end : q.start] in _LIST_JOIN:
            groups[-1].append(q)
        else:
            groups.append([q])
    return groups


def _is_threshold(text: str, q: Quantity) -> bool:
    """500万元以上项目: a bound written inside a metric, followed by what it bounds."""
    if q.after not in ("以上", "以下", "及以上"):
        return False
    if q.unit_kind == "count":
        return False  # 800家以上企业上云: a counted noun, the figure is the target
    nxt = text[q.end : q.end + 1]
    return bool(nxt) and (nxt == "的" or "\u4e00" <= nxt <= "\u9fff" or nxt in _OPENERS)


def _is_structural(text: str, q: Quantity) -> bool:
    """11项工作, 3个方面: a count of the document's own parts."""
    return bool(_lex()["structural_re"].match(text[q.end : q.end + 8]))


def _comparator(q: Quantity, before: str, last: Quantity) -> str:
    if q.value_max is not None:
        return "range"
    after = q.after or last.after
    if after:
        return str(_lex()["after"][after])
    m = _lex()["before_re"].search(before.rstrip())
    if m:
        return str(_lex()["before"][m.group()])
    return "="


def _metrics(
    text: str, before: str, before_end: int, group: list[Quantity], prev_metric: str
) -> list[tuple[str, Quantity, int]]:
    """(metric, quantity, span start in the clause) for every quantity of a group."""
    offset = before_end - len(before)
    core, cut = _clean_before(before)
    start = offset + cut
    m = _DISTRIBUTE.search(core)
    items_text, verb = (core[: m.start()], m.group("verb")) if m else (core, "")
    grow = _GROWTH_VERB.search(verb)
    suffix = grow.group() if grow else ""
    items = [_strip_filler(i) for i in _LIST_SPLIT.split(items_text) if i.strip()]
    if m and len(items) == 1:
        core = items[0] + suffix  # 城乡居民人均可支配收入分别增长6%、7.5%
    if (m and len(group) == 1 and len(items) > 1) or len(items) == len(group) > 1:
        names = [i + suffix for i in _distributed(items, items_text, len(group))]
        if len(group) == 1:
            return [(n, group[0], start) for n in names]
        return [(n, q, start) for n, q in zip(names, group, strict=True)]
    name = _single_metric(text, core, group[0], prev_metric)
    if name is None:
        name = _after_metric(text, group[-1]) or core or "未命名指标"
        if not core:
            start = offset + len(before) - len(before.lstrip(_TRAILING_PUNCT))
    if "、" in name and not m:
        tail = name.rsplit("、", 1)[1]
        if len(tail) >= 2:
            start += len(name) - len(tail)
            name = tail
    return [(name, q, start) for q in group]


def _distributed(items: list[str], items_text: str, values: int) -> list[str]:
    """The metrics of a 、 list; with one shared value, 及/和 also separate items."""
    if len(items) != values:
        items = [_strip_filler(i) for i in _split_all(items_text)]
    return _share_suffix(items)


def _single_metric(text: str, core: str, q: Quantity, prev_metric: str) -> str | None:
    """The metric written before the number, or None when only a verb is written."""
    bare = _strip_filler(core)
    if _GROWTH_VERB.fullmatch(bare) and prev_metric:
        subject = re.sub(r"(?:突破|超过|达到|达|为)$", "", prev_metric)
        return subject if subject.endswith(bare) else subject + bare
    if not bare and prev_metric and not _after_metric(text, q):
        return prev_metric  # 增长6%以上,力争7%: the same metric again
    if len(bare) < 2 or _lex()["verbs_re"].search(bare):
        after = _after_metric(text, q)
        if after:
            return after
        return bare or None
    if _lex()["target_verbs"].fullmatch(bare):
        after = _after_metric(text, q)
        if after:
            return bare + after  # 新增200家企业上云: the verb and the noun after
    return bare


_NEXT_FIGURE = re.compile(r"[,;。:]|、(?=[^、,;。]{0,4}\d)")


def _after_metric(text: str, q: Quantity) -> str:
    """The noun phrase written right after a number (5000万元制造业专项资金), up to the
    next figure of a list (42个老旧小区改造项目、18个…)."""
    rest = text[q.end :].rstrip(_TRAILING_PUNCT)
    m = _NEXT_FIGURE.search(rest)
    if m:
        rest = rest[: m.start()]
    rest = _QUOTES.sub("", rest)
    rest = re.sub(r"作用$", "", rest)
    if rest.startswith("的"):
        rest = rest[1:]
    return rest if len(rest) >= 2 else ""


def _clean_before(before: str) -> tuple[str, int]:
    """The metric part of the text before a number, and where it starts in `before`.

    Framing words are cut off (主要预期目标是, 确保, 力争 …); the last framing word
    that still leaves a real name behind is used.
    """
    text = before
    positions = []
    for word in _lex()["cut"]:
        i = text.find(word)
        while i >= 0:
            positions.append(i + len(word))
            i = text.find(word, i + 1)
    for pos in sorted(set(positions), reverse=True):
        if text[pos - 1] in _OPENERS and _CLOSERS[text[pos - 1]] in text[pos:]:
            continue  # a quote closed before the number is a name inside the metric
        rest = _tidy(text[pos:])
        bare = _strip_filler(rest)
        if len(bare) >= 2 and not _GROWTH_VERB.fullmatch(bare):
            return rest, pos + (
                len(text[pos:]) - len(text[pos:].lstrip(_TRAILING_PUNCT + _OPENERS))
            )
    rest = _tidy(text)
    if (
        positions
        and len(_strip_filler(_tidy(text[max(positions) :]))) < 2
        and rest in _lex()["cut"]
    ):
        # only a framing word (力争) stands before the number; the span keeps it
        return "", len(text) - len(text.lstrip(_TRAILING_PUNCT + _OPENERS))
    return rest, len(text) - len(text.lstrip(_TRAILING_PUNCT + _OPENERS))


def _tidy(text: str) -> str:
    text = text.strip(_TRAILING_PUNCT)
    num = numbering(text)
    if num:
        text = text[len(num[1]) :]
    text = _YEAR_PREFIX.sub("", text).strip(_TRAILING_PUNCT)
    return _QUOTES.sub("", text)


def _strip_filler(text: str) -> str:
    text = text.strip(_TRAILING_PUNCT)
    m = _lex()["before_re"].search(text)
    if m:
        text = text[: m.start()]
    return _FILLER.sub("", text).strip(_TRAILING_PUNCT)


def _split_all(text: str) -> list[str]:
    parts = []
    for piece in _LIST_SPLIT.split(text):
        parts += _AND_SPLIT.split(piece)
    return [p for p in parts if p.strip()]


def _share_suffix(items: list[str]) -> list[str]:
    """绿色食品、…、生物与医药产业规模: the last item's measure applies to all."""
    m = re.search(
        r"(?:产业|行业)?(?:规模|产值|营业收入|营收|总产值|增加值|交易额|投资额)$", items[-1]
    )
    if not m or len(items[-1]) == len(m.group()):
        return items
    return [i if re.search(r"[额值量率数模入]$", i) else i + m.group() for i in items]


def _kind(metric: str, q: Quantity) -> str:
    """growth for 增长/提高 figures, ratio for shares and rates, else the unit's kind.

    A percentage whose metric holds a catalogue indicator takes the indicator's kind
    unless a growth word is written besides the name (居民消费价格涨幅 is a rate).
    """
    if q.unit_kind != "percent":
        return q.unit_kind
    if q.unit.endswith("百分点"):
        return "growth"
    names = [n for n in _lex()["indicator_kind"] if n in metric]
    if names:
        name = max(names, key=len)
        if not _GROWTH_VERB.search(metric.replace(name, "")):
            return str(_lex()["indicator_kind"][name])
    return "growth" if _GROWTH_VERB.search(metric) else "ratio"


def _is_known(metric: str) -> bool:
    return any(name in metric for name in _lex()["catalogue"])


def _wordy_targets(
    clause: Clause, binding: bool, in_item: bool, year: int | None
) -> tuple[list[Found], list[Found]]:
    """Qualitative and milestone targets of a clause without numbers: (strong, weak)."""
    if not _lex()["triggers"].search(clause.text):
        return [], []
    text = clause.text.rstrip(_TRAILING_PUNCT)
    num = numbering(text)
    lead = len(num[1]) if num else 0
    body = text[lead:]
    dated = _dated_milestones(clause, body, lead, binding, year)
    if dated:
        return dated, []
    strong = _pattern_targets(
        clause, body, lead, "qualitative_strong", "qualitative", 0.75, binding
    )
    if not strong:
        strong = _milestones(clause, body, lead, binding, in_item)
    weak = (
        []
        if strong
        else _pattern_targets(clause, body, lead, "qualitative_weak", "qualitative", 0.7, binding)
    )
    return strong, weak


def _pattern_targets(
    clause: Clause, body: str, lead: int, key: str, kind: str, conf: float, binding: bool
) -> list[Found]:
    for pattern in lexicon.compiled("patterns", key):
        m = pattern.search(body)
        if not m:
            continue
        metric = _strip_lead(_QUOTES.sub("", m.group("metric")).strip(_TRAILING_PUNCT))
        names = [metric]
        if key == "qualitative_weak" or "同步" in m.group():
            # a predicate shared by a list: 外贸、外资稳中提质; 甲、乙和经济增长同步
            names = [n for n in _split_all(metric) if len(n) >= 2] or [metric]
        start = clause.start + lead + m.start()
        end = clause.start + lead + m.end()
        return [_wordy(n, kind, start, end, conf, binding) for n in names]
    return []


def _milestones(clause: Clause, body: str, lead: int, binding: bool, in_item: bool) -> list[Found]:
    patterns = lexicon.compiled("patterns", "milestone")
    if in_item:
        patterns += lexicon.compiled("patterns", "milestone_in_items")
    out = []
    pos = 0
    for piece in body.split("、"):
        for pattern in patterns:
            m = pattern.search(piece)
            if m:
                metric = _strip_lead(_QUOTES.sub("", m.group("metric")))
                start = clause.start + lead + pos + m.start()
                out.append(
                    _wordy(
                        metric + m.group()[len(m.group("metric")) :],
                        "milestone",
                        start,
                        start + len(m.group()),
                        0.6,
                        binding,
                    )
                )
                break
        pos += len(piece) + 1
    return out


def _dated_milestones(
    clause: Clause, body: str, lead: int, binding: bool, year: int | None
) -> list[Found]:
    """6月底前完成方案报批, 国庆节前建成开放城市中央公园: milestones with deadlines."""
    out = []
    for pattern in lexicon.compiled("patterns", "milestone_dated"):
        for m in pattern.finditer(body):
            subject = _QUOTES.sub("", m.group("metric")).strip(_TRAILING_PUNCT)
            subject = _strip_lead(_YEAR_PREFIX.sub("", subject))
            if subject in _lex()["lead_words"]:
                subject = ""  # 力争3月底前出台…: only a framing word stands before the date
            deliver = _strip_lead(m.group("deliver"))
            if len(deliver) < 3:
                continue
            when = m.group("when")
            start = clause.start + lead + m.start() + (len(m.group("metric")) - len(subject))
            found = _wordy(
                subject + deliver, "milestone", start, clause.start + lead + m.end(), 0.65, binding
            )
            found.deadline = read_deadline(when, year) or holiday(when, year)
            out.append(found)
        if out:
            break
    return out


def _strip_lead(metric: str) -> str:
    """Framing words at the start of a wordy target (力争完成…, 全力推动…) go."""
    changed = True
    while changed:
        changed = False
        for word in _lex()["lead_words"]:
            if metric.startswith(word) and len(metric) - len(word) >= 2:
                metric, changed = metric[len(word) :], True
    return metric


def _wordy(metric: str, kind: str, start: int, end: int, conf: float, binding: bool) -> Found:
    return Found(metric, kind, "qualitative", None, None, None, start, end, binding, False, conf)
