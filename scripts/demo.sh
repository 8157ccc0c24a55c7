#!/usr/bin/env bash
# The demo: installs dependencies, builds RecallFS, indexes the sample corpus that the repo ships into a
# Pensieve-format database, and mounts it.
#
#   scripts/demo.sh [MOUNTPOINT]      default: ./demo-mnt     (unmount: .build/release/recallfs unmount MOUNTPOINT)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MNT="${1:-$ROOT/demo-mnt}"
cd "$ROOT"
scripts/install-deps.sh
swift build -c release --product recallfs 2>&1 | tail -1
BIN="$ROOT/.build/release/recallfs"
mkdir -p "$ROOT/.demo" "$MNT"
"$BIN" index samples/corpus --db "$ROOT/.demo/demo.db" --library samples
if grep -qs " $MNT fuse" /proc/mounts; then "$BIN" unmount "$MNT"; fi
"$BIN" mount "$MNT" --db "$ROOT/.demo/demo.db" --cache-dir "$ROOT/.demo/cache" --no-api
cat <<TXT

Try:
  ls $MNT/documents/
  cat $MNT/documents/*budget*
  ls $MNT/search/"budget review"/
  grep -ri invoice $MNT/search/"invoice"/
  cat $MNT/.status/health $MNT/.status/health.json
  $BIN status $MNT
Unmount with: $BIN unmount $MNT
TXT
