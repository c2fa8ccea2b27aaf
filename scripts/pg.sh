#!/usr/bin/env bash
# A private PostgreSQL cluster for the tests.
#   scripts/pg.sh start   init (once) and start it; creates role and database "mubiao"
#   scripts/pg.sh stop    stop it
#   scripts/pg.sh status  say whether it runs
#   scripts/pg.sh url     print its DATABASE_URL
# Data in var/pg, port 5433 (PGPORT to change), listening on 127.0.0.1 only, trust auth.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT="${PGPORT:-5433}"
HOST=127.0.0.1
ROLE=mubiao
DB=mubiao

say() { printf 'pg: %s\n' "$*" >&2; }
die() {
    printf 'pg: %s\n' "$*" >&2
    exit 1
}

url() { printf 'postgres://%s@%s:%s/%s\n' "$ROLE" "$HOST" "$PORT" "$DB"; }

find_bin() {
    local dir
    dir="$(printf '%s\n' /usr/lib/postgresql/*/bin | grep -v '\*' | sort -V | tail -n 1 || true)"
    [[ -n "$dir" && -x "$dir/pg_ctl" ]] \
        || die "the PostgreSQL server is not installed (apt-get install postgresql)."
    BIN="$dir"
}

AS=()
if [[ $(id -u) -eq 0 ]]; then
    id postgres >/dev/null 2>&1 \
        || die "running as root needs the system user postgres (apt-get install postgresql)."
    AS=(runuser -u postgres --)
fi
as_pg() { "${AS[@]}" "$@"; }

# var/pg, unless the postgres user cannot reach it (a private parent folder) or the socket
# path would be too long: then a folder of its own under /tmp, the same on every call.
DATA="$ROOT/var/pg"
pick_data_dir() {
    local reachable=1
    if [[ ${#AS[@]} -gt 0 ]]; then
        mkdir -p "$ROOT/var"
        as_pg test -x "$ROOT/var" 2>/dev/null || reachable=0
    fi
    if [[ $reachable -eq 0 || $((${#DATA} + 20)) -gt 100 ]]; then
        local key
        key="$(printf '%s' "$ROOT" | cksum | cut -d' ' -f1)"
        DATA="${TMPDIR:-/tmp}/mubiao-pg-$key-$PORT"
    fi
}

is_running() {
    [[ -f "$DATA/PG_VERSION" ]] && as_pg "$BIN/pg_ctl" status -D "$DATA" >/dev/null 2>&1
}

psql_admin() {
    "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$DATA" -p "$PORT" -U postgres -d postgres "$@"
}

start() {
    find_bin
    pick_data_dir
    if [[ ! -f "$DATA/PG_VERSION" ]]; then
        mkdir -p "$DATA"
        if [[ ${#AS[@]} -gt 0 ]]; then
            chown postgres:postgres "$DATA"
        fi
        chmod 700 "$DATA"
        local locale_opt=(--no-locale)
        if locale -a 2>/dev/null | grep -qix 'c\.utf-\?8'; then
            locale_opt=(--locale=C.UTF-8)
        fi
        say "creating a cluster in $DATA ($(basename "$(dirname "$BIN")"))"
        as_pg "$BIN/initdb" -D "$DATA" -U postgres --auth=trust -E UTF8 "${locale_opt[@]}" \
            >"${TMPDIR:-/tmp}/mubiao-initdb.$$.log" 2>&1 || {
            cat "${TMPDIR:-/tmp}/mubiao-initdb.$$.log" >&2
            die "initdb failed."
        }
        rm -f "${TMPDIR:-/tmp}/mubiao-initdb.$$.log"
    fi
    if is_running; then
        say "already running on $HOST:$PORT"
    else
        as_pg "$BIN/pg_ctl" start -D "$DATA" -w -t 60 -l "$DATA/server.log" \
            -o "-p $PORT -k $DATA -c listen_addresses=$HOST" >/dev/null 2>&1 || {
            tail -n 15 "$DATA/server.log" >&2 2>/dev/null || true
            die "PostgreSQL did not start on port $PORT (is the port taken? set PGPORT to another)."
        }
        say "started on $HOST:$PORT"
    fi
    if [[ "$(psql_admin -tAc "select 1 from pg_roles where rolname = '$ROLE'")" != 1 ]]; then
        psql_admin -c "create role $ROLE login createdb"
    fi
    if [[ "$(psql_admin -tAc "select 1 from pg_database where datname = '$DB'")" != 1 ]]; then
        psql_admin -c "create database $DB owner $ROLE"
    fi
}

stop() {
    find_bin
    pick_data_dir
    if is_running; then
        as_pg "$BIN/pg_ctl" stop -D "$DATA" -m fast -w >/dev/null
        say "stopped"
    else
        say "not running"
    fi
}

status() {
    find_bin
    pick_data_dir
    if is_running; then
        say "running on $HOST:$PORT (data in $DATA)"
    else
        say "not running"
        return 3
    fi
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    url) url ;;
    *)
        echo "usage: scripts/pg.sh start|stop|status|url" >&2
        exit 2
        ;;
esac
