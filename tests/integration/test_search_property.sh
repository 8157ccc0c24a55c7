# Search finds what the files hold, as a property over real data: for sampled words of sampled
# documents, `search/<word> limit:1000` lists the document; and every file in a query directory
# holds each query word as the index matched it (case- and accent-insensitive, as a word prefix).
# Runs over the seeded Pensieve database and over a generated one with CJK OCR lines.
check_property() {  # check_property MNT LABEL SAMPLES
  local mnt="$1" label="$2" samples="$3"
  python3 - "$mnt" "$samples" <<'PY' > "$WORK/property-$label.txt" 2>&1
import os, random, re, sys, unicodedata
mnt, samples = sys.argv[1], int(sys.argv[2])
def fold(s):
    return "".join(c for c in unicodedata.normalize("NFKD", s.casefold()) if not unicodedata.combining(c))
CJK = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")
def words(text):
    out = []
    for token in re.findall(r"\w+", text):
        runs = CJK.findall(token)
        if runs and len(token) >= 2:   # a CJK pair from inside the run
            chars = [c for c in token if CJK.match(c)]
            if len(chars) >= 3: out.append("".join(chars[1:3]))
        elif len(token) >= 4 and not token.isdigit() and "_" not in token:
            out.append(token)
    return out
random.seed(7)
docs = sorted(os.listdir(os.path.join(mnt, "documents")))
problems, checked = [], 0
for name in random.sample(docs, min(samples, len(docs))):
    text = open(os.path.join(mnt, "documents", name), encoding="utf-8").read()
    body = text.split("\n---\n", 1)[-1]              # the sections after the front matter
    candidates = words(body)
    if not candidates: continue
    doc_id = name.split("-", 1)[0]
    for word in random.sample(candidates, min(3, len(candidates))):
        query = os.path.join(mnt, "search", word + " limit:1000")
        listed = os.listdir(query)
        checked += 1
        if len(listed) < 1000 and not any(entry.split("-")[1] == doc_id for entry in listed):
            problems.append(f"search/{word} does not list {name}")
        w = fold(word)
        for entry in listed[:40]:
            content = fold(open(os.path.join(query, entry), encoding="utf-8").read())
            if CJK.search(word):
                ok = w in content
            else:
                ok = re.search(r"(?<![^\W_])" + re.escape(w), content) is not None
            if not ok:
                problems.append(f"search/{word}/{entry} does not hold '{word}'")
print(f"checked {checked} words")
for p in problems[:20]: print("PROBLEM", p)
sys.exit(1 if problems or checked == 0 else 0)
PY
  local rc=$?
  sed 's/^/   /' "$WORK/property-$label.txt" | head -25
  check "$label: every sampled word finds its document, every result holds the word" test "$rc" -eq 0
}

M="$WORK/mnt"
mount_fs "$M" "$PENSIEVE_DB" || { fail "mount"; return; }
check_property "$M" pensieve 40

# A generated database: Zipf text, marker words, CJK lines in 0.5% of the documents.
GEN="$WORK/generated.db"
python3 "$ROOT/bench/make-scale-db.py" --entities 3000 --out "$GEN" --recallfs "$RECALLFS_BIN" > "$WORK/gen.log" 2>&1 \
  || { fail "generate a database: $(tail -3 "$WORK/gen.log")"; return; }
G="$WORK/gen"
CACHE_DIR="$WORK/cache-gen" mount_fs "$G" "$GEN" || { fail "mount the generated database"; return; }
for _ in $(seq 1 600); do grep -q '"ready" : true' "$G/.status/health.json" 2>/dev/null && break; sleep 0.2; done
check_property "$G" generated 40
# Its CJK documents, by a pair of characters from the middle of a run (unicode61 alone kept the run
# as one token, and found only its start).
pair=$(python3 - "$G/documents" <<'PY'
import os, re, sys
run = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]{4,}")
for name in sorted(os.listdir(sys.argv[1])):
    found = run.search(open(os.path.join(sys.argv[1], name), encoding="utf-8").read())
    if found: print(found.group(0)[1:3]); break
PY
)
check "the generated database has CJK documents" test -n "$pair"
if [[ -n "$pair" ]]; then
  assert_eq "$(LC_ALL=C.UTF-8 grep -l "$pair" "$G"/documents/* | wc -l)" "$(ls "$G/search/$pair limit:1000" | wc -l)" \
    "search/$pair lists every document that holds it"
fi
