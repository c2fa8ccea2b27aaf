"""The `mubiao` command: the demo loads once and serves; errors are one plain line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def mubiao(*args: str, data_dir: Path) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("MUBIAO_", "DJANGO_", "DATABASE_URL"))
    }
    env["MUBIAO_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-m", "mubiao.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_demo_loads_once_and_prints_the_logins(tmp_path):
    first = mubiao("demo", "--no-serve", data_dir=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "http://127.0.0.1:8000/" in first.stdout
    for login in ("duchashi", "mayor", "fgw", "swj", "wancheng"):
        assert login in first.stdout
    assert (tmp_path / "mubiao.sqlite3").exists()
    second = mubiao("demo", "--no-serve", data_dir=tmp_path)
    assert second.returncode == 0
    assert "already loaded" in second.stderr


def test_an_unknown_benchmark_is_one_plain_line(tmp_path):
    result = mubiao("bench", "no_such_thing", data_dir=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("mubiao bench: no benchmark called 'no_such_thing'")
    assert "Traceback" not in result.stderr


def test_serve_without_configuration_says_what_is_missing(tmp_path):
    result = mubiao("serve", data_dir=tmp_path)
    assert result.returncode == 1
    assert "MUBIAO_SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr
