# Small containers: the daemon in a 64 MB and then a 128 MB memory cgroup, started with --cache-memory 512M
# (deliberately larger than the limit) and a disk tier, greps ~400 MB of documents twice. Target: no OOM
# kill, no I/O error, every document read to its end, every byte equal to an unlimited mount, peak RSS
# under the limit, and .status/memory shows an effective budget (budget_bytes) below the limit.
if [[ $(id -u) -ne 0 ]]; then echo "   SKIP: needs root to create a memory cgroup"; return; fi
DOCS=${CGROUP_TEST_DOCS:-400}   # x ~1 MB each
LINES=47662                     # lines of 22 bytes per document: ~1 MB
DB="$WORK/limits.db"
synthetic_db "$DB" "$DOCS" text txt <<SQL || { fail "create the database"; return; }
INSERT INTO metadata_entries(entity_id, "key", value, source_type, source, data_type)
SELECT id, 'text', 'document ' || id || char(10) ||
       replace(hex(zeroblob($LINES)), '00', 'the quick brown fox ' || (id % 7) || char(10)), 'SYSTEM_GENERATED', 'test', 'TEXT_DATA'
FROM entities;
SQL
total=$(sqlite3 "$DB" "SELECT sum(length(value)) FROM metadata_entries")
echo "   $DOCS documents, $((total >> 20)) MB of text"
check "about 400 MB of document text" test "$total" -gt $((DOCS * 1000000))

# The reference: an unlimited mount without a disk tier. Checksums of every document.
R="$WORK/reference"
CACHE_DIR="$WORK/cache-ref" mount_fs "$R" "$DB" --cache-disk 0 --cache-memory 16M || { fail "reference mount"; return; }
(cd "$R/documents" && md5sum -- *) > "$WORK/ref.md5" 2> "$WORK/ref.err"
assert_eq "$DOCS" "$(wc -l < "$WORK/ref.md5")" "reference checksums of every document ($(head -2 "$WORK/ref.err"))"
unmount_fs "$R"

V2=0; grep -qw memory /sys/fs/cgroup/cgroup.controllers 2>/dev/null && V2=1
CGS=()
remove_cgroups() {
  local cg
  for cg in "${CGS[@]}"; do for _ in $(seq 1 50); do [[ -d "$cg" ]] || break; rmdir "$cg" 2>/dev/null && break; sleep 0.1; done; done
}
trap 'cleanup_mounts; remove_cgroups' EXIT

for MB in ${CGROUP_TEST_LIMITS_MB:-64 128}; do
  LIMIT=$((MB << 20))
  if ((V2)); then
    CG="/sys/fs/cgroup/recallfs-limits-$$-$MB"; mkdir "$CG" && echo "$LIMIT" > "$CG/memory.max"
    oom_kills() { awk '$1 == "oom_kill" {print $2}' "$CG/memory.events"; }
  else
    CG="/sys/fs/cgroup/memory/recallfs-limits-$$-$MB"; mkdir "$CG" && echo "$LIMIT" > "$CG/memory.limit_in_bytes"
    oom_kills() { awk '$1 == "oom_kill" {print $2}' "$CG/memory.oom_control"; }
  fi
  CGS+=("$CG")
  echo "   -- ${MB} MB cgroup"
  M="$WORK/mnt-$MB"; mkdir -p "$M"
  # The daemon starts inside the cgroup (the shell moves itself in, then runs the mount).
  bash -c "echo \$\$ > '$CG/cgroup.procs' && exec '$RECALLFS_BIN' mount '$M' --db '$DB' --no-api --cache-dir '$WORK/cache-$MB' \
    --cache-memory 512M --cache-disk 1G" > "$WORK/mount-$MB.out" 2>&1 \
    || { fail "mount in the $MB MB cgroup: $(tail -2 "$WORK/mount-$MB.out")"; continue; }
  MOUNTS+=("$M"); pid=$(daemon_pid "$M"); PIDS+=("$pid")
  check "[$MB MB] daemon runs in the cgroup" grep -q "recallfs-limits-$$-$MB" "/proc/$pid/cgroup"
  mem=$(cat "$M/.status/memory")
  assert_contains "$mem" "source cgroup-v" "[$MB MB] the pressure monitor reads the cgroup"
  budget=$(awk '$1 == "budget_bytes" {print $2}' <<< "$mem")
  mlimit=$(awk '$1 == "limit_bytes" {print $2}' <<< "$mem")
  echo "   .status/memory: budget_bytes ${budget:-none} limit_bytes ${mlimit:-none}"
  check "[$MB MB] .status/memory has budget_bytes" test -n "$budget"
  check "[$MB MB] budget_bytes ${budget:-none} is below the $LIMIT-byte limit" test "${budget:-$LIMIT}" -lt "$LIMIT"
  assert_eq "$LIMIT" "$mlimit" "[$MB MB] .status/memory limit_bytes is the cgroup limit"

  # Peak anonymous memory, sampled: VmHWM also counts the pages of shared libraries (about 33 MB of the
  # Swift runtime and Foundation) that were loaded before and are not charged to this cgroup.
  ( peak=0; while [[ -r /proc/$pid/status ]]; do
      a=$(awk '/^RssAnon/ {print $2 * 1024}' "/proc/$pid/status" 2>/dev/null); [[ -n "$a" ]] || break
      ((a > peak)) && { peak=$a; echo "$peak" > "$WORK/anon-$MB"; }; sleep 0.1; done ) &
  sampler=$!
  for pass in 1 2; do
    timeout 900 grep -r -c "quick brown fox" "$M/documents" > "$WORK/grep-$MB-$pass.out" 2> "$WORK/grep-$MB-$pass.err"; rc=$?
    assert_eq 0 "$rc" "[$MB MB] grep -r pass $pass exits 0 ($(head -2 "$WORK/grep-$MB-$pass.err"))"
    assert_eq 0 "$(grep -c 'Input/output error' "$WORK/grep-$MB-$pass.err")" "[$MB MB] no Input/output error in grep pass $pass"
    assert_eq "$DOCS" "$(grep -c ":$LINES\$" "$WORK/grep-$MB-$pass.out")" "[$MB MB] pass $pass read every document to its end"
    daemon_alive "$pid" "$M" || break
  done
  check "[$MB MB] daemon alive after the greps" daemon_alive "$pid" "$M"
  if daemon_alive "$pid" "$M"; then
    (cd "$M/documents" && md5sum -- *) > "$WORK/lim-$MB.md5" 2> "$WORK/lim-$MB.err"
    bad=$(grep -cvxFf "$WORK/lim-$MB.md5" "$WORK/ref.md5")  # reference lines not matched exactly
    assert_eq 0 "$bad" "[$MB MB] every document's bytes equal the unlimited mount's ($(head -2 "$WORK/lim-$MB.err"))"
    hwm=$(awk '/^VmHWM/ {print $2 * 1024}' "/proc/$pid/status")
    kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null
    peak=$(cat "$WORK/anon-$MB" 2>/dev/null || echo "$LIMIT")
    if ((V2)); then charged=$(cat "$CG/memory.peak" 2>/dev/null || echo 0); else charged=$(cat "$CG/memory.max_usage_in_bytes"); fi
    echo "   daemon peak anonymous RSS $((peak >> 20)) MB, cgroup peak $((charged >> 20)) MB, VmHWM $((hwm >> 20)) MB (with shared libraries) of a $MB MB limit; $(grep -E '^level|^used_percent' "$M/.status/memory" | tr '\n' ' ')"
    check "[$MB MB] peak anonymous RSS $((peak >> 20)) MB is under the limit" test "$peak" -lt "$LIMIT"
    check "[$MB MB] the cgroup's peak charge $((charged >> 20)) MB is within the limit" test "$charged" -le "$LIMIT"
  else
    fail "[$MB MB] peak RSS under the limit: the daemon is gone"
  fi
  assert_eq 0 "$(oom_kills)" "[$MB MB] no OOM kill in the cgroup"
  unmount_fs "$M"; wait_gone "$pid" || kill -9 "$pid" 2>/dev/null
  remove_cgroups
done
