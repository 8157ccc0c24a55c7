# The mounted database file is replaced under a live mount, as a backup restore or a sync tool does:
# (a) a different database renamed over it (with and without removing the stale -wal/-shm): within a few
# polls the new entities are listed, read and found, and health is ok; (b) on a second mount, truncated
# to 0 bytes, then restored: health is degraded with a reason, reads fail with EIO or succeed but never
# hang, and after the restore everything is listed and found again. The daemon lives throughout.
# `timeout` is a hang detector and `wait_for` polls for up to 20 s (10 polls): neither is a speed bound.
M="$WORK/mnt"; DIR="$WORK/db"; DB="$DIR/memos.db"; mkdir -p "$DIR"
sqlite3 "$PENSIEVE_DB" ".backup '$WORK/orig.db'" || { fail "copy the seeded database"; return; }
cp "$WORK/orig.db" "$DB"
wait_for() {  # wait_for SECONDS command...: retries until the command succeeds
  local end=$((SECONDS + $1)); shift
  until "$@"; do ((SECONDS >= end)) && return 1; sleep 0.25; done
}
health_is() { [[ "$(timeout 20 cat "$M/.status/health" 2>/dev/null)" == "$1" ]]; }
expect_health() {  # expect_health WANT DESCRIPTION: waits up to 20 s, else fails with what it read
  wait_for 20 health_is "$1" && { pass; return; }
  fail "$2: health reads [$(timeout 20 cat "$M/.status/health" 2>&1)], last error [$(tail -1 "$M/.status/errors" 2>/dev/null)]"
}
listed() { timeout 20 ls "$M/documents" 2>/dev/null | grep -q "^$1-"; }
# variant DST WORD BASE GONE: the original plus 3 text entities BASE+1.. saying WORD, without entity GONE.
variant() {
  cp "$WORK/orig.db" "$1" && sqlite3 "$1" > /dev/null <<SQL
BEGIN;
WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < 3)
INSERT INTO entities(id, filepath, filename, size, file_created_at, file_last_modified_at, file_type, file_type_group, library_id, folder_id)
SELECT $3 + k, '/replaced/$2-' || k || '.txt', '$2-' || k || '.txt', 10, '2026-06-0' || k || ' 10:00:00.000000',
       '2026-06-0' || k || ' 10:00:00.000000', 'txt', 'text', e.library_id, e.folder_id
FROM n, (SELECT library_id, folder_id FROM entities ORDER BY id LIMIT 1) e;
INSERT INTO metadata_entries(entity_id, "key", value, source_type, source, data_type)
SELECT id, 'note', '$2 replacement entity ' || id, 'PLUGIN_GENERATED', 'test', 'TEXT_DATA' FROM entities WHERE id > $3;
DELETE FROM metadata_entries WHERE entity_id = $4; DELETE FROM entity_tags WHERE entity_id = $4; DELETE FROM entities WHERE id = $4;
COMMIT;
SQL
}

mount_fs "$M" "$DB" --poll-interval 2 || { fail "mount a copy of the database"; return; }
pid=$(daemon_pid "$M")
n0=$(sqlite3 "file:$WORK/orig.db?mode=ro" "SELECT count(*) FROM entities")
maxid=$(sqlite3 "file:$WORK/orig.db?mode=ro" "SELECT max(id) FROM entities")
assert_eq "$n0" "$(ls "$M/documents" | wc -l)" "every entity listed before the replacement"
b0=$(ls "$M/search/budget" | wc -l)
check "search/budget finds results before" test "$b0" -gt 0
assert_eq ok "$(cat "$M/.status/health")" "health ok before"

# (a) rename a different database over the mounted one, like a restore; round 1 also removes -wal/-shm.
for round in 1 2; do
  word=replaceword$round; base=$((round * 10000)); gone=$((maxid + 1 - round))
  variant "$DIR/.memos.db.new" "$word" "$base" "$gone" || { fail "[round $round] build the new database"; continue; }
  mv "$DIR/.memos.db.new" "$DB"
  ((round == 1)) && rm -f "$DB-wal" "$DB-shm"
  what="[rename round $round$( ((round == 1)) && echo ', stale -wal/-shm removed')]"
  check "$what the new file's entities are listed in documents/" wait_for 20 listed $((base + 1))
  assert_eq 3 "$(ls "$M/documents" 2>/dev/null | grep -cE "^$((base + 1))-|^$((base + 2))-|^$((base + 3))-")" "$what all 3 new entities listed"
  check "$what the removed entity $gone leaves documents/" wait_for 20 bash -c "! ls '$M/documents' | grep -q '^$gone-'"
  ((round == 2)) && check "$what round 1's entities are gone" bash -c "! ls '$M/documents' | grep -q '^10001-'"
  assert_contains "$(timeout 20 cat "$M/documents/$((base + 2))-"* 2>&1)" "$word replacement entity $((base + 2))" "$what cat gives the new content"
  check "$what ls search/$word finds the 3 new entities" wait_for 20 bash -c "[[ \$(ls '$M/search/$word' | wc -l) == 3 ]]"
  expect_health ok "$what health reads ok"
  check "$what daemon alive" daemon_alive "$pid" "$M"
done

# (b) on a second mount of its own copy (independent of (a)): truncate it to 0 bytes in place.
unmount_fs "$M"; wait_gone "$pid"
M="$WORK/mnt2"; DB="$WORK/db2/memos.db"; mkdir -p "$WORK/db2"; cp "$WORK/orig.db" "$DB"
CACHE_DIR="$WORK/cache2" mount_fs "$M" "$DB" --poll-interval 2 || { fail "mount a second copy"; return; }
pid=$(daemon_pid "$M")
assert_eq "$b0" "$(ls "$M/search/budget" | wc -l)" "[second mount] search/budget before the truncation"
names=$(ls "$M/documents" | awk -F- -v m="$maxid" '$1 == 1 || $1 == 2 || $1 == 3 || $1 == m')
assert_eq 4 "$(wc -l <<< "$names")" "[second mount] names of documents 1, 2, 3 and $maxid"
: > "$DB"
expect_health degraded "[truncated] health reads degraded"
reason=$(health_reason "$M" 'database|sqlite|not a database|empty|truncat|unavailable')
check "[truncated] health.json or errors gives a reason (errors: $(tail -1 "$M/.status/errors" 2>/dev/null | cut -c1-160))" test -n "$reason"
[[ -n "$reason" ]] && echo "   [truncated] reason: ${reason:0:200}"
bad=""
for f in $names; do
  out=$(timeout 20 cat "$M/documents/$f" 2>&1 >/dev/null); rc=$?
  ((rc == 124)) && bad+=" $f:hang"
  ((rc != 0 && rc != 124)) && [[ "$out" != *"Input/output error"* ]] && bad+=" $f:[$out]"
done
assert_eq "" "$bad" "[truncated] reads succeed or fail with EIO, never hang or another error"
timeout 20 ls "$M/documents" > /dev/null 2>&1; rc=$?
check "[truncated] ls documents does not hang" test "$rc" -ne 124
timeout 20 ls "$M/search/budget" > /dev/null 2>&1; rc=$?
check "[truncated] ls search/budget does not hang" test "$rc" -ne 124
sleep 4  # two polls against the empty file
check "[truncated] daemon alive" daemon_alive "$pid" "$M"

cp "$WORK/orig.db" "$DB"   # restore the original bytes in place
expect_health ok "[restored] health reads ok"
check "[restored] ls documents lists every entity again" wait_for 20 bash -c "[[ \$(ls '$M/documents' | wc -l) == $n0 ]]"
check "[restored] ls search/budget finds its $b0 results again" wait_for 20 bash -c "[[ \$(ls '$M/search/budget' | wc -l) == $b0 ]]"
check "[restored] a new query (walrus) finds its result" wait_for 20 bash -c "ls '$M/search/walrus' | grep -q ."
assert_contains "$(timeout 20 cat "$M/documents/1-"* 2>&1)" "id: 1" "[restored] cat of a document works"
check "[restored] daemon alive" daemon_alive "$pid" "$M"
