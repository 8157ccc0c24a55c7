# Mount, unmount, signals, foreground mode and the status command leave no mount and no daemon behind.
M="$WORK/mnt"

# recallfs unmount
mount_fs "$M" "$PENSIEVE_DB" || { fail "mount"; return; }
pid=$(daemon_pid "$M")
check "daemon pid known" test -n "$pid"
check "mounted as fuse.recallfs" bash -c "awk '\$2==\"$M\" && \$3==\"fuse.recallfs\"' /proc/mounts | grep -q ."
out=$("$RECALLFS_BIN" status "$M")
assert_contains "$out" "health:    ok" "status command shows health"
assert_contains "$out" "backend:   sqlite" "status command shows backend"
check "recallfs unmount" "$RECALLFS_BIN" unmount "$M"
check "unmounted" bash -c "! awk '\$2==\"$M\"' /proc/mounts | grep -q ."
check "daemon exited after unmount" wait_gone "$pid"

# SIGTERM and SIGINT end the daemon and unmount.
for sig in TERM INT; do
  mount_fs "$M" "$PENSIEVE_DB" || { fail "mount for $sig"; continue; }
  pid=$(daemon_pid "$M")
  kill -"$sig" "$pid"
  check "SIG$sig ends the daemon" wait_gone "$pid"
  check "SIG$sig leaves no mount" wait_unmounted "$M"
done
# SIGHUP is systemd's reload: every cached answer goes, the mount stays (then SIGTERM ends it).
mount_fs "$M" "$PENSIEVE_DB" || fail "mount for HUP"
pid=$(daemon_pid "$M")
cat "$M"/documents/* > /dev/null
kill -HUP "$pid"; sleep 0.5
check "SIGHUP keeps the daemon" kill -0 "$pid"
check "SIGHUP keeps the mount" is_mounted "$M"
check "the mount answers after SIGHUP" test "$(ls "$M/documents" | wc -l)" -gt 0
check "SIGHUP is logged" grep -q "SIGHUP: dropped every cached answer" "$WORK/cache/recallfs.log"
kill -TERM "$pid"
check "SIGTERM after SIGHUP ends the daemon" wait_gone "$pid"
wait_unmounted "$M"

# fusermount3 -u while a reader is idle, and unmount of a busy mount fails clearly.
mount_fs "$M" "$PENSIEVE_DB" || fail "mount"
pid=$(daemon_pid "$M")
( cd "$M/documents" && sleep 3 ) &
holder=$!
sleep 0.3
out=$("$RECALLFS_BIN" unmount "$M" 2>&1); rc=$?
check "unmount of a busy mount fails" test $rc -ne 0
assert_contains "$out" "busy" "busy unmount says why"
wait "$holder"
check "fusermount3 -u" fusermount3 -u "$M"
check "daemon exited after fusermount3 -u" wait_gone "$pid"

# Foreground mode: stays attached, logs to stderr, ends on SIGTERM.
"$RECALLFS_BIN" mount "$M" --db "$PENSIEVE_DB" --cache-dir "$WORK/cache" --no-api --foreground 2> "$WORK/fg.log" &
fg=$!
PIDS+=("$fg"); MOUNTS+=("$M")
for _ in $(seq 1 50); do is_mounted "$M" && break; sleep 0.1; done
check "foreground mount is live" test -r "$M/.status/health"
assert_eq "$fg" "$(daemon_pid "$M")" "foreground daemon is the process we started"
kill -TERM "$fg"; wait "$fg"; rc=$?
check "foreground daemon exits 0 on SIGTERM" test $rc -eq 0
check "foreground mount gone" wait_unmounted "$M"
assert_contains "$(cat "$WORK/fg.log")" "mounted" "foreground logs to stderr"

# kill -9 leaves a stale mount; the cleanup script removes it.
mount_fs "$M" "$PENSIEVE_DB" || fail "mount"
pid=$(daemon_pid "$M")
kill -9 "$pid"; wait_gone "$pid"
assert_contains "$(stderr_of stat "$M")" "not connected" "kill -9 leaves a stale mount"
out=$("$ROOT/mountscripts/recallfs-cleanup" "$M")
assert_contains "$out" "unmounted (stale)" "cleanup script reports"
check "cleanup removed the stale mount" bash -c "! awk '\$2==\"$M\"' /proc/mounts | grep -q ."
check "remount after cleanup" mount_fs "$M" "$PENSIEVE_DB"
out=$("$ROOT/mountscripts/recallfs-cleanup" "$M")
assert_contains "$out" "live, left alone" "cleanup leaves a live mount alone"
check "recallfs unmount" "$RECALLFS_BIN" unmount "$M"
