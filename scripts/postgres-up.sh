#!/usr/bin/env bash
# A private PostgreSQL 15 cluster on loopback for RecallFS's PostgreSQL work (issue 12), from Debian's
# packages: a primary and a streaming replica of it (pg_basebackup -R), each under a directory of
# its own, each stopped by its own pid file. Nothing of the machine's own clusters is touched.
#
#   scripts/postgres-up.sh [start]   install postgresql if missing, start primary + replica
#   scripts/postgres-up.sh stop      stop both (by PID, from the pid files), keep the data
#   scripts/postgres-up.sh stop-primary   stop the primary only (failover tests); `start` brings it back
#   scripts/postgres-up.sh status    print what runs
#
#   PG_DIR        where the clusters live (default /tmp/recallfs-pg)
#   PG_PORT       the primary's port (default 15432); the replica is on PG_PORT + 1
# Prints, once both answer: PG_PRIMARY=postgresql://postgres@127.0.0.1:PORT/postgres and PG_REPLICA=…
# Authentication is `trust` on 127.0.0.1 only (a private test cluster); the daemon's own password
# handling (PGPASSWORD, ~/.pgpass) is for real servers.
set -euo pipefail
PG_DIR="${PG_DIR:-/tmp/recallfs-pg}"
PG_PORT="${PG_PORT:-15432}"
REPLICA_PORT=$((PG_PORT + 1))
action="${1:-start}"

bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
install_server() {
  [[ -n "$(bindir)" && -x "$(bindir)/initdb" ]] && return 0
  local sudo=""; [[ $(id -u) -eq 0 ]] || sudo="sudo"
  echo "postgres-up: installing postgresql from Debian's packages" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql > /dev/null
}
# PostgreSQL refuses to run as root: as root, its commands run as the `postgres` user.
as_owner() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
answers() { "$(bindir)/pg_isready" -q -h 127.0.0.1 -p "$1"; }
wait_for() { for _ in $(seq 1 100); do answers "$1" && return 0; sleep 0.1; done; echo "postgres-up: port $1 does not answer" >&2; return 1; }

start() {
  install_server
  local bin; bin=$(bindir)
  mkdir -p "$PG_DIR"
  [[ $(id -u) -eq 0 ]] && chown postgres: "$PG_DIR"
  if [[ ! -f "$PG_DIR/primary/PG_VERSION" ]]; then
    as_owner "$bin/initdb" -D "$PG_DIR/primary" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 > "$PG_DIR/initdb.log"
    cat >> "$PG_DIR/primary/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_DIR'
wal_level = replica
max_wal_senders = 8
hot_standby = on
CONF
    echo "host replication postgres 127.0.0.1/32 trust" >> "$PG_DIR/primary/pg_hba.conf"
  fi
  answers "$PG_PORT" || as_owner "$bin/pg_ctl" -D "$PG_DIR/primary" -l "$PG_DIR/primary.log" -w start > /dev/null
  wait_for "$PG_PORT"
  if [[ ! -f "$PG_DIR/replica/PG_VERSION" ]]; then
    as_owner "$bin/pg_basebackup" -h 127.0.0.1 -p "$PG_PORT" -U postgres -D "$PG_DIR/replica" -R -X stream > /dev/null
    as_owner sh -c "echo 'port = $REPLICA_PORT' >> '$PG_DIR/replica/postgresql.auto.conf'"
  fi
  answers "$REPLICA_PORT" || as_owner "$bin/pg_ctl" -D "$PG_DIR/replica" -l "$PG_DIR/replica.log" -w start > /dev/null
  wait_for "$REPLICA_PORT"
  echo "PG_PRIMARY=postgresql://postgres@127.0.0.1:$PG_PORT/postgres"
  echo "PG_REPLICA=postgresql://postgres@127.0.0.1:$REPLICA_PORT/postgres"
}

stop_one() {  # stop_one NAME: by the pid in its postmaster.pid, only if that process is a postgres
  local pidfile="$PG_DIR/$1/postmaster.pid" pid
  [[ -f "$pidfile" ]] || return 0
  pid=$(head -1 "$pidfile")
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && grep -q postgres "/proc/$pid/comm" 2>/dev/null; then
    kill -INT "$pid"   # fast shutdown
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
    echo "postgres-up: $1 (pid $pid) did not stop" >&2; return 1
  fi
}

case "$action" in
  start) start ;;
  stop) stop_one replica; stop_one primary ;;
  stop-primary) stop_one primary ;;   # the failover test: the replica stays up
  status)
    for p in "$PG_PORT" "$REPLICA_PORT"; do
      if [[ -n "$(bindir)" ]] && answers "$p"; then echo "127.0.0.1:$p answers"; else echo "127.0.0.1:$p down"; fi
    done ;;
  *) echo "usage: scripts/postgres-up.sh [start|stop|stop-primary|status]" >&2; exit 2 ;;
esac
