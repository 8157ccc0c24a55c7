#!/bin/bash
# usage: run-queries.sh query|ftsquery INDEX QUERYFILE [extra xbench options]
# One new process per query, the index's pages dropped from the page cache first (--evict):
# cold_ms = open + first query in a new process, warm_ms = median of 3 more runs in that process.
mode=$1; idx=$2; qf=$3; shift 3
first=1
while IFS= read -r q; do
  [ -z "$q" ] && continue
  if [ "$mode" = ftsquery ] && [[ "$q" == *app:* || "$q" == *range:* ]]; then continue; fi
  out=$(nice -n 10 ./xbench "$mode" "$idx" --evict "$@" "$q")
  if [ $first = 1 ]; then echo "$out"; first=0; else echo "$out" | tail -n +2; fi
done < "$qf"
