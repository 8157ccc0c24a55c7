#!/usr/bin/env bash
# The whole test suite: dependencies, build, unit tests, then the integration tests, which mount for
# real and run against a real Pensieve server on 127.0.0.1 (started by scripts/pensieve-up.sh).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
scripts/install-deps.sh
scripts/pensieve-up.sh install
echo "== build"
swift build --build-tests
echo "== unit tests"
# Unit tests read dates in UTC (the mount's zone is the process's; integration tests try others).
TZ=UTC swift test --skip-build
echo "== integration tests"
RECALLFS_BIN="$ROOT/.build/debug/recallfs" tests/integration/run.sh "$@"
if (($# == 0)); then
  echo "== integration tests over Pensieve on PostgreSQL (primary + replica)"
  RECALLFS_STORE=postgresql RECALLFS_BIN="$ROOT/.build/debug/recallfs" tests/integration/run.sh layout search postgres
fi
