# Shared helpers for the integration tests. Each test file is sourced by run.sh in its own subshell.
# Every mount made through `mount_fs` is unmounted by `cleanup_mounts` (fusermount3 -u, then -uz),
# and only daemons started here are killed, by PID.

: "${RECALLFS_BIN:?set RECALLFS_BIN to the recallfs binary}"
WORK="${WORK:-$(mktemp -d /tmp/recallfs-it.XXXXXX)}"
MOUNTS=()
PIDS=()
FAILURES=0
CHECKS=0

fail() { echo "  FAIL: $*"; FAILURES=$((FAILURES + 1)); }
pass() { CHECKS=$((CHECKS + 1)); }
check() {  # check "description" command...
  local what="$1"; shift
  if "$@"; then pass; else fail "$what"; fi
}
assert_eq() {  # assert_eq expected actual description
  if [[ "$1" == "$2" ]]; then pass; else fail "$3: expected [$1], got [$2]"; fi
}
assert_contains() {  # assert_contains haystack needle description
  if [[ "$1" == *"$2"* ]]; then pass; else fail "$3: [$2] not in [${1:0:400}]"; fi
}

# mount_fs MNT DB [extra args...]: mounts in the background (the CLI returns once the mount is live)
# and records the daemon's pid from .status/health.json.
mount_fs() {
  local mnt="$1" db="$2"; shift 2
  mkdir -p "$mnt"
  # SQLite-only unless a test passes --api: API tests say so explicitly.
  local api=(--no-api)
  [[ " $* " == *" --api "* ]] && api=()
  "$RECALLFS_BIN" mount "$mnt" --db "$db" --cache-dir "${CACHE_DIR:-$WORK/cache}" "${api[@]}" "$@" || return 1
  MOUNTS+=("$mnt")
  local pid
  pid=$(daemon_pid "$mnt")
  [[ -n "$pid" ]] && PIDS+=("$pid")
  return 0
}

# The suite runs over Pensieve on SQLite, or on PostgreSQL (RECALLFS_STORE=postgresql run.sh …): then
# $PENSIEVE_DB is the server's URL, and these answer for either.
is_pg() { [[ "$PENSIEVE_DB" == postgresql://* ]]; }
# db_sql SQL [SEPARATOR]: one row per line, columns split by SEPARATOR (default |), read-only.
db_sql() {
  if is_pg; then PGOPTIONS="-c default_transaction_read_only=on" psql -X -q -At -F "${2:-|}" -d "$PENSIEVE_DB" -c "$1"
  else sqlite3 -separator "${2:-|}" "file:$PENSIEVE_DB?mode=ro" "$1"; fi
}
# db_epoch COLUMN: the SQL for a timestamp column as Unix seconds, in the database's dialect.
db_epoch() { if is_pg; then echo "extract(epoch FROM $1)::bigint"; else echo "CAST(strftime('%s', $1) AS INTEGER)"; fi; }
# What .status/backend says when the database answers.
db_backend() { if is_pg; then echo "postgresql 127.0.0.1:${PG_PORT:?}"; else echo sqlite; fi; }

daemon_pid() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]+"/.status/health.json"))["pid"])' "$1" 2>/dev/null; }

is_mounted() { awk -v m="$1" '$2 == m && $3 ~ /^fuse/ {found=1} END {exit !found}' /proc/mounts; }

# wait_gone PID: waits up to 10 s for a process to exit.
wait_gone() { for _ in $(seq 1 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done; return 1; }

# wait_unmounted MNT: waits up to 10 s for a mount to disappear.
wait_unmounted() { for _ in $(seq 1 100); do is_mounted "$1" || return 0; sleep 0.1; done; return 1; }

unmount_fs() {
  local mnt="$1"
  is_mounted "$mnt" || return 0
  fusermount3 -u "$mnt" 2>/dev/null || fusermount3 -uz "$mnt" 2>/dev/null || true
  wait_unmounted "$mnt"
}

cleanup_mounts() {
  local m p
  for m in "${MOUNTS[@]}"; do unmount_fs "$m"; done
  for p in "${PIDS[@]}"; do
    if kill -0 "$p" 2>/dev/null; then
      wait_gone "$p" || { kill "$p" 2>/dev/null; wait_gone "$p" || kill -9 "$p" 2>/dev/null; }
    fi
  done
}

# errno_of CMD...: runs a command and prints its stderr (to match "Invalid argument" etc.).
stderr_of() { "$@" 2>&1 >/dev/null; }

# synthetic_db DB COUNT GROUP EXT: a Pensieve-format database (schema from `recallfs index`) with COUNT
# entities of file type group GROUP, one a minute from 2026-01-01; the SQL on stdin then adds their
# metadata (it runs inside the same transaction, after the entities exist).
synthetic_db() {
  local db="$1" count="$2" group="$3" ext="$4"
  mkdir -p "$WORK/empty"
  "$RECALLFS_BIN" index "$WORK/empty" --db "$db" --library big > /dev/null || return 1
  { cat <<SQL
PRAGMA journal_mode=WAL;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $count)
INSERT INTO entities(id, filepath, filename, size, file_created_at, file_last_modified_at, file_type, file_type_group, library_id, folder_id)
SELECT i, '/big/' || i || '.$ext', i || '.$ext', 1000, strftime('%Y-%m-%d %H:%M:%S.000000', 1767225600 + i * 60, 'unixepoch'),
       strftime('%Y-%m-%d %H:%M:%S.000000', 1767225600 + i * 60, 'unixepoch'), '$ext', '$group', 1, 1 FROM n;
SQL
    cat
    echo "COMMIT;"
  } | sqlite3 "$db" > /dev/null
}

# daemon_alive PID [MNT]: the process exists and is not a zombie (an OOM-killed daemon lingers a moment
# in /proc), and, given a mountpoint, its .status/health still answers.
daemon_alive() {
  local s; s=$(awk '/^State:/ {print $2}' "/proc/$1/status" 2>/dev/null)
  [[ -n "$s" && "$s" != Z && "$s" != X ]] || return 1
  [[ -z "${2:-}" ]] || [[ -n "$(timeout 20 cat "$2/.status/health" 2>/dev/null)" ]]
}

# health_reason MNT PATTERN: prints the first string in .status/health.json (paths and the fixed words
# ok, degraded, sqlite... left out) or line in .status/errors that matches PATTERN (a Python regex,
# case-insensitive); fails if there is none.
health_reason() {
  python3 - "$1/.status/health.json" "$1/.status/errors" "$2" <<'PY'
import json, re, sys
pat = re.compile(sys.argv[3], re.I)
def walk(v, key=""):
    if isinstance(v, dict):
        for k, x in v.items(): yield from walk(x, k)
    elif isinstance(v, list):
        for x in v: yield from walk(x, key)
    elif isinstance(v, str) and not v.startswith("/") and v not in ("ok", "not configured", "degraded", "down", "sqlite", "api", "closed"):
        yield key, v
try:
    for k, v in walk(json.load(open(sys.argv[1]))):
        if pat.search(v): print(k + ":", v); sys.exit(0)
except (OSError, ValueError): pass
try:
    for line in open(sys.argv[2]):
        if pat.search(line): print(line.strip()); sys.exit(0)
except OSError: pass
sys.exit(1)
PY
}
