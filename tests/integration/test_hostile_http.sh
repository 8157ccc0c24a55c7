# A hostile API (tests/hostile_http.py) in front of the seeded database: absurd X-Total-Count values,
# a body that never ends, a body that is not JSON, a body that drips one byte a second. For each, a mount
# with that API must list, read and search exactly what a --no-api mount of the same database shows,
# stay alive, keep its peak RSS under 200 MB (the HTTP client must cap bodies), and keep health.json
# valid JSON. `timeout` here only detects a hang; it is not a speed bound.
PORT=18851
API="http://127.0.0.1:$PORT"
FAST=(--api-timeout 1 --health-interval 1 --poll-interval 2)
RSS_LIMIT_KB=$((200 << 10))
python3 "$ROOT/tests/hostile_http.py" --listen "127.0.0.1:$PORT" --upstream "http://127.0.0.1:$PENSIEVE_PORT" \
  --pidfile "$WORK/hostile.pid" > "$WORK/hostile.log" 2>&1 &
SERVER=$!

# A safety net, not a check: with root, the hostile mounts' daemons run in a 2 GB memory cgroup, so a
# client that does not cap bodies is OOM-killed there (and reported dead) instead of eating the machine.
CG=""
if [[ $(id -u) -eq 0 ]]; then
  if grep -qw memory /sys/fs/cgroup/cgroup.controllers 2>/dev/null; then
    CG="/sys/fs/cgroup/recallfs-hostile-$$"; mkdir "$CG" && echo $((2 << 30)) > "$CG/memory.max" || CG=""
  elif [[ -d /sys/fs/cgroup/memory ]]; then
    CG="/sys/fs/cgroup/memory/recallfs-hostile-$$"; mkdir "$CG" && echo $((2 << 30)) > "$CG/memory.limit_in_bytes" || CG=""
  fi
fi
remove_cgroup() { [[ -n "$CG" ]] || return 0; for _ in $(seq 1 50); do rmdir "$CG" 2>/dev/null && return; sleep 0.1; done; }
trap 'cleanup_mounts; kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null; remove_cgroup' EXIT

for _ in $(seq 1 100); do grep -q listening "$WORK/hostile.log" && break; sleep 0.1; done
check "hostile server is listening" grep -q listening "$WORK/hostile.log"

# The reference: the same database without the API.
L="$WORK/sqlite"
CACHE_DIR="$WORK/cache-sqlite" mount_fs "$L" "$PENSIEVE_DB" || { fail "mount SQLite only"; return; }
QUERIES=("budget" "zebra" "budget type:image" "type:image limit:150")
ls -1 "$L/documents" > "$WORK/ref-docs"
total=$(wc -l < "$WORK/ref-docs")
step=$(( total > 6 ? total / 6 : 1 ))
awk -v s="$step" 'NR % s == 1' "$WORK/ref-docs" | head -6 > "$WORK/sample"
check "the reference lists documents" test "$total" -gt 5
echo "   reference: $total documents, $(wc -l < "$WORK/sample") sampled for cat"

# circuit_closed MNT: true once health.json says the API circuit is closed (the next read tries the API).
circuit_closed() { timeout 30 cat "$1/.status/health.json" 2>/dev/null | python3 -c 'import json,sys; sys.exit(json.load(sys.stdin)["circuit"]["state"] != "closed")' 2>/dev/null; }
wait_closed() { [[ "$HEALTH_HOSTILE" == 1 ]] && return 1; for _ in $(seq 1 40); do circuit_closed "$1" && return 0; sleep 0.2; done; return 1; }
pid_of() { timeout 30 cat "$1/.status/health.json" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])' 2>/dev/null; }

# hostile LABEL MODE[?PARAMS]: one fresh mount against the server in that mode, checked against $L.
hostile() {
  local label="$1" m="$WORK/m-$1" pid rc bad q f
  HEALTH_HOSTILE=$([[ "${3:-}" == health-hostile ]] && echo 1 || echo 0)
  assert_eq "${2%%\?*}" "$(curl -sf "$API/__mode/$2")" "[$label] server switched mode"
  mkdir -p "$m"; MOUNTS+=("$m")
  timeout 60 "$RECALLFS_BIN" mount "$m" --db "$PENSIEVE_DB" --cache-dir "$WORK/cache-$label" --api "$API" "${FAST[@]}" \
    > "$WORK/mount-$label.out" 2>&1; rc=$?
  assert_eq 0 "$rc" "[$label] mount succeeds ($(head -c 300 "$WORK/mount-$label.out"))"
  pid=$(pid_of "$m")
  check "[$label] daemon pid known after mount" test -n "$pid"
  [[ -n "$pid" ]] || return
  PIDS+=("$pid")
  [[ -n "$CG" ]] && echo "$pid" > "$CG/cgroup.procs"

  # Reads by name first (nothing cached yet), each after the circuit closed: every one meets the hostile API.
  bad=0
  while IFS= read -r f; do
    wait_closed "$m"  # so that this read goes to the hostile API first (not a check: health may be hostile too)
    timeout 60 cat "$m/documents/$f" > "$WORK/doc-$label" 2> "$WORK/err-$label"; rc=$?
    if ((rc != 0)) || ! cmp -s "$L/documents/$f" "$WORK/doc-$label"; then
      bad=$((bad + 1)); echo "   [$label] cat $f: rc $rc $(head -c 200 "$WORK/err-$label")"
    fi
  done < "$WORK/sample"
  assert_eq 0 "$bad" "[$label] every sampled document reads as without the API"
  for q in "${QUERIES[@]}"; do
    wait_closed "$m"
    timeout 60 ls "$m/search/$q" > "$WORK/q-$label" 2> "$WORK/err-$label"; rc=$?
    assert_eq 0 "$rc" "[$label] ls search/$q succeeds ($(head -c 200 "$WORK/err-$label"))"
    assert_eq "$(ls "$L/search/$q")" "$(cat "$WORK/q-$label")" "[$label] ls search/$q equals the --no-api result"
  done
  timeout 60 ls -1 "$m/documents" > "$WORK/docs-$label" 2> "$WORK/err-$label"; rc=$?
  assert_eq 0 "$rc" "[$label] ls documents succeeds ($(head -c 200 "$WORK/err-$label"))"
  check "[$label] ls documents equals the --no-api listing" cmp -s "$WORK/ref-docs" "$WORK/docs-$label"
  wait_closed "$m"
  timeout 60 grep -rl budget "$m/documents" > /dev/null 2> "$WORK/err-$label"; rc=$?
  assert_eq 0 "$rc" "[$label] grep -r over documents succeeds ($(head -c 200 "$WORK/err-$label"))"

  check "[$label] health.json is valid JSON" bash -c "timeout 30 cat '$m/.status/health.json' | python3 -c 'import json,sys; json.load(sys.stdin)'"
  check "[$label] health is one of ok/degraded ($(timeout 30 cat "$m/.status/health" 2>&1))" \
    grep -qxE 'ok|degraded' <(timeout 30 cat "$m/.status/health" 2>/dev/null)
  check "[$label] daemon alive after the reads" kill -0 "$pid"
  local peak
  peak=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null)
  local stats; stats=$(curl -s "$API/__stats")
  echo "   [$label] daemon peak RSS $(( ${peak:-0} >> 10 )) MB; server saw $stats"
  [[ "${3:-}" == health-hostile ]] || check "[$label] reads went to the hostile API (harness sanity)" grep -qE '"(entities|folder-listing)"' <<< "$stats"
  check "[$label] daemon peak RSS under 200 MB (got $(( ${peak:-0} >> 10 )) MB)" test "${peak:-$RSS_LIMIT_KB}" -lt "$RSS_LIMIT_KB"
  unmount_fs "$m"
  check "[$label] unmounts cleanly" wait_gone "$pid"
}

hostile pass "pass"                                          # control: the harness itself is sound
hostile hugecount "hugecount?count=99999999999999999999999"   # does not fit in 64 bits
hostile maxcount "hugecount?count=9223372036854775807"        # Int64.max: overflows any sum or rounding
hostile negcount "hugecount?count=-1"
hostile garbage "garbage"
hostile slowdrip "slowdrip"
hostile endless "endless"
hostile endless-all "endless?health=1" health-hostile # /api/health never ends either
check "hostile server still running" kill -0 "$SERVER"
