# The cache directory's filesystem fills up or turns read-only under a live mount: (a) a tmpfs filled to
# 100% by another file; (b) the cache dir made read-only (chmod a-w, for a daemon without root's DAC
# override: a tmpfs cannot be remounted read-only while the daemon holds files open for writing, EBUSY).
# Then 4 new documents arrive in the database, so the index sync and the disk tier must write. Target:
# new searches, cat and grep -r still succeed with the right bytes (disk tier, index and saved queries
# are best effort), and health reads degraded with a reason that names the cache/disk.
# Documents total ~16 MB with an 8 MB memory tier, so the disk tier is used. The tmpfs is 600 MB because
# the disk tier only writes while its filesystem has over 512 MB free; what matters is that it fills.
if [[ $(id -u) -ne 0 ]]; then echo "   SKIP: needs root to mount a tmpfs"; return; fi
DOCS=16
# ~1 MB per document in long tokens (64 bytes each) so the search index stays small; words to search on
# the first line: document, topic0..topic3, and fresh for the 4 that arrive later (ids 101-104).
synthetic_db "$WORK/full.db" 12 text txt <<SQL || { fail "create the database"; return; }
INSERT INTO metadata_entries(entity_id, "key", value, source_type, source, data_type)
SELECT id, 'text', 'document ' || id || ' topic' || (id % 4) || char(10) ||
       replace(hex(zeroblob(16384)), '00', 'Lorem' || substr(hex(zeroblob(30)), 1, 57) || (id % 10) || char(10)), 'PLUGIN_GENERATED', 'test', 'TEXT_DATA'
FROM entities;
SQL
cat > "$WORK/fresh.sql" <<'SQL'
BEGIN;
WITH RECURSIVE n(k) AS (SELECT 101 UNION ALL SELECT k + 1 FROM n WHERE k < 104)
INSERT INTO entities(id, filepath, filename, size, file_created_at, file_last_modified_at, last_scan_at, file_type, file_type_group, library_id, folder_id)
SELECT k, '/big/' || k || '.txt', k || '.txt', 1000, '2026-02-01 10:00:00.000000', '2026-02-01 10:00:00.000000', '2026-02-01 10:00:00.000000',
       'txt', 'text', 1, 1 FROM n;
INSERT INTO metadata_entries(entity_id, "key", value, source_type, source, data_type)
SELECT id, 'text', 'document ' || id || ' topic' || (id % 4) || ' fresh' || char(10) ||
       replace(hex(zeroblob(16384)), '00', 'Lorem' || substr(hex(zeroblob(30)), 1, 57) || (id % 10) || char(10)), 'PLUGIN_GENERATED', 'test', 'TEXT_DATA'
FROM entities WHERE id > 100;
COMMIT;
SQL
cp "$WORK/full.db" "$WORK/full2.db" && sqlite3 "$WORK/full2.db" < "$WORK/fresh.sql" || { fail "create the later database"; return; }
R="$WORK/reference"   # the final state, on an ordinary cache dir
CACHE_DIR="$WORK/cache-ref" mount_fs "$R" "$WORK/full2.db" || { fail "reference mount"; return; }
TMPFS=()
undo_tmpfs() { local t; for t in "${TMPFS[@]}"; do umount "$t" 2>/dev/null || umount -l "$t" 2>/dev/null; done; }
trap 'cleanup_mounts; undo_tmpfs; chmod -R u+w "$WORK/ro" 2>/dev/null' EXIT
wait_for() { local end=$((SECONDS + $1)); shift; until "$@"; do ((SECONDS >= end)) && return 1; sleep 0.25; done; }
components() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); i=d["index"]; print("components", json.dumps(d["components"]), "index", {k: i.get(k) for k in ("ready", "documents", "last_error") if k in i})' "$1/.status/health.json" 2>&1; }
cache_stat() { awk -v k="$2" '$1 == k {print $2}' "$1/.status/cache"; }
index_ready() { python3 -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1]))["index"]["ready"] else 1)' "$1/.status/health.json" 2>/dev/null; }
check "reference index ready" wait_for 120 index_ready "$R"

# start TAG MNT DBCOPY: mount (through $RECALLFS_BIN), wait for the index, read documents 1-6 twice.
start() {
  cp "$WORK/full.db" "$3"
  mount_fs "$2" "$3" --cache-memory 8M --cache-disk 64M --poll-interval 2 || { fail "[$1] mount"; return 1; }
  pid=$(daemon_pid "$2")
  check "[$1] index ready before" wait_for 120 index_ready "$2"
  cat "$2"/documents/[1-6]-* > /dev/null; cat "$2"/documents/[1-6]-* > /dev/null; ls "$2/search/document" > /dev/null
  check "[$1] the disk tier holds chunks before (disk_entries $(cache_stat "$2" disk_entries))" test "$(cache_stat "$2" disk_entries)" -gt 0
}
# after TAG MNT PID DBCOPY PATTERN: 4 documents arrive, then the expectations.
after() {
  local tag="$1" m="$2" pid="$3" pattern="$5" q n bad=0 f out rc reason
  sqlite3 "$4" < "$WORK/fresh.sql" || fail "[$tag] add 4 documents to the database"
  check "[$tag] the 4 new documents are listed after a poll" wait_for 30 bash -c "[[ \$(ls '$m/documents' | grep -c '^10[1-4]-') == 4 ]]"
  # The index lives in the cache directory and cannot take the new documents: searches still answer,
  # with what was indexed (the new documents are listed and readable, and health says why search lags).
  for q in fresh topic0 topic1 topic2 topic3 "document topic2" "topic1 type:text" "document limit:5"; do
    out=$(timeout 60 ls "$m/search/$q" 2>&1); rc=$?
    n=$(ls "$R/search/$q" | cut -d- -f2 | grep -cvE '^10[1-4]$')
    assert_eq "0 $n" "$rc $(printf '%s' "$out" | grep -vcE '^[0-9]+-10[1-4]-')" "[$tag] new query [$q] answers with its $n indexed results ($(head -1 <<< "$out" | cut -c1-120))"
  done
  for f in $(ls "$R/documents"); do
    timeout 60 cmp -s "$m/documents/$f" "$R/documents/$f" || { bad=$((bad + 1)); echo "   [$tag] differs: $f: $(timeout 20 cat "$m/documents/$f" 2>&1 >/dev/null | head -1)"; }
  done
  assert_eq 0 "$bad" "[$tag] cat of every document gives the reference bytes"
  timeout 300 grep -r -c Lorem "$m/documents" > "$WORK/grep-$tag.out" 2> "$WORK/grep-$tag.err"; rc=$?
  assert_eq 0 "$rc" "[$tag] grep -r exits 0 ($(head -1 "$WORK/grep-$tag.err"))"
  assert_eq 0 "$(grep -c 'Input/output error' "$WORK/grep-$tag.err")" "[$tag] grep -r sees no Input/output error"
  assert_eq "$DOCS" "$(grep -c ':16384$' "$WORK/grep-$tag.out")" "[$tag] grep -r read every document to its end"
  if wait_for 20 bash -c "[[ \$(cat '$m/.status/health') == degraded ]]"; then pass
  else fail "[$tag] health reads degraded: got [$(cat "$m/.status/health" 2>&1)], $(components "$m")"; fi
  cp "$m/.status/health.json" "$WORK/health-$tag.json"; cp "$m/.status/errors" "$WORK/errors-$tag"
  reason=$(health_reason "$m" "$pattern")
  check "[$tag] health.json or errors names the cache/disk problem [$pattern] (errors: $(tail -1 "$m/.status/errors" | cut -c1-160); $(components "$m"))" test -n "$reason"
  [[ -n "$reason" ]] && echo "   [$tag] reason: ${reason:0:200}"
  check "[$tag] daemon alive" daemon_alive "$pid" "$m"
  echo "   [$tag] $(grep -E '^disk_|^evictions_corrupt' "$m/.status/cache" | tr '\n' ' ')"
}

# (a) a tmpfs filled to 100% after mount.
T="$WORK/tmpfs"; mkdir -p "$T"
mount -t tmpfs -o size=600m,mode=0700 recallfs-test "$T" || { fail "mount a tmpfs"; return; }
TMPFS+=("$T")
CACHE_DIR="$T/cache" start full "$WORK/mnt-full" "$WORK/a.db" || return
dd if=/dev/zero of="$T/filler" bs=1M status=none 2>/dev/null
dd if=/dev/zero of="$T/filler2" bs=4k status=none 2>/dev/null
echo "   tmpfs: $(df --output=used,avail,pcent -k "$T" | tail -1) (KB used, free, use%)"
assert_eq 0 "$(df --output=avail -k "$T" | tail -1 | tr -d ' ')" "the cache filesystem is 100% full"
after full "$WORK/mnt-full" "$pid" "$WORK/a.db" 'no space|ENOSPC|full|disk|cache'
unmount_fs "$WORK/mnt-full"; wait_gone "$pid"; rm -f "$T/filler" "$T/filler2"

# (b) the cache dir made read-only after mount, for a daemon without root's DAC override.
mkdir -p "$WORK/ro"; chmod 700 "$WORK/ro"
printf '#!/bin/sh\nexec setpriv --bounding-set -dac_override,-dac_read_search,-fowner "%s" "$@"\n' "$RECALLFS_BIN" > "$WORK/nocap"
chmod +x "$WORK/nocap"
RECALLFS_BIN="$WORK/nocap" CACHE_DIR="$WORK/ro/cache" start read-only "$WORK/mnt-ro" "$WORK/b.db" || return
check "[read-only] daemon has no DAC override" bash -c "[[ \$(( 0x\$(awk '/^CapEff/ {print \$2}' /proc/$pid/status) & 0x6 )) == 0 ]]"
chmod -R a-w "$WORK/ro/cache"
after read-only "$WORK/mnt-ro" "$pid" "$WORK/b.db" 'read-only|EROFS|EACCES|permission|disk|cache'
