# API first, SQLite fallback: against the real Pensieve server (killed, frozen, restarted) and behind a
# fault-injecting proxy (500, garbage, truncated, reset, slow, hang). Reads must never fail or hang.
# `timeout` below is a hang detector (a frozen API must not block a read for 30 s), not a speed bound.
API="http://127.0.0.1:$PENSIEVE_PORT"
M="$WORK/api"; L="$WORK/sqlite"
# --attr-timeout 1 --cache-ttl 1: the kernel keeps a document's pages and attributes, the daemon
# trusts a checked rendering and keeps entities, for that long; with the defaults (60 s, 300 s) the
# reads below would be served from those caches and never reach the API that was just killed (which
# is right, but tests nothing here). Searches come from the local index once it is built.
FAST=(--api-timeout 1 --health-interval 2 --poll-interval 1 --attr-timeout 1 --cache-ttl 1)
mount_fs "$M" "$PENSIEVE_DB" --api "$API" "${FAST[@]}" || { fail "mount with API"; return; }
CACHE_DIR="$WORK/cache-sqlite" mount_fs "$L" "$PENSIEVE_DB" || { fail "mount SQLite only"; return; }
metric() { awk -v k="$2" '$1 == k {print $2}' "$1/.status/metrics"; }
wait_for() {  # wait_for SECONDS command...: retries until the command succeeds
  local end=$((SECONDS + $1)); shift
  until "$@"; do ((SECONDS >= end)) && return 1; sleep 0.2; done
}
health_is() { [[ "$(cat "$1/.status/health")" == "$2" ]]; }
pensieve_pid() { cat "$PENSIEVE_HOME/pensieve-serve.pid"; }
reads_ok() {  # reads_ok MNT: cat every document and list two queries, each guarded against a hang
  local m="$1" f files
  files=("$m"/documents/*)  # listing refreshes every document's attributes in the kernel...
  sleep 1.1                 # ...so wait past --attr-timeout and --cache-ttl: each cat reaches the store
  for f in "${files[@]}"; do timeout 20 cat "$f" > /dev/null || return 1; done
  timeout 20 ls "$m/search/budget review" | grep -q . || return 1
  timeout 20 ls "$m/search/zebra" | grep -q . || return 1
  # A query never asked before: an image-only list (the local index answers it once it is built).
  QUERY_SERIAL=$((${QUERY_SERIAL:-0} + 1))
  timeout 20 ls "$m/search/type:image limit:$((100 + QUERY_SERIAL))" | grep -q . || return 1
}

# While Pensieve is up, the API serves, and it serves the same bytes as SQLite does.
cat "$M"/documents/1-* > /dev/null
assert_eq api "$(cat "$M/.status/backend")" "backend reads api while Pensieve is up"
assert_eq ok "$(cat "$M/.status/health")" "health ok with the API up"
check "API and SQLite mounts render every document identically" diff -r "$M/documents" "$L/documents"
assert_eq "$(ls "$L/search/budget review")" "$(ls "$M/search/budget review")" "multi-word query (Pensieve bug 2) is complete"
check "multi-word query is not empty" test -n "$(ls "$M/search/budget review")"
assert_eq "$(ls "$L/search/budget type:image" | cut -d- -f2 | sort)" "$(ls "$M/search/budget type:image" | cut -d- -f2 | sort)" \
  "an image-only word query gives the local index's set"
assert_contains "$(cat "$M/.status/health.json")" '"state" : "closed"' "circuit closed"

# An entity added through the API appears in an existing query directory after one poll.
assert_eq 0 "$(ls "$M/search/wombat" | wc -l)" "no wombat yet"
lib=$(curl -s "$API/api/libraries" | python3 -c 'import json,sys; l=[x for x in json.load(sys.stdin) if x["name"]=="demo"][0]; print(l["id"], l["folders"][0]["id"])')
read -r lid fid <<< "$lib"
new=$(curl -sf -X POST "$API/api/libraries/$lid/entities?update_index=true" -H 'content-type: application/json' -d "{
  \"filename\": \"wombat.webp\", \"filepath\": \"$PENSIEVE_HOME/shots/wombat.webp\", \"size\": 10,
  \"file_created_at\": \"2026-05-01T10:00:00\", \"file_last_modified_at\": \"2026-05-01T10:00:00\",
  \"file_type\": \"webp\", \"file_type_group\": \"image\", \"folder_id\": $fid,
  \"metadata_entries\": [{\"key\": \"active_app\", \"value\": \"Zoo\", \"source\": \"system_generated\", \"data_type\": \"text\"},
    {\"key\": \"ocr_result\", \"value\": \"[{\\\"dt_boxes\\\": [], \\\"rec_txt\\\": \\\"a wombat in the garden\\\", \\\"score\\\": 0.9}]\", \"source\": \"ocr\", \"data_type\": \"json\"}]
}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
check "new entity appears in ls search/wombat after a poll" wait_for 15 bash -c "ls '$M/search/wombat' | grep -q -- '-$new-'"
check "new entity appears in documents/" bash -c "ls '$M/documents' | grep -q '^$new-'"
check "the event is in .status/events" wait_for 5 grep -q "entity_added $new" "$M/.status/events"
check "new document has its OCR" grep -q "a wombat in the garden" "$M/documents/$new-"*

# An update and a removal through the API reach the mount without a remount.
curl -sf -X PATCH "$API/api/entities/$new/metadata" -H 'content-type: application/json' \
  -d '{"metadata_entries": [{"key": "note", "value": "patched platypus", "source": "user", "data_type": "text"}]}' > /dev/null \
  || fail "PATCH entity $new"
check "an updated document shows the change after a poll" wait_for 15 bash -c "grep -q 'patched platypus' '$M/documents/$new-'*"
check "the update is in .status/events" wait_for 5 grep -q "entity_updated $new" "$M/.status/events"
curl -sf -X DELETE "$API/api/libraries/$lid/entities/$new" > /dev/null || fail "DELETE entity $new"
check "a removed document leaves documents/" wait_for 15 bash -c "! ls '$M/documents' | grep -q '^$new-'"
check "a removed document leaves ls search/wombat" wait_for 15 bash -c "! ls '$M/search/wombat' | grep -q -- '-$new-'"
check "the removal is in .status/events" wait_for 5 grep -q "entity_removed $new" "$M/.status/events"

# kill -9: the next reads succeed from SQLite, health says degraded, failovers are counted.
kill -9 "$(pensieve_pid)"
check "reads succeed after kill -9 of the API" reads_ok "$M"
assert_eq sqlite "$(cat "$M/.status/backend")" "backend reads sqlite after kill -9"
check "health becomes degraded" wait_for 10 health_is "$M" degraded
check "failovers are counted" test "$(metric "$M" failovers_total)" -gt 0
assert_contains "$(cat "$M/.status/health.json")" '"last_failover"' "health.json has the last failover"

# Restart: back on the API within one health interval.
PENSIEVE_SEED=0 "$ROOT/scripts/pensieve-up.sh" > "$WORK/restart.log" 2>&1 || { fail "restart Pensieve: $(tail -3 "$WORK/restart.log")"; return; }
check "health ok again after the restart" wait_for 10 health_is "$M" ok
cat "$M"/documents/2-* > /dev/null
assert_eq api "$(cat "$M/.status/backend")" "back on api after the restart"

# kill -STOP: reads succeed within the budget, no 30 s hang.
kill -STOP "$(pensieve_pid)"
check "reads succeed while the API is frozen" reads_ok "$M"
check "health degraded while frozen" wait_for 10 health_is "$M" degraded
kill -CONT "$(pensieve_pid)"
check "health ok after SIGCONT" wait_for 15 health_is "$M" ok

# A fault-injecting proxy in front of the real server.
PORT=$((PENSIEVE_PORT + 50))
python3 "$ROOT/tests/faultproxy.py" --listen "127.0.0.1:$PORT" --upstream "$API" > "$WORK/proxy.log" 2>&1 &
proxy=$!
wait_for 10 curl -sf "http://127.0.0.1:$PORT/__fault" > /dev/null || fail "proxy did not start"
P="$WORK/proxied"
CACHE_DIR="$WORK/cache-proxy" mount_fs "$P" "$PENSIEVE_DB" --api "http://127.0.0.1:$PORT" "${FAST[@]}" || fail "mount through proxy"
for mode in 500 garbage truncated reset "slow?delay=4" hang; do
  curl -sf "http://127.0.0.1:$PORT/__fault/$mode" > /dev/null
  check "reads succeed with the API answering [$mode]" reads_ok "$P"
  check "[$mode] bytes equal SQLite's" diff -r "$P/documents" "$L/documents"
  curl -sf "http://127.0.0.1:$PORT/__fault/pass" > /dev/null
  check "API back after [$mode]" wait_for 15 health_is "$P" ok
done
# A stock Pensieve 0.37.0 answers HTTP 500 to every word search: searches go local, the rest stays on the API.
curl -sf "http://127.0.0.1:$PORT/__fault/500?paths=/api/search" > /dev/null
check "probe notices broken search" wait_for 10 grep -q '"search_works" : false' "$P/.status/health.json"
assert_eq "$(ls "$L/search/zebra")" "$(ls "$P/search/zebra")" "word search answered locally when /api/search is broken"
curl -sf "http://127.0.0.1:$PORT/__fault/pass" > /dev/null
# Reads are batched: a cold mount lists and stats every document in a few HTTP calls, not one per file.
proxied_requests() { curl -sf "http://127.0.0.1:$PORT/__stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["requests"])'; }
Q="$WORK/batched"
CACHE_DIR="$WORK/cache-batched" mount_fs "$Q" "$PENSIEVE_DB" --api "http://127.0.0.1:$PORT" "${FAST[@]}" || fail "mount for batching"
before=$(proxied_requests)
count=$(ls -l "$Q/documents" | grep -c '^-')
calls=$(( $(proxied_requests) - before ))
check "ls -l of $count documents made $calls HTTP calls (fewer than one per 4 files)" test $((calls * 4)) -lt "$count"
kill "$proxy"; wait "$proxy" 2>/dev/null
check "failovers counted behind the proxy" test "$(metric "$P" failovers_total)" -gt 0
