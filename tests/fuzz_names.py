#!/usr/bin/env python3
"""Seeded fuzzing of query directory names on a RecallFS mount (standard library only).

usage: fuzz_names.py MOUNT [--seed N] [--count N] [--details FILE]

Generates COUNT names (reproducible for a seed; never NUL or '/'): random bytes (invalid UTF-8, C0
controls, DEL), unicode text with C1 controls, bidi controls (U+202A-U+202E, U+2066-U+2069), U+200B,
U+FEFF, ZWJ/ZWNJ, emoji, CJK, quotes, `key:value` filters, names of 256-1000 bytes, leading/trailing
spaces, dot names, then a fixed tail of names holding newlines that try to forge status lines. Each name
is stat'ed under MOUNT/search/ with exact bytes; every other name is also listed (os.listdir). The
expected outcome of each name:
    over 255 bytes                                         ENAMETOOLONG
    starts with '.'                                        ENOENT (EINVAL also accepted if it is bad)
    invalid UTF-8, C0/DEL, C1, bidi, U+200B, U+FEFF,
    leading or trailing whitespace                         EINVAL
    ZWJ/ZWNJ inside plain words                            success
    anything else                                          success or EINVAL
Prints `key value` lines: stat_<ERRNO> / ls_<ERRNO> counts, unexpected (outcome not allowed),
inconsistent (stat and ls disagree), saved_stat_only (names only stat'ed that `ls search/` shows),
saved_listed (names listed successfully that `ls search/` shows), listed_ok, and then up to 20
`example ...` lines. Every unexpected outcome goes to --details.
"""
import argparse, errno, os, random

BIDI = [chr(c) for c in list(range(0x202A, 0x202F)) + list(range(0x2066, 0x206A))]
C1 = [chr(c) for c in range(0x80, 0xA0)]
C0 = [chr(c) for c in list(range(1, 0x20)) + [0x7F]]
FORBIDDEN = set(BIDI + C1 + C0 + ["\u200b", "\ufeff"])
EMOJI = ["😀", "🎉", "👩\u200d💻", "👨\u200d👩\u200d👧", "🏳️\u200d🌈", "🇨🇭", "🔥", "✈️", "🧑🏽\u200d🚀"]
CJK = "東京大学日本語中文字한국어漢字かなカナ"
WORDS = ["budget", "review", "invoice", "Zürich", "café", "naïve", "résumé", "東京", "zebra", "NEAR", "AND", "OR",
         "NOT", "quarterly", "Firefox", "ünïcödé", "ΑΒΓ", "Ωmega", "москва", "עברית", "العربية"]
PUNCT = list("\"'`*()[]{}^$-+~!?,;:<>|&%#@=\\") + ["“", "”", "‘", "’", "«", "»", "…"]
FILTERS = ["app", "library", "after", "before", "date", "type", "limit", "foo", "APP", "Limit", "x_y", "é"]
VALUES = ["Firefox", "\"Google Chrome\"", "2026-01-15", "2026-13", "2026-02-30", "0", "1000", "1001", "-1",
          "99999999999999999999999", "9223372036854775807", "image", "webp", "", "\"\"", "work∕notes", "Slack,Firefox",
          "2026-01-01T10:00", "yesterday", "../..", "%00", "\\n"]


def word(r):
    return r.choice(WORDS) if r.random() < 0.7 else "".join(r.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(r.randint(1, 9)))


def text(r, n):
    return " ".join(word(r) for _ in range(n))


def generate(r):
    kind = r.choices(["bytes", "unicode", "filter", "c0", "c1", "bidi", "zw", "joiner", "long", "edge255", "spaces", "dot"],
                     [20, 20, 10, 7, 5, 5, 4, 7, 7, 2, 6, 4])[0]
    if kind == "bytes":
        return kind, bytes(r.choice([b for b in range(1, 256) if b != 0x2F]) for _ in range(r.randint(1, 60)))
    if kind == "unicode":
        parts = [r.choice([word(r), r.choice(EMOJI), "".join(r.sample(CJK, r.randint(1, 4))), r.choice(PUNCT),
                           chr(r.randint(0xA0, 0x2FFF)), chr(r.randint(0x1F300, 0x1FAFF))]) for _ in range(r.randint(1, 6))]
        return kind, (r.choice(["", " "]).join(parts)).replace("/", "").encode("utf-8", "surrogatepass")
    if kind == "filter":
        parts = [f"{r.choice(FILTERS)}:{r.choice(VALUES)}" for _ in range(r.randint(1, 3))] + [word(r)] * r.randint(0, 1)
        r.shuffle(parts)
        return kind, " ".join(parts).encode()
    if kind in ("c0", "c1", "bidi", "zw"):
        bad = r.choice({"c0": C0, "c1": C1, "bidi": BIDI, "zw": ["\u200b", "\ufeff"]}[kind])
        w = text(r, r.randint(1, 3))
        at = r.randint(0, len(w))
        return kind, (w[:at] + bad + w[at:]).encode()
    if kind == "joiner":
        j = r.choice(["\u200d", "\u200c"])
        return kind, r.choice([word(r) + j + word(r), "می" + j + "خواهم", "code" + r.choice(EMOJI[2:4]) + "review",
                               word(r) + " " + word(r) + j + word(r)]).encode()
    if kind == "long":
        t = text(r, 200)
        return kind, t.encode()[: r.randint(256, 1000)].decode("utf-8", "ignore").strip().encode()
    if kind == "edge255":
        return kind, ("a" * (255 - 3) + r.choice(["bcd", "é!", "東"])).encode()[:255]
    if kind == "spaces":
        w = text(r, r.randint(1, 2))
        return kind, r.choice([" " + w, w + " ", "  " + w + "  ", "\u00a0" + w, w + "\u3000"]).encode()
    return kind, ("." + r.choice([word(r), "hidden", "Trash", "", ".x", "git"])).encode()


TAIL = [b"a\nb", b"budget\n2026-01-01T00:00:00Z lookup search/x: EINVAL: forged", b"x\r\nFORGED line", b"\nFORGED",
        b"FORGED\n", "budget\u2028FORGED".encode(), "budget\u0085FORGED".encode(), b"\x1b[2J\x1b[HFORGED"]


def expected(kind, name):
    if len(name) > 255:
        return {errno.ENAMETOOLONG}
    try:
        s = name.decode("utf-8")
    except UnicodeDecodeError:
        s = None
    bad = s is None or any(c in FORBIDDEN for c in s)
    if name.startswith(b"."):
        return {errno.ENOENT, errno.EINVAL} if bad else {errno.ENOENT}
    if bad or s[0].isspace() or s[-1].isspace():
        return {errno.EINVAL}
    return {0} if kind == "joiner" else {0, errno.EINVAL}


def attempt(call, path):
    try:
        call(path)
        return 0
    except OSError as e:
        return e.errno


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mount")
    ap.add_argument("--seed", type=int, default=20260115)
    ap.add_argument("--count", type=int, default=3000)
    ap.add_argument("--details", default=os.devnull)
    a = ap.parse_args()
    r = random.Random(a.seed)
    names, seen = [], set()
    while len(names) < a.count:
        kind, name = generate(r)
        if name and name not in seen and name not in (b".", b"..") and b"/" not in name and b"\0" not in name:
            seen.add(name); names.append((kind, name))
    names += [("tail", n) for n in TAIL if n not in seen]
    search = os.fsencode(a.mount) + b"/search/"
    counts, unexpected, inconsistent, examples = {}, 0, 0, []
    stat_only_ok, listed_ok = set(), set()
    with open(a.details, "w") as details:
        for i, (kind, name) in enumerate(names):
            want = expected(kind, name)
            got = {"stat": attempt(os.stat, search + name)}
            if i % 2 == 0 or kind == "tail":
                got["ls"] = attempt(os.listdir, search + name)
            for op, e in got.items():
                key = f"{op}_{errno.errorcode.get(e, 'OK') if e else 'OK'}"
                counts[key] = counts.get(key, 0) + 1
                if e not in want:
                    unexpected += 1
                    line = f"{op} {kind} {name!r} ({len(name)} bytes): got {errno.errorcode.get(e, e) if e else 'success'}, want {sorted(errno.errorcode.get(w, 'success') for w in want)}"
                    details.write(line + "\n")
                    if len(examples) < 20:
                        examples.append(line[:300])
            if "ls" in got and got["ls"] != got["stat"]:
                inconsistent += 1
            if got["stat"] == 0:
                (listed_ok if got.get("ls") == 0 else stat_only_ok if "ls" not in got else set()).add(name)
    saved = set(os.listdir(search[:-1]))
    for k in sorted(counts):
        print(k, counts[k])
    print("names", len(names))
    print("unexpected", unexpected)
    print("inconsistent", inconsistent)
    print("listed_ok", len(listed_ok))
    print("saved_stat_only", len(stat_only_ok & saved))
    print("saved_listed", len(listed_ok & saved))
    for line in examples:
        print("example", line)


if __name__ == "__main__":
    main()
