# Seeded fuzzing of search/<name> (tests/fuzz_names.py): a few thousand names of random bytes, invalid
# UTF-8, C0/C1 controls, bidi controls, zero-width characters, joiners, emoji, CJK, quotes, filters,
# names over 255 bytes, spaces, dot names, and names that try to forge status lines. Each is stat'ed,
# every other one listed. The daemon must survive, every answer must be success, EINVAL, ENAMETOOLONG
# or (dot names) ENOENT as fuzz_names.py expects, .status/errors must stay one error per line, and a
# name is saved (shown by `ls search/`) only when it was listed.
SEED=${FUZZ_SEED:-20260115}
COUNT=${FUZZ_COUNT:-3000}
M="$WORK/mnt"
mount_fs "$M" "$PENSIEVE_DB" || { fail "mount"; return; }
pid=$(daemon_pid "$M")
check "daemon pid known" test -n "$pid"

timeout 900 python3 "$ROOT/tests/fuzz_names.py" "$M" --seed "$SEED" --count "$COUNT" --details "$WORK/unexpected.txt" \
  > "$WORK/fuzz.out" 2> "$WORK/fuzz.err"; rc=$?
assert_eq 0 "$rc" "the fuzzer ran to its end ($(tail -c 300 "$WORK/fuzz.err"))"
val() { awk -v k="$1" '$1 == k {print $2}' "$WORK/fuzz.out"; }
echo "   seed $SEED: $(val names) names; $(grep -E '^(stat|ls)_' "$WORK/fuzz.out" | tr '\n' ' ')"
grep '^example' "$WORK/fuzz.out" | head -12 | sed 's/^example/   unexpected:/' | cat -v

check "daemon alive after the fuzzing" kill -0 "$pid"
check "still mounted after the fuzzing" is_mounted "$M"
check "the fuzzer probed every name" test "$(val names)" -ge "$COUNT"
assert_eq 0 "$(val unexpected)" "every answer is the expected one of success/EINVAL/ENAMETOOLONG/ENOENT (details in $WORK/unexpected.txt)"
assert_eq 0 "$(val inconsistent)" "stat and ls of the same name agree"
for op in stat ls; do
  for e in OK EINVAL ENAMETOOLONG ENOENT; do
    check "some $op calls give $e" test "$(val "${op}_$e")" -gt 0
  done
done
check "no other errno than EINVAL, ENAMETOOLONG, ENOENT" \
  bash -c "! grep -E '^(stat|ls)_' '$WORK/fuzz.out' | grep -vE '^(stat|ls)_(OK|EINVAL|ENAMETOOLONG|ENOENT) '"

# Fixed cases, each with the exact errno (python reads errno precisely; bytes are sent as they are).
errno_of() {  # errno_of OP NAME-AS-PYTHON-BYTES-LITERAL: prints OK or the errno name
  timeout 60 python3 -c 'import errno,os,sys
p = os.fsencode(sys.argv[1]) + b"/search/" + eval(sys.argv[3])
try: (os.stat if sys.argv[2] == "stat" else os.listdir)(p); print("OK")
except OSError as e: print(errno.errorcode.get(e.errno, e.errno))' "$M" "$1" "$2"
}
while read -r want literal; do
  for op in stat ls; do assert_eq "$want" "$(errno_of $op "$literal")" "$op search/$literal"; done
done <<'CASES'
EINVAL b"bud\xffget"
EINVAL b"\xc3\x28"
EINVAL b"\xed\xa0\x80budget"
EINVAL b"budget\x7f"
EINVAL b"budget\x01"
EINVAL "budget\u0085".encode()
EINVAL "\u202ebudget".encode()
EINVAL "budget\u2066x\u2069".encode()
EINVAL "bud\u200bget".encode()
EINVAL "\ufeffbudget".encode()
EINVAL b"budget\nFORGED"
EINVAL b" budget"
EINVAL b"budget "
OK "bud\u200dget".encode()
OK "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645".encode()
OK "budget".encode()
ENAMETOOLONG b"a" * 256
ENAMETOOLONG ("\u6771" * 86).encode()
ENAMETOOLONG b"budget " * 142
ENOENT b".hidden"
ENOENT b".Trash-1000"
CASES

timeout 30 cat "$M/.status/errors" > "$WORK/errors.out"
check "rejections were recorded in .status/errors" grep -q 'EINVAL' "$WORK/errors.out"
assert_eq "" "$(grep -vE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}' "$WORK/errors.out" | head -3 | cat -v)" \
  "every line of .status/errors starts with a timestamp (a name with a newline forges no line)"
check "no line of the log starts with FORGED" bash -c "! grep -a -q '^FORGED' '$WORK/cache/recallfs.log'"

# Saved queries: only names that were listed (readdir), never names that were only stat'ed.
assert_eq 0 "$(val saved_stat_only)" "names only stat'ed are not saved (ls search/ does not show them)"
check "names that were listed are saved (saved_listed $(val saved_listed) of $(val listed_ok))" test "$(val saved_listed)" -gt 0
check "budget limit:9 has results" test -n "$(ls "$M/search/budget limit:9")"
stat "$M/search/budget limit:8" > /dev/null 2>&1
check "a name only stat'ed, with results, is not in ls search/" bash -c "! ls '$M/search' | grep -qx 'budget limit:8'"
check "a listed name with results is in ls search/" bash -c "ls '$M/search' | grep -qx 'budget limit:9'"
check "ls search/ completes" timeout 60 ls "$M/search" > /dev/null
check "daemon alive at the end" kill -0 "$pid"
