# A damaged or hand-crafted Pensieve database (tests/fixtures/crafted_db.py): negative, zero, >= 2^40
# and Int64.max ids, odd library ids, NULLs, wrong column types, colliding names, strings holding
# newlines and controls. The daemon must survive everything, list and read the normal entities exactly
# as from a clean database, answer every other file with content or EIO (never another errno, never a
# hang), keep inodes unique, and report rejected rows in .status/errors, one line each.
# `timeout` below only detects a hang; it is not a speed bound.
mkdir -p "$WORK/empty"
"$RECALLFS_BIN" index "$WORK/empty" --db "$WORK/template.db" --library main > /dev/null || { fail "template database"; return; }
crafted_ids=$(python3 "$ROOT/tests/fixtures/crafted_db.py" "$WORK/template.db" "$WORK/crafted.db" "$WORK/clean.db") \
  || { fail "generate the crafted database"; return; }
check "the crafted database holds the hostile rows" test "$(sqlite3 "$WORK/crafted.db" 'SELECT count(*) FROM entities')" -gt 40

M="$WORK/mnt"; C="$WORK/clean"
mount_fs "$M" "$WORK/crafted.db" || { fail "mount the crafted database"; return; }
pid=$(daemon_pid "$M")
CACHE_DIR="$WORK/cache-clean" mount_fs "$C" "$WORK/clean.db" || { fail "mount the clean database"; return; }
check "daemon pid known" test -n "$pid"

# only_eio FILE: true when every line of FILE (stderr of a command) is an "Input/output error".
only_eio() { ! grep -v 'Input/output error' "$1" | grep -q .; }

# ls documents: completes, lists every normal entity, no duplicate names.
timeout 30 ls -1 "$M/documents" > "$WORK/ls.out" 2> "$WORK/ls.err"; rc=$?
assert_eq 0 "$rc" "ls documents succeeds ($(head -c 300 "$WORK/ls.err"))"
for id in 1 2 3 4 5; do
  check "ls documents lists normal entity $id" grep -q "^$id-" "$WORK/ls.out"
done
assert_eq "$(ls -1 "$C/documents")" "$(grep -E '^[1-5]-' "$WORK/ls.out")" "normal entities have the names of a clean database"
assert_eq "" "$(sort "$WORK/ls.out" | uniq -d | head -3)" "no name is listed twice"
echo "   listed $(wc -l < "$WORK/ls.out") of $(sqlite3 "$WORK/crafted.db" 'SELECT count(*) FROM entities') entities"

# The normal entities read byte for byte as from the clean database.
for f in "$C"/documents/*; do
  name=$(basename "$f")
  check "normal document $name reads as from a clean database" cmp -s "$f" "$M/documents/$name"
done

# Every listed file: content or EIO, never another error, never a hang.
bad=0; eio=0; n=0
shopt -s nullglob
for f in "$M"/documents/*; do
  n=$((n + 1))
  timeout 30 cat -- "$f" > /dev/null 2> "$WORK/cat.err"; rc=$?
  if ((rc == 0)); then continue; fi
  if ((rc != 124)) && grep -q 'Input/output error' "$WORK/cat.err" && only_eio "$WORK/cat.err"; then eio=$((eio + 1)); continue; fi
  bad=$((bad + 1)); echo "   cat $(basename -- "$f" | head -c 80 | cat -v): rc $rc: $(head -c 200 "$WORK/cat.err")"
done
shopt -u nullglob
echo "   cat: $n files, $eio EIO"
assert_eq 0 "$bad" "cat of every listed file succeeds or fails with EIO"
check "daemon alive after cat of every file" kill -0 "$pid"

# ls -l, ls -i and grep -r over everything complete; only EIO may be reported.
timeout 60 ls -l "$M/documents" > /dev/null 2> "$WORK/lsl.err"; rc=$?
check "ls -l documents completes (rc $rc)" test "$rc" -ne 124
check "ls -l documents reports nothing but EIO ($(head -c 300 "$WORK/lsl.err"))" only_eio "$WORK/lsl.err"
timeout 60 grep -r -h -o 'normalmarker [a-z]*' "$M/documents" > "$WORK/grep.out" 2> "$WORK/grep.err"; rc=$?
check "grep -r documents completes (rc $rc)" test "$rc" -ne 124
check "grep -r reports nothing but EIO ($(head -c 300 "$WORK/grep.err"))" only_eio "$WORK/grep.err"
assert_eq 5 "$(sort -u "$WORK/grep.out" | grep -c normalmarker)" "grep -r finds the five normal entities"
timeout 30 ls -i -1 "$M/documents" > "$WORK/inodes.out" 2>/dev/null
check "ls -i documents lists the normal entities" test "$(grep -cE '^ *[0-9]+ [1-5]-' "$WORK/inodes.out")" -eq 5
assert_eq "" "$(awk '{print $1}' "$WORK/inodes.out" | sort | uniq -d | head -3)" "document inodes are unique"
# 5 and 2^40+5, 3 and 2^41+3 had the same inode modulo 2^40 (any <id>-….md name opens a document).
for pair in "5 $(((1 << 40) + 5))" "3 $(((2 << 40) + 3))"; do
  read -r small twin <<< "$pair"
  a=$(timeout 30 stat -c %i "$M/documents/$small-x.md" 2>/dev/null); b=$(timeout 30 stat -c %i "$M/documents/$twin-x.md" 2>/dev/null)
  check "document $small and document $twin do not share an inode ($a, $b)" test -n "$a" -a "$a" != "$b"
done
timeout 30 ls -1 "$M/libraries" > "$WORK/libs.out" 2> "$WORK/libs.err"; rc=$?
assert_eq 0 "$rc" "ls libraries succeeds ($(head -c 200 "$WORK/libs.err"))"
check "library main is listed" grep -qx main "$WORK/libs.out"
assert_eq "" "$(timeout 30 ls -i -1 "$M/libraries" | awk '{print $1}' | sort | uniq -d)" "library inodes are unique"
timeout 30 ls -1 "$M/libraries/main" > "$WORK/main.out" 2>&1; rc=$?
assert_eq 0 "$rc" "ls libraries/main succeeds"
check "libraries/main lists normal entity 5" grep -q '^5-' "$WORK/main.out"
for lib in "$M"/libraries/*; do
  timeout 30 ls -l "$lib" > /dev/null 2> "$WORK/lib.err"; rc=$?
  check "ls -l libraries/$(basename "$lib") completes with nothing but EIO (rc $rc)" bash -c "test $rc -ne 124 && ! grep -v 'Input/output error' '$WORK/lib.err' | grep -q ."
done
timeout 30 ls "$M/search/normalmarker" > "$WORK/search.out" 2> "$WORK/search.err"; rc=$?
assert_eq 0 "$rc" "ls search/normalmarker succeeds ($(head -c 200 "$WORK/search.err"))"
assert_eq 5 "$(grep -cE '^[0-9]+-[1-5]-' "$WORK/search.out")" "search finds the five normal entities"

# The errors file: at least one line names a rejected crafted row and says why; one error per line.
timeout 30 cat "$M/.status/errors" > "$WORK/errors.out"
ids_re=$(echo "$crafted_ids" | grep -vx 0 | paste -sd'|')
check "an error line names a rejected crafted row with a reason" \
  bash -c "cut -d' ' -f2- '$WORK/errors.out' | grep -E '(^|[^0-9-])($ids_re)([^0-9]|\$)' | grep -q ': '"
assert_eq "" "$(grep -vE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}' "$WORK/errors.out" | head -3 | cat -v)" \
  "every line of .status/errors starts with a timestamp (no forged lines)"
check "no FORGED text starts a line of the errors file or the log" \
  bash -c "! grep -q '^FORGED' '$WORK/errors.out' '$WORK/cache/recallfs.log'"
check "health.json is valid JSON" python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$M/.status/health.json"
check "daemon still alive at the end" kill -0 "$pid"
check "still mounted at the end" is_mounted "$M"
