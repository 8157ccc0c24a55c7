#!/usr/bin/env python3
"""Generates a Pensieve-format SQLite database of N screen captures, for benchmarks at a million.

usage: bench/make-scale-db.py [--entities N] [--out PATH] [--seed S] [--days D]
                              [--template DB | --recallfs BIN] [--force]
       bench/make-scale-db.py --top-words K      (prints the K most frequent vocabulary words, JSON)

Standard library only. The schema is copied from an empty database written by `recallfs index` (the
exact schema RecallFS reads; `--template`, or made with `--recallfs`, default the repo's release build,
else its debug build). Its library and folder ids are reused; the library becomes Pensieve's
"screenshots" library (kind 'record').

Each capture is one entity (webp, image), one every days*86400/N seconds, the last at
2026-10-01 00:00:00 UTC, with the metadata Pensieve stores for a screenshot: ocr_result (a JSON list of
{"dt_boxes", "rec_txt", "score"}, 10-30 lines of 3-9 words), active_app (one of 8 apps, also a tag),
active_window, timestamp, screen_name and sequence.

Words are drawn from a Zipf (s=1) distribution over 20,000 pronounceable pseudo-words. The vocabulary
is fixed (it does not depend on --seed) and has no 'q', so the marker words below never occur by
accident, and no word is a prefix of a marker (RecallFS matches every query word as a prefix):
  zqrare in 0.1% of documents (1,000 at a million), zqone in 1%, zqten in 10%, zqhalf in 50%,
each exactly once in exactly that many documents (document frequency is exact). 0.5% of documents
also get one or two CJK OCR lines (per-phrase document counts are in the summary).

Prints a JSON summary (marker counts, CJK counts, top words, timings) on stdout; progress on stderr.
"""
import argparse
import itertools
import json
import math
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time

END_EPOCH = 1790812800  # 2026-10-01 00:00:00 UTC: the last capture, fixed so runs are comparable
VOCAB_SIZE = 20000
VOCAB_SEED = 20000       # the vocabulary is the same for every --seed, so --top-words needs no database
ZIPF_S = 1.0
BATCH = 10000            # entities per executemany batch
MARKERS = [("zqrare", 0.001), ("zqone", 0.01), ("zqten", 0.10), ("zqhalf", 0.50)]
CJK_FRACTION = 0.005
CJK_PHRASES = [
    "会议记录 预算审查", "第三季度 销售报告", "项目进度 周报", "请查收附件中的合同", "服务器 日志 错误",
    "東京の天気予報", "会議の議事録を共有します", "明日の打ち合わせ 10時から", "新しいプロジェクト計画",
    "予算 見直し", "会议室 预订", "데이터 분석 결과",
]
APPS = ["Firefox", "Slack", "Terminal", "Code", "Mail", "Zoom", "Finder", "Notes"]
APP_WEIGHTS = [25, 15, 14, 18, 10, 6, 5, 7]  # a browser-and-editor heavy day
HOME_SHOTS = "/home/bench/.memos/screenshots"


def vocabulary():
    """20,000 distinct lowercase pseudo-words built from syllables, shortest first (so the most frequent
    Zipf ranks are short, as in real text). No 'q' and no 'x': markers all start with 'zq'."""
    rng = random.Random(VOCAB_SEED)
    onsets = list("bcdfghjklmnprstvwz") + ["br", "ch", "cl", "dr", "fl", "gr", "pl", "sh", "st", "th", "tr"]
    vowels = ["a", "e", "i", "o", "u", "ai", "ea", "ou"]
    codas = [""] * 6 + list("lmnrst") + ["nd", "st", "rk"]
    seen, words = set(), []
    while len(words) < VOCAB_SIZE:
        syllables = rng.choices([1, 2, 3], weights=[2, 5, 3])[0]
        w = "".join(rng.choice(onsets) + rng.choice(vowels) + rng.choice(codas) for _ in range(syllables))
        if len(w) >= 2 and w not in seen:
            seen.add(w)
            words.append(w)
    words.sort(key=len)  # stable: deterministic order within a length
    return words


def template_schema(args):
    """(table statements, index statements, alembic versions, library id, folder id) from an empty
    database written by `recallfs index`; indexes are created after the load, which is much faster."""
    tmp = None
    path = args.template
    if path is None:
        binary = args.recallfs or next((b for b in (os.path.join(REPO, ".build", c, "recallfs") for c in ("release", "debug"))
                                        if os.access(b, os.X_OK)), None)
        if binary is None:
            sys.exit("make-scale-db: no recallfs binary; pass --recallfs BIN or --template DB")
        tmp = tempfile.TemporaryDirectory(prefix="make-scale-db.")
        os.mkdir(os.path.join(tmp.name, "empty"))
        path = os.path.join(tmp.name, "template.db")
        subprocess.run([binary, "index", os.path.join(tmp.name, "empty"), "--db", path, "--library", "screenshots"],
                       check=True, stdout=subprocess.DEVNULL)
    src = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    rows = src.execute("SELECT type, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' "
                       "ORDER BY rowid").fetchall()
    versions = [r[0] for r in src.execute("SELECT version_num FROM alembic_version")]
    lib_id = src.execute("SELECT min(id) FROM libraries").fetchone()[0] or 1
    folder_id = src.execute("SELECT min(id) FROM folders").fetchone()[0] or 1
    src.close()
    if tmp:
        tmp.cleanup()
    tables = [sql for kind, sql in rows if kind != "index"]
    indexes = [sql for kind, sql in rows if kind == "index"]
    return tables, indexes, versions, lib_id, folder_id


def columns(db, table):
    return {r[1] for r in db.execute(f"PRAGMA table_info({table})")}


class Document:
    """One capture, as documents() yields it. Fields: eid, filepath, filename, size, created (file
    times, "YYYY-MM-DD HH:MM:SS.000000" UTC), scan (last_scan_at etc., "YYYY-MM-DD HH:MM:SS"), app_i
    (index into APPS; the tag id is app_i + 1), app, stamp, sequence, window, ocr (the ocr_result JSON),
    lines (its rec_txt values, in order, as plain text), metadata (the six metadata entries as
    (key, value, source, data_type) in insertion order)."""
    __slots__ = ("eid", "filepath", "filename", "size", "created", "scan", "app_i", "app", "stamp", "sequence",
                 "window", "ocr", "lines")

    def metadata(self):
        return (("timestamp", self.stamp, "system_generated", "TEXT_DATA"),
                ("active_app", self.app, "system_generated", "TEXT_DATA"),
                ("active_window", self.window, "system_generated", "TEXT_DATA"),
                ("screen_name", "main", "system_generated", "TEXT_DATA"),
                ("sequence", str(self.sequence), "system_generated", "NUMBER_DATA"),
                ("ocr_result", self.ocr, "ocr", "JSON_DATA"))


def documents(n, seed=1, days=90, stats=None):
    """Yields the n captures as Document objects, ids 1..n, the same for the same (n, seed, days): every
    database generator (this file's SQLite writer, bench/make-scale-pg.sh's PostgreSQL writer) takes its
    documents from here, so equal arguments give equal documents. Fills stats (a dict, if given) with
    "markers" {word: documents}, "cjk_documents", "cjk" {phrase: documents} and "apps" {app: documents};
    the counts are complete once the generator is exhausted. Yields one object that it reuses:
    copy what must outlive the next step."""
    vocab = vocabulary()
    cum = list(itertools.accumulate(1.0 / (r ** ZIPF_S) for r in range(1, VOCAB_SIZE + 1)))
    rng = random.Random(seed)
    choices, randrange, sample = rng.choices, rng.randrange, rng.sample
    stats = {} if stats is None else stats

    # Marker placement: exactly round(n*fraction) documents each (at least one), one bit per marker.
    mask = bytearray(n)
    marker_docs = {}
    for bit, (word, frac) in enumerate(MARKERS):
        k = max(1, round(n * frac))
        marker_docs[word] = k
        for i in sample(range(n), k):
            mask[i] |= 1 << bit
    cjk_set = set(sample(range(n), max(1, round(n * CJK_FRACTION))))
    cjk_counts = dict.fromkeys(CJK_PHRASES, 0)
    app_counts = dict.fromkeys(APPS, 0)
    stats.update(markers=marker_docs, cjk_documents=len(cjk_set), cjk=cjk_counts, apps=app_counts)

    interval = days * 86400 / n
    scores = [f"{0.80 + 0.2 * random.Random(i).random():.4f}" for i in range(1024)]  # precomputed, cheap to pick
    line_lengths = range(3, 10)
    app_cum = list(itertools.accumulate(APP_WEIGHTS))
    last_day, sequence, last_name = None, 0, None
    gmtime, strftime = time.gmtime, time.strftime
    d = Document()

    for idx in range(n):
        eid = idx + 1
        t = END_EPOCH - (n - eid) * interval
        sec = int(t)
        s = strftime("%Y-%m-%d %H:%M:%S", gmtime(sec))
        scan = strftime("%Y-%m-%d %H:%M:%S", gmtime(sec + 3))  # scanned a moment after capture
        day = s[0:4] + s[5:7] + s[8:10]
        stamp = day + "-" + s[11:13] + s[14:16] + s[17:19]
        sequence = sequence + 1 if day == last_day else 0
        last_day = day
        name = f"screenshot-{stamp}-of-main.webp"
        if name == last_name:  # more than one capture a second (N > days*86400): keep filepaths unique
            name = f"screenshot-{stamp}-{eid}-of-main.webp"
        else:
            last_name = name
        app_i = choices(range(8), cum_weights=app_cum)[0]
        app = APPS[app_i]
        app_counts[app] += 1

        # OCR text: all words of the document in one draw, then cut into lines.
        lens = choices(line_lengths, k=randrange(10, 31))
        total = sum(lens)
        words = choices(vocab, cum_weights=cum, k=total)
        w0, w1, w2 = words[0], words[1], words[2]
        m = mask[idx]
        if m:
            bits = [b for b in range(len(MARKERS)) if m >> b & 1]
            for b, pos in zip(bits, sample(range(total), len(bits))):
                words[pos] = MARKERS[b][0]
        lines = []  # rec_txt values
        pos = 0
        for ln in lens:
            lines.append(" ".join(words[pos:pos + ln]))
            pos += ln
        texts = ['"' + ln + '"' for ln in lines]  # as JSON string literals (vocabulary words need no escaping)
        if idx in cjk_set:
            for phrase in sample(CJK_PHRASES, 1 + (idx & 1)):
                cjk_counts[phrase] += 1
                at = randrange(len(texts) + 1)
                texts.insert(at, json.dumps(phrase))  # \u escapes, like json.dumps in Pensieve
                lines.insert(at, phrase)
        parts = []
        x = 24
        for j, txt in enumerate(texts):  # one box per line, top to bottom, in reading order
            y = 40 + 22 * j
            x2 = x + 9 * len(txt)
            parts.append(f'{{"dt_boxes": [[{x}, {y}], [{x2}, {y}], [{x2}, {y + 18}], [{x}, {y + 18}]], '
                         f'"rec_txt": {txt}, "score": {scores[(idx + j) & 1023]}}}')

        if app == "Slack":
            window = f"Slack - #{w0}-{w1}"
        elif app == "Terminal":
            window = f"Terminal - {w0}@{w1}: ~/{w2}"
        elif app == "Code":
            window = f"Code - {w0}.py - {w1}"
        elif app == "Mail":
            window = f"Mail - Inbox ({total})"
        else:
            window = f"{app} - {w0} {w1}"

        d.eid, d.filepath, d.filename = eid, f"{HOME_SHOTS}/{day}/{name}", name
        d.size, d.created, d.scan = 40000 + (total * 997) % 360000, s + ".000000", scan
        d.app_i, d.app, d.stamp, d.sequence, d.window = app_i, app, stamp, sequence, window
        d.ocr, d.lines = "[" + ", ".join(parts) + "]", lines
        yield d


def generate(args):
    t_start = time.time()
    n = args.entities
    tables, indexes, versions, lib_id, folder_id = template_schema(args)
    tmp_out = args.out + ".part"
    for p in (tmp_out, tmp_out + "-wal", tmp_out + "-shm", tmp_out + "-journal"):
        if os.path.exists(p):
            os.remove(p)
    db = sqlite3.connect(tmp_out, isolation_level=None)  # explicit BEGIN/COMMIT below
    # A fresh file that is thrown away on failure: no journal, no fsync, a large page cache.
    for pragma in ("journal_mode=OFF", "synchronous=OFF", "locking_mode=EXCLUSIVE", "cache_size=-262144",
                   "temp_store=MEMORY"):
        db.execute("PRAGMA " + pragma)
    db.execute("BEGIN")
    for sql in tables:
        db.execute(sql)
    entity_cols = columns(db, "entities")
    meta_cols = columns(db, "metadata_entries")
    for v in versions:
        db.execute("INSERT INTO alembic_version(version_num) VALUES (?)", (v,))
    start_s = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(END_EPOCH - args.days * 86400))
    db.execute("INSERT INTO libraries(id, name, kind, created_at, updated_at) VALUES (?, 'screenshots', 'record', ?, ?)",
               (lib_id, start_s, start_s))
    db.execute("INSERT INTO folders(id, path, library_id, type, last_modified_at, created_at, updated_at) "
               "VALUES (?, ?, ?, 'DEFAULT', ?, ?, ?)", (folder_id, HOME_SHOTS, lib_id, start_s + ".000000", start_s, start_s))
    for tag_id, app in enumerate(APPS, start=1):  # Pensieve tags every capture with its app
        db.execute("INSERT INTO tags(id, name, created_at, updated_at) VALUES (?, ?, ?, ?)", (tag_id, app, start_s, start_s))

    # Optional columns, only if the schema has them (it does today: last_scan_at, created_at, updated_at).
    e_extra = [c for c in ("last_scan_at", "created_at", "updated_at") if c in entity_cols]
    m_extra = [c for c in ("created_at", "updated_at") if c in meta_cols]
    ent_sql = ("INSERT INTO entities(id, filepath, filename, size, file_created_at, file_last_modified_at, file_type, "
               f"file_type_group, library_id, folder_id{''.join(', ' + c for c in e_extra)}) "
               f"VALUES ({', '.join('?' * (10 + len(e_extra)))})")
    meta_sql = (f'INSERT INTO metadata_entries(entity_id, "key", value, source_type, source, data_type'
                f"{''.join(', ' + c for c in m_extra)}) VALUES ({', '.join('?' * (6 + len(m_extra)))})")
    tag_sql = "INSERT INTO entity_tags(entity_id, tag_id, source, created_at, updated_at) VALUES (?, ?, 'SYSTEM_GENERATED', ?, ?)"

    stats = {}
    ent_rows, meta_rows, tag_rows = [], [], []
    meta_rows_total = 0
    for d in documents(n, args.seed, args.days, stats):
        eid, scan = d.eid, d.scan
        ent = [eid, d.filepath, d.filename, d.size, d.created, d.created, "webp", "image", lib_id, folder_id]
        ent.extend(scan for _ in e_extra)
        ent_rows.append(ent)
        extra = (scan,) * len(m_extra)
        meta_rows += [(eid, key, value, "PLUGIN_GENERATED", source, dtype) + extra
                      for key, value, source, dtype in d.metadata()]
        tag_rows.append((eid, d.app_i + 1, scan, scan))

        if len(ent_rows) >= BATCH or eid == n:
            db.executemany(ent_sql, ent_rows)
            db.executemany(meta_sql, meta_rows)
            db.executemany(tag_sql, tag_rows)
            meta_rows_total += len(meta_rows)
            ent_rows, meta_rows, tag_rows = [], [], []
            if eid % 100000 == 0 or eid == n:
                el = time.time() - t_start
                print(f"make-scale-db: {eid} of {n} entities, {el:.0f} s, {eid / el:.0f}/s", file=sys.stderr)

    t_load = time.time()
    for sql in indexes:  # after the load: one sort per index instead of n random inserts
        db.execute(sql)
    db.execute("COMMIT")
    t_index = time.time()
    db.execute("PRAGMA locking_mode=NORMAL")
    db.execute("PRAGMA journal_mode=WAL")  # what Pensieve's database uses
    db.close()
    for p in (args.out + "-wal", args.out + "-shm"):  # a replaced database's WAL must not meet the new file
        if os.path.exists(p):
            os.remove(p)
    os.replace(tmp_out, args.out)
    return {"out": args.out, **summary(n, args.seed, args.days, stats), "metadata_entries": meta_rows_total,
            "seconds": {"load": round(t_load - t_start, 1), "indexes": round(t_index - t_load, 1),
                        "total": round(time.time() - t_start, 1)}}


def summary(n, seed, days, stats):
    """The JSON summary's fields that describe the documents (stats: filled by an exhausted documents())."""
    interval = days * 86400 / n
    return {
        "entities": n,
        "seed": seed,
        "days": days,
        "first_capture": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(int(END_EPOCH - (n - 1) * interval))),
        "last_capture": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(END_EPOCH)),
        "interval_seconds": round(interval, 4),
        "markers": {w: {"documents": stats["markers"][w], "fraction": f} for w, f in MARKERS},
        "cjk": {"documents": stats["cjk_documents"], "phrases": stats["cjk"]},
        "apps": stats["apps"],
        "top_words": vocabulary()[:10],
    }


REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--entities", type=int, default=1_000_000)
    ap.add_argument("--out", default="scale.db")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--days", type=float, default=90)
    ap.add_argument("--template", help="an empty database written by `recallfs index` (schema source)")
    ap.add_argument("--recallfs", help="the recallfs binary that writes the template (default: the repo's build)")
    ap.add_argument("--force", action="store_true", help="replace --out if it exists")
    ap.add_argument("--top-words", type=int, metavar="K", help="print the K most frequent words and exit")
    args = ap.parse_args()
    if args.top_words is not None:
        print(json.dumps(vocabulary()[:args.top_words]))
        return
    if args.entities < 1 or not math.isfinite(args.days) or args.days <= 0:
        ap.error("--entities must be >= 1 and --days > 0")
    if os.path.exists(args.out) and not args.force:
        ap.error(f"{args.out} exists (use --force to replace it)")
    print(json.dumps(generate(args), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
