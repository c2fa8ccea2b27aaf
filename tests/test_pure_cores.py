"""The pure cores (extraction and monitoring) run without Django: importing every module of
them, in a fresh interpreter, loads no ``django`` module."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import importlib, json, pkgutil, sys
import mubiao.{core} as core
names = [core.__name__] + [
    m.name for m in pkgutil.walk_packages(core.__path__, core.__name__ + ".")
    if not m.name.endswith("__main__")
]
for name in names:
    importlib.import_module(name)
print(json.dumps({{"modules": names,
                  "django": sorted(m for m in sys.modules if m.split(".")[0] == "django")}}))
"""


@pytest.mark.parametrize("core", ["extract", "monitor"])
def test_importing_a_pure_core_loads_no_django_module(core):
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(core=core)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert len(found["modules"]) > 5, found["modules"]
    assert found["django"] == [], f"mubiao.{core} loads {found['django'][:5]}"
