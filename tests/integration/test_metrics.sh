# The metrics endpoint (--metrics-addr): /metrics parses as Prometheus text (with a parser) and
# agrees with .status/metrics.prom, names follow Prometheus practice, /health goes 200 -> 503 -> 200
# across a database removal; loopback only unless allowed; --version, completions and --help headings.
PORT=$((PENSIEVE_PORT + 11))
M="$WORK/mnt"
cp "$PENSIEVE_DB" "$WORK/copy.db"
mount_fs "$M" "$WORK/copy.db" --metrics-addr "127.0.0.1:$PORT" --poll-interval 1 || { fail "mount with --metrics-addr"; return; }
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PORT/metrics" > /dev/null && break; sleep 0.1; done
curl -sf -D "$WORK/headers" "http://127.0.0.1:$PORT/metrics" > "$WORK/metrics.txt" || fail "GET /metrics"
check "/metrics parses as Prometheus text" python3 "$ROOT/tests/prom_parse.py" "$WORK/metrics.txt"
assert_contains "$(tr -d '\r' < "$WORK/headers")" "text/plain; version=0.0.4" "/metrics has Prometheus's content type"
cp "$M/.status/metrics.prom" "$WORK/file.txt"
python3 - "$WORK/metrics.txt" "$WORK/file.txt" "$ROOT/tests/prom_parse.py" "$("$RECALLFS_BIN" --version)" <<'PY' || fail "/metrics agrees with .status/metrics.prom and follows Prometheus naming"
import importlib.util, sys
spec = importlib.util.spec_from_file_location("p", sys.argv[3]); p = importlib.util.module_from_spec(spec); spec.loader.exec_module(p)
http, file = p.parse(open(sys.argv[1]).read()), p.parse(open(sys.argv[2]).read())
assert set(http) == set(file), set(http) ^ set(file)
for name, family in http.items():
    assert name.startswith("recallfs_"), name
    assert not name.endswith("_ms") and "_percent" not in name, f"{name}: not in base units"
    if family["type"] == "counter":
        assert name.endswith("_total"), f"{name}: a counter without _total"
    assert family["help"], f"{name} has no HELP"
    for labels, _ in family["samples"]:
        for key, value in labels.items():
            assert key in ("tier", "reason", "version"), f"{name}: unexpected label {key}={value}"
    if family["type"] == "counter":  # counters only grow: the file was read after the endpoint
        for (labels, early), (_, late) in zip(sorted(family["samples"], key=str), sorted(file[name]["samples"], key=str)):
            assert late >= early, (name, labels, early, late)
info = http["recallfs_build_info"]["samples"]
assert info == [[{"version": sys.argv[4]}, 1.0]], info
PY
assert_eq 200 "$(curl -s -o "$WORK/health.json" -w '%{http_code}' "http://127.0.0.1:$PORT/health")" "/health is 200 while ok"
check "/health's body is health.json" python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["status"] == "ok"' "$WORK/health.json"
mv "$WORK/copy.db" "$WORK/moved.db"
code=""; for _ in $(seq 1 60); do code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/health"); [[ $code == 503 ]] && break; sleep 0.25; done
assert_eq 503 "$code" "/health is 503 once the database is gone"
mv "$WORK/moved.db" "$WORK/copy.db"
code=""; for _ in $(seq 1 80); do code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/health"); [[ $code == 200 ]] && break; sleep 0.25; done
assert_eq 200 "$code" "/health is 200 again once the database is back"
check "/metrics still answers after the database came back" bash -c "curl -sf -m 5 http://127.0.0.1:$PORT/metrics > /dev/null"
unmount_fs "$M"
check "the endpoint goes with the mount" bash -c "! curl -sf -m 2 http://127.0.0.1:$PORT/metrics > /dev/null"
# Not on loopback: refused unless allowed.
out=$("$RECALLFS_BIN" mount "$M" --db "$PENSIEVE_DB" --no-api --metrics-addr 0.0.0.0:$PORT 2>&1); rc=$?
assert_eq 2 "$rc" "a remote --metrics-addr is exit status 2 ($out)"
assert_contains "$out" "--allow-remote-metrics" "the refusal names the flag"
out=$("$RECALLFS_BIN" mount "$M" --db "$PENSIEVE_DB" --no-api --metrics-addr 127.0.0.1:99999 2>&1); rc=$?
assert_eq 2 "$rc" "a bad port is exit status 2 ($out)"

# Discoverability: --version, completions from the parser, --help headings.
check "--version prints a version" bash -c "'$RECALLFS_BIN' --version | grep -qE '^[0-9]+\.[0-9]+\.[0-9]+$'"
for shell in bash zsh fish; do
  check "$shell completion is generated and knows mount's flags" bash -c "'$RECALLFS_BIN' --generate-completion-script $shell | grep -q -- 'allow-tag-writes'"
done
help=$("$RECALLFS_BIN" mount --help)
for heading in MOUNT: STORES: CACHE: LOGGING: METRICS:; do assert_contains "$help" "$heading" "mount --help has the $heading heading"; done
