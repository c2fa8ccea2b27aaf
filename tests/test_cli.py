"""The `mubiao` command: the demo loads once and serves, stops all it started, and leaves
a database the other commands use as they are; errors are one plain line."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def clean_env(data_dir: Path) -> dict[str, str]:
    """The environment of someone who just ran `make demo`: no mubiao settings at all."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("MUBIAO_", "DJANGO_", "DATABASE_URL"))
    }
    env["MUBIAO_DATA_DIR"] = str(data_dir)
    return env


def mubiao(*args: str, data_dir: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mubiao.cli", *args],
        cwd=ROOT,
        env=clean_env(data_dir),
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    """A data folder with the demo loaded by `mubiao demo --no-serve` (once per module)."""
    data_dir = tmp_path_factory.mktemp("demo")
    first = mubiao("demo", "--no-serve", data_dir=data_dir)
    assert first.returncode == 0, first.stderr
    return data_dir, first


def test_the_demo_loads_once_and_prints_the_logins(demo_dir):
    data_dir, first = demo_dir
    assert "http://127.0.0.1:8000/" in first.stdout
    for login in ("duchashi", "mayor", "fgw", "swj", "wancheng"):
        assert login in first.stdout
    assert (data_dir / "mubiao.sqlite3").exists()
    second = mubiao("demo", "--no-serve", data_dir=data_dir)
    assert second.returncode == 0
    assert "already loaded" in second.stderr


def test_after_the_demo_the_other_commands_work_without_settings(demo_dir, tmp_path):
    data_dir, _ = demo_dir
    ledger = mubiao("ledger", "nanyang-2026", "--as-of", "2026-10-31", data_dir=data_dir)
    assert ledger.returncode == 0, ledger.stderr
    ledger_data = json.loads(ledger.stdout)
    assert ledger_data["plan"]["code"] == "nanyang-2026" and ledger_data["as_of"] == "2026-10-31"
    assert len(ledger_data["rows"]) > 50
    assert {r["status"] for r in ledger_data["rows"]} >= {"green", "red"}
    remind = mubiao("remind", "--date", "2026-11-03", data_dir=data_dir)
    assert remind.returncode == 0, remind.stderr
    assert isinstance(json.loads(remind.stdout.strip().splitlines()[-1]), dict)
    text = tmp_path / "plan.txt"
    text.write_text("一、稳增长\n1.全年完成固定资产投资800亿元以上。（牵头单位：市发展改革委）\n")
    extract = mubiao("extract", str(text), "--format", "json", data_dir=data_dir)
    assert extract.returncode == 0, extract.stderr
    assert json.loads(extract.stdout)["targets"][0]["metric"] == "完成固定资产投资"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (whatever its session), read from /proc."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_sigterm_stops_the_demo_and_everything_it_started(demo_dir):
    data_dir, _ = demo_dir
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "mubiao.cli", "demo", "--port", str(port)],
        cwd=ROOT, env=clean_env(data_dir),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/") as page:
                    assert page.status == 200
                break
            except OSError:
                assert server.poll() is None, "the demo stopped before serving"
                assert time.monotonic() < deadline, "the demo never answered"
                time.sleep(1)
        children = _descendants(server.pid)
        assert len(children) >= 4  # gunicorn's master and two workers, the task worker
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=60) == 0
        deadline = time.monotonic() + 15
        while any(map(_alive, children)) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not [pid for pid in children if _alive(pid)], "a process outlived the demo"
    finally:
        if server.poll() is None:
            server.kill()


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
