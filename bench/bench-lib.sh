# Shared by the bench scripts (sourced): unmounting what a run mounted and stopping only the daemon
# it started.

# is_mounted: whether $MNT is a FUSE mount now.
is_mounted() { awk -v m="$MNT" '$2 == m && $3 ~ /^fuse/ { f = 1 } END { exit !f }' /proc/mounts; }

# stop_mount: unmounts $MNT (lazily if it is busy) and waits for the daemon $PID to exit by itself,
# 10 s at most, then TERM, then KILL. Never touches another daemon.
stop_mount() {
  if is_mounted; then fusermount3 -u "$MNT" 2>/dev/null || fusermount3 -uz "$MNT" 2>/dev/null || true; fi
  if [[ -n "${PID:-}" ]]; then
    for _ in $(seq 1 100); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$PID" 2>/dev/null; then kill "$PID" 2>/dev/null; sleep 2; kill -9 "$PID" 2>/dev/null || true; fi
  fi
}
