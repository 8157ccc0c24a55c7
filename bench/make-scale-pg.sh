#!/usr/bin/env bash
# Generates a Pensieve-format PostgreSQL database of N screen captures, for benchmarks at a million
# (issue 12), on a private PostgreSQL cluster of its own. Not a test.
#
#   bench/make-scale-pg.sh [generate]   start the cluster if it is down, make database scale_N unless it
#                                       already holds a complete one (FORCE=1 makes it again), then stop
#                                       the cluster again if this run started it (PG_KEEP=1 leaves it up)
#   bench/make-scale-pg.sh start        start the cluster (initialised on first use); prints its URL
#   bench/make-scale-pg.sh stop         stop it (by the PID in its postmaster.pid), keep the data
#   bench/make-scale-pg.sh status       whether it answers, and the databases it holds
#   bench/make-scale-pg.sh url          the database's URL (postgresql://postgres@127.0.0.1:PORT/scale_N)
#
#   SCALE_ENTITIES  entities (default 1000000)
#   SCALE_SEED      generator seed (default 1)       } the same documents as bench/make-scale-db.py
#   SCALE_DAYS      days the captures span (default 90) } --entities N --seed S --days D writes to SQLite
#   BENCH_DIR       default /tmp/recallfs-scale
#   PG_DIR          the cluster's directory (default $BENCH_DIR/pg); its data, log and socket live there
#   PG_PORT         its port on 127.0.0.1 (default 25432)
#   FORCE           1: drop and make the database again even if it is complete
#   PG_KEEP         1: leave a cluster this run started running
#
# The cluster is one server, no replica (scripts/postgres-up.sh starts a streaming replica, which would
# replay every byte of the load), with wal_level=minimal so that tables created in the load's own
# transaction are written without WAL, and maintenance_work_mem=1GB for the index builds. Everything
# else is PostgreSQL's default (shared_buffers 128MB); the benchmark reads through that server too.
#
# The schema is bench/pensieve-pg-schema.sql, a pg_dump of what Pensieve 0.37.0 creates (see its
# header). The documents come from bench/make-scale-db.py's documents() generator (imported, not
# copied), so scale_N here and its scale-N.db with the same seed and days hold the same captures:
# entities, six metadata_entries each (timestamp, active_app, active_window, screen_name, sequence,
# ocr_result), the app as a tag (entity_tags), and entities_fts as Pensieve's PostgreSQL search
# provider writes it (prepare_fts_data: filepath plus its filename's parts; tags and "key: value"
# metadata lines with the OCR text joined, split by jieba and re-joined with spaces). jieba is not in
# the standard library: its output for this text is reproduced exactly (ASCII: the rules of jieba
# 0.42's cut(); the 12 CJK phrases: jieba's own segmentation, stored below; checked once against
# memos' own PostgreSQLSearchProvider.prepare_fts_data with jieba 0.42.1 on all 20,000 documents of
# SCALE_ENTITIES=20000: identical). search_vector and search_text are generated columns: the server
# computes them during COPY.
#
# The load is one transaction: pre-data schema, then COPY of every table in batches, fed by a Python
# generator through a pipe (Python uses one core, the server the other). Then the post-data part
# (primary keys, unique constraints, indexes in two sessions, foreign keys), sequences, VACUUM ANALYZE.
# The database is built as scale_N_part and renamed scale_N only when complete, with a JSON summary as
# its comment. Prints timings on stderr, the summary on stdout. At a million on 2 cores (shared with
# a build): 12 minutes (load 6, keys and indexes 5.5, of which 5 for entities_fts' GIN indexes), 7.5 GB.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${SCALE_ENTITIES:-1000000}"
SEED="${SCALE_SEED:-1}"
DAYS="${SCALE_DAYS:-90}"
BENCH_DIR="${BENCH_DIR:-/tmp/recallfs-scale}"
PG_DIR="${PG_DIR:-$BENCH_DIR/pg}"
PG_PORT="${PG_PORT:-25432}"
DB="scale_$N"
SCHEMA="$ROOT/bench/pensieve-pg-schema.sql"
action="${1:-generate}"
WORK=""   # generate's scratch directory (schema parts, summary), removed at exit
[[ "$N" =~ ^[1-9][0-9]*$ ]] || { echo "make-scale-pg: SCALE_ENTITIES must be a positive integer" >&2; exit 2; }

bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
BIN="$(bindir)"
[[ -n "$BIN" && -x "$BIN/initdb" ]] || { echo "make-scale-pg: no PostgreSQL server (scripts/postgres-up.sh installs it)" >&2; exit 1; }
# PostgreSQL refuses to run as root: as root, its server commands run as the `postgres` user.
as_owner() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
answers() { "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; }
psql_() { PGOPTIONS="-c client_min_messages=warning" "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres "$@"; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
own_pid() {  # the postmaster's PID from PG_DIR's pid file, if that process runs and is a postgres
  local pid
  [[ -f "$PG_DIR/data/postmaster.pid" ]] || return 1
  pid=$(head -1 "$PG_DIR/data/postmaster.pid")
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && grep -q postgres "/proc/$pid/comm" 2>/dev/null && echo "$pid"
}

cluster_start() {
  mkdir -p "$PG_DIR"
  [[ $(id -u) -eq 0 ]] && chown postgres: "$PG_DIR"
  if [[ ! -f "$PG_DIR/data/PG_VERSION" ]]; then
    as_owner "$BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 > "$PG_DIR/initdb.log"
    cat >> "$PG_DIR/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$PG_DIR'
wal_level = minimal
max_wal_senders = 0
max_wal_size = 8GB
maintenance_work_mem = 1GB
CONF
  fi
  if ! own_pid > /dev/null; then
    answers && { echo "make-scale-pg: another server answers on 127.0.0.1:$PG_PORT; set PG_PORT" >&2; return 1; }
    as_owner "$BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -o "-p $PG_PORT" -w start > /dev/null
  fi
  for _ in $(seq 1 100); do answers && return 0; sleep 0.1; done
  echo "make-scale-pg: 127.0.0.1:$PG_PORT does not answer (see $PG_DIR/server.log)" >&2; return 1
}

cluster_stop() {  # fast shutdown of the postmaster of PG_DIR, by PID
  local pid
  pid=$(own_pid) || return 0
  kill -INT "$pid"
  for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  echo "make-scale-pg: server (pid $pid) did not stop" >&2; return 1
}

# complete: the database exists under its final name, with the summary of these arguments.
complete() {
  local comment
  comment=$(psql_ -d postgres -At -c "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '$DB'")
  [[ -n "$comment" ]] && python3 -c '
import json, sys
d = json.loads(sys.argv[1])
sys.exit(0 if (d.get("entities"), d.get("seed"), float(d.get("days", 0))) == (int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])) else 1)' \
    "$comment" "$N" "$SEED" "$DAYS"
}

generate() {
  if [[ "${FORCE:-0}" != 1 ]] && complete; then
    echo "make-scale-pg: $DB is complete ($N entities, seed $SEED, $DAYS days); FORCE=1 makes it again" >&2
    return 0
  fi
  local part="${DB}_part" t0 t
  t0=$(now)
  psql_ -d postgres -c "DROP DATABASE IF EXISTS $part" -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $part"
  echo "make-scale-pg: loading $N entities into $part (127.0.0.1:$PG_PORT)" >&2
  # pre-data schema, then the rows, in one transaction; post-data (keys, indexes) after it.
  WORK="$(mktemp -d)"
  local pre="$WORK/pre-data.sql" post="$WORK/post-data.sql" summary="$WORK/summary.json"
  awk -v pre="$pre" -v post="$post" '/^-- recallfs-bench: post-data/ { p = 1 } { print > (p ? post : pre) }' "$SCHEMA"
  t=$(now)
  python3 - "$ROOT/bench/make-scale-db.py" "$N" "$SEED" "$DAYS" "$pre" "$summary" <<'PY' | psql_ -d "$part" -f - > /dev/null
import importlib.util, json, os, re, sys, time

src, n, seed, days, pre, summary_path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), sys.argv[5], sys.argv[6]
spec = importlib.util.spec_from_file_location("make_scale_db", src)
msd = importlib.util.module_from_spec(spec)
spec.loader.exec_module(msd)

# jieba 0.42 (what Pensieve's PostgreSQL provider calls), reproduced for this text. cut() splits the
# text into runs of [\u4E00-\u9FD5a-zA-Z0-9+#&._%-] and the rest. The rest: each whitespace character
# is a token, every other character one too. A run without Han characters (jieba's dictionary has no
# ASCII word this generator can produce) is one token if it is one character, else finalseg's split:
# [a-zA-Z0-9]+(\.\d+)?%? pieces and what lies between them. Pensieve joins the tokens with spaces.
RUN = re.compile("([\u4E00-\u9FD5a-zA-Z0-9+#&\\._%\\-]+)")
SKIP = re.compile(r"(\r\n|\s)")
FINAL = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")
# jieba.cut() of each CJK phrase (jieba 0.42.1, default dictionary), joined with spaces; each phrase is
# a rec_txt of its own, so spaces separate it from its neighbours and it is cut the same in any text.
CJK = {
    "会议记录 预算审查": "会议记录   预算 审查",
    "第三季度 销售报告": "第三季度   销售 报告",
    "项目进度 周报": "项目 进度   周报",
    "请查收附件中的合同": "请 查收 附件 中 的 合同",
    "服务器 日志 错误": "服务器   日志   错误",
    "東京の天気予報": "東京 の 天 気 予 報",
    "会議の議事録を共有します": "会議 の 議事 録 を 共有 し ま す",
    "明日の打ち合わせ 10時から": "明日 の 打 ち 合 わ せ   10 時 か ら",
    "新しいプロジェクト計画": "新 し い プ ロ ジ ェ ク ト 計画",
    "予算 見直し": "予算   見直 し",
    "会议室 预订": "会议室   预订",
    "데이터 분석 결과": "데 이 터   분 석   결 과",
}
assert set(CJK) == set(msd.CJK_PHRASES), "make-scale-db.py's CJK phrases changed: segment the new ones with jieba"


def jieba_ascii(text):
    out = []
    for blk in RUN.split(text):
        if not blk:
            continue
        if RUN.match(blk):
            if len(blk) == 1:
                out.append(blk)
            else:
                out.extend(x for x in FINAL.split(blk) if x)
        else:
            for x in SKIP.split(blk):
                if SKIP.match(x):
                    out.append(x)
                else:
                    out.extend(x)
    return " ".join(out)


def ocr_tokens(lines):
    # OCR lines are vocabulary words (lowercase letters) and markers separated by single spaces, or a
    # CJK phrase; process_ocr_result joins them with " ": every space is a token between two words.
    return "   ".join(CJK.get(ln) or ln.replace(" ", "   ") for ln in lines)


def copy_escape(s):  # COPY text format
    if "\\" in s:
        s = s.replace("\\", "\\\\")
    return s.replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r")


out = sys.stdout
w = out.write
w("\\set ON_ERROR_STOP on\nBEGIN;\n")
w(open(pre, encoding="utf-8").read())
w("SET search_path = public;\n")
start_s = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(msd.END_EPOCH - days * 86400))
LIB, FOLDER = 1, 1
w(f"INSERT INTO libraries(id, name, kind, created_at, updated_at) VALUES ({LIB}, 'screenshots', 'record', '{start_s}', '{start_s}');\n")
w(f"INSERT INTO folders(id, path, library_id, type, last_modified_at, created_at, updated_at) VALUES "
  f"({FOLDER}, '{msd.HOME_SHOTS}', {LIB}, 'DEFAULT', '{start_s}.000000', '{start_s}', '{start_s}');\n")
for tag_id, app in enumerate(msd.APPS, start=1):
    w(f"INSERT INTO tags(id, name, created_at, updated_at) VALUES ({tag_id}, '{app}', '{start_s}', '{start_s}');\n")

ENT = ("COPY entities(id, filepath, filename, size, file_created_at, file_last_modified_at, file_type, file_type_group, "
       "library_id, folder_id, last_scan_at, created_at, updated_at) FROM STDIN;\n")
META = "COPY metadata_entries(id, entity_id, key, value, source_type, source, data_type, created_at, updated_at) FROM STDIN;\n"
TAG = "COPY entity_tags(id, entity_id, tag_id, source, created_at, updated_at) FROM STDIN;\n"
FTS = "COPY entities_fts(id, filepath, tags, metadata) FROM STDIN;\n"
# "key: value": the key's tokens, ":", then the space token between ":" and the value's first token.
KEY_TOKENS = {k: jieba_ascii(k + ":") + "   " for k in ("timestamp", "active_app", "active_window", "screen_name", "sequence", "ocr_result")}
BATCH = 20000
LINE = " \n "  # jieba's tokens around the newline between two "key: value" lines
stats = {}
ent, meta, tag, fts = [], [], [], []
t0 = time.time()
meta_id = 0
for d in msd.documents(n, seed, days, stats):
    eid, scan, created = d.eid, d.scan, d.created
    ent.append(f"{eid}\t{d.filepath}\t{d.filename}\t{d.size}\t{created}\t{created}\twebp\timage\t{LIB}\t{FOLDER}\t{scan}\t{scan}\t{scan}\n")
    mtok = []
    for key, value, source, dtype in d.metadata():
        meta_id += 1
        meta.append(f"{meta_id}\t{eid}\t{key}\t{copy_escape(value)}\tPLUGIN_GENERATED\t{source}\t{dtype}\t{scan}\t{scan}\n")
        mtok.append(KEY_TOKENS[key] + (ocr_tokens(d.lines) if key == "ocr_result" else jieba_ascii(value)))
    tag.append(f"{eid}\t{eid}\t{d.app_i + 1}\tSYSTEM_GENERATED\t{scan}\t{scan}\n")
    # prepare_fts_data: "filepath name parts" (not tokenised), the tag names, "key: value" lines.
    parts = d.filename.rsplit(".", 1)[0].replace("-", " ").replace("_", " ")
    fts.append(f"{eid}\t{d.filepath} {parts}\t{d.app}\t{copy_escape(LINE.join(mtok))}\n")
    if len(ent) >= BATCH or eid == n:
        for head, rows in ((ENT, ent), (META, meta), (TAG, tag), (FTS, fts)):
            w(head)
            w("".join(rows))
            w("\\.\n")
        ent, meta, tag, fts = [], [], [], []
        if eid % 100000 == 0 or eid == n:
            el = time.time() - t0
            print(f"make-scale-pg: {eid} of {n} entities generated, {el:.0f} s, {eid / el:.0f}/s", file=sys.stderr)
w("COMMIT;\n")
out.flush()
with open(summary_path, "w") as f:
    json.dump(dict(msd.summary(n, seed, days, stats), metadata_entries=meta_id), f)
PY
  echo "make-scale-pg: loaded in $(since "$t") s" >&2
  t=$(now)
  # Keys first (the foreign keys need them), then the indexes in two sessions at once (the trigram
  # index on search_text, the largest, alone in one: GIN builds use one core each), then the foreign keys.
  local log="$PG_DIR/post-data-$N.log" dir="$WORK/post-data"
  mkdir "$dir"
  python3 - "$post" "$dir" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
stmts = [s.strip() for s in re.split(r";\s*\n", re.sub(r"(?m)^--.*\n", "", text)) if s.strip()]
groups = {"keys": [], "index1": [], "index2": [], "fkeys": []}
for st in stmts:
    if st.startswith(("SET ", "SELECT pg_catalog.set_config")):
        for g in groups.values():
            g.append(st)
    elif "FOREIGN KEY" in st:
        groups["fkeys"].append(st)
    elif st.startswith("ALTER TABLE"):
        groups["keys"].append(st)
    elif st.startswith("CREATE INDEX"):
        groups["index1" if "search_text" in st else "index2"].append(st)
    else:
        sys.exit(f"make-scale-pg: unexpected post-data statement: {st[:80]}")
for name, g in groups.items():
    with open(f"{sys.argv[2]}/{name}.sql", "w", encoding="utf-8") as f:
        f.write("\\timing on\n" + "".join(st + ";\n" for st in g))
PY
  {
    psql_ -d "$part" -e -f "$dir/keys.sql"
    psql_ -d "$part" -e -f "$dir/index1.sql" > "$dir/index1.log" & p1=$!
    psql_ -d "$part" -e -f "$dir/index2.sql" > "$dir/index2.log" & p2=$!
    wait $p1; wait $p2
    cat "$dir/index1.log" "$dir/index2.log"
    psql_ -d "$part" -e -f "$dir/fkeys.sql"
    for s in entities entity_tags metadata_entries tags folders libraries; do
      echo "SELECT setval('public.${s}_id_seq', (SELECT max(id) FROM public.$s));"
    done | psql_ -d "$part" -f -
  } > "$log"
  echo "make-scale-pg: keys, indexes and foreign keys in $(since "$t") s (each statement's time: $log)" >&2
  t=$(now)
  psql_ -d "$part" -c "VACUUM ANALYZE"
  echo "make-scale-pg: VACUUM ANALYZE in $(since "$t") s" >&2
  python3 - "$summary" "$(since "$t0")" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["seconds"] = float(sys.argv[2])
json.dump(d, open(sys.argv[1], "w"))
PY
  psql_ -d postgres -c "ALTER DATABASE $part RENAME TO $DB" \
    -c "COMMENT ON DATABASE $DB IS \$json\$$(cat "$summary")\$json\$"
  python3 -m json.tool --no-ensure-ascii "$summary"
  echo "make-scale-pg: $DB ready in $(since "$t0") s, $(psql_ -d "$DB" -At -c "SELECT pg_size_pretty(pg_database_size(current_database()))") on disk" >&2
}

case "$action" in
  start) cluster_start; echo "PG_URL=postgresql://postgres@127.0.0.1:$PG_PORT/$DB" ;;
  stop) cluster_stop ;;
  status)
    if answers; then echo "127.0.0.1:$PG_PORT answers (pid $(own_pid || echo '?'))"; psql_ -d postgres -At -c "SELECT datname FROM pg_database WHERE datname LIKE 'scale_%'"
    else echo "127.0.0.1:$PG_PORT down"; fi ;;
  url) echo "postgresql://postgres@127.0.0.1:$PG_PORT/$DB" ;;
  generate)
    started=0
    own_pid > /dev/null || { cluster_start; started=1; }
    stop_started() {
      if [[ -n "$WORK" ]]; then rm -rf "$WORK"; fi
      if [[ $started == 1 && "${PG_KEEP:-0}" != 1 ]]; then cluster_stop; fi
    }
    trap stop_started EXIT
    generate ;;
  *) echo "usage: bench/make-scale-pg.sh [generate|start|stop|status|url]" >&2; exit 2 ;;
esac
