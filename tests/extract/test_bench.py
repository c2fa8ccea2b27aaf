"""The speed benchmark runs on texts read at run time and fails clearly without them."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import extract as bench


def test_it_explains_a_missing_corpus(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="evaluation texts are missing"):
        bench.load_corpus(tmp_path / "nowhere")


def test_it_reports_speed_linearity_and_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.txt").write_text(
        "去年增长5%。今年主要预期目标是:地区生产总值增长6%左右。\n" * 20, "utf-8"
    )
    monkeypatch.setattr(bench, "DEV_DIR", tmp_path)
    monkeypatch.setattr(bench.load_corpus, "__defaults__", (tmp_path,))
    result = bench.run(["--sizes", "1,3", "--repeat", "1"])
    assert [r["multiple"] for r in result["sizes"]] == [1, 3]
    assert all(r["chars_per_s"] > 0 and r["peak_per_input_byte"] > 0 for r in result["sizes"])
    assert all(r["chars_per_cpu_s"] > 0 for r in result["sizes"])
    assert result["time_per_char_ratio_largest_vs_smallest"] > 0


def test_the_leave_one_out_reader_really_leaves_entries_out() -> None:
    from bench import extract_loo

    text = "今年主要预期目标是:地区生产总值增长6%左右。"
    assert ("comparators", "after", "左右") in extract_loo.entries()
    plain = extract_loo.extract_pipeline.extract_text(text).to_dict()
    reduced = extract_loo._read(text, {("comparators", "after", "左右")})
    assert [t["comparator"] for t in plain["targets"]] == ["~"]
    assert [t["comparator"] for t in reduced["targets"]] == ["="]
    # the lexicons are whole again afterwards
    assert extract_loo.extract_pipeline.extract_text(text).to_dict()["targets"] == plain["targets"]


def test_the_leave_one_out_lookup_reads_expressions_and_words() -> None:
    from bench import extract_loo

    assert extract_loo.occurs(("cues", "horizon", "年均"), ("年均增长5%",))
    assert extract_loo.occurs(
        ("orgs", "first_is_lead", "列?第一位的?为牵头"), ("列第一位的为牵头单位",)
    )
    assert not extract_loo.occurs(("cues", "past", "累计"), ("今年新增",))
