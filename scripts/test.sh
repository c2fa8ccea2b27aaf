#!/usr/bin/env bash
# Run the test suite: `uv run pytest` with any arguments passed through.
# Exits with pytest's status, except that "no tests collected" (5) is a failure:
# a green run must have run tests.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

if uv --version >/dev/null 2>&1; then
    UV=(uv)
elif python3 -m uv --version >/dev/null 2>&1; then
    UV=(python3 -m uv)
else
    echo "test: uv is not installed; run scripts/setup.sh (or make setup) first." >&2
    exit 1
fi

set +e
"${UV[@]}" run pytest "$@"
status=$?
set -e

if [[ $status -eq 5 ]]; then
    echo "test: pytest collected no tests; failing on purpose (a run that tests nothing must not pass)." >&2
    exit 1
fi
exit "$status"
