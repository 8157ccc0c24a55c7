#!/usr/bin/env python3
"""summarize.py FILE... : median cold/warm ms per query over runs (files), and p50/p95 over the target set."""
import re, statistics, sys
TARGET = ["zqrare", "zqone", "zqten", "zqhalf", "za", "mo", "zqra", "plo", "zqone zqten", "za mo"]
rows = {}
order = []
for f in sys.argv[1:]:
    for line in open(f):
        m = re.match(r'^\[(.*)\]\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+(.*)$', line)
        if not m:
            continue
        q = m.group(1)
        if q not in rows:
            rows[q] = []
            order.append(q)
        rows[q].append((float(m.group(2)), float(m.group(4)), m.group(5).split()[0]))
print(f"{'query':36} {'cold_ms':>9} {'warm_ms':>9} {'runs':>4}  cold per run")
med = {}
for q in order:
    c = statistics.median(r[0] for r in rows[q]); w = statistics.median(r[1] for r in rows[q])
    med[q] = (c, w)
    print(f"{q:36} {c:9.1f} {w:9.1f} {len(rows[q]):4}  " + " ".join(f"{r[0]:.1f}" for r in rows[q]))
def pct(v, p):  # nearest rank
    v = sorted(v); import math
    return v[max(0, math.ceil(p / 100 * len(v)) - 1)]
t = [q for q in TARGET if q in med]
for i, name in ((0, "cold"), (1, "warm")):
    v = [med[q][i] for q in t]
    print(f"target set ({len(t)} queries) {name}: p50 {statistics.median(v):.1f} ms, p95 (nearest rank) {pct(v, 95):.1f} ms, max {max(v):.1f}")
