"""The test suite's settings: ``mubiao.settings`` in its ``test`` mode.

pytest-django loads this module (``DJANGO_SETTINGS_MODULE`` in pyproject.toml), so the
mode comes from the test configuration, not from guessing whether pytest is running. The
variable is set only while the settings are read: commands the tests start in a
subprocess see the environment they were given.
"""

from __future__ import annotations

import os

_before = os.environ.get("MUBIAO_MODE")
os.environ["MUBIAO_MODE"] = "test"
try:
    from mubiao.settings import *  # noqa: F403
finally:
    if _before is None:
        del os.environ["MUBIAO_MODE"]
    else:
        os.environ["MUBIAO_MODE"] = _before
