# The API alone (no database), the CLI's API settings and their errors.
API="http://127.0.0.1:$PENSIEVE_PORT"
home="$WORK/home"; mkdir -p "$home"   # no ~/.memos/database.db here: the mount must use the API alone
M="$WORK/mnt"
mkdir -p "$M"
HOME="$home" RECALLFS_API="$API" RECALLFS_HEALTH_INTERVAL=1 RECALLFS_API_TIMEOUT=1 \
  "$RECALLFS_BIN" mount "$M" --cache-dir "$WORK/cache" > /dev/null || { fail "API-only mount"; return; }
MOUNTS+=("$M"); PIDS+=("$(daemon_pid "$M")")
db_count=$(sqlite3 "file:$PENSIEVE_DB?mode=ro" "SELECT count(*) FROM entities")
assert_eq "$db_count" "$(ls "$M/documents" | wc -l)" "API-only: documents/ lists every entity"
check "API-only: documents read" bash -c "cat '$M'/documents/* | grep -q 'Quarterly budget review'"
assert_eq api "$(cat "$M/.status/backend")" "API-only: backend is api"
assert_eq ok "$(cat "$M/.status/health")" "API-only: health ok"
assert_contains "$(cat "$M/.status/health.json")" '"database" : "not configured"' "API-only: no database part"
results=$(ls "$M/search/budget review")
check "API-only: several words still find documents" test -n "$results"
for f in $results; do
  grep -qi budget "$M/search/budget review/$f" && grep -qi review "$M/search/budget review/$f" || fail "API-only: $f lacks a word"
done
# RECALLFS_HEALTH_INTERVAL took effect: two health checks a few seconds apart.
at() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["api"]["last_health_check"]["at"])' "$M/.status/health.json"; }
first=$(at); sleep 2.5
check "health checks follow RECALLFS_HEALTH_INTERVAL" test "$first" != "$(at)"
check "unmount" "$RECALLFS_BIN" unmount "$M"

# Neither store reachable: one line, non-zero exit.
out=$(HOME="$home" "$RECALLFS_BIN" mount "$M" --api http://127.0.0.1:9 --cache-dir "$WORK/c2" 2>&1); rc=$?
check "neither reachable exits non-zero" test $rc -ne 0
assert_contains "$out" "nothing to mount" "neither reachable says so"
assert_contains "$out" "127.0.0.1:9" "neither reachable names the API"
assert_eq 1 "$(echo "$out" | wc -l)" "neither reachable is one line"
# A non-loopback API needs an explicit flag.
out=$("$RECALLFS_BIN" mount "$M" --api http://10.9.8.7:8839 --db "$PENSIEVE_DB" --cache-dir "$WORK/c2" 2>&1); rc=$?
check "remote API refused without the flag" test $rc -ne 0
assert_contains "$out" "--allow-remote-api" "remote API error names the flag"
out=$("$RECALLFS_BIN" mount "$M" --api "not a url" --db "$PENSIEVE_DB" --cache-dir "$WORK/c2" 2>&1); rc=$?
check "bad API URL refused" test $rc -ne 0
check "nothing left mounted" bash -c "! awk '\$2==\"$M\"' /proc/mounts | grep -q ."
