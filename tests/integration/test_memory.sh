# The daemon in a 256 MB memory cgroup, grep -r over more than 2 GB of documents: no OOM kill, no I/O
# error, pressure evictions above 0, peak RSS under the limit. Then kill -9 during heavy reads and a
# remount: every byte served is correct, and a corrupted disk-tier file is dropped, not served.
if [[ $(id -u) -ne 0 ]]; then echo "   SKIP: needs root to create a memory cgroup"; return; fi
LIMIT=$((256 << 20))
DOCS=${MEMORY_TEST_DOCS:-240}      # x ~9.6 MB each: over 2 GB
DB="$WORK/big.db"

# Documents of ~9.6 MB of text each.
synthetic_db "$DB" "$DOCS" text txt <<SQL || { fail "create the database"; return; }
INSERT INTO metadata_entries(entity_id, "key", value, source_type, source, data_type)
SELECT id, 'text', 'document ' || id || char(10) ||
       replace(hex(zeroblob(437000)), '00', 'the quick brown fox ' || (id % 7) || char(10)), 'SYSTEM_GENERATED', 'test', 'TEXT_DATA'
FROM entities;
SQL
total=$(sqlite3 "$DB" "SELECT sum(length(value)) FROM metadata_entries")
echo "   $DOCS documents, $((total >> 20)) MB of text"
check "over 2 GB of document text" test "$total" -gt $((2 << 30))

# A memory cgroup of 256 MB, v2 or v1, whichever the machine has.
if grep -qw memory /sys/fs/cgroup/cgroup.controllers 2>/dev/null; then
  CG="/sys/fs/cgroup/recallfs-test-$$"; mkdir "$CG"; echo "$LIMIT" > "$CG/memory.max"
  oom_kills() { awk '$1 == "oom_kill" {print $2}' "$CG/memory.events"; }
else
  CG="/sys/fs/cgroup/memory/recallfs-test-$$"; mkdir "$CG"; echo "$LIMIT" > "$CG/memory.limit_in_bytes"
  oom_kills() { awk '$1 == "oom_kill" {print $2}' "$CG/memory.oom_control"; }
fi
remove_cgroup() { for _ in $(seq 1 50); do rmdir "$CG" 2>/dev/null && return; sleep 0.1; done; }
trap 'cleanup_mounts; remove_cgroup' EXIT

M="$WORK/mnt"; mkdir -p "$M"
# The daemon starts inside the cgroup (the shell moves itself in, then runs the mount).
bash -c "echo \$\$ > '$CG/cgroup.procs' && exec '$RECALLFS_BIN' mount '$M' --db '$DB' --no-api --cache-dir '$WORK/cache' \
  --cache-memory 96M --cache-disk 512M" > /dev/null || { fail "mount in the cgroup"; return; }
MOUNTS+=("$M"); pid=$(daemon_pid "$M"); PIDS+=("$pid")
check "daemon runs in the cgroup" grep -q "recallfs-test-$$" "/proc/$pid/cgroup"
assert_contains "$(cat "$M/.status/memory")" "source cgroup-v" "the pressure monitor reads the cgroup"

grep -r -c "quick brown fox" "$M/documents" > "$WORK/grep.out" 2> "$WORK/grep.err"; rc=$?
assert_eq 0 "$rc" "grep -r over all documents succeeds ($(head -2 "$WORK/grep.err"))"
assert_eq "$DOCS" "$(grep -c ':437000$' "$WORK/grep.out")" "every document was read to its end"
check "daemon alive after the grep" kill -0 "$pid"
assert_eq 0 "$(oom_kills)" "no OOM kill in the cgroup"
peak=$(awk '/^VmHWM/ {print $2 * 1024}' "/proc/$pid/status")
echo "   daemon peak RSS $((peak >> 20)) MB of a $((LIMIT >> 20)) MB limit"
check "peak RSS under the limit" test "$peak" -lt "$LIMIT"
pressure=$(awk '$1 == "evictions_pressure" {print $2}' "$M/.status/cache")
check "pressure evictions above 0 (got $pressure; $(grep -E '^level|^used_percent' "$M/.status/memory" | tr '\n' ' '))" test "${pressure:-0}" -gt 0
check "memory.json has a sample history" python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if len(d["history"]) > 1 else 1)' "$M/.status/memory.json"
check "cache.json parses with its configuration" python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["configuration"]["memory_bytes"] == 96 << 20 else 1)' "$M/.status/cache.json"

# Crash: kill -9 while several readers stream documents (the disk tier is being written), then remount.
cut -d: -f1 "$WORK/grep.out" > "$WORK/files"
for r in 1 2 3; do ( for f in $(shuf -n 40 --random-source=<(yes $r) "$WORK/files"); do cat "$f" > /dev/null 2>&1; done ) & done
sleep 3
kill -9 "$pid"; wait 2>/dev/null
fusermount3 -uz "$M" 2>/dev/null
# Flip bytes in every third disk-tier file: those must be dropped, never served.
check "the disk tier holds chunks" test -n "$(ls "$WORK/cache/blocks"/*.blk 2>/dev/null)"
for victim in $(ls "$WORK/cache/blocks"/*.blk | awk 'NR % 3 == 0'); do
  printf 'XXXXXXXX' | dd of="$victim" bs=1 seek=4096 conv=notrunc status=none
done
bash -c "echo \$\$ > '$CG/cgroup.procs' && exec '$RECALLFS_BIN' mount '$M' --db '$DB' --no-api --cache-dir '$WORK/cache' \
  --cache-memory 96M --cache-disk 512M" > /dev/null || { fail "remount"; return; }
pid=$(daemon_pid "$M"); PIDS+=("$pid")
R="$WORK/reference"
CACHE_DIR="$WORK/cache-ref" mount_fs "$R" "$DB" --cache-disk 0 --cache-memory 16M || { fail "reference mount"; return; }
bad=0
for f in $(ls "$M/documents" | shuf -n 80 --random-source=<(yes 7)); do
  cmp -s "$M/documents/$f" "$R/documents/$f" || { bad=$((bad + 1)); echo "   differs: $f"; }
done
assert_eq 0 "$bad" "after kill -9 and remount, every byte read is correct"
check "the corrupted chunk was dropped and counted" test "$(awk '$1 == "evictions_corrupt" {print $2}' "$M/.status/cache")" -ge 1
check "no temporary files left in the disk tier" bash -c "! ls '$WORK/cache/blocks' | grep -q tmp"
assert_eq "" "$(find "$WORK/cache/blocks" -type f ! -perm 600)" "disk-tier files are 0600"
assert_eq 700 "$(stat -c %a "$WORK/cache/blocks")" "disk-tier directory is 0700"
