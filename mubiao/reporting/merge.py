"""The lead unit's merge of its co-units' parts (牵头汇总).

The lead's 进展情况 / 存在问题 / 下步打算 are offered with each part quoted under its unit's
name (【市商务局】…), after what the lead has already written, for the lead to edit before
submitting; a part already quoted is not quoted twice. Values are summed where the target
is additive (an amount or a count accumulated over the year: each unit's share adds up);
a rate, a level or a milestone is never summed, and a box the lead has filled is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from mubiao.plans.models import Indicator
from mubiao.reporting.models import Report, ReportVersion

TEXTS = ("progress", "problems", "next_steps")
ADDITIVE_KINDS = frozenset({Indicator.Kind.AMOUNT, Indicator.Kind.COUNT})


def is_additive(indicator: Indicator) -> bool:
    """Do the units' figures for this target add up to the task's figure?"""
    return (
        indicator.kind in ADDITIVE_KINDS
        and indicator.accumulation == Indicator.Accumulation.CUMULATIVE
    )


def quote(unit_name: str) -> str:
    return f"【{unit_name}】"


@dataclass
class Part:
    unit_name: str
    version: ReportVersion


def latest_parts(parts: list[Report]) -> list[Part]:
    """Each co-unit's newest submitted version (drafts are not the unit's word yet)."""
    found = []
    for report in parts:
        version = (
            report.versions.filter(submitted_at__isnull=False)
            .prefetch_related("values__indicator")
            .order_by("-number")
            .first()
        )
        if version is not None:
            found.append(Part(report.unit.short_name, version))
    return found


def merged_texts(own: dict[str, str], parts: list[Part]) -> dict[str, str]:
    """The lead's texts with every part's text quoted under its unit, once."""
    merged = {}
    for name in TEXTS:
        text = (own.get(name) or "").strip()
        for part in parts:
            theirs = (getattr(part.version, name) or "").strip()
            if not theirs or quote(part.unit_name) in text:
                continue
            block = f"{quote(part.unit_name)}{theirs}"
            text = f"{text}\n{block}" if text else block
        merged[name] = text
    return merged


def part_sums(indicators: list[Indicator], parts: list[Part]) -> dict[str, tuple[Decimal, list]]:
    """indicator code → (the parts' sum, [(unit, value)]) for additive targets with values."""
    sums: dict[str, tuple[Decimal, list]] = {}
    for indicator in indicators:
        if not is_additive(indicator):
            continue
        shares = []
        for part in parts:
            for value in part.version.values.all():
                if value.indicator_id == indicator.pk and value.value is not None:
                    shares.append((part.unit_name, value.value))
        if shares:
            sums[indicator.code] = (sum((v for _u, v in shares), Decimal(0)), shares)
    return sums


def merged_values(own: dict[str, object], sums: dict[str, tuple[Decimal, list]]) -> dict:
    """Empty boxes of additive targets get the parts' sum; a filled box is the lead's."""
    merged = dict(own)
    for code, (total, _shares) in sums.items():
        if own.get(code) in (None, ""):
            merged[code] = total
    return merged
