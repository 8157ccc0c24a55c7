#!/usr/bin/env bash
# Runs every tests/integration/test_*.sh against a real Pensieve server and real mounts.
#   tests/integration/run.sh [NAME...]     e.g. run.sh search errors
#   RECALLFS_STORE=postgresql run.sh layout search postgres
#       the same tests over Pensieve on PostgreSQL: a private primary and streaming replica
#       (scripts/postgres-up.sh, PG_PORT [PENSIEVE_PORT - 2000] and + 1), Pensieve initialised on it,
#       and $PENSIEVE_DB set to the server's URL, which the tests mount and query (lib.sh: db_sql).
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
export RECALLFS_BIN="${RECALLFS_BIN:-$ROOT/.build/debug/recallfs}"
export ROOT
RUN_DIR="$(mktemp -d /tmp/recallfs-run.XXXXXX)"
export PENSIEVE_HOME="$RUN_DIR/pensieve" PENSIEVE_PORT="${PENSIEVE_PORT:-18839}"

STORE="${RECALLFS_STORE:-sqlite}"
if [[ "$STORE" == postgresql ]]; then
  # Outside RUN_DIR (0700, root's): the clusters run as the postgres user.
  export PG_PORT="${PG_PORT:-$((PENSIEVE_PORT - 2000))}" PG_DIR="/tmp/recallfs-pg-$PENSIEVE_PORT"
  export PENSIEVE_PG_URL="postgresql://postgres@127.0.0.1:$PG_PORT/pensieve"
fi
stop_pensieve() {
  "$ROOT/scripts/pensieve-up.sh" stop >/dev/null 2>&1 || true
  if [[ "$STORE" == postgresql ]]; then "$ROOT/scripts/postgres-up.sh" stop >/dev/null 2>&1 || true; fi
}
trap 'stop_pensieve' EXIT
if [[ "$STORE" == postgresql ]]; then
  echo "starting PostgreSQL on 127.0.0.1:$PG_PORT (+ replica on $((PG_PORT + 1)), data $PG_DIR)"
  rm -rf --one-file-system "$PG_DIR"
  "$ROOT/scripts/postgres-up.sh" start > "$RUN_DIR/postgres-up.log" 2>&1 || { cat "$RUN_DIR/postgres-up.log"; exit 1; }
fi

echo "starting Pensieve on 127.0.0.1:$PENSIEVE_PORT (home $PENSIEVE_HOME)"
"$ROOT/scripts/pensieve-up.sh" > "$RUN_DIR/pensieve-up.log" 2>&1 || { cat "$RUN_DIR/pensieve-up.log"; exit 1; }
export PENSIEVE_DB="${PENSIEVE_PG_URL:-$PENSIEVE_HOME/.memos/database.db}"
export PENSIEVE_URL="http://127.0.0.1:$PENSIEVE_PORT/api"

selected=("$@")
total_fail=0
for test in "$HERE"/test_*.sh; do
  name="$(basename "$test" .sh)"; name="${name#test_}"
  if ((${#selected[@]})) && [[ ! " ${selected[*]} " == *" $name "* ]]; then continue; fi
  echo "== $name"
  (
    WORK="$RUN_DIR/$name"; mkdir -p "$WORK"
    source "$HERE/lib.sh"
    trap 'cleanup_mounts' EXIT
    [[ -n "${TRACE:-}" ]] && set -x
    source "$test"
    echo "   $CHECKS checks passed, $FAILURES failed"
    exit $((FAILURES > 0))
  ) || total_fail=$((total_fail + 1))
done
# Only this run's mounts: another run on the same machine (another port) has its own.
left=$(awk -v dir="$RUN_DIR/" '$3 ~ /^fuse/ && index($2, dir) == 1 {print $2}' /proc/mounts)
if [[ -n "$left" ]]; then echo "mounts left behind: $left"; total_fail=$((total_fail + 1)); fi
if ((total_fail)); then echo "integration: $total_fail test file(s) failed (work dir $RUN_DIR)"; exit 1; fi
echo "integration: all passed"
stop_pensieve
rm -rf "$RUN_DIR"
[[ "$STORE" == postgresql ]] && rm -rf --one-file-system "$PG_DIR"
exit 0
