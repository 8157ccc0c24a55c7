# 100 000 entities list fully, in pages, and the daemon's memory stays bounded.
N=${SCALE_ENTITIES:-100000}
DB="$WORK/big.db"
synthetic_db "$DB" "$N" image webp <<SQL || { fail "create the database"; return; }
INSERT INTO metadata_entries(entity_id, "key", value, source_type, source, data_type)
SELECT id, 'active_app', CASE id % 3 WHEN 0 THEN 'Firefox' WHEN 1 THEN 'Terminal' ELSE 'Code' END, 'PLUGIN_GENERATED', 'system_generated', 'TEXT_DATA' FROM entities;
INSERT INTO metadata_entries(entity_id, "key", value, source_type, source, data_type)
SELECT id, 'ocr_result', '[{"dt_boxes": [], "rec_txt": "line one of screenshot ' || id || '", "score": 0.9}, {"dt_boxes": [], "rec_txt": "' ||
       CASE WHEN id = $N / 2 THEN 'the needle' ELSE 'plain hay' END || '", "score": 0.9}]', 'PLUGIN_GENERATED', 'ocr', 'JSON_DATA' FROM entities;
SQL
M="$WORK/mnt"
mount_fs "$M" "$DB" --cache-memory 64M || { fail "mount"; return; }
pid=$(daemon_pid "$M")
rss() { awk '/^VmRSS/ {print $2}' "/proc/$pid/status"; }
before=$(rss)
start=$(date +%s.%N)
count=$(ls "$M/documents" | wc -l)
mid=$(date +%s.%N)
long_count=$(ls -l "$M/documents" | grep -c '^-')
end=$(date +%s.%N)
assert_eq "$N" "$count" "ls documents/ lists every entity"
assert_eq "$N" "$long_count" "ls -l documents/ lists every entity with attributes"
after=$(rss); peak=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")
printf '   %d entities: ls %.2f s, ls -l %.2f s; daemon RSS %d MB before, %d MB after, peak %d MB\n' \
  "$N" "$(echo "$mid - $start" | bc)" "$(echo "$end - $mid" | bc)" $((before / 1024)) $((after / 1024)) $((peak / 1024))
# The memory tier is bounded at 64 MB (its accounting includes per-entry overheads); listing is paged.
# 100 000 entries must not take the daemon past a few times that.
check "peak RSS stays under 200 MB (was $((peak / 1024)) MB)" test "$peak" -lt 204800
for _ in $(seq 1 600); do
  python3 -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1]))["index"]["documents"] >= int(sys.argv[2]) else 1)' \
    "$M/.status/health.json" "$N" 2>/dev/null && break
  sleep 0.5
done
assert_eq 1 "$(ls "$M/search/needle" | wc -l)" "search over $N documents finds the one needle"
assert_eq 1000 "$(ls "$M/search/app:firefox limit:1000" | wc -l)" "limit:1000 over a large library"

# With the index built, a fresh mount lists `ls -l` from it: exact sizes, and no document rendered.
unmount_fs "$M"
mount_fs "$M" "$DB" --cache-memory 64M || { fail "remount"; return; }
metric() { awk -v k="$1" '$1 == k {print $2}' "$M/.status/metrics"; }
start=$(date +%s.%N)
assert_eq "$N" "$(ls -l "$M/documents" | grep -c '^-')" "ls -l from the index lists every entity"
end=$(date +%s.%N)
assert_eq 0 "$(metric renders_total)" "ls -l over the built index renders no document"
printf '   from the index: ls -l %.2f s, no rendering\n' "$(echo "$end - $start" | bc)"
bad=0
for f in $(ls "$M/documents" | shuf -n 25 --random-source=<(yes)); do
  [[ "$(stat -c %s "$M/documents/$f")" == "$(cat "$M/documents/$f" | wc -c)" ]] || bad=$((bad + 1))
done
assert_eq 0 "$bad" "recorded sizes equal the bytes cat reads (25 sampled)"
