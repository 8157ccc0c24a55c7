#!/usr/bin/env bash
# Installs what RecallFS needs on Debian 12: libfuse3, SQLite and libcurl headers, fuse3's
# fusermount3, sqlite3, python3-venv (for the real Pensieve used by the tests), attr (getfattr and
# setfattr, for the extended attributes), tzdata (named time zones for --timezone), and libpq plus a
# PostgreSQL 15 server and psql (the PostgreSQL store; its tests start private clusters). Idempotent.
set -euo pipefail
PACKAGES=(libfuse3-dev fuse3 libsqlite3-dev libcurl4-openssl-dev pkg-config sqlite3 python3-venv curl bc attr tzdata
          libpq-dev postgresql-15 postgresql-client-15)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""; [[ $(id -u) -eq 0 ]] || SUDO="sudo"
  echo "installing: ${missing[*]}"
  # The tests start private clusters of their own (scripts/postgres-up.sh): the package need not make
  # (and try to start) the system-wide "main" cluster.
  if [[ " ${missing[*]} " == *" postgresql-15 "* ]]; then
    $SUDO mkdir -p /etc/postgresql-common/createcluster.d
    echo "create_main_cluster = false" | $SUDO tee /etc/postgresql-common/createcluster.d/recallfs.conf > /dev/null
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
command -v swift >/dev/null || { echo "swift is not on PATH (Swift 6 is required: https://swift.org/install)" >&2; exit 1; }
[[ -e /dev/fuse ]] || { echo "/dev/fuse is missing: FUSE is not available on this machine" >&2; exit 1; }
