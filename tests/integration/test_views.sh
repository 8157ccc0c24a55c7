# Screen history as people remember it: timeline/, recent/, apps/, images/, around/, metadata as
# extended attributes, tag writes through the API, and scoped mounts, on real mounts over the real
# Pensieve, through both stores (SQLite, and the API alone), checked against SQL truth.
ZONE=Asia/Kolkata   # +05:30: UTC evenings are the next day here
OFFSET_MIN=330
DB="$PENSIEVE_DB"
sql() { sqlite3 -separator ' ' "file:$DB?mode=ro" "$@"; }

# A record library of our own through the API: captures either side of midnight in $ZONE, the same
# second twice, an image whose file is gone, and image bytes larger than one FUSE read.
VSHOTS="$PENSIEVE_HOME/vshots"; mkdir -p "$VSHOTS" "$WORK/orig"
lib=$(curl -sf -X POST "$PENSIEVE_URL/libraries" -H 'content-type: application/json' \
  -d "{\"name\": \"views\", \"folders\": [{\"path\": \"$VSHOTS\", \"last_modified_at\": \"2026-01-01T00:00:00\"}]}") \
  || { fail "create library views"; return; }
vlid=$(echo "$lib" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
vfid=$(echo "$lib" | python3 -c 'import json,sys; print(json.load(sys.stdin)["folders"][0]["id"])')
sqlite3 "$DB" "UPDATE libraries SET kind = 'record' WHERE id = $vlid"   # Pensieve's API makes static libraries
post() {  # post NAME TIME APP [gone]
  local path="$VSHOTS/$1"
  head -c $((200000 + RANDOM)) /dev/urandom > "$path"
  cp "$path" "$WORK/orig/$1"
  [[ "${4:-}" == gone ]] && rm -f "$path"
  curl -sf -X POST "$PENSIEVE_URL/libraries/$vlid/entities?update_index=true" -H 'content-type: application/json' -d "{
    \"filename\": \"$1\", \"filepath\": \"$path\", \"size\": $(stat -c %s "$WORK/orig/$1"),
    \"file_created_at\": \"$2\", \"file_last_modified_at\": \"$2\", \"file_type\": \"webp\", \"file_type_group\": \"image\",
    \"folder_id\": $vfid, \"tags\": [\"$3\"], \"metadata_entries\": [
      {\"key\": \"active_app\", \"value\": \"$3\", \"source\": \"system_generated\", \"data_type\": \"text\"},
      {\"key\": \"active_window\", \"value\": \"$3 - window $1\", \"source\": \"system_generated\", \"data_type\": \"text\"},
      {\"key\": \"ocr_result\", \"value\": \"[{\\\"dt_boxes\\\": [], \\\"rec_txt\\\": \\\"nightowl capture $1\\\", \\\"score\\\": 0.9}]\", \"source\": \"ocr\", \"data_type\": \"json\"}]
  }" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'
}
post v1.webp 2026-05-01T18:20:00 Nightly > /dev/null            # 23:50 on May 1 in Kolkata
post v2.webp 2026-05-01T18:40:00 Nightly > /dev/null            # 00:10 on May 2 in Kolkata
post v3.webp 2026-05-01T18:40:00 "Mail/Calendar" > /dev/null    # the same second; an app with a slash
post v4.webp 2026-05-02T02:00:00 Nightly > /dev/null
gone=$(post v5.webp 2026-05-02T03:00:00 Nightly gone)
for i in 6 7 8 9; do post "v$i.webp" "2026-05-0${i}T0${i}:00:00" Nightly > /dev/null; done
total=$(sql "SELECT count(*) FROM entities")

# Truth from SQL, in $ZONE.
day_truth() { sql "SELECT strftime('%Y/%m/%d', file_created_at, '+$OFFSET_MIN minutes') d, count(*) FROM entities GROUP BY d ORDER BY d"; }
newest_truth() { sql "SELECT id FROM entities ORDER BY file_created_at DESC, id DESC LIMIT 100"; }
library_order() { sql "SELECT id FROM entities WHERE library_id = $1 ORDER BY file_created_at, id"; }
# The id in a name with a prefix: `<HHMMSS>-<id>-…`, `<rank>-<id>-…`, `<±NN>-<id>-…`.
ids_of() { sed -E 's/^[+-]?[0-9]+-([0-9]+)-.*/\1/'; }

views_checks() {  # views_checks MNT LABEL
  local M="$1" L="$2" d n
  # timeline/: every day with captures, each with its documents, in the mount's zone.
  local listed=""
  for d in "$M"/timeline/*/*/*; do
    n=$(ls "$d" | wc -l); listed+="${d#$M/timeline/} $n"$'\n'
  done
  assert_eq "$(day_truth)" "$(printf %s "$listed")" "$L: timeline days and counts match SQL in $ZONE"
  assert_eq "235000-" "$(ls "$M/timeline/2026/05/01" | grep -- "-$(sql "SELECT id FROM entities WHERE filename='v1.webp'")-" | cut -c1-7)" \
    "$L: a capture at 18:20 UTC is at 23:50 on May 1"
  assert_eq 2 "$(ls "$M/timeline/2026/05/02" | grep -c '^001000-')" "$L: two captures at 00:10 on May 2"
  assert_eq "$(ls "$M/timeline/2026/05/02" | ids_of | sort -n)" \
    "$(ls "$M/search/date:2026-05-02 limit:1000" | ids_of | sort -n)" "$L: timeline/2026/05/02 and date:2026-05-02 list the same"
  check "$L: an empty month is absent" bash -c "! stat '$M/timeline/2026/08' 2>/dev/null && ! stat '$M/timeline/1999' 2>/dev/null"
  local first; first=$(ls "$M/timeline/2026/05/02" | head -1)
  assert_eq "$(stat -c %i "$M/timeline/2026/05/02/$first")" "$(stat -c %i "$M/documents/${first#*-}")" "$L: timeline file is the document (inode)"
  check "$L: timeline file has the document's bytes" cmp -s "$M/timeline/2026/05/02/$first" "$M/documents/${first#*-}"

  # apps/: one directory per app, (none) for documents without one.
  assert_eq "$(sql "SELECT count(*) FROM entities e WHERE NOT EXISTS (SELECT 1 FROM metadata_entries m WHERE m.entity_id = e.id AND m.key = 'active_app')")" \
    "$(ls "$M/apps/(none)" | wc -l)" "$L: apps/(none) holds the documents without an app"
  for a in Firefox Slack Nightly; do
    assert_eq "$(sql "SELECT count(*) FROM metadata_entries WHERE key = 'active_app' AND value = '$a'")" "$(ls "$M/apps/$a" | wc -l)" "$L: apps/$a count"
  done
  assert_eq 1 "$(ls "$M/apps/Mail∕Calendar" | wc -l)" "$L: an app with / is shown with ∕"
  assert_eq "$(($(sql "SELECT count(DISTINCT value) FROM metadata_entries WHERE key = 'active_app'") + 1))" "$(ls "$M/apps" | wc -l)" "$L: one directory per app, plus (none)"

  # recent/: the newest 100, newest first, the name prefix keeping that order.
  assert_eq "$(newest_truth)" "$(ls "$M/recent" | ids_of)" "$L: recent/ is the newest 100, newest first"

  # around/<id>/: the captures before and after, in capture order, in the same library.
  local order mid want
  order=($(library_order "$vlid"))
  mid=${order[4]}
  want=$(printf '%s\n' "${order[@]:0:10}")
  assert_eq "$want" "$(ls -U "$M/around/$mid" | ids_of)" "$L: around/$mid lists -04..+05 in capture order"
  assert_eq "-01 +00 +01" "$(ls -U "$M/around/$mid" | cut -c1-3 | sed -n '4,6p' | xargs)" "$L: around/ names carry the offset"
  check "$L: around/ of a missing id is ENOENT" bash -c "! ls '$M/around/999999' 2>/dev/null"

  # images/: the original bytes, the exact size, and a clear failure for a file that is gone.
  local img
  for img in v1 v4 v9; do
    local id; id=$(sql "SELECT id FROM entities WHERE filename = '$img.webp'")
    local f; f=$(ls "$M/images" | grep "^$id-")
    check "$L: images/$f is the original ($img)" cmp -s "$M/images/$f" "$WORK/orig/$img.webp"
    assert_eq "$(stat -c %s "$WORK/orig/$img.webp")" "$(stat -c %s "$M/images/$f")" "$L: images/$f has the exact size"
  done
  check "$L: images/ lists image entities only" bash -c "! ls '$M/images' | grep -q '^$(sql "SELECT id FROM entities WHERE file_type_group != 'image' LIMIT 1")-'"
  local g; g=$(ls "$M/images" | grep "^$gone-")
  check "$L: an image whose file is gone stays listed" test -n "$g"
  check "$L: reading it fails" bash -c "! cat '$M/images/$g' > /dev/null 2>&1"
  health_reason "$M" "image $gone" > /dev/null || fail "$L: .status/errors says why image $gone cannot be read"

  # Extended attributes on a document wherever it appears, checked against the API's entity.
  local doc; doc=$(ls "$M/documents" | grep "^$(sql "SELECT id FROM entities WHERE filename = 'screenshot-20260115-093000-of-main.webp'")-")
  local id=${doc%%-*}
  local api; api=$(curl -sf "$PENSIEVE_URL/entities/$id")
  local app_dir; app_dir=$(echo "$api" | python3 -c 'import json,sys; e=json.load(sys.stdin); print([m["value"] for m in e["metadata_entries"] if m["key"]=="active_app"][0])')
  local q="budget review"
  local result; result=$(ls "$M/search/$q" | grep -- "-$id-" | head -1)
  for f in "$M/documents/$doc" "$M/apps/$app_dir/$doc" "$M/timeline/2026/01/15/"*"-$doc" "$M/search/$q/$result"; do
    python3 - "$f" "$api" "$ZONE" <<'PY' || fail "$L: xattrs of ${f#$M/}"
import json, os, sys, datetime, zoneinfo
path, entity, zone = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
x = {n[len("user.recallfs."):]: os.getxattr(path, n).decode() for n in os.listxattr(path)}
meta = {m["key"]: m["value"] for m in entity["metadata_entries"]}
captured = datetime.datetime.fromisoformat(entity["file_created_at"]).replace(tzinfo=datetime.timezone.utc)
want = {"id": str(entity["id"]), "app": meta["active_app"], "window": meta["active_window"],
        "tags": ",".join(t["name"] for t in entity["tags"]), "source_path": entity["filepath"],
        "captured_at": captured.astimezone(zoneinfo.ZoneInfo(zone)).isoformat()}
bad = {k: (v, x.get(k)) for k, v in want.items() if x.get(k) != v}
assert not bad, bad
assert x["library"] == "demo" and x["image"].startswith("images/" + str(entity["id"]) + "-"), x
assert "rank" not in x and "score" not in x, x
PY
  done
  local names; names=$(getfattr -d --absolute-names "$M/documents/$doc" | grep -c '^user.recallfs.')
  check "$L: getfattr -d shows the document's attributes" test "$names" -ge 8
  check "$L: an unknown attribute is ENODATA" bash -c "getfattr -n user.recallfs.nope '$M/documents/$doc' 2>&1 | grep -q 'No such attribute'"
  local qx; qx=$(getfattr -d --absolute-names "$M/search/$q")
  assert_contains "$qx" 'user.recallfs.query="budget review"' "$L: query directory carries its query"
  assert_contains "$qx" "user.recallfs.total=\"$(ls "$M/search/$q" | wc -l)" "$L: query directory carries its total"
  assert_contains "$qx" 'user.recallfs.took_ms=' "$L: query directory carries its time"
  assert_contains "$qx" 'user.recallfs.backend=' "$L: query directory carries its backend"
  assert_contains "$qx" 'user.recallfs.ranking=' "$L: query directory carries its ranking"
  check "$L: setxattr without --allow-tag-writes is EROFS" bash -c "setfattr -n user.recallfs.tags -v x '$M/documents/$doc' 2>&1 | grep -q 'Read-only'"
  check "$L: grep -r over the views finds the capture" bash -c "grep -rl nightowl '$M/timeline' '$M/apps/Nightly' '$M/recent' | grep -q ."
}

# The SQLite store (no API).
MS="$WORK/sqlite"
CACHE_DIR="$WORK/cache-sqlite" mount_fs "$MS" "$DB" --timezone "$ZONE" --poll-interval 1 || { fail "mount (SQLite)"; return; }
for _ in $(seq 1 100); do ls "$MS/search/nightowl" 2>/dev/null | grep -q . && break; sleep 0.2; done
views_checks "$MS" sqlite

# The API alone (no database on this machine's path).
home="$WORK/home"; mkdir -p "$home"; MA="$WORK/api"; mkdir -p "$MA"
HOME="$home" RECALLFS_API="http://127.0.0.1:$PENSIEVE_PORT" "$RECALLFS_BIN" mount "$MA" --timezone "$ZONE" --cache-dir "$WORK/cache-api" > /dev/null \
  || { fail "mount (API only)"; return; }
MOUNTS+=("$MA"); PIDS+=("$(daemon_pid "$MA")")
views_checks "$MA" api
# The API serves images this machine cannot read: hide the originals from the daemon only (a
# private mount namespace with an empty directory over them) and read through it there.
if unshare -m --propagation private true 2>/dev/null; then
  mkdir -p "$WORK/hidden"
  id=$(sql "SELECT id FROM entities WHERE filename = 'v6.webp'")
  out=$(HOME="$home" RECALLFS_API="http://127.0.0.1:$PENSIEVE_PORT" RECALLFS_BIN="$RECALLFS_BIN" unshare -m --propagation private bash -c '
    mount -t tmpfs none "$1" || exit 9
    "$RECALLFS_BIN" mount "$2" --cache-dir "$3" > /dev/null || exit 8
    f=$(ls "$2/images" | grep "^$4-")
    cmp "$2/images/$f" "$5" && echo same; s=$(stat -c %s "$2/images/$f")
    fusermount3 -u "$2" || fusermount3 -uz "$2"; echo "size $s"' _ "$VSHOTS" "$WORK/hidden" "$WORK/cache-hidden" "$id" "$WORK/orig/v6.webp" 2>&1)
  assert_contains "$out" same "images through the API (file not readable here) are byte-identical ($out)"
  assert_contains "$out" "size $(stat -c %s "$WORK/orig/v6.webp")" "images through the API have the exact size"
fi

# Tag writes: API first, with the flag; the change shows in the file, xattr, search and SQL at once.
MT="$WORK/tags"
mount_fs "$MT" "$DB" --api "http://127.0.0.1:$PENSIEVE_PORT" --allow-tag-writes --poll-interval 30 || fail "mount (tags)"
tid=$(sql "SELECT id FROM entities WHERE filename = 'v7.webp'")
tdoc=$(ls "$MT/documents" | grep "^$tid-")
check "setfattr replaces the tags" setfattr -n user.recallfs.tags -v "zebrafish, work ,zebrafish" "$MT/documents/$tdoc"
assert_eq "work,zebrafish" "$(sql "SELECT group_concat(t.name, ',') FROM (SELECT t.name FROM entity_tags et JOIN tags t ON t.id = et.tag_id WHERE et.entity_id = $tid ORDER BY t.name) t")" "Pensieve has the new tags"
assert_eq "zebrafish,work" "$(getfattr --only-values -n user.recallfs.tags "$MT/documents/$tdoc")" "the xattr shows the new tags at once"
check "the file shows the new tags at once" grep -q zebrafish "$MT/documents/$tdoc"
assert_eq "$tid" "$(ls "$MT/search/zebrafish" | ids_of)" "search finds the new tag at once"
check "the write is logged" grep -q "tags of document $tid" "$WORK/cache/recallfs.log"
check "other attributes stay read-only" bash -c "setfattr -n user.recallfs.app -v x '$MT/documents/$tdoc' 2>&1 | grep -q 'Read-only'"
# The API alone: the write goes through, and Pensieve's own search (re-indexed) finds the tag.
MTA="$WORK/tags-api"; mkdir -p "$MTA"
HOME="$home" RECALLFS_API="http://127.0.0.1:$PENSIEVE_PORT" "$RECALLFS_BIN" mount "$MTA" --allow-tag-writes --cache-dir "$WORK/cache-tags-api" > /dev/null \
  || fail "mount (tags, API only)"
MOUNTS+=("$MTA"); PIDS+=("$(daemon_pid "$MTA")")
aid=$(sql "SELECT id FROM entities WHERE filename = 'v8.webp'")
adoc=$(ls "$MTA/documents" | grep "^$aid-")
check "API only: setfattr replaces the tags" setfattr -n user.recallfs.tags -v platypus "$MTA/documents/$adoc"
assert_eq platypus "$(getfattr --only-values -n user.recallfs.tags "$MTA/documents/$adoc")" "API only: the xattr shows the new tag"
assert_eq "$aid" "$(ls "$MTA/search/platypus" | ids_of)" "API only: Pensieve's search finds the new tag at once"

# The API down: EBUSY with the reason (Linux turns a FUSE EAGAIN from setxattr into EOPNOTSUPP), and
# nothing written to SQLite.
MD="$WORK/tags-down"
CACHE_DIR="$WORK/cache-down" mount_fs "$MD" "$DB" --api http://127.0.0.1:9 --allow-tag-writes || fail "mount (API down)"
before=$(sql "SELECT count(*) FROM entity_tags WHERE entity_id = $tid")
check "with the API down, setfattr fails with EBUSY" bash -c "setfattr -n user.recallfs.tags -v nope '$MD/documents/$tdoc' 2>&1 | grep -q 'Device or resource busy'"
health_reason "$MD" "API is unavailable.*not written" > /dev/null || fail "the refused tag write has its reason in .status/errors"
assert_eq "$before" "$(sql "SELECT count(*) FROM entity_tags WHERE entity_id = $tid")" "nothing was written"

# Scoped mounts: another library's documents cannot be seen, searched or opened by any path.
scoped_checks() {  # scoped_checks MNT LABEL
  local M="$1" L="$2"
  assert_eq views "$(ls "$M/libraries")" "$L: libraries/ shows the scope only"
  assert_eq "$(sql "SELECT count(*) FROM entities WHERE library_id = $vlid")" "$(ls "$M/documents" | wc -l)" "$L: documents/ lists the scope only"
  local other; other=$(sql "SELECT id FROM entities WHERE library_id != $vlid ORDER BY id LIMIT 1")
  local img; img=$(sql "SELECT id FROM entities WHERE library_id != $vlid AND file_type_group = 'image' ORDER BY id LIMIT 1")
  for p in "documents/$other-x.md" "around/$other" "images/$img-x.webp" "timeline/2026/01/15" "apps/Slack"; do
    check "$L: $p is ENOENT" bash -c "stat '$M/$p' 2>&1 | grep -q 'No such file'"
  done
  assert_eq 0 "$(ls "$M/search/budget" | wc -l)" "$L: search finds nothing outside the scope"
  check "$L: a library: filter naming another library is EINVAL" bash -c "ls '$M/search/library:demo budget' 2>&1 | grep -q 'Invalid argument'"
  assert_eq "$(sql "SELECT count(*) FROM entities WHERE library_id = $vlid")" \
    "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["store"]["entities"])' "$M/.status/health.json")" "$L: health.json counts the scope only"
  assert_eq "$(sql "SELECT count(*) FROM entities WHERE library_id = $vlid")" "$(ls "$M/recent" | wc -l)" "$L: recent/ holds the scope only"
  python3 - "$M/.status/health.json" <<'PY' || fail "$L: health.json shows no index counts over every library"
import json, sys
index = json.load(open(sys.argv[1])).get("index", {})
assert "documents" not in index and "added" not in index, index
PY
  check "$L: .status/events names no entity of another library" bash -c "! grep -q '^# recent events' '$M/.status/events'"
}
MV="$WORK/scoped"
CACHE_DIR="$WORK/cache-scoped" mount_fs "$MV" "$DB" --library views --timezone "$ZONE" || fail "mount (scoped, SQLite)"
for _ in $(seq 1 100); do ls "$MV/search/nightowl" 2>/dev/null | grep -q . && break; sleep 0.2; done
scoped_checks "$MV" "scoped sqlite"
MW="$WORK/scoped-api"; mkdir -p "$MW"
HOME="$home" RECALLFS_API="http://127.0.0.1:$PENSIEVE_PORT" "$RECALLFS_BIN" mount "$MW" --library views --cache-dir "$WORK/cache-scoped-api" > /dev/null \
  || fail "mount (scoped, API only)"
MOUNTS+=("$MW"); PIDS+=("$(daemon_pid "$MW")")
scoped_checks "$MW" "scoped api"
