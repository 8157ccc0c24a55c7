# Every number on the command line and in RECALLFS_* is range-checked: one line on stderr, exit status 2,
# no crash and no mount. The loopback check parses the host; credentials in a URL are never printed.
mkdir -p "$WORK/m"
bad() {  # bad DESCRIPTION [ENV=VALUE...] -- ARGS...: the mount must be refused with status 2 and one line
  local what="$1"; shift
  local envs=()
  while [[ "$1" != "--" ]]; do envs+=("$1"); shift; done; shift
  local out rc
  out=$(env "${envs[@]}" timeout 20 "$RECALLFS_BIN" mount "$WORK/m" --db "$PENSIEVE_DB" --cache-dir "$WORK/c" "$@" 2>&1); rc=$?
  assert_eq "2 1" "$rc $(grep -c . <<< "$out")" "$what: exit status 2 with one line ($(head -1 <<< "$out" | cut -c1-120))"
  check "$what: nothing mounted" bash -c "! is_mounted '$WORK/m'"
}
export -f is_mounted
bad "--cache-memory 1e30" -- --no-api --cache-memory 1e30
bad "--cache-memory 0" -- --no-api --cache-memory 0
bad "--cache-disk -1" -- --no-api --cache-disk -1
bad "--api-timeout inf" -- --api-timeout inf
bad "--api-timeout nan" -- --api-timeout nan
bad "--api-timeout 0" -- --api-timeout 0
bad "--poll-interval 1e300" -- --no-api --poll-interval 1e300
bad "--health-interval -5" -- --health-interval -5
bad "--cache-ttl 1e20" -- --no-api --cache-ttl 1e20
bad "--attr-timeout inf" -- --no-api --attr-timeout inf
bad "--max-saved-queries 0" -- --no-api --max-saved-queries 0
bad "--index-wait -1" -- --no-api --index-wait -1
bad "--api-max-body 1e30" -- --no-api --api-max-body 1e30
bad "RECALLFS_API_TIMEOUT=inf" RECALLFS_API_TIMEOUT=inf -- --no-api
bad "RECALLFS_POLL_INTERVAL=soon" RECALLFS_POLL_INTERVAL=soon -- --no-api
bad "RECALLFS_CACHE_MEMORY=1e30" RECALLFS_CACHE_MEMORY=1e30 -- --no-api

# A host that only starts with 127. is not loopback; credentials are masked in the refusal.
out=$(timeout 20 "$RECALLFS_BIN" mount "$WORK/m" --db "$PENSIEVE_DB" --cache-dir "$WORK/c" --api "http://joe:s3cret@127.evil.invalid:8839" 2>&1); rc=$?
check "127.evil.invalid is refused without --allow-remote-api (got $rc: $out)" test "$rc" -ne 0
assert_contains "$out" "not on loopback" "the refusal says why"
check "the password is not printed" bash -c "! grep -q s3cret <<< '$out'"
# Real loopback spellings are accepted (the database answers while no API listens there).
for url in "http://127.0.0.2:9" "http://[::1]:9" "http://localhost:9"; do
  if mount_fs "$WORK/m" "$PENSIEVE_DB" --api "$url" --api-timeout 0.5; then
    pass; unmount_fs "$WORK/m"
  else fail "$url is loopback"; fi
done
# A password in the API URL reaches neither the log nor health.json.
mount_fs "$WORK/m" "$PENSIEVE_DB" --api "http://joe:s3cret@127.0.0.1:9" --api-timeout 0.5 || { fail "mount with credentials"; return; }
check "health.json masks the password" bash -c "grep -q '\*\*\*@127.0.0.1' '$WORK/m/.status/health.json' && ! grep -q s3cret '$WORK/m/.status/health.json'"
cat "$WORK/m/documents/"* > /dev/null 2>&1  # requests that fail over, so the URL is in error texts
check "errors and log never show the password" bash -c "! grep -rq s3cret '$WORK/m/.status/errors' '$WORK/c/recallfs.log'"

# The views' flags: a time zone tzdata does not know, a path as a zone, --context out of range.
for bad in "--timezone Mars/Olympus" "--timezone ../../etc/passwd" "--context 0" "--context 100"; do
  out=$("$RECALLFS_BIN" mount "$WORK/never" --db "$PENSIEVE_DB" --no-api $bad 2>&1); rc=$?
  assert_eq 2 "$rc" "$bad is exit status 2"
  assert_eq 1 "$(echo "$out" | wc -l)" "$bad is one line ($out)"
done
