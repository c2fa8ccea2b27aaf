"""`mubiao demo` keeps its helpers (the task worker, the tick loop) running: one that dies
is started again, and the run still ends with the server."""

from __future__ import annotations

import sys
import time

from mubiao.cli import run_together


def test_a_helper_that_dies_is_restarted_until_the_server_ends():
    restarts: list[int] = []
    start = time.monotonic()
    status = run_together(
        [
            [sys.executable, "-c", "import time; time.sleep(3)"],  # the server
            [sys.executable, "-c", "raise SystemExit(3)"],  # a worker that keeps dying
        ],
        restart={1},
        on_restart=restarts.append,
        grace=2,
    )
    assert status == 0  # a helper's death is not the run's
    assert restarts and set(restarts) == {1}
    assert 2.5 < time.monotonic() - start < 15
