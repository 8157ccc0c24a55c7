# Bad input gets a precise errno and a readable reason; writes get EROFS; bad mounts fail clearly.
M="$WORK/mnt"
mount_fs "$M" "$PENSIEVE_DB" || { fail "mount"; return; }
S="$M/search"

for name in "budget " " budget" "foo:bar" "limit:0" "limit:1001" "limit:abc" "after:yesterday" "date:2026-13" \
            "date:2026-02-30" "app:" "after:2026-02-01 before:2026-01-01" "\"unclosed" "limit:5 limit:6" \
            "library:no-such-library budget" "$(printf 'tab\there')"; do
  err=$(stderr_of ls "$S/$name")
  assert_contains "$err" "Invalid argument" "EINVAL for [$name]"
done
errors=$(cat "$M/.status/errors")
assert_contains "$errors" "unknown filter 'foo:'" "errors file says why"
assert_contains "$errors" "ends with whitespace" "errors file: trailing space"
assert_contains "$errors" "no library named 'no-such-library'" "errors file: unknown library"
assert_contains "$(cat "$WORK/cache/recallfs.log")" "unknown filter 'foo:'" "the log says why"
check "rejected names are not saved" bash -c "! ls '$S' | grep -q 'foo:bar'"
# Hostile text that is valid as a query must not break FTS: each one answers (maybe empty).
hostile=('AND OR NOT' 'NEAR(a b)' '*' 'a*b' '"a" "b"' "it's" 'x) OR (y' '^start' '-minus' 'a"b')
answered=0
for name in "${hostile[@]}"; do
  if ls "$S/$name" > /dev/null 2>&1 || [[ "$(stderr_of ls "$S/$name")" == *"Invalid argument"* ]]; then
    answered=$((answered + 1))
  else
    echo "   hostile [$name] gave: $(stderr_of ls "$S/$name")"
  fi
done
assert_eq "${#hostile[@]}" "$answered" "hostile names get results or EINVAL, never another error"

doc=$(ls "$M"/documents/* | head -1)
assert_contains "$(stderr_of touch "$M/documents/new.md")" "Read-only file system" "create is EROFS"
assert_contains "$(stderr_of bash -c "echo x > '$doc'")" "Read-only file system" "write is EROFS"
assert_contains "$(stderr_of rm -f "$doc")" "Read-only file system" "unlink is EROFS"
assert_contains "$(stderr_of mv "$doc" "$M/documents/x.md")" "Read-only file system" "rename is EROFS"
assert_contains "$(stderr_of mkdir "$M/documents/d")" "Read-only file system" "mkdir outside search/ is EROFS"
assert_contains "$(stderr_of chmod 600 "$doc")" "Read-only file system" "chmod is EROFS"
assert_contains "$(stderr_of mkdir "$S/foo:bar")" "Invalid argument" "mkdir of a bad query is EINVAL"
assert_contains "$(stderr_of ls "$M/documents/999999-nope.md")" "No such file" "missing document is ENOENT"
assert_contains "$(stderr_of ls "$M/documents/$(basename "$doc" .md).txt")" "No such file" "wrong extension is ENOENT"
id=$(basename "$doc" | cut -d- -f1)
assert_eq "$(stat -c %i "$doc")" "$(stat -c %i "$M/documents/$id-renamed-by-pensieve.md")" "an outdated slug still opens the document"

# Mount-time errors: one clear line, non-zero exit, no stack trace.
mkdir -p "$WORK/m2"
out=$("$RECALLFS_BIN" mount "$WORK/m2" --db "$WORK/missing.db" --cache-dir "$WORK/c2" --no-api 2>&1); rc=$?
check "missing DB exits non-zero" test $rc -ne 0
assert_contains "$out" "database not found" "missing DB message"
assert_eq 1 "$(echo "$out" | wc -l)" "missing DB is one line"
echo "not a database" > "$WORK/junk.db"
out=$("$RECALLFS_BIN" mount "$WORK/m2" --db "$WORK/junk.db" --cache-dir "$WORK/c2" --no-api 2>&1); rc=$?
check "junk DB exits non-zero" test $rc -ne 0
assert_contains "$out" "recallfs:" "junk DB message"
sqlite3 "$WORK/other.db" "CREATE TABLE t(x)"
out=$("$RECALLFS_BIN" mount "$WORK/m2" --db "$WORK/other.db" --cache-dir "$WORK/c2" --no-api 2>&1); rc=$?
assert_contains "$out" "not a Pensieve database" "non-Pensieve DB message"
out=$("$RECALLFS_BIN" mount "$WORK/nowhere" --db "$PENSIEVE_DB" --cache-dir "$WORK/c2" --no-api 2>&1); rc=$?
check "missing mountpoint exits non-zero" test $rc -ne 0
assert_contains "$out" "No such file or directory" "missing mountpoint message"
out=$("$RECALLFS_BIN" mount "$M" --db "$PENSIEVE_DB" --cache-dir "$WORK/c2" --no-api 2>&1); rc=$?
check "busy mountpoint exits non-zero" test $rc -ne 0
assert_contains "$out" "busy" "busy mountpoint message"
mkdir -p "$WORK/open-cache" && chmod 777 "$WORK/open-cache"
out=$("$RECALLFS_BIN" mount "$WORK/m2" --db "$PENSIEVE_DB" --cache-dir "$WORK/open-cache" --no-api 2>&1); rc=$?
check "world-writable cache dir refused" test $rc -ne 0
assert_contains "$out" "others can write" "cache dir message"
check "no stack traces" bash -c "! grep -rq 'Stack dump\|Fatal error' '$WORK'/*.log 2>/dev/null"
check "nothing mounted on m2" bash -c "! awk '\$2==\"$WORK/m2\"' /proc/mounts | grep -q ."

# Privacy: cache dir 0700, files 0600, mount not allow_other.
assert_eq 700 "$(stat -c %a "$WORK/cache")" "cache dir is 0700"
assert_eq "" "$(find "$WORK/cache" -type f ! -perm 600)" "cache files are 0600"
check "mount is private (no allow_other)" bash -c "! grep ' $M ' /proc/mounts | grep -q allow_other"
