#!/usr/bin/env bash
# soak.sh [SECONDS]: a soak run, not a test (CI does not run it). Starts its own Pensieve (scripts/pensieve-up.sh,
# port $PENSIEVE_PORT, default 18843, with a throw-away PENSIEVE_HOME), mounts its database with the API in
# front, and runs 64 parallel readers (grep -r over search/<q>/ and documents/, ls search/..., stat, cat of
# listed files) for SECONDS (default 60) while the server is kill -9'ed and restarted, frozen with
# kill -STOP / -CONT, and fed new entities holding a unique word (stressword<N>) through its REST API.
# At the end it prints the I/O errors, ENOENT errors and hangs the readers saw (with samples), whether the
# daemon lived, its peak RSS (VmHWM), and whether each new entity was in ls search/stressword<N> one poll
# interval after it was written. Exit status 1 if any I/O error or hang, the daemon died, or an entity
# was unseen. Everything it started is stopped on exit; the work dir is kept only on failure.
set -uo pipefail
DUR="${1:-60}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${RECALLFS_BIN:-$ROOT/.build/debug/recallfs}"
READERS="${SOAK_READERS:-64}"; POLL="${SOAK_POLL:-2}"
export PENSIEVE_PORT="${PENSIEVE_PORT:-18843}"
T="$(mktemp -d /tmp/recallfs-soak.XXXXXX)"
export PENSIEVE_HOME="$T/pensieve"
API="http://127.0.0.1:$PENSIEVE_PORT"
M="$T/mnt"; mkdir -p "$M" "$T/err" "$T/seen"
BG=(); DAEMON=""; STATUS=1

pensieve_pid() { cat "$PENSIEVE_HOME/pensieve-serve.pid" 2>/dev/null; }
cleanup() {
  local p
  for p in "${BG[@]}"; do kill "$p" 2>/dev/null; done
  p=$(pensieve_pid); [[ -n "$p" ]] && kill -CONT "$p" 2>/dev/null
  wait 2>/dev/null
  if awk -v m="$M" '$2 == m {f=1} END {exit !f}' /proc/mounts; then
    fusermount3 -u "$M" 2>/dev/null || fusermount3 -uz "$M" 2>/dev/null
  fi
  if [[ -n "$DAEMON" ]]; then
    for _ in $(seq 1 100); do kill -0 "$DAEMON" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$DAEMON" 2>/dev/null && kill -9 "$DAEMON" 2>/dev/null
  fi
  "$ROOT/scripts/pensieve-up.sh" stop > /dev/null 2>&1
  if ((STATUS == 0)); then rm -rf "$T"; else echo "work dir kept: $T"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "starting Pensieve on 127.0.0.1:$PENSIEVE_PORT (home $PENSIEVE_HOME)"
"$ROOT/scripts/pensieve-up.sh" > "$T/pensieve-up.log" 2>&1 || { tail -20 "$T/pensieve-up.log"; exit 1; }
"$BIN" mount "$M" --db "$PENSIEVE_HOME/.memos/database.db" --api "$API" --cache-dir "$T/cache" \
  --api-timeout 1 --health-interval 2 --poll-interval "$POLL" || exit 1
DAEMON=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["pid"])' "$M/.status/health.json")
read -r LID FID < <(curl -s "$API/api/libraries" | python3 -c 'import json,sys; l=[x for x in json.load(sys.stdin) if x["name"]=="demo"][0]; print(l["id"], l["folders"][0]["id"])')
END=$((SECONDS + DUR))

QS=("budget" "review" "budget review" "budget type:image" "type:image limit:20" "app:Firefox" "bulk" "invoice" "zebra" "date:2026-03")
reader() {
  local id="$1" n=0 op q f rc
  RANDOM="$id"
  while ((SECONDS < END)); do
    op=$((RANDOM % 6)); q="${QS[RANDOM % ${#QS[@]}]}"
    case "$op" in
      0) timeout 60 grep -r -c -i budget "$M/search/$q/" ;;
      1) timeout 60 grep -r -l -i zebra "$M/documents/" ;;
      2) timeout 60 ls -l "$M/search/$q" ;;
      3) f=$(timeout 60 ls "$M/documents" | shuf -n 1); [[ -n "$f" ]] && timeout 60 stat "$M/documents/$f" ;;
      4) for f in $(timeout 60 ls "$M/search/$q" | head -5); do timeout 60 cat "$M/search/$q/$f" || break; done ;;
      5) q=$(ls "$T/seen" | tail -1); [[ -n "$q" ]] && timeout 60 grep -r -c stressword "$M/search/$q/" ;;
    esac > /dev/null 2>> "$T/err/$id"
    rc=$?; ((rc == 124)) && echo "HANG: op $op [$q] took over 60 s" >> "$T/err/$id"
    n=$((n + 1))
  done
  echo "$n" > "$T/err/ops.$id"
}

new_entity() {  # new_entity N: POST an image entity saying stressword<N>; prints its id
  local w="$1" body
  body="{\"filename\": \"$w.webp\", \"filepath\": \"$PENSIEVE_HOME/shots/$w.webp\", \"size\": 10,
    \"file_created_at\": \"2026-07-01T10:00:00\", \"file_last_modified_at\": \"2026-07-01T10:00:00\",
    \"file_type\": \"webp\", \"file_type_group\": \"image\", \"folder_id\": $FID,
    \"metadata_entries\": [{\"key\": \"active_app\", \"value\": \"Soak\", \"source\": \"system_generated\", \"data_type\": \"text\"},
      {\"key\": \"ocr_result\", \"value\": \"[{\\\"dt_boxes\\\": [], \\\"rec_txt\\\": \\\"soak entry $w\\\", \\\"score\\\": 0.9}]\", \"source\": \"ocr\", \"data_type\": \"json\"}]}"
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    curl -sf --max-time 10 -X POST "$API/api/libraries/$LID/entities?update_index=true" -H 'content-type: application/json' -d "$body" \
      | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])' 2>/dev/null && return 0
    sleep 1
  done
  return 1
}
verify() {  # verify WORD ID: is it in ls search/WORD one poll interval (+2 s) later? and later?
  local w="$1" id="$2" t0=$SECONDS
  sleep $((POLL + 2))
  if timeout 60 ls "$M/search/$w" 2>/dev/null | grep -q -- "-$id-"; then echo "$w $id seen" > "$T/seen/$w"; return; fi
  while ((SECONDS - t0 < 30)); do
    sleep 1
    if timeout 60 ls "$M/search/$w" 2>/dev/null | grep -q -- "-$id-"; then echo "$w $id late $((SECONDS - t0))s" > "$T/seen/$w"; return; fi
  done
  echo "$w $id never" > "$T/seen/$w"
}
chaos() {
  local n=0 w id p
  while ((SECONDS < END - 8)); do
    n=$((n + 1)); w=stressword$(printf %04d "$n")
    if id=$(new_entity "$w"); then verify "$w" "$id" & else echo "$w - not-written" > "$T/seen/$w"; fi
    sleep 2; p=$(pensieve_pid)
    case $((n % 3)) in
      0) echo "$SECONDS kill -9 $p" >> "$T/chaos.log"; kill -9 "$p"; sleep 1
         PENSIEVE_SEED=0 "$ROOT/scripts/pensieve-up.sh" >> "$T/restart.log" 2>&1 || echo "$SECONDS restart failed" >> "$T/chaos.log" ;;
      1) echo "$SECONDS kill -STOP $p" >> "$T/chaos.log"; kill -STOP "$p"; sleep 3; kill -CONT "$p" ;;
      2) sleep 1 ;;
    esac
  done
  wait
}

echo "soak: $READERS readers for $DUR s on $M (poll $POLL s)"
chaos & BG+=($!)
for i in $(seq 1 "$READERS"); do reader "$i" & BG+=($!); done
wait "${BG[@]}" 2>/dev/null; BG=()

cat "$T"/err/[0-9]* > "$T/errors.all" 2>/dev/null
ops=$(cat "$T"/err/ops.* 2>/dev/null | awk "{s += \$1} END {print s + 0}")
eio=$(grep -c 'Input/output error' "$T/errors.all"); enoent=$(grep -c 'No such file or directory' "$T/errors.all")
hangs=$(grep -c '^HANG' "$T/errors.all"); other=$(grep -vcE 'Input/output error|No such file or directory|^HANG' "$T/errors.all")
alive=no
s=$(awk '/^State:/ {print $2}' "/proc/$DAEMON/status" 2>/dev/null)
[[ -n "$s" && "$s" != Z ]] && [[ -n "$(timeout 20 cat "$M/.status/health" 2>/dev/null)" ]] && alive=yes
peak=$(awk '/^VmHWM/ {print $2}' "/proc/$DAEMON/status" 2>/dev/null)
echo "reader operations: ${ops:-0}; chaos: $(grep -c kill -- "$T/chaos.log" 2>/dev/null) actions ($(grep -c 'kill -9' "$T/chaos.log" 2>/dev/null) kill -9, $(grep -c STOP "$T/chaos.log" 2>/dev/null) STOP)"
echo "I/O errors: $eio"; grep 'Input/output error' "$T/errors.all" | sort | uniq -c | sort -rn | head -5
echo "ENOENT errors: $enoent"; grep 'No such file or directory' "$T/errors.all" | sort | uniq -c | sort -rn | head -5
echo "hangs (> 60 s): $hangs"; grep '^HANG' "$T/errors.all" | head -3
echo "other errors: $other"; grep -vE 'Input/output error|No such file or directory|^HANG' "$T/errors.all" | head -3
echo "daemon alive: $alive; peak RSS (VmHWM): $((${peak:-0} / 1024)) MB"
[[ "$alive" == yes ]] && echo "health: $(cat "$M/.status/health"); $(grep -E '^failovers_total|^circuit_open' "$M/.status/metrics" | tr '\n' ' ')"
cat "$T"/seen/* 2>/dev/null | sort > "$T/entities"
written=$(grep -vc 'not-written' "$T/entities"); seen=$(grep -c ' seen$' "$T/entities")
echo "new entities: $(wc -l < "$T/entities") made, $written written, $seen in ls search/stressword<N> after one poll interval"
grep -v ' seen$' "$T/entities" | head -10 | sed 's/^/  unseen: /'
STATUS=0
((eio > 0 || hangs > 0)) && STATUS=1
[[ "$alive" == yes ]] || STATUS=1
[[ "$seen" == "$(wc -l < "$T/entities")" ]] || STATUS=1
echo "soak: $([[ $STATUS == 0 ]] && echo PASS || echo FAIL)"
exit "$STATUS"
