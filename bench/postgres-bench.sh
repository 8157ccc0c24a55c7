#!/usr/bin/env bash
# Benchmark (not a test): RecallFS over Pensieve on PostgreSQL at a million captures (issue 12), each
# measurement beside psql running the daemon's own SQL in the same run, and beside the SQLite store
# over the same documents.
#   bench/postgres-bench.sh
#
#   RECALLFS_BIN    binary to mount with (default .build/release/recallfs)
#   SCALE_ENTITIES  entities (default 1000000)
#   SCALE_SEED      generator seed (default 1; the PostgreSQL and SQLite databases hold the same documents)
#   SCALE_DAYS      days the captures span (default 90)
#   BENCH_DIR       databases and the run's scratch directory (default /tmp/recallfs-scale)
#   PG_DIR, PG_PORT the private cluster of bench/make-scale-pg.sh (default $BENCH_DIR/pg, 25432)
#   SEARCH_ROUNDS   cold spellings per search query (default 6, at most 8)
#   SQLITE_SIDE     1 (default): also measure the SQLite store; 0: PostgreSQL only
#   INDEX_TIMEOUT   seconds the SQLite store may take to answer its first search (default 7200)
#
# The PostgreSQL database is bench/make-scale-pg.sh's scale_N, made if it is missing (minutes at a
# million; that script prints its timings). The SQLite one is ${BENCH_DIR}/scale-N.db, reused when it
# holds N entities of the same seed (like bench/scale-bench.sh), else made by bench/make-scale-db.py.
# A cluster this script started is stopped at exit; one that was running is left running.
#
# Prints one line per measurement:  name: measured X, baseline Y, ratio Z
# For the PostgreSQL store the baseline is psql in the same run: the same SQL text the daemon sends, with
# its parameters written in (`\timing`: server time plus transfer, no connection set-up, except where
# said); for the SQLite store it is the PostgreSQL store's measurement. Indented lines are details.
#   mount-to-first-search  from starting `recallfs mount` to the first `ls search/zqrare` answered (the
#                          SQLite store answers searches once its local index is built: many minutes at
#                          a million); psql: a new connection and the same search.
#   search                 `ls search/<name>`, each name new (the daemon caches result lists by name):
#                          spelling r upper-cases letters by the bits of r-1, and " limit:50" (the
#                          default) is appended. psql runs the same search each time, alternately
#                          before and after the mount so neither always finds the server's cache warmer;
#                          before the first round psql runs each search once (its times are printed:
#                          after a server restart they are the cold-cache case), so no measurement
#                          reads entities_fts from disk. A failed ls counts with its time and is shown.
#   ls documents           `ls documents | wc -l`; psql: SELECT id FROM entities ORDER BY id. Details:
#                          the daemon's listing SQL (keyset pages of 400 with per-row subqueries) in one
#                          statement over all rows.
# The plan of the common word's search (EXPLAIN ANALYZE) closes the PostgreSQL part.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BIN="$(realpath "${RECALLFS_BIN:-.build/release/recallfs}")"
export SCALE_ENTITIES="${SCALE_ENTITIES:-1000000}" SCALE_SEED="${SCALE_SEED:-1}" SCALE_DAYS="${SCALE_DAYS:-90}"
export BENCH_DIR="${BENCH_DIR:-/tmp/recallfs-scale}"
export PG_DIR="${PG_DIR:-$BENCH_DIR/pg}" PG_PORT="${PG_PORT:-25432}"
N="$SCALE_ENTITIES"
ROUNDS="${SEARCH_ROUNDS:-6}"
SQLITE_SIDE="${SQLITE_SIDE:-1}"
INDEX_TIMEOUT="${INDEX_TIMEOUT:-7200}"
[[ -x "$BIN" ]] || { echo "postgres-bench: no recallfs binary at $BIN (build it, or set RECALLFS_BIN)" >&2; exit 1; }
(( ROUNDS >= 1 && ROUNDS <= 8 )) || { echo "postgres-bench: SEARCH_ROUNDS must be 1 to 8" >&2; exit 2; }
mkdir -p "$BENCH_DIR"
PGBIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
PG_URL="$(bench/make-scale-pg.sh url)"
DBNAME="scale_$N"
psql_() { PGOPTIONS="-c client_min_messages=warning" "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$DBNAME" "$@"; }

RUN="$(mktemp -d "$BENCH_DIR/pgrun.XXXXXX")"
MNT="$RUN/mnt"
mkdir -p "$MNT"
PID=""
STARTED_PG=0
source bench/bench-lib.sh
cleanup() {
  stop_mount
  is_mounted || rm -rf "$RUN"   # never recurse into a mount that is still there
  if [[ $STARTED_PG == 1 ]]; then bench/make-scale-pg.sh stop; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.6f", b - a }'; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }   # calc FORMAT EXPR
line() { printf '%s: measured %s, baseline %s, ratio %s\n' "$1" "$2" "$3" "$4"; }
health() { python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$MNT/.status/health.json" "$1"; }

# --- Databases ----------------------------------------------------------------------------------------
if ! bench/make-scale-pg.sh status > /dev/null 2>&1 || [[ "$(bench/make-scale-pg.sh status | head -1)" == *down ]]; then
  bench/make-scale-pg.sh start > /dev/null; STARTED_PG=1
fi
bench/make-scale-pg.sh generate > /dev/null   # nothing to do when scale_N is complete
SQLITE_DB="$BENCH_DIR/scale-$N.db"
if [[ $SQLITE_SIDE == 1 ]]; then
  sqlite_ok() {  # N entities, and (when its summary is there) the same seed and days
    [[ "$(sqlite3 -readonly "$SQLITE_DB" 'SELECT count(*) FROM entities' 2>/dev/null)" == "$N" ]] || return 1
    [[ ! -f "$SQLITE_DB.summary.json" ]] || python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit((d.get("seed", 1), float(d.get("days", 90))) != (int(sys.argv[2]), float(sys.argv[3])))' "$SQLITE_DB.summary.json" "$SCALE_SEED" "$SCALE_DAYS"
  }
  if ! sqlite_ok; then
    echo "postgres-bench: generating $N entities into $SQLITE_DB" >&2
    t=$(now)
    python3 bench/make-scale-db.py --entities "$N" --seed "$SCALE_SEED" --days "$SCALE_DAYS" --out "$SQLITE_DB" --force --recallfs "$BIN" > "$SQLITE_DB.summary.json"
    echo "postgres-bench: generated in $(calc %.1f "$(since "$t")") s" >&2
  fi
fi

# --- The daemon's SQL, with the parameters written in -------------------------------------------------
# As Sources/PostgresStore/PensievePostgresStore+Search.swift builds it: each word a prefix tsquery, ANDed;
# the most recent 20,000 matches by id ranked with ts_rank_cd; the first 50 (limit:50).
tsq() {  # tsq WORD...: the match expression
  local out="" w
  for w in "$@"; do out+="${out:+ && }to_tsquery('simple', '''${w,,}'':*')"; done
  printf '(%s)' "$out"
}
search_sql() {  # without filters the daemon does not join entities
  printf '%s' "WITH recent AS (
    SELECT f.id, f.search_vector FROM entities_fts f
    WHERE f.search_vector @@ $(tsq "$@") ORDER BY f.id DESC LIMIT 20000)
SELECT r.id, ts_rank_cd(r.search_vector, $(tsq "$@")) AS score FROM recent r ORDER BY score DESC, r.id LIMIT 50"
}
# A listing page as the daemon reads it: the rows' own columns, then the metadata and tags of the
# page's ids in one grouped query each (here: over every row at once).
SUMMARY_SQL="SELECT e.id, e.library_id, e.filename, extract(epoch FROM e.file_created_at)::bigint,
  concat_ws('|', e.updated_at, e.file_created_at, e.file_last_modified_at, e.size, e.last_scan_at, e.filepath)
  FROM entities e ORDER BY e.id;
SELECT entity_id, (array_agg(value ORDER BY id) FILTER (WHERE key = 'active_app'))[1],
  concat_ws('|', max(updated_at), count(*), max(id)) FROM metadata_entries GROUP BY entity_id;
SELECT entity_id, concat_ws('|', count(*), max(id)) FROM entity_tags GROUP BY entity_id"
psql_ms() {  # psql_ms SQL: runs it, prints \timing's milliseconds
  psql_ -At -c '\timing on' -c "$1" | awk '/^Time: / { print $2 }' | tail -1
}

queries=(zqrare zqten zqhalf "zqone zqten")
spell() {  # spell Q R: Q with letters upper-cased by the bits of R-1 (position mod 3 picks the bit)
  local q="$1" r=$(( $2 - 1 )) out="" i c
  for (( i = 0; i < ${#q}; i++ )); do
    c="${q:i:1}"
    if (( r >> (i % 3) & 1 )); then out+="${c^^}"; else out+="$c"; fi
  done
  printf '%s' "$out"
}
fails() { (( $1 == 0 )) || printf ' (%s failed)' "$1"; }
pct() {  # pct P VALUES...: the P-th percentile (nearest rank)
  local p="$1"; shift
  printf '%s\n' "$@" | sort -n | awk -v p="$p" '{ v[NR] = $1 } END { i = int(p / 100 * NR + 0.999999); if (i < 1) i = 1; print v[i] }'
}

# measure_store KIND DB: mounts DB, measures, unmounts. Sets M_FIRST (s), M_SEARCH_<k>_{50,95} (ms),
# M_ALL_{50,95}, M_LS (s), M_LS_N; for postgresql also the psql baselines B_*.
measure_store() {
  local kind="$1" db="$2" cache="$RUN/cache-$1" t name n ms r q k
  # mount-to-first-search
  t=$(now)
  "$BIN" mount "$MNT" --db "$db" --no-api --cache-dir "$cache" > /dev/null
  PID=$(health 'd["pid"]')
  local deadline=$(( $(date +%s) + INDEX_TIMEOUT )) last_note=$(date +%s)
  until n=$(ls "$MNT/search/zqrare" 2>/dev/null | wc -l) && [[ $n -gt 0 ]]; do
    (( $(date +%s) < deadline )) || { echo "postgres-bench: no answer to search/zqrare after $INDEX_TIMEOUT s ($kind)" >&2; exit 1; }
    if (( $(date +%s) - last_note >= 30 )); then
      echo "postgres-bench: $kind: waiting for the first search; index: $(health 'd.get("index", {}).get("building")')" >&2; last_note=$(date +%s)
    fi
    sleep 0.2
  done
  M_FIRST=$(since "$t"); M_FIRST_N=$n

  # searches: rounds over all queries; psql before the mount in odd rounds, after it in even ones.
  # A failed ls (the daemon's statement_timeout, --db-timeout, is 5 s by default) counts with its time.
  declare -gA M_T=() B_T=() M_N=() M_FAIL=()
  local all=() ball=()
  for (( r = 1; r <= ROUNDS; r++ )); do
    for k in "${!queries[@]}"; do
      q="${queries[$k]}"
      name="$(spell "$q" "$r") limit:50"
      if [[ $kind == postgresql ]] && (( r % 2 == 1 )); then ms=$(psql_ms "$(search_sql $q)"); B_T[$k]+="$ms "; ball+=("$ms"); fi
      t=$(now)
      if n=$(ls "$MNT/search/$name" | wc -l); then M_N[$k]=$n
      else M_FAIL[$k]=$(( ${M_FAIL[$k]:-0} + 1 )); echo "postgres-bench: ls search/$name failed ($kind)" >&2; fi
      ms=$(calc %.2f "$(since "$t") * 1000")
      M_T[$k]+="$ms "; all+=("$ms")
      if [[ $kind == postgresql ]] && (( r % 2 == 0 )); then ms=$(psql_ms "$(search_sql $q)"); B_T[$k]+="$ms "; ball+=("$ms"); fi
    done
  done
  M_ALL_50=$(pct 50 "${all[@]}"); M_ALL_95=$(pct 95 "${all[@]}")
  if [[ $kind == postgresql ]]; then B_ALL_50=$(pct 50 "${ball[@]}"); B_ALL_95=$(pct 95 "${ball[@]}"); fi

  # ls documents
  t=$(now); M_LS_N=$(ls "$MNT/documents" | wc -l); M_LS=$(since "$t")

  stop_mount; PID=""
}

printf 'RecallFS PostgreSQL benchmark (%s), %s entities, %s\n' "$(date -u +%Y-%m-%dT%H:%MZ)" "$N" "$BIN"
echo "  postgresql: $PG_URL ($(psql_ -At -c "SELECT split_part(version(), ' ', 2) || ', ' || pg_size_pretty(pg_database_size(current_database()))"), shared_buffers $(psql_ -At -c 'SHOW shared_buffers'))"
[[ $SQLITE_SIDE == 1 ]] && echo "  sqlite: $SQLITE_DB ($(du -h "$SQLITE_DB" | cut -f1))"

# --- PostgreSQL store -----------------------------------------------------------------------------------
# psql's mount-to-first-search analogue: a new connection and the same search (wall time of the process).
t=$(now); psql_ -At -c "$(search_sql zqrare)" > /dev/null; B_FIRST=$(since "$t")
# The other searches once each before any measurement, so that neither side meets the server's cold
# cache (after a restart the first common-word search reads most of entities_fts from disk).
warm=""
for q in "${queries[@]:1}"; do warm+="'$q' $(psql_ms "$(search_sql $q)") ms, "; done
measure_store postgresql "$PG_URL"
PG_FIRST=$M_FIRST; PG_ALL_50=$M_ALL_50; PG_ALL_95=$M_ALL_95; PG_LS=$M_LS; PG_LS_N=$M_LS_N
declare -A PG_T PG_N PG_FAIL
for k in "${!queries[@]}"; do PG_T[$k]="${M_T[$k]}"; PG_N[$k]="${M_N[$k]:-0}"; PG_FAIL[$k]="${M_FAIL[$k]:-0}"; done

line "postgresql mount-to-first-search" "$(calc %.3f "$PG_FIRST") s" "$(calc %.3f "$B_FIRST") s (psql: connect + the same search)" \
  "$(calc %.2f "$PG_FIRST / $B_FIRST")"
echo "  server cache warm-up, psql's first run of the other searches: ${warm%, }"
for k in "${!queries[@]}"; do
  q="${queries[$k]}"
  # shellcheck disable=SC2086
  m50=$(pct 50 ${PG_T[$k]}); m95=$(pct 95 ${PG_T[$k]}); b50=$(pct 50 ${B_T[$k]}); b95=$(pct 95 ${B_T[$k]})
  line "postgresql search '$q' p50 ($ROUNDS spellings, ${PG_N[$k]} results)" "$m50 ms" "$b50 ms (psql, same SQL)" "$(calc %.2f "$m50 / $b50")"
  line "postgresql search '$q' p95" "$m95 ms" "$b95 ms (psql, same SQL)" "$(calc %.2f "$m95 / $b95")"
  printf '  mount: %s ms%s; psql: %s ms\n' "${PG_T[$k]% }" "$(fails "${PG_FAIL[$k]}")" "${B_T[$k]% }"
done
line "postgresql search all p50 (${#queries[@]} queries x $ROUNDS)" "$PG_ALL_50 ms" "$B_ALL_50 ms (psql)" "$(calc %.2f "$PG_ALL_50 / $B_ALL_50")"
line "postgresql search all p95" "$PG_ALL_95 ms" "$B_ALL_95 ms (psql)" "$(calc %.2f "$PG_ALL_95 / $B_ALL_95")"
t=$(now); base_n=$(psql_ -At -c 'SELECT id FROM entities ORDER BY id' | wc -l); base_t=$(since "$t")
line "postgresql ls documents" "$(calc %.3f "$PG_LS") s ($PG_LS_N names)" "$(calc %.3f "$base_t") s (psql: SELECT id FROM entities ORDER BY id, $base_n rows)" \
  "$(calc %.2f "$PG_LS / $base_t")"
t=$(now); sum_n=$(psql_ -At -c "$SUMMARY_SQL" | wc -l); sum_t=$(since "$t")
echo "  the daemon's listing SQL (rows, then grouped metadata and tags) over every row in three psql statements ($sum_n lines): $(calc %.3f "$sum_t") s"
echo "  plan of the search for 'zqten' (EXPLAIN ANALYZE, the SQL above; the daemon sends it as a prepared statement):"
psql_ -At -c "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) $(search_sql zqten)" | sed 's/^/    /'

# --- SQLite store -------------------------------------------------------------------------------------
if [[ $SQLITE_SIDE == 1 ]]; then
  measure_store sqlite "$SQLITE_DB"
  line "sqlite mount-to-first-search (local index build included)" "$(calc %.3f "$M_FIRST") s" "$(calc %.3f "$PG_FIRST") s (postgresql store)" \
    "$(calc %.2f "$M_FIRST / $PG_FIRST")"
  for k in "${!queries[@]}"; do
    q="${queries[$k]}"
    # shellcheck disable=SC2086
    m50=$(pct 50 ${M_T[$k]}); m95=$(pct 95 ${M_T[$k]}); p50=$(pct 50 ${PG_T[$k]}); p95=$(pct 95 ${PG_T[$k]})
    line "sqlite search '$q' p50 ($ROUNDS spellings, ${M_N[$k]:-0} results)" "$m50 ms" "$p50 ms (postgresql store)" "$(calc %.2f "$m50 / $p50")"
    line "sqlite search '$q' p95" "$m95 ms" "$p95 ms (postgresql store)" "$(calc %.2f "$m95 / $p95")"
    printf '  mount: %s ms%s\n' "${M_T[$k]% }" "$(fails "${M_FAIL[$k]:-0}")"
  done
  line "sqlite search all p50" "$M_ALL_50 ms" "$PG_ALL_50 ms (postgresql store)" "$(calc %.2f "$M_ALL_50 / $PG_ALL_50")"
  line "sqlite search all p95" "$M_ALL_95 ms" "$PG_ALL_95 ms (postgresql store)" "$(calc %.2f "$M_ALL_95 / $PG_ALL_95")"
  line "sqlite ls documents" "$(calc %.3f "$M_LS") s ($M_LS_N names)" "$(calc %.3f "$PG_LS") s (postgresql store)" "$(calc %.2f "$M_LS / $PG_LS")"
fi
