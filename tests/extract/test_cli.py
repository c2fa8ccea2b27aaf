"""The command line: `python -m mubiao.extract FILE --format json|text`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from mubiao.extract import cli


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    return cli.run(parser.parse_args(argv))


def test_it_prints_the_contract_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "plan.txt"
    path.write_text("2026年主要预期目标是:地区生产总值增长6%左右。", "utf-8")
    assert run([str(path), "--format", "json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["schema"] == "mubiao.draft-plan/1"
    assert set(plan) == {
        "schema",
        "title",
        "issuer",
        "year",
        "headings",
        "targets",
        "tasks",
        "warnings",
    }
    target = plan["targets"][0]
    assert set(target) == {
        "metric",
        "kind",
        "comparator",
        "value",
        "value_max",
        "unit",
        "period",
        "binding",
        "text",
        "span",
        "heading",
        "confidence",
        # added fields (the contract grows only by adding): a milestone's due date and
        # the government a round-up text states the target for
        "deadline",
        "entity",
        "headline",  # a plan-level target, stated before the first area
    }
    assert (target["value"], target["unit"], target["period"]) == (6, "%", "2026")


def test_it_prints_a_readable_listing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "plan.txt"
    path.write_text("1.地区生产总值增长6%左右。(市发展改革委牵头,市统计局配合)", "utf-8")
    assert run([str(path), "--format", "text"]) == 0
    out = capsys.readouterr().out
    assert "地区生产总值增长" in out and "牵头: 市发展改革委" in out and "配合: 市统计局" in out


def test_it_reports_errors_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run([str(tmp_path / "missing.txt")]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1 and "Traceback" not in captured.err
