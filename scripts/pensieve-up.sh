#!/usr/bin/env bash
# pensieve-up.sh: start a real Pensieve (PyPI `memos` 0.37.0) server on 127.0.0.1 with a throw-away HOME,
# without torch / sentence-transformers / rapidocr, and optionally seed it through its REST API.
#
#   scripts/pensieve-up.sh              install the venv if needed, init the DB, start the server, seed
#   scripts/pensieve-up.sh install      only install the venv (used by .ci/run)
#   scripts/pensieve-up.sh stop         stop the server this script started (by PID)
#
# Env (defaults in brackets):
#   PENSIEVE_HOME [${TMPDIR:-/tmp}/recallfs-pensieve]  used as $HOME for the server (~/.memos lives here)
#   PENSIEVE_PORT [18839]               bound on 127.0.0.1 only
#   PENSIEVE_VENV [~/.cache/recallfs/pensieve-venv]   shared between runs; install is idempotent
#   PENSIEVE_PY   [/usr/bin/python3]    must support sqlite3 enable_load_extension (pyenv builds do not)
#   PENSIEVE_PATCH [1]  1 = start through a shim that fixes 0.37.0's /api/search HTTP 500 on SQLite
#                       (PostgreSQL mode always starts through the shim: it cannot run without its pgvector patch)
#   PENSIEVE_SEED  [1]  1 = seed library "demo" from tests/fixtures/seed_pensieve.py
#   PENSIEVE_PG_URL [unset]  postgresql://USER@HOST:PORT/DBNAME: keep Pensieve's database in PostgreSQL
#                       instead of $PENSIEVE_HOME/.memos/database.db (issue 12). DBNAME is created if missing;
#                       the schema is Pensieve's own minus its pgvector parts (see the shim below). E.g.
#                         PG_DIR=/tmp/recallfs-pg PG_PORT=15432 scripts/postgres-up.sh start
#                         PENSIEVE_PG_URL=postgresql://postgres@127.0.0.1:15432/pensieve scripts/pensieve-up.sh
#                       The database outlives `stop` and PENSIEVE_HOME; seeding is skipped when "demo" exists.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
PENSIEVE_HOME="${PENSIEVE_HOME:-${TMPDIR:-/tmp}/recallfs-pensieve}"
PORT="${PENSIEVE_PORT:-18839}"
VENV="${PENSIEVE_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/recallfs/pensieve-venv}"
PY="${PENSIEVE_PY:-/usr/bin/python3}"
PATCH="${PENSIEVE_PATCH:-1}"
SEED="${PENSIEVE_SEED:-1}"
PG_URL="${PENSIEVE_PG_URL:-}"
PIDFILE="$PENSIEVE_HOME/pensieve-serve.pid"
LOG="$PENSIEVE_HOME/pensieve-serve.log"
B="http://127.0.0.1:$PORT/api"
SHIM="$PENSIEVE_HOME/pensieve_serve_patched.py"

stop_server() {
  if [[ -f "$PIDFILE" ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
    local pid; pid="$(cat "$PIDFILE")"
    kill "$pid"
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
    echo "stopped pensieve pid $pid"
  fi
  rm -f "$PIDFILE"
}

install_venv() {
  "$PY" -c 'import sqlite3,sys; c=sqlite3.connect(":memory:"); sys.exit(0 if hasattr(c,"enable_load_extension") else 1)' \
    || { echo "ERROR: $PY's sqlite3 lacks enable_load_extension (needed by Pensieve's libsimple)" >&2; exit 1; }
  # Every version comes from scripts/pensieve-constraints.txt, a `pip freeze` of a set that passed:
  # an unpinned install broke once when SQLAlchemy 2.1 came out (logfire's instrumentation refuses it
  # and the server dies at start). A venv built from another lock is rebuilt.
  local lock="$HERE/pensieve-constraints.txt" stamp="$VENV/.recallfs-lock.sha256" want
  want="$(sha256sum "$lock" | cut -d' ' -f1)"
  if [[ ! -x "$VENV/bin/python" ]] || [[ "$(cat "$stamp" 2>/dev/null)" != "$want" ]] \
      || ! "$VENV/bin/python" -c 'import memos' 2>/dev/null; then
    rm -rf "$VENV"
    mkdir -p "$(dirname "$VENV")"
    "$PY" -m venv "$VENV"
    # The minimal runtime set for `memos serve` without torch. memos imports pyyaml and tqdm
    # without declaring them. psycopg2-binary is SQLAlchemy's default driver for the postgresql://
    # URLs of PENSIEVE_PG_URL, which memos does not declare either.
    "$VENV/bin/pip" install -q --disable-pip-version-check -c "$lock" fastapi uvicorn httpx pydantic \
      pydantic-settings sqlalchemy alembic typer tabulate tqdm pyyaml watchdog \
      psutil py-cpuinfo numpy pillow piexif imagehash mss opencv-python-headless sqlite_vec \
      jieba "logfire[fastapi,sqlalchemy]" psycopg2-binary
    "$VENV/bin/pip" install -q --disable-pip-version-check --no-deps -c "$lock" memos
    echo "$want" > "$stamp"
  fi
  # The 0.37.0 wheel omits plugins/structured_vlm/prompt_v1.txt, which the server reads at start.
  local prompt
  prompt="$("$VENV/bin/python" -c 'import memos,os;print(os.path.join(os.path.dirname(memos.__file__),"plugins","structured_vlm","prompt_v1.txt"))')"
  [[ -f "$prompt" ]] || echo "(placeholder: prompt_v1.txt is missing from the memos 0.37.0 wheel)" > "$prompt"
}

case "${1:-up}" in
  stop) stop_server; exit 0 ;;
  install) install_venv; echo "pensieve venv ready: $VENV"; exit 0 ;;
  up) ;;
  *) echo "usage: $0 [up|install|stop]" >&2; exit 2 ;;
esac

if [[ -n "$PG_URL" ]]; then
  # memos picks its PostgreSQL code only for this exact prefix (postgresql+psycopg2:// would be taken for SQLite).
  [[ "$PG_URL" =~ ^postgresql://[^/]+/[^/?]+ ]] \
    || { echo "ERROR: PENSIEVE_PG_URL must look like postgresql://USER@HOST:PORT/DBNAME (got '$PG_URL')" >&2; exit 2; }
fi

install_venv

DB_PATH="database.db"
if [[ -n "$PG_URL" ]]; then
  # Pensieve connects straight to DBNAME and never creates it: create it through the server's
  # maintenance database `postgres` (same host, port and user).
  "$VENV/bin/python" - "$PG_URL" <<'EOF'
import sys, psycopg2
from psycopg2 import sql
from psycopg2.extensions import parse_dsn
dsn = parse_dsn(sys.argv[1])
name = dsn["dbname"]
c = psycopg2.connect(**dict(dsn, dbname="postgres"))
c.autocommit = True  # CREATE DATABASE cannot run inside a transaction
cur = c.cursor()
cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
if cur.fetchone() is None:
    cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    print(f"created PostgreSQL database {name}")
c.close()
EOF
  DB_PATH="'$PG_URL'"
fi

mkdir -p "$PENSIEVE_HOME/.memos" "$PENSIEVE_HOME/shots"
cat > "$PENSIEVE_HOME/.memos/config.yaml" <<EOF
base_dir: ~/.memos
database_path: $DB_PATH
default_library: screenshots
screenshots_dir: screenshots
server_host: 127.0.0.1
server_port: $PORT
default_plugins: []
facet: false
ocr:
  enabled: false
  use_local: false
vlm:
  enabled: false
embedding:
  use_local: false
  endpoint: http://127.0.0.1:9/v1/embeddings
  model: none
  num_dim: 768
EOF
export HOME="$PENSIEVE_HOME"

# `python $SHIM serve` is `memos serve` with the patches below. The PostgreSQL mode's DB init also
# loads it (runpy, not as __main__: patches only) for patch 2.
cat > "$SHIM" <<'EOF'
# 1. memos 0.37.0 passes phase_ms= to SqliteSearchProvider.hybrid_search(), which does not take it:
#    every /api/search with a non-empty q is HTTP 500 on SQLite. This shim drops the argument.
import memos.search as _s
_orig = _s.SqliteSearchProvider.hybrid_search
if "phase_ms" not in _orig.__code__.co_varnames:
    def _hybrid_search(self, *a, phase_ms=None, **kw):
        return _orig(self, *a, **kw)
    _s.SqliteSearchProvider.hybrid_search = _hybrid_search

# 2. PostgreSQL without pgvector (PENSIEVE_PG_URL; Debian 12 packages no pgvector). Pensieve's PostgreSQL
#    code runs `CREATE EXTENSION IF NOT EXISTS vector` (at every start), creates entities_vec_v2 with a
#    vector column and an HNSW index, selects from it in the batch-index route, deletes from it when an
#    entity is removed and in migration fa40c9f33551. Each of those fails without the extension, and a
#    failed statement aborts the whole PostgreSQL transaction, so indexing would lose its entities_fts
#    write as well. On a PostgreSQL connection, a raw SQL statement that names entities_vec_v2 or creates
#    the vector extension runs as a SELECT of no rows instead (fetchall() == [], which the batch route
#    reads as "no vector index yet": it then writes entities_fts for every entity). Vector inserts are
#    only tried when embeddings come back; config.yaml points embeddings at a closed port, so none do.
#    Nothing else changes: pg_trgm, entities_fts with its generated tsvector column and GIN/trigram
#    indexes, and all other SQL run exactly as Pensieve issues them. SQLite connections are untouched.
from sqlalchemy import text as _text
from sqlalchemy.engine import Connection as _Connection
from sqlalchemy.sql.elements import TextClause as _TextClause
_VECTOR_SQL = ("entities_vec_v2", "CREATE EXTENSION IF NOT EXISTS vector")
_orig_execute = _Connection.execute
def _execute(self, statement, *a, **kw):
    if (self.dialect.name == "postgresql" and isinstance(statement, _TextClause)
            and any(m in statement.text for m in _VECTOR_SQL)):
        return _orig_execute(self, _text("SELECT NULL WHERE false"))
    return _orig_execute(self, statement, *a, **kw)
_Connection.execute = _execute

if __name__ == "__main__":
    from memos.commands import app
    app()
EOF

# A fresh DB breaks stock `memos init` ("duplicate column name: kind", migration 33a9131fe2ab):
# upgrade to the revision before it, then stamp head. Same on PostgreSQL (column "kind" already exists),
# where the shim's pgvector patch must be in place first.
PENSIEVE_SHIM="$SHIM" "$VENV/bin/python" - <<'EOF'
import os, runpy
from pathlib import Path
import memos
from alembic.config import Config
from alembic import command
from alembic.script import ScriptDirectory
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine
from memos.config import settings
from memos.databases.initializers import init_database, seed_default_data
if not settings.is_sqlite:
    runpy.run_path(os.environ["PENSIEVE_SHIM"], run_name="pensieve_shim")
d = Path(memos.__file__).parent / "migrations"
cfg = Config(str(d / "alembic.ini"))
cfg.set_main_option("script_location", str(d / "alembic"))
cfg.set_main_option("sqlalchemy.url", settings.database_url)
with create_engine(settings.database_url).connect() as c:
    cur = MigrationContext.configure(c).get_current_revision()
head = ScriptDirectory.from_config(cfg).get_current_head()
if cur != head:
    init_database(settings)
    command.upgrade(cfg, "fa40c9f33551")
    command.stamp(cfg, "head")
seed_default_data(settings)
EOF

if [[ -f "$PIDFILE" ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
  echo "pensieve already running (pid $(cat "$PIDFILE"))"
else
  if curl -sf "$B/health" >/dev/null 2>&1; then
    echo "ERROR: something already answers on 127.0.0.1:$PORT (another Pensieve?); set PENSIEVE_PORT" >&2; exit 1
  fi
  if [[ "$PATCH" == "1" || -n "$PG_URL" ]]; then
    nohup "$VENV/bin/python" "$SHIM" serve > "$LOG" 2>&1 &
  else
    nohup "$VENV/bin/memos" serve > "$LOG" 2>&1 &
  fi
  echo $! > "$PIDFILE"
  for _ in $(seq 1 150); do curl -sf "$B/health" >/dev/null && break; sleep 0.2; done
  curl -sf "$B/health" >/dev/null || { echo "pensieve failed to start; see $LOG" >&2; tail -30 "$LOG" >&2; exit 1; }
  echo "pensieve pid $(cat "$PIDFILE") up on 127.0.0.1:$PORT (log: $LOG)"
fi

if [[ "$SEED" == "1" ]] && ! curl -s "$B/libraries" | grep -q '"name":"demo"'; then
  "$VENV/bin/python" "$ROOT/tests/fixtures/seed_pensieve.py" "$B" "$PENSIEVE_HOME/shots"
fi
if [[ -n "$PG_URL" ]]; then echo "database: $PG_URL"; else echo "database: $PENSIEVE_HOME/.memos/database.db"; fi
