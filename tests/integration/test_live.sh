# Pensieve keeps writing while we are mounted: reads never fail, and new entities show up after a poll.
M="$WORK/mnt"
mount_fs "$M" "$PENSIEVE_DB" --poll-interval 1 || { fail "mount"; return; }
S="$M/search"
assert_eq 0 "$(ls "$S/quokka" | wc -l)" "no quokka yet"

# Readers hammer the mount while the real server writes.
( end=$((SECONDS + 6)); errs=0
  while ((SECONDS < end)); do cat "$M"/documents/* > /dev/null 2>>"$WORK/reader.err" || errs=$((errs+1)); done
  echo "$errs" > "$WORK/reader.count" ) &
reader=$!
lib=$(curl -s "$PENSIEVE_URL/libraries" | python3 -c 'import json,sys; l=[x for x in json.load(sys.stdin) if x["name"]=="demo"][0]; print(l["id"], l["folders"][0]["id"])')
read -r lid fid <<< "$lib"
for i in 1 2 3; do
  curl -sf -X POST "$PENSIEVE_URL/libraries/$lid/entities?update_index=true" -H 'content-type: application/json' -d "{
    \"filename\": \"live-$i.webp\", \"filepath\": \"$PENSIEVE_HOME/shots/live-$i.webp\", \"size\": 10,
    \"file_created_at\": \"2026-04-0${i}T10:00:00\", \"file_last_modified_at\": \"2026-04-0${i}T10:00:00\",
    \"file_type\": \"webp\", \"file_type_group\": \"image\", \"folder_id\": $fid, \"tags\": [\"Live\"],
    \"metadata_entries\": [{\"key\": \"active_app\", \"value\": \"Live\", \"source\": \"system_generated\", \"data_type\": \"text\"},
      {\"key\": \"ocr_result\", \"value\": \"[{\\\"dt_boxes\\\": [], \\\"rec_txt\\\": \\\"quokka sighting $i\\\", \\\"score\\\": 0.9}]\", \"source\": \"ocr\", \"data_type\": \"json\"}]
  }" > /dev/null || fail "POST entity $i"
done
wait "$reader"
assert_eq 0 "$(cat "$WORK/reader.count")" "no read failed while Pensieve wrote ($(head -3 "$WORK/reader.err" 2>/dev/null))"

db_count=$(sqlite3 "file:$PENSIEVE_DB?mode=ro" "SELECT count(*) FROM entities")
assert_eq "$db_count" "$(ls "$M/documents" | wc -l)" "new entities are listed in documents/ at once"
found=0
for _ in $(seq 1 40); do found=$(ls "$S/quokka" | wc -l); ((found == 3)) && break; sleep 0.25; done
assert_eq 3 "$found" "new entities appear in an existing query directory after a poll"
check "new document renders its OCR" grep -q "quokka sighting 2" -r "$S/quokka"

# A writer that checkpoints and holds write locks must not turn into read errors (SQLITE_BUSY).
cp "$PENSIEVE_DB" "$WORK/copy.db"
M2="$WORK/mnt2"
CACHE_DIR="$WORK/cache2" mount_fs "$M2" "$WORK/copy.db" --poll-interval 1 || fail "mount copy"
( end=$((SECONDS + 5)); n=0
  while ((SECONDS < end)); do
    sqlite3 "$WORK/copy.db" "PRAGMA busy_timeout=2000; BEGIN IMMEDIATE; UPDATE entities SET updated_at = datetime('now') WHERE id = 1; COMMIT; PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null 2>&1
    n=$((n+1))
  done ) &
writer=$!
errs=0
end=$((SECONDS + 5))
while ((SECONDS < end)); do
  cat "$M2"/documents/* > /dev/null 2>>"$WORK/busy.err" || errs=$((errs+1))
  ls "$M2/search/budget" > /dev/null 2>>"$WORK/busy.err" || errs=$((errs+1))
done
wait "$writer"
assert_eq 0 "$errs" "reads during locks and checkpoints all succeed ($(head -3 "$WORK/busy.err" 2>/dev/null))"
assert_eq "ok" "$(cat "$M2/.status/health")" "health stays ok under write load"

unmount_fs "$M2"
