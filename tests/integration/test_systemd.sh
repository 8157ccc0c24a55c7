# Linux conventions: systemd readiness, status, watchdog and stopping through a fake $NOTIFY_SOCKET;
# SIGHUP drops cached answers and keeps the mount; journald priorities when JOURNAL_STREAM names
# stderr; the mount's identity in /proc/mounts; --log-level and --log-file.
M="$WORK/mnt"; mkdir -p "$M"
SOCK="$WORK/notify.sock"; NOTES="$WORK/notes.txt"
python3 "$ROOT/tests/notify_listener.py" "$SOCK" "$NOTES" & listener=$!
for _ in $(seq 1 50); do [[ -S "$SOCK" ]] && break; sleep 0.1; done
# The API-first mount through the fault proxy would be heavier; here the API is a port we can close:
# a tiny proxy is not needed, the real server is used and the kill is simulated by pointing at it
# through a forwarder we stop and start (socat is not assumed: python's forwarder).
FWD_PORT=$((PENSIEVE_PORT + 7))
python3 "$ROOT/tests/tcp_forward.py" "$FWD_PORT" "$PENSIEVE_PORT" & fwd=$!
sleep 0.5
NOTIFY_SOCKET="$SOCK" WATCHDOG_USEC=1000000 "$RECALLFS_BIN" mount "$M" --foreground --db "$PENSIEVE_DB" \
  --api "http://127.0.0.1:$FWD_PORT" --health-interval 1 --api-timeout 1 --cache-dir "$WORK/cache" 2> "$WORK/fg.log" & daemon=$!
PIDS+=("$daemon"); MOUNTS+=("$M")
for _ in $(seq 1 100); do grep -q "READY=1" "$NOTES" 2>/dev/null && break; sleep 0.1; done
check "READY=1 arrives" grep -q "READY=1" "$NOTES"
check "the mount answers once READY=1 came" test -n "$(cat "$M/.status/health" 2>/dev/null)"
assert_contains "$(grep READY=1 "$NOTES")" "STATUS=" "READY=1 comes with a STATUS line"
sleep 1.5
check "WATCHDOG=1 pings at half of WATCHDOG_USEC" test "$(grep -c 'WATCHDOG=1' "$NOTES")" -ge 2
# The API goes away: a STATUS line says degraded and why; it comes back: ok again.
for _ in $(seq 1 150); do grep -q "STATUS=ok" "$NOTES" && break; sleep 0.1; done
check "STATUS=ok once the index is built" grep -q "STATUS=ok" "$NOTES"
kill "$fwd"; wait "$fwd" 2>/dev/null
for _ in $(seq 1 100); do grep -q "STATUS=degraded.*[Aa][Pp][Ii]" "$NOTES" && break; sleep 0.1; done
check "STATUS= says degraded and names the API when it goes" grep -q "STATUS=degraded.*[Aa][Pp][Ii]" "$NOTES"
python3 "$ROOT/tests/tcp_forward.py" "$FWD_PORT" "$PENSIEVE_PORT" & fwd=$!
for _ in $(seq 1 100); do sed -n '/STATUS=degraded.*[Aa][Pp][Ii]/,$p' "$NOTES" | grep -q "STATUS=ok" && break; sleep 0.1; done
check "STATUS= back to ok after the API returns" bash -c "sed -n '/STATUS=degraded.*[Aa][Pp][Ii]/,\$p' '$NOTES' | grep -q 'STATUS=ok'"
# SIGHUP: cached answers dropped, the mount stays.
ls "$M/search/budget" > /dev/null; cat "$M"/documents/* > /dev/null
kill -HUP "$daemon"; sleep 0.5
check "SIGHUP keeps the daemon" kill -0 "$daemon"
check "SIGHUP keeps the mount" test -n "$(ls "$M/documents")"
check "SIGHUP is logged" grep -q "SIGHUP: dropped every cached answer" "$WORK/fg.log"
# Identity: fuse.recallfs in /proc/mounts, found by findmnt.
assert_eq "fuse.recallfs" "$(awk -v m="$M" '$2 == m {print $3}' /proc/mounts)" "/proc/mounts shows fuse.recallfs"
check "findmnt -t fuse.recallfs finds the mount" bash -c "findmnt -t fuse.recallfs -n -o TARGET | grep -qx '$M'"
# Stop: STOPPING=1.
fusermount3 -u "$M"
wait_gone "$daemon"
check "STOPPING=1 on exit" grep -q "STOPPING=1" "$NOTES"
kill "$fwd" "$listener" 2>/dev/null; wait "$fwd" "$listener" 2>/dev/null

# journald: priorities when JOURNAL_STREAM is stderr's device and inode, plain lines otherwise.
J="$WORK/journal.log"; : > "$J"
M2="$WORK/mnt2"; mkdir -p "$M2"
stream=$(stat -c '%d:%i' "$J")
( exec 2>>"$J"; JOURNAL_STREAM="$stream" exec "$RECALLFS_BIN" mount "$M2" --foreground --db "$PENSIEVE_DB" --no-api --cache-dir "$WORK/cache2" --log-level debug ) & d2=$!
PIDS+=("$d2"); MOUNTS+=("$M2")
for _ in $(seq 1 100); do [[ -n "$(cat "$M2/.status/health" 2>/dev/null)" ]] && break; sleep 0.1; done
ls "$M2/search/bogus:x" > /dev/null 2>&1   # EINVAL: a warning
fusermount3 -u "$M2"; wait_gone "$d2"
check "info lines carry <6>" grep -q '^<6>recallfs' "$J"
check "warnings carry <4>" grep -q '^<4>' "$J"
check "--log-level debug lets <7> through" grep -q '^<7>' "$J"
check "no line without a priority" bash -c "! grep -v '^<[0-7]>' '$J' | grep -v '^unique:\|^   unique\|^INIT\|^   INIT\|^fuse:' | grep -q ."
# Not the journal: the usual format, and --log-file.
M3="$WORK/mnt3"; mkdir -p "$M3"
CACHE_DIR="$WORK/cache3" mount_fs "$M3" "$PENSIEVE_DB" --log-file "$WORK/custom.log" --log-level warning || fail "mount with --log-file"
ls "$M3/search/bogus:x" > /dev/null 2>&1
unmount_fs "$M3"
check "--log-file receives the log" grep -q "bogus" "$WORK/custom.log"
check "--log-level warning leaves info out" bash -c "! grep -q ' info ' '$WORK/custom.log'"
check "without the journal, no priority prefix" bash -c "! grep -q '^<[0-7]>' '$WORK/custom.log'"
