# Pensieve on PostgreSQL (issue 12): passwords, API-first failover to PostgreSQL, a primary lost to
# its streaming replica and back, and four mounts scoped to four libraries under load.
# Runs only over PostgreSQL: RECALLFS_STORE=postgresql tests/integration/run.sh postgres
if ! is_pg; then echo "   (skipped: the suite runs over SQLite; RECALLFS_STORE=postgresql runs it)"; return; fi
REPLICA_PORT=$((PG_PORT + 1))
BOTH="postgresql://postgres@127.0.0.1:$PG_PORT,127.0.0.1:$REPLICA_PORT/pensieve?target_session_attrs=any"
ids_of() { ls "$1" | cut -d- -f1 | sort -n | tr '\n' ' '; }
wait_for() {  # wait_for SECONDS COMMAND...: until COMMAND succeeds
  local end=$((SECONDS + $1)); shift
  until "$@"; do ((SECONDS < end)) || return 1; sleep 0.2; done
}

# --- A password in --db is refused (it would show in ps), and never printed.
mkdir -p "$WORK/pw"
out=$("$RECALLFS_BIN" mount "$WORK/pw" --no-api --cache-dir "$WORK/pwc" \
      --db "postgresql://postgres:hunter2@127.0.0.1:$PG_PORT/pensieve" 2>&1); rc=$?
check "a password in --db is refused" test "$rc" -ne 0
assert_contains "$out" "PGPASSWORD or ~/.pgpass" "the refusal says where the password goes"
check "the password is not printed" bash -c '[[ "$1" != *hunter2* ]]' _ "$out"
check "nothing is mounted after the refusal" bash -c "! awk '\$2 == \"$WORK/pw\"' /proc/mounts | grep -q ."
out=$("$RECALLFS_BIN" mount "$WORK/pw" --no-api --cache-dir "$WORK/pwc" --db "postgresql://postgres@127.0.0.1:1/pensieve" 2>&1); rc=$?
check "a server that does not answer fails the mount" test "$rc" -ne 0
assert_contains "$out" "no PostgreSQL server of postgresql://postgres@127.0.0.1:1/pensieve answers" "and says which"

out=$("$RECALLFS_BIN" mount "$WORK/pw" --no-api --cache-dir "$WORK/pwc" --db "postgresql://postgres@127.0.0.1:$PG_PORT/nosuchdb" 2>&1); rc=$?
check "a database that does not exist fails the mount" test "$rc" -ne 0
assert_contains "$out" 'database "nosuchdb" does not exist' "with the server's words"
out=$("$RECALLFS_BIN" mount "$WORK/pw" --no-api --cache-dir "$WORK/pwc" --db "postgresql://postgres@127.0.0.1:$PG_PORT/postgres" 2>&1); rc=$?
check "a database without Pensieve's tables fails the mount" test "$rc" -ne 0
assert_contains "$out" "is not a Pensieve database on PostgreSQL (missing: libraries" "and says what is missing"

# --- API first, PostgreSQL when the API is frozen.
M="$WORK/api"
mount_fs "$M" "$PENSIEVE_DB" --api "${PENSIEVE_URL%/api}" --api-timeout 1 --health-interval 1 || { fail "mount with the API"; return; }
assert_eq "$(db_sql "SELECT count(*) FROM entities")" "$(ls "$M/documents" | wc -l)" "documents/ over API + PostgreSQL"
check "a document through the API" grep -q "^id: 4$" "$M"/documents/4-*.md
PENSIEVE_PID=$(cat "$PENSIEVE_HOME/pensieve-serve.pid")
kill -STOP "$PENSIEVE_PID"
kill -HUP "$(daemon_pid "$M")"   # drop cached answers: the next reads must reach a store
sleep 0.3
check "cat answers while the API is frozen" grep -q "^id: 5$" "$M"/documents/5-*.md
assert_eq 1 "$(ls "$M/search/walrus" | wc -l)" "search answers while the API is frozen"
check "backend names PostgreSQL while the API is frozen ($(cat "$M/.status/backend"))" \
  wait_for 10 grep -q "^postgresql 127.0.0.1:$PG_PORT$" "$M/.status/backend"
kill -CONT "$PENSIEVE_PID"
unmount_fs "$M"

# --- Change events from PostgreSQL: a capture added through the API appears, and goes when deleted.
M="$WORK/events"
mount_fs "$M" "$PENSIEVE_DB" --poll-interval 1 || { fail "mount for change events"; return; }
before=$(ls "$M/documents" | wc -l)
demo=$(db_sql "SELECT id FROM libraries WHERE name = 'demo'"); folder=$(db_sql "SELECT id FROM folders WHERE library_id = $demo LIMIT 1")
added=$(curl -sf -X POST "$PENSIEVE_URL/libraries/$demo/entities?update_index=true" -H 'content-type: application/json' -d "{
  \"filename\":\"event-probe.webp\",\"filepath\":\"$PENSIEVE_HOME/event-probe.webp\",\"size\":8,
  \"file_created_at\":\"2026-05-01T10:00:00\",\"file_last_modified_at\":\"2026-05-01T10:00:00\",
  \"file_type\":\"webp\",\"file_type_group\":\"image\",\"folder_id\":$folder,\"tags\":[],
  \"metadata_entries\":[{\"key\":\"note\",\"value\":\"eventprobe\",\"source\":\"system_generated\",\"data_type\":\"text\"}]}" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
check "a capture added through the API is listed within the poll interval" \
  wait_for 10 bash -c "ls '$M/documents' | grep -q '^$added-'"
assert_eq 1 "$(ls "$M/search/eventprobe" | wc -l)" "and found by the server's search"
check ".status/events shows the PostgreSQL feed's added event" wait_for 10 grep -q "entity_added $added postgresql" "$M/.status/events"
curl -sf -X DELETE "$PENSIEVE_URL/libraries/$demo/entities/$added" > /dev/null || fail "deleting the probe"
check "a deleted capture leaves documents/" wait_for 10 bash -c "! ls '$M/documents' | grep -q '^$added-'"
assert_eq "$before" "$(ls "$M/documents" | wc -l)" "documents/ is back to its count"
check ".status/events shows the PostgreSQL feed's removed event" wait_for 10 grep -q "entity_removed $added postgresql" "$M/.status/events"
unmount_fs "$M"

# --- Row-level security (README, "One PostgreSQL, many users"): a role granted one library sees it only.
db_admin() { PGOPTIONS="-c client_min_messages=warning" psql -X -q -At -v ON_ERROR_STOP=1 -d "$PENSIEVE_DB" "$@"; }
db_admin -f "$ROOT/scripts/postgres-rls.sql" > /dev/null || fail "installing the RLS policies"
db_admin -c "DROP ROLE IF EXISTS recallfs_demo_reader; CREATE ROLE recallfs_demo_reader LOGIN;
  GRANT SELECT ON ALL TABLES IN SCHEMA public TO recallfs_demo_reader;
  INSERT INTO recallfs_library_grants (role, library_id) SELECT 'recallfs_demo_reader', id FROM libraries WHERE name = 'demo'" \
  || fail "creating the reader role"
M="$WORK/rls"
mount_fs "$M" "postgresql://recallfs_demo_reader@127.0.0.1:$PG_PORT/pensieve" || { fail "mount as the RLS reader"; return; }
want=$(db_sql "SELECT count(*) FROM entities e JOIN libraries l ON l.id = e.library_id WHERE l.name = 'demo'")
assert_eq "$want" "$(ls "$M/documents" | wc -l)" "RLS: documents/ holds the granted library only"
assert_eq "demo" "$(ls "$M/libraries")" "RLS: libraries/ shows the granted library only"
other=$(db_sql "SELECT e.id FROM entities e JOIN libraries l ON l.id = e.library_id WHERE l.name <> 'demo' LIMIT 1")
check "RLS: another library's document cannot be opened by id" bash -c "! cat '$M/documents/$other-x.md' 2>/dev/null"
check "RLS: search sees the granted library only" bash -c "! grep -rh '^library: ' '$M/search/budget' | grep -qv '^library: demo ('"
check "RLS: the search found something" test "$(ls "$M/search/budget" | wc -l)" -gt 0
check "the superuser still sees everything (Pensieve's own role bypasses RLS)" \
  test "$(db_sql "SELECT count(*) FROM entities")" -gt "$want"
unmount_fs "$M"

# --- A real password: from PGPASSWORD or a pgpass file, never on the command line, never printed.
SECRET="pw-$RANDOM-s3cret"
db_admin -c "DROP ROLE IF EXISTS recallfs_pw_reader; CREATE ROLE recallfs_pw_reader LOGIN PASSWORD '$SECRET';
  GRANT SELECT ON ALL TABLES IN SCHEMA public TO recallfs_pw_reader;
  INSERT INTO recallfs_library_grants (role, library_id) SELECT 'recallfs_pw_reader', id FROM libraries" || fail "password role"
hba="$PG_DIR/primary/pg_hba.conf"
sed -i "1i host all recallfs_pw_reader 127.0.0.1/32 scram-sha-256" "$hba"
db_admin -c "SELECT pg_reload_conf()" > /dev/null
PW_URL="postgresql://recallfs_pw_reader@127.0.0.1:$PG_PORT/pensieve"
out=$(PGPASSWORD= PGPASSFILE=/nonexistent "$RECALLFS_BIN" mount "$WORK/pw" --no-api --cache-dir "$WORK/pwc" --db "$PW_URL" 2>&1); rc=$?
check "without a password the mount fails" test "$rc" -ne 0
assert_contains "$out" "password" "and says a password is needed"
M="$WORK/pgpassword"
PGPASSWORD="$SECRET" mount_fs "$M" "$PW_URL" || fail "mount with PGPASSWORD"
assert_eq "$(db_sql "SELECT count(*) FROM entities")" "$(ls "$M/documents" | wc -l)" "PGPASSWORD: documents/ lists"
pid=$(daemon_pid "$M")
check "the daemon's command line was read" grep -qaF "$PW_URL" "/proc/$pid/cmdline"
check "the password is not in the daemon's command line" bash -c '! grep -qaF "$1" "/proc/$2/cmdline"' _ "$SECRET" "$pid"
check "nor in health.json, the errors or the log" bash -c '! grep -qaF "$1" "$2/.status/health.json" "$2/.status/errors" "$3"' _ "$SECRET" "$M" "$WORK/cache/recallfs.log"
unmount_fs "$M"
printf '127.0.0.1:%s:pensieve:recallfs_pw_reader:%s\n' "$PG_PORT" "$SECRET" > "$WORK/pgpass"; chmod 600 "$WORK/pgpass"
M="$WORK/pgpassfile"
PGPASSWORD= PGPASSFILE="$WORK/pgpass" mount_fs "$M" "$PW_URL" || fail "mount with a pgpass file"
assert_eq "$(db_sql "SELECT count(*) FROM entities")" "$(ls "$M/documents" | wc -l)" "pgpass file: documents/ lists"
unmount_fs "$M"
sed -i '1d' "$hba"; db_admin -c "SELECT pg_reload_conf()" > /dev/null

# --- Primary and replica: the primary stops, the replica answers; the primary returns, health is ok.
M="$WORK/replica"
mount_fs "$M" "$BOTH" --health-interval 1 || { fail "mount over primary + replica"; return; }
assert_eq ok "$(cat "$M/.status/health")" "health ok with both servers"
before_docs=$(ls "$M/documents" | wc -l)
before_grep=$(grep -rl budget "$M/documents" | wc -l)
"$ROOT/scripts/postgres-up.sh" stop-primary > /dev/null
kill -HUP "$(daemon_pid "$M")"
errors_before=$(grep -c . "$M/.status/errors" || true)
assert_eq "$before_docs" "$(ls "$M/documents" 2>&1 | wc -l)" "ls documents/ with the primary stopped"
bad=0; for f in "$M"/documents/*; do cat "$f" > /dev/null || bad=$((bad + 1)); done
assert_eq 0 "$bad" "cat of every document with the primary stopped"
assert_eq "$before_grep" "$(grep -rl budget "$M/documents" | wc -l)" "grep -r with the primary stopped"
assert_eq 1 "$(ls "$M/search/zebra" | wc -l)" "a new search with the primary stopped"
assert_eq "postgresql 127.0.0.1:$REPLICA_PORT" "$(cat "$M/.status/backend")" "backend names the replica"
assert_eq "$errors_before" "$(grep -c . "$M/.status/errors" || true)" "no request failed during the failover"
check "health is degraded while the primary is down" wait_for 10 grep -qx degraded "$M/.status/health"
assert_contains "$(cat "$M/.status/health.json")" "postgresql 127.0.0.1:$PG_PORT does not answer" "health.json names the server that is down"
"$ROOT/scripts/postgres-up.sh" start > /dev/null
check "health is ok once the primary is back" wait_for 15 grep -qx ok "$M/.status/health"
unmount_fs "$M"

# --- A frozen primary (every process of it stopped, as in a network partition): no read hangs; each
# waits at most for its deadline (--db-timeout + 1 s) and a connect timeout, then the replica answers.
M="$WORK/frozen"
mount_fs "$M" "$BOTH" --health-interval 1 --db-timeout 2 || { fail "mount for the frozen primary"; return; }
ls "$M/documents" > /dev/null
primary_pid=$(head -1 "$PG_DIR/primary/postmaster.pid")
frozen=("$primary_pid" $(pgrep -P "$primary_pid"))
kill -STOP "${frozen[@]}"
kill -HUP "$(daemon_pid "$M")"
# `timeout` only tells a hang from an answer (60 s is far above any deadline); it is not a speed bound.
check "ls documents/ answers with the primary frozen" timeout 60 ls "$M/documents" > /dev/null
bad=0; for f in "$M"/documents/*; do timeout 60 cat "$f" > /dev/null || bad=$((bad + 1)); done
assert_eq 0 "$bad" "cat of every document with the primary frozen"
check "a new search answers with the primary frozen" bash -c "timeout 60 ls '$M/search/walrus' | grep -q ."
assert_eq "postgresql 127.0.0.1:$REPLICA_PORT" "$(cat "$M/.status/backend")" "backend names the replica while the primary is frozen"
check "health names the frozen primary" wait_for 15 grep -q "postgresql 127.0.0.1:$PG_PORT does not answer" "$M/.status/health.json"
kill -CONT "${frozen[@]}"
check "health is ok once the primary thaws" wait_for 15 grep -qx ok "$M/.status/health"
unmount_fs "$M"

# --- Four mounts on one cluster, each scoped to its own library, 16 readers each for 60 s.
for name in team-c team-d; do
  dir="$PENSIEVE_HOME/shots-$name"; mkdir -p "$dir"
  # Pensieve's own pool may still hold a connection to the primary that was restarted: its first
  # request can fail once, so each call is retried.
  lib=$(curl -sf --retry 3 --retry-all-errors -X POST "$PENSIEVE_URL/libraries" -H 'content-type: application/json' \
        -d "{\"name\":\"$name\",\"folders\":[{\"path\":\"$dir\",\"last_modified_at\":\"2026-01-01T00:00:00\"}]}")
  lid=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["id"])' "$lib")
  fid=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["folders"][0]["id"])' "$lib")
  for i in 1 2 3; do
    echo fixture > "$dir/$name-$i.webp"
    curl -sf --retry 3 --retry-all-errors -X POST "$PENSIEVE_URL/libraries/$lid/entities?update_index=true" -H 'content-type: application/json' -d "{
      \"filename\":\"$name-$i.webp\",\"filepath\":\"$dir/$name-$i.webp\",\"size\":8,
      \"file_created_at\":\"2026-04-0${i}T10:00:00\",\"file_last_modified_at\":\"2026-04-0${i}T10:00:00\",
      \"file_type\":\"webp\",\"file_type_group\":\"image\",\"folder_id\":$fid,\"tags\":[\"$name\"],
      \"metadata_entries\":[{\"key\":\"active_app\",\"value\":\"Notes\",\"source\":\"system_generated\",\"data_type\":\"text\"},
                            {\"key\":\"note\",\"value\":\"shared budget words for $name\",\"source\":\"system_generated\",\"data_type\":\"text\"}]}" > /dev/null \
      || fail "seeding $name"
  done
done
LIBS=("demo" "work notes/2026" "team-c" "team-d")
for n in 0 1 2 3; do
  mount_fs "$WORK/scoped$n" "$BOTH" --library "${LIBS[$n]}" || fail "scoped mount ${LIBS[$n]}"
done
for n in 0 1 2 3; do
  lib="${LIBS[$n]}"
  want=$(db_sql "SELECT count(*) FROM entities e JOIN libraries l ON l.id = e.library_id WHERE l.name = '$lib'")
  assert_eq "$want" "$(ls "$WORK/scoped$n/documents" | wc -l)" "$lib: its documents only"
done
reader() {  # reader MOUNT LIBRARY END: reads until END; prints one line per error
  local m="$1" lib="$2" end="$3" f
  while ((SECONDS < end)); do
    ls "$m/documents" > /dev/null || echo "ls failed"
    for f in "$m"/documents/*; do
      grep -q "^library: $lib (" "$f" || echo "foreign or unreadable: $f"
    done
    ls "$m/search/budget" > /dev/null || echo "search failed"
    grep -rh "^library: " "$m/search/budget" | grep -v "^library: $lib (" | sed 's/^/foreign in search: /'
  done
}
end=$((SECONDS + ${POSTGRES_SOAK_SECONDS:-60}))
for n in 0 1 2 3; do
  for r in $(seq 1 16); do reader "$WORK/scoped$n" "${LIBS[$n]}" "$end" > "$WORK/reader-$n-$r.log" 2>&1 & done
done
wait
problems=$(cat "$WORK"/reader-*.log | sort | uniq -c | head -5)
assert_eq "" "$problems" "64 readers on 4 scoped mounts for 60 s: no error, no foreign document"
seen=""; for n in 0 1 2 3; do seen+="$(ids_of "$WORK/scoped$n/documents")"; done
assert_eq "$(echo $seen | tr ' ' '\n' | sort -n | uniq -d | wc -l)" 0 "no document is visible in two scoped mounts"
for n in 0 1 2 3; do
  assert_eq ok "$(cat "$WORK/scoped$n/.status/health")" "${LIBS[$n]}: health ok after the load"
done
