#!/usr/bin/env bash
# The views at scale: `ls timeline/`, `ls timeline/YYYY/MM/`, `ls timeline/YYYY/MM/DD/` and
# `ls apps/<app>/` on a 100,000-entity database, each beside `sqlite3` running the equivalent query on
# Pensieve's tables in the same run (best of ROUNDS, warm: the page cache and the index hold the data).
#   bench/views-bench.sh [DB]
# Without DB it uses (or makes, with bench/make-scale-db.py) ${BENCH_DIR}/scale-${SCALE_ENTITIES}.db.
#   SCALE_ENTITIES  entities to generate (default 100000)
#   BENCH_DIR       where the database and the run's cache go (default /tmp/recallfs-bench)
#   RECALLFS_BIN    the binary (default .build/release/recallfs)
#   ROUNDS          repetitions of each measurement, the best one kept (default 5)
#   TZ_NAME         the mount's --timezone (default UTC; sqlite3's day boundaries follow it by offset)
# Prints: name: measured X, baseline Y, ratio Z (reference only: no target is set for these).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
BENCH_DIR="${BENCH_DIR:-/tmp/recallfs-bench}"
N_WANTED="${SCALE_ENTITIES:-100000}"
BIN="${RECALLFS_BIN:-.build/release/recallfs}"
ROUNDS="${ROUNDS:-5}"
mkdir -p "$BENCH_DIR"
[[ -x "$BIN" ]] || { echo "views-bench: no recallfs binary at $BIN (swift build -c release)" >&2; exit 1; }
DB="${1:-$BENCH_DIR/scale-$N_WANTED.db}"
if [[ ! -s "$DB" ]]; then
  echo "views-bench: generating $N_WANTED entities into $DB" >&2
  python3 bench/make-scale-db.py --entities "$N_WANTED" --out "$DB" --force --recallfs "$BIN" > /dev/null
fi
N=$(sqlite3 -readonly "$DB" 'SELECT count(*) FROM entities')

RUN="$(mktemp -d "$BENCH_DIR/views.XXXXXX")"; MNT="$RUN/mnt"; mkdir -p "$MNT"
PID=""
source bench/bench-lib.sh
cleanup() {
  stop_mount
  is_mounted || rm -rf "$RUN"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
now() { date +%s.%N; }
health() { python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$MNT/.status/health.json" "$1"; }
# best CMD...: the fastest of ROUNDS runs of CMD (output discarded), in milliseconds.
best() {
  local b="" t ms
  for _ in $(seq 1 "$ROUNDS"); do
    t=$(now); "$@" > /dev/null; ms=$(awk -v a="$t" -v b="$(now)" 'BEGIN { printf "%.2f", (b - a) * 1000 }')
    b=$(awk -v x="$ms" -v y="$b" 'BEGIN { print (y == "" || x < y) ? x : y }')
  done
  echo "$b"
}
line() {  # line NAME MNT_MS SQLITE_MS COUNT
  printf '%s: measured %s ms, baseline sqlite3 %s ms, ratio %s (%s entries)\n' "$1" "$2" "$3" \
    "$(awk -v a="$2" -v b="$3" 'BEGIN { printf "%.2f", a / b }')" "$4"
}

printf 'RecallFS views benchmark (%s), %s entities, %s\n' "$(date -u +%Y-%m-%dT%H:%MZ)" "$N" "$BIN"
"$BIN" mount "$MNT" --db "$DB" --no-api --cache-dir "$RUN/cache" --timezone "${TZ_NAME:-UTC}" > /dev/null
PID=$(health 'd["pid"]')
until [[ "$(health 'd.get("index", {}).get("ready")')" == True ]]; do sleep 0.5; done
offset=$(TZ="${TZ_NAME:-UTC}" date +%z | awk '{ s = substr($0, 1, 1) == "-" ? -1 : 1; print s * (substr($0, 2, 2) * 60 + substr($0, 4, 2)) }')
q() { sqlite3 -readonly "$DB" "$1"; }

# The busiest month and day, and the most and least common apps, from SQL.
read -r month < <(q "SELECT strftime('%Y/%m', file_created_at, '$offset minutes') m FROM entities GROUP BY m ORDER BY count(*) DESC LIMIT 1")
read -r day < <(q "SELECT strftime('%Y/%m/%d', file_created_at, '$offset minutes') d FROM entities GROUP BY d ORDER BY count(*) DESC LIMIT 1")
read -r app < <(q "SELECT value FROM metadata_entries WHERE key = 'active_app' GROUP BY value ORDER BY count(*) DESC LIMIT 1")
y=${month%/*}; m=${month#*/}
mstart=$(q "SELECT strftime('%Y-%m-%d %H:%M:%S', '$y-$m-01', '$((-offset)) minutes')")
mend=$(q "SELECT strftime('%Y-%m-%d %H:%M:%S', '$y-$m-01', '+1 month', '$((-offset)) minutes')")
dstart=$(q "SELECT strftime('%Y-%m-%d %H:%M:%S', '${day//\//-}', '$((-offset)) minutes')")
dend=$(q "SELECT strftime('%Y-%m-%d %H:%M:%S', '${day//\//-}', '+1 day', '$((-offset)) minutes')")
ls "$MNT/timeline" "$MNT/timeline/$month" "$MNT/timeline/$day" "$MNT/apps/$app" > /dev/null   # warm

# ls timeline/: the years. sqlite3: distinct years over the capture-time index.
line "ls timeline/" "$(best ls "$MNT/timeline")" \
  "$(best q "SELECT DISTINCT strftime('%Y', file_created_at, '$offset minutes') FROM entities")" "$(ls "$MNT/timeline" | wc -l)"
# ls timeline/YYYY/MM/: the month's days. sqlite3: distinct days in the month's range.
line "ls timeline/$month/" "$(best ls "$MNT/timeline/$month")" \
  "$(best q "SELECT DISTINCT strftime('%d', file_created_at, '$offset minutes') FROM entities WHERE file_created_at >= '$mstart' AND file_created_at < '$mend'")" \
  "$(ls "$MNT/timeline/$month" | wc -l)"
# ls timeline/YYYY/MM/DD/: the day's documents, named. sqlite3: their ids and file names.
line "ls timeline/$day/" "$(best ls "$MNT/timeline/$day")" \
  "$(best q "SELECT id, filename FROM entities WHERE file_created_at >= '$dstart' AND file_created_at < '$dend' ORDER BY id")" \
  "$(ls "$MNT/timeline/$day" | wc -l)"
# ls apps/<app>/: every document of the busiest app. sqlite3: their ids and file names.
line "ls apps/$app/" "$(best ls "$MNT/apps/$app")" \
  "$(best q "SELECT e.id, e.filename FROM entities e JOIN metadata_entries m ON m.entity_id = e.id AND m.key = 'active_app' WHERE m.value = '$app' ORDER BY e.id")" \
  "$(ls "$MNT/apps/$app" | wc -l)"
line "ls -l apps/$app/" "$(best ls -l "$MNT/apps/$app")" \
  "$(best q "SELECT e.id, e.filename, e.size, e.file_created_at FROM entities e JOIN metadata_entries m ON m.entity_id = e.id AND m.key = 'active_app' WHERE m.value = '$app' ORDER BY e.id")" \
  "$(ls "$MNT/apps/$app" | wc -l)"

# The same `ls -l` without extended attributes (`--no-xattrs`): `ls -l` asks every file for
# `security.selinux` and `system.posix_acl_access`, two round trips per file while xattrs are offered.
with_xattrs=$(best ls -l "$MNT/apps/$app")
stop_mount
"$BIN" mount "$MNT" --db "$DB" --no-api --cache-dir "$RUN/cache" --timezone "${TZ_NAME:-UTC}" --no-xattrs > /dev/null
PID=$(health 'd["pid"]')
until [[ "$(health 'd.get("index", {}).get("ready")')" == True ]]; do sleep 0.5; done
ls -l "$MNT/apps/$app" > /dev/null
without=$(best ls -l "$MNT/apps/$app")
printf 'ls -l apps/%s with --no-xattrs: measured %s ms, baseline with xattrs %s ms, ratio %s\n' "$app" "$without" "$with_xattrs" \
  "$(awk -v a="$without" -v b="$with_xattrs" 'BEGIN { printf "%.2f", a / b }')"
