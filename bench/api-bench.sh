#!/usr/bin/env bash
# Benchmark (not a test): RecallFS over Pensieve's API against plain curl, in one run on this machine.
#   bench/api-bench.sh [ROUNDS]      (default 20; builds a release binary, starts its own Pensieve)
# Prints:
#   cold ls search/<q> through the mount  vs  curl of the same /api/search
#   warm ls search/<q> (cached)           vs  the same curl
#   time from kill -9 of the API to the next successful read through the mount
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROUNDS="${1:-20}"
WORK="$(mktemp -d /tmp/recallfs-bench.XXXXXX)"
export PENSIEVE_HOME="$WORK/pensieve" PENSIEVE_PORT="${PENSIEVE_PORT:-18870}"
API="http://127.0.0.1:$PENSIEVE_PORT"
MNT="$WORK/mnt"
cleanup() {
  fusermount3 -u "$MNT" 2>/dev/null || fusermount3 -uz "$MNT" 2>/dev/null || true
  "$ROOT/scripts/pensieve-up.sh" stop > /dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
cd "$ROOT"
swift build -c release --product recallfs 2>&1 | tail -1
BIN="$ROOT/.build/release/recallfs"
scripts/pensieve-up.sh > "$WORK/pensieve.log" 2>&1
DB="$PENSIEVE_HOME/.memos/database.db"
mkdir -p "$MNT"
"$BIN" mount "$MNT" --db "$DB" --api "$API" --cache-dir "$WORK/cache" --api-timeout 2 --health-interval 30 > /dev/null

now() { date +%s%N; }
avg_ms() { awk -v t="$1" -v n="$2" 'BEGIN { printf "%.2f", t / n / 1e6 }'; }

# The query: one word, images only, so that the API answers it (see README, "Which store answers").
curl_total=0
for i in $(seq 1 "$ROUNDS"); do
  t=$(now); curl -sf "$API/api/search?q=budget&limit=$((50 + i))" > /dev/null; curl_total=$((curl_total + $(now) - t))
done
cold_total=0
for i in $(seq 1 "$ROUNDS"); do
  t=$(now); ls "$MNT/search/budget type:image limit:$((50 + i))" > /dev/null; cold_total=$((cold_total + $(now) - t))
done
warm_total=0
for i in $(seq 1 "$ROUNDS"); do
  t=$(now); ls "$MNT/search/budget type:image limit:51" > /dev/null; warm_total=$((warm_total + $(now) - t))
done
api_share=$(awk '$1=="api_requests"{print $2}' "$MNT/.status/metrics")
curl_ms=$(avg_ms $curl_total "$ROUNDS"); cold_ms=$(avg_ms $cold_total "$ROUNDS"); warm_ms=$(avg_ms $warm_total "$ROUNDS")

# Failover: kill -9 the server, then time the next read that has to reach a store.
kill -9 "$(cat "$PENSIEVE_HOME/pensieve-serve.pid")"
t=$(now)
ls "$MNT/search/type:image limit:999" > /dev/null
failover_ns=$(( $(now) - t ))
backend=$(cat "$MNT/.status/backend")

printf '\nRecallFS API benchmark, %d rounds, release build (%s)\n' "$ROUNDS" "$(date -u +%Y-%m-%d)"
printf '  curl /api/search?q=budget            %8s ms   (baseline)\n' "$curl_ms"
printf '  cold ls search/"budget type:image"   %8s ms   %6.2fx curl   (search + full entities + render)\n' "$cold_ms" "$(awk -v a="$cold_ms" -v b="$curl_ms" 'BEGIN{print a/b}')"
printf '  warm ls search/"budget type:image"   %8s ms   %6.2fx curl\n' "$warm_ms" "$(awk -v a="$warm_ms" -v b="$curl_ms" 'BEGIN{print a/b}')"
printf '  kill -9 of the API -> next read ok   %8s ms   %6.2fx curl   (answered by: %s)\n' "$(avg_ms $failover_ns 1)" "$(awk -v a="$(avg_ms $failover_ns 1)" -v b="$curl_ms" 'BEGIN{print a/b}')" "$backend"
printf '  API requests made by the mount: %s\n' "$api_share"
