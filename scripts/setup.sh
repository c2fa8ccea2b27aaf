#!/usr/bin/env bash
# Make this checkout ready to run: Python packages (uv, from uv.lock) and the chart
# library (ECharts, from package-lock.json) copied into mubiao/static/vendor/.
# Safe to run again: it only does what changed. Progress goes to stderr.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
LOG_DIR="$ROOT/var"
LOG="$LOG_DIR/setup.log"
mkdir -p "$LOG_DIR"
: >"$LOG"

say() { printf 'setup: %s\n' "$*" >&2; }
die() {
    printf 'setup: %s\n' "$*" >&2
    exit 1
}

NETWORK_ERRORS='ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNREFUSED|ECONNRESET|ENETUNREACH|network request|Failed to fetch|error sending request|dns error|failed to lookup address|Connection refused|Could not connect|timed out|Temporary failure in name resolution|NewConnectionError|Max retries exceeded'

# Run a step with its output in the log; on failure explain it in one line.
step() {
    local what="$1"
    shift
    {
        printf '\n$ %s\n' "$*"
    } >>"$LOG"
    if "$@" >>"$LOG" 2>&1; then
        return 0
    fi
    if tail -n 40 "$LOG" | grep -Eqi "$NETWORK_ERRORS"; then
        die "$what failed: the package registry cannot be reached (check the network or proxy settings); details in var/setup.log"
    fi
    local last
    last="$(grep -v '^[[:space:]]*$' "$LOG" | tail -n 1 | cut -c1-200)"
    die "$what failed: ${last:-no message}; details in var/setup.log"
}

# --- Python 3 --------------------------------------------------------------------------
if ! command -v python3 >/dev/null 2>&1 || ! python3 -c 'import sys; sys.exit(sys.version_info < (3,))' >/dev/null 2>&1; then
    die "Python 3 is needed (python3 was not found or does not run); install Python 3.13 and run again."
fi

# --- Node.js (checked first, so a missing one is told before any slow step) -------------
NODE_MSG="Node.js 18+ with npm is needed to build the charts (ECharts): install it (e.g. apt-get install nodejs npm) and run again."
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    die "$NODE_MSG"
fi
node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || true)"
[[ "$node_major" =~ ^[0-9]+$ ]] || die "$NODE_MSG (node does not run)"
((node_major >= 18)) || die "$NODE_MSG (found Node.js $node_major)"
npm --version >/dev/null 2>&1 || die "$NODE_MSG (npm does not run)"

# --- uv ------------------------------------------------------------------------------------
UV=()
find_uv() {
    if uv --version >/dev/null 2>&1; then
        UV=(uv)
        return 0
    fi
    local user_bin
    user_bin="$(python3 -c 'import site; print(site.USER_BASE)' 2>/dev/null)/bin/uv"
    if [[ -x "$user_bin" ]] && "$user_bin" --version >/dev/null 2>&1; then
        UV=("$user_bin")
        return 0
    fi
    if python3 -m uv --version >/dev/null 2>&1; then
        UV=(python3 -m uv)
        return 0
    fi
    return 1
}
if ! find_uv; then
    say "installing uv (pip) …"
    if ! python3 -m pip --version >/dev/null 2>&1; then
        die "uv is needed and cannot be installed: python3 has no pip (install uv, or python3-pip, and run again)."
    fi
    python3 -m pip install --quiet --user uv >>"$LOG" 2>&1 \
        || python3 -m pip install --quiet uv >>"$LOG" 2>&1 \
        || {
            if tail -n 40 "$LOG" | grep -Eqi "$NETWORK_ERRORS"; then
                die "installing uv failed: the package registry cannot be reached (check the network or proxy settings)."
            fi
            die "installing uv with pip failed; install uv by hand and run again (details in var/setup.log)."
        }
    find_uv || die "uv was installed but does not run; details in var/setup.log"
fi

# --- Python packages ---------------------------------------------------------------------
say "Python packages (${UV[*]} sync --locked) …"
step "uv sync --locked" "${UV[@]}" sync --locked

# --- ECharts ----------------------------------------------------------------------------
ECHARTS_SRC="node_modules/echarts/dist/echarts.min.js"
STAMP="node_modules/.mubiao-lock.sha256"
lock_sum="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [[ -f "$ECHARTS_SRC" && -f "$STAMP" && "$(cat "$STAMP")" == "$lock_sum" ]]; then
    say "node_modules is up to date with package-lock.json"
else
    say "JavaScript packages (npm ci) …"
    step "npm ci" npm ci --no-audit --no-fund --loglevel=error
    [[ -f "$ECHARTS_SRC" ]] || die "npm ci did not install $ECHARTS_SRC"
    printf '%s\n' "$lock_sum" >"$STAMP"
fi

VENDOR="mubiao/static/vendor"
mkdir -p "$VENDOR"
if cmp -s "$ECHARTS_SRC" "$VENDOR/echarts.min.js"; then
    say "$VENDOR/echarts.min.js is up to date"
else
    cp "$ECHARTS_SRC" "$VENDOR/echarts.min.js.tmp"
    mv "$VENDOR/echarts.min.js.tmp" "$VENDOR/echarts.min.js"
    say "copied ECharts $(node -p 'require("./node_modules/echarts/package.json").version') to $VENDOR/"
fi

say "ready."
