# Query directories over the real Pensieve database: AND semantics, filters, shared inodes, persistence.
M="$WORK/mnt"
mount_fs "$M" "$PENSIEVE_DB" || { fail "mount"; return; }
S="$M/search"

# Multi-word queries return only documents that contain every word, and all of them.
results=$(ls "$S/budget review")
check "budget review has results" test -n "$results"
for f in $results; do
  grep -qi "budget" "$S/budget review/$f" && grep -qi "review" "$S/budget review/$f" || fail "$f lacks a word"
done
# Ground truth from the database: entities whose metadata text has both words (as word prefixes).
want=$(db_sql "SELECT count(DISTINCT entity_id) FROM metadata_entries m
  WHERE EXISTS (SELECT 1 FROM metadata_entries a WHERE a.entity_id=m.entity_id AND lower(a.value) LIKE '%budget%')
    AND EXISTS (SELECT 1 FROM metadata_entries b WHERE b.entity_id=m.entity_id AND lower(b.value) LIKE '%review%')")
assert_eq "$want" "$(echo "$results" | wc -l)" "budget review count equals the documents with both words"
check "every word must match: no doc with only one" bash -c "! ls '$S/zebra budget' | grep -q ."
assert_eq 1 "$(ls "$S/zebra" | wc -l)" "single rare word"
assert_eq 1 "$(ls "$S/walrus docu" | wc -l)" "prefix match on the last word"
assert_eq 1 "$(ls "$S/zurich cafe" | wc -l)" "zurich cafe (the URL has zurich, the notes cafe)"
assert_eq 1 "$(ls "$S/zürich café" | wc -l)" "accented words (zürich café)"
assert_eq 1 "$(ls "$S/zür" | wc -l)" "a prefix ending inside an accented word (zür)"
if is_pg; then
  # PostgreSQL's `simple` configuration keeps accents (README, "Search on PostgreSQL").
  assert_eq 0 "$(ls "$S/naive resume" | wc -l)" "accents do not fold on PostgreSQL (naive resume)"
else
  assert_eq 1 "$(ls "$S/naive resume" | wc -l)" "accents fold (naive resume)"
fi
assert_eq 1 "$(ls "$S/東京" | wc -l)" "CJK text"
assert_eq 1 "$(ls "$S/build-server" | wc -l)" "a hyphenated word (build-server, in a window title)"
assert_eq 1 "$(ls "$S/ssh build-ser" | wc -l)" "a hyphenated prefix next to another word"
assert_eq 0 "$(ls "$S/\"budget quarterly\"" | wc -l)" "quoted phrase keeps word order"
check "quoted phrase matches" test "$(ls "$S/\"budget review\"" | wc -l)" -ge 1

# Results: ranked names, same inode and bytes as documents/.
first=$(ls "$S/budget" | head -1)
assert_contains "$first" "001-" "ranked names start at 001"
id=$(echo "$first" | cut -d- -f2)
doc=$(ls "$M/documents/$id"-*)
assert_eq "$(stat -c %i "$doc")" "$(stat -c %i "$S/budget/$first")" "result shares the document's inode"
check "result has the document's bytes" cmp -s "$doc" "$S/budget/$first"
assert_eq "$(ls "$S/budget" | wc -l)" "$(grep -rli budget "$S/budget" | wc -l)" "grep -r sees each result once"
check "nothing but results in a query dir" bash -c "! ls -A '$S/budget' | grep -qv '^[0-9]*-[0-9]*-.*\.md$'"

# Filters.
for f in $(ls "$S/app:Terminal"); do grep -q "^app: Terminal$" "$S/app:Terminal/$f" || fail "app:Terminal gave $f"; done
check "app filter is case-insensitive" test "$(ls "$S/app:terminal" | wc -l)" -eq "$(ls "$S/app:Terminal" | wc -l)"
assert_eq 3 "$(ls "$S/limit:3 app:Firefox" | wc -l)" "limit:3"
want=$(db_sql "SELECT count(*) FROM entities e JOIN libraries l ON l.id=e.library_id WHERE l.name='demo'")
assert_eq "$want" "$(ls "$S/library:demo" | wc -l)" "library:demo lists the library"
# A library name with '/' is written as libraries/ shows it (U+2215), quoted because of the space.
q='budget library:"work notes∕2026"'
check "library filter with a slashed name" test "$(ls "$S/$q" | wc -l)" -ge 1
for f in $(ls "$S/$q"); do check "$f is in work notes/2026" test -e "$M/libraries/work notes∕2026/${f#*-}"; done
want=$(db_sql "SELECT count(*) FROM entities WHERE file_created_at >= '2026-01-01' AND file_created_at < '2026-02-01'")
assert_eq "$want" "$(ls "$S/date:2026-01" | wc -l)" "date:2026-01"
assert_eq "$want" "$(ls "$S/after:2026-01-01 before:2026-02-01" | wc -l)" "after/before"
assert_eq 1 "$(ls "$S/type:text" | wc -l)" "type:text finds the non-image entity"
newest=$(db_sql "SELECT e.id FROM entities e JOIN libraries l ON l.id=e.library_id WHERE l.name='demo' ORDER BY file_created_at DESC, e.id DESC LIMIT 1")
assert_eq "$newest" "$(ls "$S/library:demo" | head -1 | cut -d- -f2)" "list mode is newest first"
assert_eq 0 "$(ls "$S/qqqxyznothing" | wc -l)" "an empty result is an empty directory"
check "empty result exists as a directory" test -d "$S/qqqxyznothing"

# ls search/ shows the queries used; rmdir forgets; they persist across a remount.
check "ls search/ lists listed queries" bash -c "ls '$S' | grep -qx 'budget review'"
check "a listed empty result is saved too" bash -c "ls '$S' | grep -qx qqqxyznothing"
check "a stat alone saves nothing" bash -c "stat '$S/statonly' >/dev/null && ! ls '$S' | grep -qx statonly"
ls "$S/zebra" > /dev/null
check "a listed query is saved" bash -c "ls '$S' | grep -qx zebra"
check "rmdir forgets a query" rmdir "$S/zebra"
check "forgotten query no longer listed" bash -c "! ls '$S' | grep -qx zebra"
check "mkdir -p of a query works" mkdir -p "$S/invoice"
ls "$S/invoice" > /dev/null
unmount_fs "$M"
mount_fs "$M" "$PENSIEVE_DB" || { fail "remount"; return; }
check "queries persist across remounts" bash -c "ls '$M/search' | grep -qx 'budget review' && ls '$M/search' | grep -qx invoice"
check "forgotten query stays forgotten" bash -c "! ls '$M/search' | grep -qx zebra"
