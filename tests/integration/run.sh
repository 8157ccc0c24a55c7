#!/usr/bin/env bash
# Runs every tests/integration/test_*.sh against a real Pensieve server and real mounts.
#   tests/integration/run.sh [NAME...]     e.g. run.sh search errors
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
export RECALLFS_BIN="${RECALLFS_BIN:-$ROOT/.build/debug/recallfs}"
export ROOT
RUN_DIR="$(mktemp -d /tmp/recallfs-run.XXXXXX)"
export PENSIEVE_HOME="$RUN_DIR/pensieve" PENSIEVE_PORT="${PENSIEVE_PORT:-18839}"

stop_pensieve() { "$ROOT/scripts/pensieve-up.sh" stop >/dev/null 2>&1 || true; }
trap 'stop_pensieve' EXIT

echo "starting Pensieve on 127.0.0.1:$PENSIEVE_PORT (home $PENSIEVE_HOME)"
"$ROOT/scripts/pensieve-up.sh" > "$RUN_DIR/pensieve-up.log" 2>&1 || { cat "$RUN_DIR/pensieve-up.log"; exit 1; }
export PENSIEVE_DB="$PENSIEVE_HOME/.memos/database.db"
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
