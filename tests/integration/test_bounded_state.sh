# State that grows with what clients ask must stay bounded: 100,000 distinct query names and 10,000
# distinct filter shapes, looked up with stat only (a file manager, a shell's completion, a script probing
# names), must not grow the daemon by more than ~8 MB, and must not be saved: a query is saved only when
# its directory is listed (readdir). Listed queries persist across remounts; --max-saved-queries N keeps
# the N most recently listed. The memory tier is 4 MB, so the byte-bounded cache accounts for at most that.
# After each loop the kernel is asked to drop its dentries (so it FORGETs the inodes it was holding).
M="$WORK/mnt"; C="$WORK/cache"
mount_fs "$M" "$PENSIEVE_DB" --cache-memory 4M || { fail "mount the seeded database"; return; }
pid=$(daemon_pid "$M")
rss() { awk '/^VmRSS/ {print $2 * 1024}' "/proc/$pid/status"; }
forget() { sync; [[ $(id -u) -eq 0 ]] && echo 2 > /proc/sys/vm/drop_caches; sleep 3; }
# probe KIND START COUNT: os.stat on COUNT distinct names under search/; prints "errors N" and a sample.
probe() {
  python3 - "$M/search" "$@" <<'PY'
import os, sys
root, kind, start, n = os.fsencode(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
errors, sample = 0, ""
for i in range(start, start + n):
    if kind == "word":
        name = b"word%d" % i
    else:  # filter shapes: 1..7 app values, 1..4 types, 1..4 library values, sometimes a word or a limit
        apps = b",".join(b"app%d_%d" % (i, j) for j in range(i % 7 + 1))
        types = b",".join([b"image", b"text", b"webp", b"txt"][: i % 4 + 1])
        libs = b",".join([b"demo", b"screenshots"][j % 2] for j in range(i % 4 + 1))
        name = b"app:%s type:%s library:%s" % (apps, types, libs)
        if i % 3 == 0: name += b" budget"
        if i % 5 == 0: name += b" limit:%d" % (i % 1000 + 1)
    try:
        os.stat(root + b"/" + name)
    except OSError as e:
        errors += 1; sample = sample or "%s: %s" % (name.decode(), e.strerror)
print("errors", errors, sample)
PY
}
listed_stat_names() { ls "$M/search" | grep -cE '^word[0-9]+$|^app:'; }

# Warm-up: the same kinds of calls, so that pools, caches and the index are at their working size.
cat "$M"/documents/* > /dev/null; ls "$M/search/budget" > /dev/null
out=$(probe word 1000000 5000; probe filter 1000000 1000)
assert_eq "errors 0 errors 0" "$(awk '{printf "%s%s %s", sep, $1, $2; sep=" "}' <<< "$out")" "warm-up lookups all succeed ($out)"
forget; rss0=$(rss)
out=$(probe word 0 100000); assert_eq "errors 0" "$(cut -d' ' -f1,2 <<< "$out")" "100,000 stat calls on distinct queries succeed ($out)"
out=$(probe filter 0 10000); assert_eq "errors 0" "$(cut -d' ' -f1,2 <<< "$out")" "10,000 stat calls on distinct filter shapes succeed ($out)"
rss1=$(rss); forget; rss2=$(rss)
echo "   daemon VmRSS: $((rss0 >> 10)) KB after warm-up, $((rss1 >> 10)) KB after 110,000 lookups, $((rss2 >> 10)) KB after the kernel forgot them"
echo "   $(grep -E '^memory_bytes|^entries' "$M/.status/cache" | tr '\n' ' ')"
check "RSS grew by $(((rss2 - rss0) >> 10)) KB, at most 8 MB" test $((rss2 - rss0)) -le $((8 << 20))
check "daemon alive after the lookups" daemon_alive "$pid" "$M"
assert_eq 0 "$(listed_stat_names)" "ls search/ lists none of the names that were only stat'ed"
saved=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("saved_queries"))' "$M/.status/health.json")
check "health.json saved_queries is small (got $saved)" test "${saved:-0}" -lt 10

# Listing a query directory saves it, even when its result is empty; it persists across a remount.
for i in 1 2 3 4 5; do ls "$M/search/keepme$i" > /dev/null; sleep 1.1; done
listing=$(ls "$M/search")
for i in 1 2 3 4 5; do check "ls search/ lists keepme$i after it was listed" grep -qx "keepme$i" <<< "$listing"; done
unmount_fs "$M"; wait_gone "$pid"
mount_fs "$M" "$PENSIEVE_DB" --cache-memory 4M || { fail "remount with the same cache dir"; return; }
pid=$(daemon_pid "$M")
listing=$(ls "$M/search")
for i in 1 2 3 4 5; do check "keepme$i is still listed after a remount" grep -qx "keepme$i" <<< "$listing"; done
assert_eq 0 "$(listed_stat_names)" "after a remount, none of the stat'ed names is listed"
check "daemon alive" daemon_alive "$pid" "$M"
unmount_fs "$M"; wait_gone "$pid"

# --max-saved-queries 3: only the 3 most recently listed are kept (and after a remount too). Queries with
# results here, so that this part does not depend on whether an empty result is saved.
M="$WORK/mnt-max"; Q=(budget review invoice bulk zebra)
CACHE_DIR="$WORK/cache-max" mount_fs "$M" "$PENSIEVE_DB" --max-saved-queries 3 || { fail "mount with --max-saved-queries 3"; return; }
pid=$(daemon_pid "$M")
for q in "${Q[@]}"; do check "search/$q has results" bash -c "ls '$M/search/$q' | grep -q ."; sleep 1.1; done
ls "$M/search/review" > /dev/null   # listed again: now the most recent
assert_eq "bulk review zebra" "$(ls "$M/search" | sort | xargs)" "--max-saved-queries 3 keeps the 3 most recently listed"
unmount_fs "$M"; wait_gone "$pid"
CACHE_DIR="$WORK/cache-max" mount_fs "$M" "$PENSIEVE_DB" --max-saved-queries 3 || { fail "remount with --max-saved-queries 3"; return; }
pid=$(daemon_pid "$M")
assert_eq "bulk review zebra" "$(ls "$M/search" | sort | xargs)" "the 3 kept queries persist across a remount"
check "daemon alive" daemon_alive "$pid" "$M"
