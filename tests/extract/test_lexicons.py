"""The lexicons keep their promises: a header, valid entries, and cases that use them."""

from __future__ import annotations

import re

import pytest

from mubiao.extract import extract_text, lexicon

NAMES = sorted(p.stem for p in lexicon.LEXICON_DIR.glob("*.yaml"))


@pytest.mark.parametrize("name", NAMES)
def test_it_has_a_header_saying_what_the_fields_mean(name: str) -> None:
    head = (lexicon.LEXICON_DIR / f"{name}.yaml").read_text("utf-8").split("\n")[:6]
    assert all(line.startswith("#") for line in head[:3])
    assert "Where the entries came from" in (lexicon.LEXICON_DIR / f"{name}.yaml").read_text(
        "utf-8"
    )


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("spam", "inline"),
        ("patterns", "qualitative_strong"),
        ("patterns", "qualitative_weak"),
        ("patterns", "milestone"),
        ("orgs", "first_is_lead"),
    ],
)
def test_it_compiles_every_pattern(name: str, key: str) -> None:
    for pattern in lexicon.load(name)[key]:
        re.compile(pattern)


@pytest.mark.parametrize("word", sorted(lexicon.load("comparators")["after"]))
def test_it_reads_every_comparator_written_after(word: str) -> None:
    (target,) = extract_text(f"新建项目20个{word}。").targets
    assert target.comparator == lexicon.load("comparators")["after"][word]


@pytest.mark.parametrize("word", sorted(lexicon.load("comparators")["before"]))
def test_it_reads_every_comparator_written_before(word: str) -> None:
    (target,) = extract_text(f"新建项目{word}20个。").targets
    assert target.comparator == lexicon.load("comparators")["before"][word]


@pytest.mark.parametrize("unit", sorted(lexicon.load("units")["base"]))
def test_it_reads_every_base_unit(unit: str) -> None:
    (target,) = extract_text(f"今年新增指标12{unit}。").targets
    assert (target.value, target.unit) == (12, unit)


def test_it_has_spin_pairs_that_do_not_chain() -> None:
    pairs = lexicon.load("spin")["pairs"]
    spun = {p["spun"] for p in pairs}
    assert len(spun) == len(pairs)
    assert not any(p["plain"] in spun for p in pairs)
