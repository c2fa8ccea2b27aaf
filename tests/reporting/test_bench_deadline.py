"""The deadline-day benchmark runs end to end at a tiny size and loses nothing."""

from __future__ import annotations

from bench import deadline


def test_it_submits_every_units_report_and_counts_them(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    result = deadline.run(["--units", "4", "--concurrency", "2", "--workers", "1"])
    sqlite = result["sqlite"]
    assert (sqlite["submitted"], sqlite["reports_lost"]) == (4, 0)
    assert sqlite["submit"]["errors"] == 0 and sqlite["submit"]["requests"] == 4
    assert sqlite["trivial_page"]["requests"] == 8
    assert "postgresql" not in result
