# The tree over a database written by the real Pensieve: counts, sizes, bytes, names, times.
M="$WORK/mnt"
mount_fs "$M" "$PENSIEVE_DB" || { fail "mount"; return; }

assert_eq "README
apps
around
documents
images
libraries
recent
search
timeline" "$(LC_ALL=C ls "$M")" "root listing"
check ".status listed with ls -a" bash -c "ls -a '$M' | grep -qx .status"
assert_eq "backend
cache
cache.json
errors
events
health
health.json
memory
memory.json
metrics
metrics.prom" "$(ls "$M/.status")" ".status listing"

db_count=$(db_sql "SELECT count(*) FROM entities")
assert_eq "$db_count" "$(ls "$M/documents" | wc -l)" "documents/ count matches the database"
assert_eq "$db_count" "$(ls -l "$M/documents" | grep -c '^-r--r--r--')" "ls -l shows every document read-only"

# Per library: one folder each, with the library's count (names with '/' use U+2215).
while IFS='|' read -r lid name; do
  dir="${name//\//∕}"
  want=$(db_sql "SELECT count(*) FROM entities WHERE library_id=$lid")
  assert_eq "$want" "$(ls "$M/libraries/$dir" | wc -l)" "libraries/$dir count"
done < <(db_sql "SELECT id, name FROM libraries")

# Every document: stat size == wc -c == cat bytes; tail/head agree; names at most 255 bytes.
bad=0
for f in "$M"/documents/*; do
  size=$(stat -c %s "$f"); bytes=$(cat "$f" | wc -c); wcb=$(wc -c < "$f")
  [[ "$size" == "$bytes" && "$size" == "$wcb" ]] || { bad=$((bad+1)); echo "   size mismatch: $f $size $bytes $wcb"; }
  [[ "$(tail -c 20 "$f" | od -c)" == "$(cat "$f" | tail -c 20 | od -c)" ]] || bad=$((bad+1))
  (( $(basename "$f" | wc -c) <= 256 )) || bad=$((bad+1))
done
assert_eq 0 "$bad" "sizes, tails and name lengths agree for every document"

# mmap sees the same bytes as read.
first=$(ls "$M"/documents/* | head -1)
check "mmap reads the same bytes" python3 - "$first" <<'PY'
import mmap, sys
with open(sys.argv[1], "rb") as f:
    data = f.read()
    m = mmap.mmap(f.fileno(), 0, prot=mmap.PROT_READ)
    sys.exit(0 if m[:] == data and len(data) > 0 else 1)
PY

# mtime is the capture time (file_created_at).
id=$(basename "$first" | cut -d- -f1)
want=$(db_sql "SELECT $(db_epoch file_created_at) FROM entities WHERE id=$id")
assert_eq "$want" "$(stat -c %Y "$first")" "mtime is the capture time"
assert_eq "444" "$(stat -c %a "$first")" "documents are 0444"

# The same inode and bytes under libraries/.
lib_copy=$(find "$M/libraries" -name "$(basename "$first")" | head -1)
assert_eq "$(stat -c %i "$first")" "$(stat -c %i "$lib_copy")" "same inode in documents/ and libraries/"
check "same bytes in documents/ and libraries/" cmp -s "$first" "$lib_copy"

# Rendering: metadata values, OCR lines in order, fallbacks, unicode.
doc=$(ls "$M"/documents/*-Firefox.md | head -1)
content=$(cat "$doc")
assert_contains "$content" "## OCR
Quarterly budget review
Marketing spend 42000 EUR" "OCR lines in order"
assert_contains "$content" "window: Firefox - Quarterly budget review (Google Sheets)" "window title"
assert_contains "$(cat "$M"/documents/*Editor.md)" "[{not valid json at all: budget" "invalid OCR JSON falls back to raw text"
assert_contains "$(cat "$M"/documents/*Editor.md)" '"text" : "unexpected shape zebra"' "a JSON OCR value of another shape is shown decoded, pretty-printed"
check "unicode stays in content" grep -q "Zürich 東京" -r "$M/documents"
check "VLM description rendered" grep -q "## Description (minicpm_v_result)" -r "$M/documents"
check "structured VLM rendered" grep -q '"title_or_topic" : "Zürich trip"' -r "$M/documents"
check "non-image entity rendered" grep -q "budget notes for the quarterly planning" -r "$M/documents"
long=$(ls "$M/documents" | awk '{ if (length($0) > m) { m = length($0); n = $0 } } END { print n }')
check "long app name is truncated to a valid name" test -r "$M/documents/$long"

# Every metadata value Pensieve stores appears in its document.
missing=0 checked=0 nl=$'\n'
while IFS=$'\t' read -r eid value; do
  [[ -z "$value" ]] && continue
  checked=$((checked + 1))
  f=$(ls "$M"/documents/"$eid"-* 2>/dev/null)
  grep -qF -- "$value" "$f" || { missing=$((missing+1)); echo "   entity $eid lacks: $value"; }
done < <(db_sql "SELECT entity_id, value FROM metadata_entries WHERE key NOT IN ('ocr_result')
  AND CAST(data_type AS TEXT) != 'JSON_DATA' AND value NOT LIKE '%$nl%'" $'\t')
assert_eq 0 "$missing" "every text metadata value is in its document"
check "text metadata values were compared ($checked)" test "$checked" -gt 20

assert_contains "$(cat "$M/README")" "search/" "README explains search"
assert_eq "ok" "$(cat "$M/.status/health")" "health is ok"
assert_eq "$(db_backend)" "$(cat "$M/.status/backend")" "backend names the database"
check "health.json parses" python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["status"]=="ok" and d["store"]["entities"]>0 else 1)' "$M/.status/health.json"
assert_eq "$(cat "$M/.status/health.json" | wc -c)" "$(stat -c %s "$M/.status/health.json")" "status file size matches its bytes"

# Status files for shell scripts and node_exporter: fresh on every open, sizes that match, parseable.
hits() { awk '$1 == "hits" {print $2}' "$M/.status/cache"; }
# (Reading documents again would not do: the kernel keeps their pages and the daemon sees no read.
# A name never looked up before reaches the daemon, which finds the document's rendering in its
# cache: a cache hit. Any `<id>-….md` name opens its document.)
first_id=$(ls "$M/documents" | head -1 | cut -d- -f1)
before=$(hits); stat "$M/documents/$first_id-shell-loop-$RANDOM.md" > /dev/null; stat "$M/documents/$first_id-again-$RANDOM.md" > /dev/null; sleep 1
check "a shell loop sees fresh cache figures ($before -> $(hits))" test "$(hits)" -gt "$before"
for f in cache cache.json memory memory.json metrics metrics.prom events; do
  assert_eq "$(cat "$M/.status/$f" | wc -c)" "$(stat -c %s "$M/.status/$f")" ".status/$f size matches its bytes"
done
for key in hits misses hit_rate entries memory_bytes disk_bytes evictions_capacity evictions_pressure evictions_expired \
           evictions_invalidated evictions_corrupt demotions admission_rejects; do
  check ".status/cache has $key" grep -q "^$key [0-9.]*$" "$M/.status/cache"
done
for key in level source used_bytes limit_bytes available_bytes eviction_target_bytes; do
  check ".status/memory has $key" grep -q "^$key " "$M/.status/memory"
done
check "metrics.prom is Prometheus text format" python3 - "$M/.status/metrics.prom" <<'PY'
import re, sys
lines = open(sys.argv[1]).read().splitlines()
sample = re.compile(r'^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="[^"]*"(,[a-zA-Z_][a-zA-Z0-9_]*="[^"]*")*\})? -?[0-9.]+(e[+-]?[0-9]+)?$')
typed = set()
for line in lines:
    if line.startswith("# TYPE "):
        typed.add(line.split()[2]); continue
    if line.startswith("# HELP "): continue
    assert sample.match(line), line
    assert line.split("{")[0].split(" ")[0] in typed, line
names = {l.split("{")[0].split(" ")[0] for l in lines if not l.startswith("#")}
for need in ["recallfs_cache_hits_total", "recallfs_cache_evictions_total", "recallfs_memory_pressure_level", "recallfs_requests_total"]:
    assert need in names, need
PY
