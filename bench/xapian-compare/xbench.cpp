// xbench: measures a Xapian top-k index (and SQLite FTS5 for comparison) on a Pensieve-format database.
//
//   g++ -O2 -std=c++17 xbench.cpp -o xbench -lxapian -lsqlite3
//
//   xbench build DB INDEXDIR [N]            index the first N entities (all if omitted)
//         env: XB_COMMIT (docs per commit, default 10000), XAPIAN_FLUSH_THRESHOLD (set to XB_COMMIT+1
//              if unset, so Xapian never flushes between our commits), XB_NOSYNC=1 (DB_NO_SYNC),
//              XB_NOPOS=1 (no positions), XB_CJKPOS=1 (positions for CJK terms only),
//              XB_NOTERMLIST=1 (DB_NO_TERMLIST: no replace/delete of existing documents),
//              XB_SHARD=N (write shards of N docs to INDEXDIR.shards/, then merge them into INDEXDIR with
//              compact(DBCOMPACT_NO_RENUMBER) and delete them; XB_KEEP_SHARDS=1 keeps them),
//              XB_PREFIX="2 3 4" (also index P<prefix> terms, no positions, for prefixes of these lengths),
//              XB_DRYRUN=1 (read, tokenize, make Documents, but add nothing: the cost outside Xapian's writer)
//   xbench compact INDEXDIR OUTDIR          Database::compact with DBCOMPACT_NO_RENUMBER (keeps docids)
//   xbench query INDEXDIR [opts] Q...       one query per argument
//         opts: --evict (drop INDEXDIR's pages from the page cache before each cold run, fadvise),
//               --maxexp N (0 = unlimited), --limit error|first|frequent, --combiner synonym|or|max,
//               --k N (default 50), --warm N (warm repetitions, default 3),
//               --fts5like (BM25 with FTS5's k1=1.2, b=0.75 and no min_normlen, instead of Xapian's defaults),
//               --prefix-terms "2 3 4" (a word of 2, 3 or 4 characters is the term P<word>: index built with XB_PREFIX)
//         query syntax: words (each a prefix, AND), "quoted words" (phrase, exact terms),
//               a CJK run (phrase of its characters), app:NAME (boolean filter A<name>),
//               lib:N, range:LO..HI (epoch seconds, value slot 0), =word (exact term, no prefix)
//   xbench ftsquery FTSDB [--evict] [--table f] Q...
//         SELECT rowid FROM f WHERE f MATCH '"w1"* "w2"*' ORDER BY rank LIMIT 50
//   xbench textdump DB N                    (debug) print the folded tokens of the first N entities

#include <xapian.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <ftw.h>
#include <string>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unordered_map>
#include <vector>

using namespace std;
using Clock = chrono::steady_clock;

static double ms_since(Clock::time_point t0) {
    return chrono::duration<double, milli>(Clock::now() - t0).count();
}
static long peak_rss_kb() {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}
static long cur_rss_kb() {
    FILE* f = fopen("/proc/self/statm", "r");
    long pages = 0, res = 0;
    if (f) { if (fscanf(f, "%ld %ld", &pages, &res) != 2) res = 0; fclose(f); }
    return res * (sysconf(_SC_PAGESIZE) / 1024);
}

// ---------- sizes and page cache ----------
static long long g_apparent, g_alloc, g_resident;
static bool g_evict;
static int walk_cb(const char* path, const struct stat* st, int type, struct FTW*) {
    if (type != FTW_F) return 0;
    g_apparent += st->st_size;
    g_alloc += (long long)st->st_blocks * 512;
    int fd = open(path, O_RDONLY);
    if (fd < 0) return 0;
    if (g_evict) {
        posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    } else if (st->st_size > 0) {
        void* p = mmap(nullptr, st->st_size, PROT_READ, MAP_SHARED, fd, 0);
        if (p != MAP_FAILED) {
            long ps = sysconf(_SC_PAGESIZE);
            size_t n = (st->st_size + ps - 1) / ps;
            vector<unsigned char> v(n);
            if (mincore(p, st->st_size, v.data()) == 0)
                for (auto c : v) if (c & 1) g_resident += ps;
            munmap(p, st->st_size);
        }
    }
    close(fd);
    return 0;
}
struct DirInfo { long long apparent, alloc, resident; };
static DirInfo dir_info(const string& path) {
    g_apparent = g_alloc = g_resident = 0; g_evict = false;
    nftw(path.c_str(), walk_cb, 16, FTW_PHYS);
    return {g_apparent, g_alloc, g_resident};
}
static void evict(const string& path) {
    g_evict = true;
    nftw(path.c_str(), walk_cb, 16, FTW_PHYS);
    g_evict = false;
}

// ---------- UTF-8, folding, tokenizing ----------
static void put_utf8(string& out, uint32_t c) {
    if (c < 0x80) out += char(c);
    else if (c < 0x800) { out += char(0xC0 | (c >> 6)); out += char(0x80 | (c & 0x3F)); }
    else if (c < 0x10000) { out += char(0xE0 | (c >> 12)); out += char(0x80 | ((c >> 6) & 0x3F)); out += char(0x80 | (c & 0x3F)); }
    else { out += char(0xF0 | (c >> 18)); out += char(0x80 | ((c >> 12) & 0x3F)); out += char(0x80 | ((c >> 6) & 0x3F)); out += char(0x80 | (c & 0x3F)); }
}
static uint32_t next_cp(const string& s, size_t& i) {
    unsigned char c = s[i];
    if (c < 0x80) { i += 1; return c; }
    int n = (c >= 0xF0) ? 3 : (c >= 0xE0) ? 2 : (c >= 0xC0) ? 1 : 0;
    if (n == 0 || i + n >= s.size()) { i += 1; return 0xFFFD; }
    uint32_t cp = c & (0x3F >> n);
    for (int k = 1; k <= n; k++) cp = (cp << 6) | (s[i + k] & 0x3F);
    i += n + 1;
    return cp;
}
// Latin-1 Supplement U+00C0..U+00FF ('.' = separator, '1'..'3' = multi-letter)
static const char* LAT1 = "aaaaaa4ceeeeiiiidnooooo.ouuuuy53" "aaaaaa4ceeeeiiiidnooooo.ouuuuy5y";
// Latin Extended-A U+0100..U+017F ('1' = ij, '2' = oe)
static const char* LATA = "aaaaaa" "cccccccc" "dddd" "eeeeeeeeee" "gggggggg" "hhhh" "iiiiiiiiii" "11" "jj" "kkk"
                          "llllllllll" "nnnnnnnnn" "oooooo" "22" "rrrrrr" "ssssssss" "tttttt" "uuuuuuuuuuuu" "ww" "yyy"
                          "zzzzzz" "s";
static const char* MULTI[] = {"", "ij", "oe", "ss", "ae", "th"};
static inline bool is_cjk(uint32_t c) {
    return (c >= 0x3040 && c <= 0x30FF) || (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xAC00 && c <= 0xD7AF);
}
// Appends the folded form of c to word; returns false if c is a separator.
static inline bool fold_append(string& word, uint32_t c) {
    if (c < 0x80) {
        if (c >= 'A' && c <= 'Z') { word += char(c + 32); return true; }
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) { word += char(c); return true; }
        return false;
    }
    if (c < 0xC0) return false;
    if (c < 0x100 || (c >= 0x100 && c < 0x180)) {
        char f = c < 0x100 ? LAT1[c - 0xC0] : LATA[c - 0x100];
        if (f == '.') return false;
        if (f >= '1' && f <= '5') word += MULTI[f - '0'];
        else word += f;
        return true;
    }
    if ((c >= 0x2000 && c <= 0x206F) || (c >= 0x3000 && c <= 0x303F) || (c >= 0xFF00 && c <= 0xFF0F) ||
        (c >= 0xFE30 && c <= 0xFE4F) || c == 0xFFFD)
        return false;
    put_utf8(word, c);  // other letters kept as they are (no case fold beyond Latin for this measurement)
    return true;
}
struct Tok { string term; bool cjk; };
// Bytes in the first n characters of t, or 0 if t has fewer than n characters.
static size_t utf8_prefix_bytes(const string& t, int n) {
    size_t i = 0;
    for (int k = 0; k < n; k++) { if (i >= t.size()) return 0; next_cp(t, i); }
    return i;
}
// Splits folded text into tokens; each CJK character is a token of its own.
template <class F> static void tokenize(const string& s, F&& emit) {
    string word;
    size_t i = 0;
    while (i < s.size()) {
        uint32_t c = next_cp(s, i);
        if (is_cjk(c)) {
            if (!word.empty()) { emit(word, false); word.clear(); }
            string t; put_utf8(t, c); emit(t, true);
        } else if (!fold_append(word, c)) {
            if (!word.empty()) { emit(word, false); word.clear(); }
        }
    }
    if (!word.empty()) emit(word, false);
}

// ---------- OCR JSON scanner: appends each rec_txt string (decoded) to out, one per line ----------
static size_t scan_rec_txt(const char* p, size_t n, string& out) {
    static const char KEY[] = "\"rec_txt\"";
    size_t total = 0;
    const char* end = p + n;
    while (true) {
        const char* k = (const char*)memmem(p, end - p, KEY, sizeof(KEY) - 1);
        if (!k) break;
        p = k + sizeof(KEY) - 1;
        while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) p++;
        if (p >= end || *p != ':') continue;
        p++;
        while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) p++;
        if (p >= end || *p != '"') continue;
        p++;
        size_t before = out.size();
        while (p < end && *p != '"') {
            if (*p != '\\') { out += *p++; continue; }
            if (++p >= end) break;
            char e = *p++;
            switch (e) {
                case 'n': out += '\n'; break;
                case 't': out += '\t'; break;
                case 'r': out += '\r'; break;
                case 'b': out += '\b'; break;
                case 'f': out += '\f'; break;
                case 'u': {
                    auto hex4 = [&](uint32_t& v) {
                        if (end - p < 4) return false;
                        v = 0;
                        for (int j = 0; j < 4; j++) {
                            char h = p[j];
                            v = v * 16 + (h >= '0' && h <= '9' ? h - '0' : (h | 32) >= 'a' && (h | 32) <= 'f' ? (h | 32) - 'a' + 10 : 0);
                        }
                        p += 4;
                        return true;
                    };
                    uint32_t v;
                    if (!hex4(v)) break;
                    if (v >= 0xD800 && v < 0xDC00 && end - p >= 6 && p[0] == '\\' && p[1] == 'u') {
                        p += 2;
                        uint32_t lo;
                        if (hex4(lo) && lo >= 0xDC00 && lo < 0xE000) v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
                    }
                    put_utf8(out, v);
                    break;
                }
                default: out += e;  // \" \\ \/
            }
        }
        if (p < end) p++;
        total += out.size() - before;
        out += '\n';
    }
    return total;
}

static long long parse_time(const char* s) {
    if (!s) return 0;
    struct tm tm{};
    int Y, M, D, h = 0, m = 0, sec = 0;
    if (sscanf(s, "%d-%d-%d %d:%d:%d", &Y, &M, &D, &h, &m, &sec) < 3 &&
        sscanf(s, "%d-%d-%dT%d:%d:%d", &Y, &M, &D, &h, &m, &sec) < 3)
        return 0;
    tm.tm_year = Y - 1900; tm.tm_mon = M - 1; tm.tm_mday = D; tm.tm_hour = h; tm.tm_min = m; tm.tm_sec = sec;
    return (long long)timegm(&tm);
}

static sqlite3* open_ro(const string& path) {
    sqlite3* db;
    string uri = path.rfind("file:", 0) == 0 ? path : "file:" + path + "?mode=ro";
    if (sqlite3_open_v2(uri.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nullptr) != SQLITE_OK) {
        fprintf(stderr, "open %s: %s\n", uri.c_str(), sqlite3_errmsg(db));
        exit(1);
    }
    return db;
}
static sqlite3_stmt* prep(sqlite3* db, const char* sql) {
    sqlite3_stmt* st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) != SQLITE_OK) {
        fprintf(stderr, "prepare: %s\n", sqlite3_errmsg(db));
        exit(1);
    }
    return st;
}

// ---------- build ----------
struct Ent { long long id; long long lib; long long t; string app; string text; };

static int cmd_build(int argc, char** argv) {
    if (argc < 4) { fprintf(stderr, "usage: xbench build DB INDEXDIR [N]\n"); return 2; }
    string dbpath = argv[2], idx = argv[3];
    long long limit = argc > 4 ? atoll(argv[4]) : -1;
    long commit_every = getenv("XB_COMMIT") ? atol(getenv("XB_COMMIT")) : 10000;
    if (!getenv("XAPIAN_FLUSH_THRESHOLD")) setenv("XAPIAN_FLUSH_THRESHOLD", to_string(commit_every + 1).c_str(), 1);
    bool nosync = getenv("XB_NOSYNC") && atoi(getenv("XB_NOSYNC"));
    bool nopos = getenv("XB_NOPOS") && atoi(getenv("XB_NOPOS"));
    bool cjkpos = getenv("XB_CJKPOS") && atoi(getenv("XB_CJKPOS"));        // positions for CJK terms only
    bool notermlist = getenv("XB_NOTERMLIST") && atoi(getenv("XB_NOTERMLIST"));
    fprintf(stderr, "build: commit every %ld docs, XAPIAN_FLUSH_THRESHOLD=%s%s%s%s%s\n", commit_every,
            getenv("XAPIAN_FLUSH_THRESHOLD"), nosync ? ", DB_NO_SYNC" : "", nopos ? ", no positions" : "",
            cjkpos ? ", positions for CJK only" : "", notermlist ? ", DB_NO_TERMLIST" : "");

    sqlite3* db = open_ro(dbpath);
    sqlite3_stmt* qe = prep(db, "SELECT id, library_id, file_created_at FROM entities WHERE id > ? ORDER BY id LIMIT ?");
    sqlite3_stmt* qm = prep(db, "SELECT entity_id, key, value FROM metadata_entries WHERE entity_id BETWEEN ? AND ? "
                                "AND +key IN ('ocr_result', 'active_app')");  // '+': else SQLite picks idx_metadata_key (slow)
    // XB_PREFIX="2 3 4": also index, without positions, a term "P<first n characters>" for each word of at
    // least n characters (like FTS5's prefix option), so a prefix query of n characters is one term.
    vector<int> pfx_lens;
    if (getenv("XB_PREFIX")) { string v = getenv("XB_PREFIX"); size_t i = 0; while (i < v.size()) { pfx_lens.push_back(atoi(v.c_str() + i)); i = v.find(' ', i); if (i == string::npos) break; i++; } }
    bool dryrun = getenv("XB_DRYRUN") && atoi(getenv("XB_DRYRUN"));  // tokenize and make Documents only
    long shard = getenv("XB_SHARD") ? atol(getenv("XB_SHARD")) : 0;  // docs per shard; 0 = one database
    int wflags = Xapian::DB_CREATE_OR_OVERWRITE | (nosync ? Xapian::DB_NO_SYNC : 0) |
                 (notermlist ? Xapian::DB_NO_TERMLIST : 0);
    vector<string> shards;
    auto shard_path = [&](size_t k) { char b[32]; snprintf(b, sizeof b, "/s%04zu", k); return idx + ".shards" + b; };
    if (shard > 0) {
        if (system(("rm -rf '" + idx + ".shards' && mkdir -p '" + idx + ".shards'").c_str()) != 0) return 1;
        shards.push_back(shard_path(0));
        fprintf(stderr, "build: shards of %ld docs in %s.shards, merged by compact at the end\n", shard, idx.c_str());
    }
    Xapian::WritableDatabase xdb(shard > 0 ? shards[0] : idx, wflags);
    long long in_shard = 0;

    auto t0 = Clock::now();
    double t_read = 0, t_index = 0, t_commit = 0;
    long long docs = 0, text_bytes = 0, postings = 0, last = 0, since_commit = 0;
    vector<Ent> batch;
    unordered_map<long long, size_t> pos_of;
    long long next_report = 50000;
    while (limit < 0 || docs < limit) {
        auto tr = Clock::now();
        int want = 1000;
        if (limit >= 0 && limit - docs < want) want = int(limit - docs);
        batch.clear(); pos_of.clear();
        sqlite3_bind_int64(qe, 1, last);
        sqlite3_bind_int(qe, 2, want);
        while (sqlite3_step(qe) == SQLITE_ROW) {
            Ent e;
            e.id = sqlite3_column_int64(qe, 0);
            e.lib = sqlite3_column_int64(qe, 1);
            e.t = parse_time((const char*)sqlite3_column_text(qe, 2));
            pos_of[e.id] = batch.size();
            batch.push_back(move(e));
        }
        sqlite3_reset(qe);
        if (batch.empty()) break;
        last = batch.back().id;
        sqlite3_bind_int64(qm, 1, batch.front().id);
        sqlite3_bind_int64(qm, 2, last);
        while (sqlite3_step(qm) == SQLITE_ROW) {
            auto it = pos_of.find(sqlite3_column_int64(qm, 0));
            if (it == pos_of.end()) continue;
            Ent& e = batch[it->second];
            const char* key = (const char*)sqlite3_column_text(qm, 1);
            const char* val = (const char*)sqlite3_column_blob(qm, 2);
            int n = sqlite3_column_bytes(qm, 2);
            if (!key || !val) continue;
            if (strcmp(key, "ocr_result") == 0) text_bytes += scan_rec_txt(val, n, e.text);
            else e.app.assign(val, n);
        }
        sqlite3_reset(qm);
        t_read += ms_since(tr);

        auto ti = Clock::now();
        for (Ent& e : batch) {
            Xapian::Document doc;
            Xapian::termpos pos = 0;
            tokenize(e.text, [&](const string& t, bool cjk) {
                if (t.size() > 64) return;
                ++pos;
                if (nopos || (cjkpos && !cjk)) doc.add_term(t); else doc.add_posting(t, pos);
                postings++;
                if (!cjk) for (int n : pfx_lens) {
                    size_t b = utf8_prefix_bytes(t, n);
                    if (b) doc.add_term("P" + t.substr(0, b));
                }
            });
            string app = "A";
            for (char c : e.app) app += (c >= 'A' && c <= 'Z') ? char(c + 32) : c;
            if (e.app.size()) doc.add_boolean_term(app);
            doc.add_boolean_term("L" + to_string(e.lib));
            doc.add_value(0, Xapian::sortable_serialise(double(e.t)));
            if (!dryrun) xdb.replace_document(Xapian::docid(e.id), doc);
            docs++; since_commit++;
        }
        t_index += ms_since(ti);
        in_shard += batch.size();
        if (since_commit >= commit_every || (shard > 0 && in_shard >= shard)) {
            auto tc = Clock::now();
            xdb.commit();
            if (shard > 0 && in_shard >= shard) {
                xdb.close();
                shards.push_back(shard_path(shards.size()));
                xdb = Xapian::WritableDatabase(shards.back(), wflags);
                in_shard = 0;
            }
            t_commit += ms_since(tc);
            since_commit = 0;
        }
        if (docs >= next_report) {
            double s = ms_since(t0) / 1000;
            fprintf(stderr, "  %lld docs, %.0f s, %.0f docs/s, rss %ld MB, peak %ld MB\n", docs, s, docs / s,
                    cur_rss_kb() / 1024, peak_rss_kb() / 1024);
            next_report += 50000;
        }
    }
    auto tc = Clock::now();
    xdb.commit();
    xdb.close();
    t_commit += ms_since(tc);
    double t_merge = 0;
    long long shard_bytes = 0;
    if (shard > 0) {
        auto tm = Clock::now();
        Xapian::Database all;
        for (auto& p : shards) { all.add_database(Xapian::Database(p)); shard_bytes += dir_info(p).alloc; }
        fprintf(stderr, "  %.0f s: merging %zu shards (%lld MB)\n", ms_since(t0) / 1000, shards.size(), shard_bytes >> 20);
        all.compact(idx, Xapian::DBCOMPACT_NO_RENUMBER);
        all.close();
        t_merge = ms_since(tm);
        if (!getenv("XB_KEEP_SHARDS") && system(("rm -rf '" + idx + ".shards'").c_str()) != 0) return 1;
    }
    double s = ms_since(t0) / 1000;
    DirInfo di = dir_info(idx);
    if (shard > 0) printf("shards %zu\nshard_bytes_du %lld\nmerge_s %.1f\n", shards.size(), shard_bytes, t_merge / 1000);
    printf("docs %lld\nseconds %.1f\ndocs_per_s %.0f\npeak_rss_mb %.1f\nread_parse_s %.1f\nxapian_add_s %.1f\n"
           "commit_s %.1f\nindex_bytes_apparent %lld\nindex_bytes_du %lld\nocr_text_bytes %lld\npostings %lld\n"
           "index_to_text %.2f\n",
           docs, s, docs / s, peak_rss_kb() / 1024.0, t_read / 1000, t_index / 1000, t_commit / 1000, di.apparent,
           di.alloc, text_bytes, postings, double(di.alloc) / text_bytes);
    sqlite3_finalize(qe); sqlite3_finalize(qm); sqlite3_close(db);
    return 0;
}

static int cmd_compact(int argc, char** argv) {
    if (argc < 4) return 2;
    auto t0 = Clock::now();
    Xapian::Database(argv[2]).compact(argv[3], Xapian::DBCOMPACT_NO_RENUMBER);
    DirInfo a = dir_info(argv[2]), b = dir_info(argv[3]);
    printf("compact_s %.1f\npeak_rss_mb %.1f\nbefore_du %lld\nafter_du %lld\n", ms_since(t0) / 1000,
           peak_rss_kb() / 1024.0, a.alloc, b.alloc);
    return 0;
}

static int cmd_textdump(int argc, char** argv) {
    sqlite3* db = open_ro(argv[2]);
    sqlite3_stmt* q = prep(db, "SELECT entity_id, value FROM metadata_entries WHERE key='ocr_result' AND entity_id <= ?");
    sqlite3_bind_int64(q, 1, atoll(argv[3]));
    while (sqlite3_step(q) == SQLITE_ROW) {
        string text;
        scan_rec_txt((const char*)sqlite3_column_blob(q, 1), sqlite3_column_bytes(q, 1), text);
        printf("%lld:", (long long)sqlite3_column_int64(q, 0));
        tokenize(text, [&](const string& t, bool cjk) { printf(" %s%s", t.c_str(), cjk ? "'" : ""); });
        printf("\n");
    }
    return 0;
}

// ---------- queries ----------
struct QOpts {
    bool evict = false;
    Xapian::termcount maxexp = 0;
    int limit_type = Xapian::Query::WILDCARD_LIMIT_ERROR;
    Xapian::Query::op combiner = Xapian::Query::OP_SYNONYM;
    int k = 50;
    int warm = 3;
    string table = "f";
    vector<int> pfx_lens;   // --prefix-terms "2 3 4": prefixes of these lengths are P terms
    bool fts5like = false;  // BM25Weight(k1=1.2, k2=0, k3=1, b=0.75, min_normlen=0), FTS5's parameters
};

// Splits the mini syntax into its parts: "quoted text" (quoted = true) and space-separated words.
template <class F> static void for_each_query_part(const string& q, F part) {
    size_t i = 0;
    while (i < q.size()) {
        while (i < q.size() && q[i] == ' ') i++;
        if (i >= q.size()) break;
        size_t j;
        if (q[i] == '"') {
            j = q.find('"', i + 1);
            if (j == string::npos) j = q.size();
            part(q.substr(i + 1, j - i - 1), true);
            i = j + 1;
        } else {
            j = q.find(' ', i);
            if (j == string::npos) j = q.size();
            part(q.substr(i, j - i), false);
            i = j;
        }
    }
}

// Parses the mini syntax into a Xapian query.
static Xapian::Query parse_query(const string& q, const QOpts& o) {
    vector<Xapian::Query> must, filters;
    auto exact_or_prefix = [&](const string& chunk, bool prefix) {
        vector<Tok> toks;
        tokenize(chunk, [&](const string& t, bool cjk) { toks.push_back({t, cjk}); });
        if (toks.empty()) return;
        auto chars = [](const string& t) { size_t i = 0, n = 0; while (i < t.size()) { next_cp(t, i); n++; } return int(n); };
        if (toks.size() == 1 && !toks[0].cjk && prefix &&
            find(o.pfx_lens.begin(), o.pfx_lens.end(), chars(toks[0].term)) != o.pfx_lens.end()) {
            must.emplace_back("P" + toks[0].term);
        } else if (toks.size() == 1 && !toks[0].cjk && prefix) {
            must.emplace_back(Xapian::Query::OP_WILDCARD, toks[0].term, o.maxexp, o.limit_type, o.combiner);
        } else if (toks.size() == 1) {
            must.emplace_back(toks[0].term);
        } else {
            vector<Xapian::Query> parts;
            for (auto& t : toks) parts.emplace_back(t.term);
            must.emplace_back(Xapian::Query::OP_PHRASE, parts.begin(), parts.end(), parts.size());
        }
    };
    for_each_query_part(q, [&](const string& w, bool quoted) {
        // quoted text is a phrase even with one token
        if (quoted) { exact_or_prefix(w + " ", false); return; }
        if (w.rfind("app:", 0) == 0) {
            string a = "A";
            for (char c : w.substr(4)) a += (c >= 'A' && c <= 'Z') ? char(c + 32) : c;
            filters.emplace_back(a);
        } else if (w.rfind("lib:", 0) == 0) {
            filters.emplace_back("L" + w.substr(4));
        } else if (w.rfind("range:", 0) == 0) {
            string r = w.substr(6);
            size_t d = r.find("..");
            double lo = atof(r.substr(0, d).c_str()), hi = atof(r.substr(d + 2).c_str());
            filters.emplace_back(Xapian::Query::OP_VALUE_RANGE, 0, Xapian::sortable_serialise(lo),
                                 Xapian::sortable_serialise(hi));
        } else if (w[0] == '=') {
            exact_or_prefix(w.substr(1), false);
        } else {
            exact_or_prefix(w, true);
        }
    });
    Xapian::Query words = must.empty() ? Xapian::Query::MatchAll
                                       : Xapian::Query(Xapian::Query::OP_AND, must.begin(), must.end());
    if (filters.empty()) return words;
    Xapian::Query f = filters.size() == 1 ? filters[0] : Xapian::Query(Xapian::Query::OP_AND, filters.begin(), filters.end());
    return Xapian::Query(Xapian::Query::OP_FILTER, words, f);
}

struct QRes { double ms; long long est; size_t got; Xapian::docid first; };
static QRes run_x(Xapian::Database& db, const string& q, const QOpts& o) {
    auto t0 = Clock::now();
    Xapian::Enquire enq(db);
    if (o.fts5like) enq.set_weighting_scheme(Xapian::BM25Weight(1.2, 0, 1, 0.75, 0));
    else enq.set_weighting_scheme(Xapian::BM25Weight());
    enq.set_query(parse_query(q, o));
    Xapian::MSet m = enq.get_mset(0, o.k);
    Xapian::docid first = 0;
    size_t got = 0;
    for (auto it = m.begin(); it != m.end(); ++it) { if (!got) first = *it; got++; }
    return {ms_since(t0), (long long)m.get_matches_estimated(), got, first};
}

static bool parse_opt(QOpts& o, int& i, int argc, char** argv) {
    string a = argv[i];
    if (a == "--evict") { o.evict = true; return true; }
    if (a == "--fts5like") { o.fts5like = true; return true; }
    if (a == "--prefix-terms" && i + 1 < argc) {
        string v = argv[++i];
        for (size_t p = 0; p < v.size();) { o.pfx_lens.push_back(atoi(v.c_str() + p)); p = v.find(' ', p); if (p == string::npos) break; p++; }
        return true;
    }
    if (a == "--maxexp" && i + 1 < argc) { o.maxexp = atoi(argv[++i]); return true; }
    if (a == "--k" && i + 1 < argc) { o.k = atoi(argv[++i]); return true; }
    if (a == "--warm" && i + 1 < argc) { o.warm = atoi(argv[++i]); return true; }
    if (a == "--table" && i + 1 < argc) { o.table = argv[++i]; return true; }
    if (a == "--limit" && i + 1 < argc) {
        string v = argv[++i];
        o.limit_type = v == "first" ? Xapian::Query::WILDCARD_LIMIT_FIRST
                     : v == "frequent" ? Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT : Xapian::Query::WILDCARD_LIMIT_ERROR;
        return true;
    }
    if (a == "--combiner" && i + 1 < argc) {
        string v = argv[++i];
        o.combiner = v == "or" ? Xapian::Query::OP_OR : v == "max" ? Xapian::Query::OP_MAX : Xapian::Query::OP_SYNONYM;
        return true;
    }
    return false;
}

static double median(vector<double> v) {
    sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

static int cmd_query(int argc, char** argv) {
    string idx = argv[2];
    QOpts o;
    vector<string> qs;
    for (int i = 3; i < argc; i++) if (!parse_opt(o, i, argc, argv)) qs.push_back(argv[i]);
    printf("%-34s %9s %9s %9s %10s %4s %9s %8s\n", "query", "cold_ms", "open_ms", "warm_ms", "estimated", "got",
           "first", "cold_res");
    for (auto& q : qs) {
        if (o.evict) evict(idx);
        DirInfo before = dir_info(idx);
        auto t0 = Clock::now();
        Xapian::Database db(idx);
        double open_ms = ms_since(t0);
        QRes r;
        try {
            r = run_x(db, q, o);
        } catch (const Xapian::Error& e) {
            printf("%-34s ERROR %s\n", q.c_str(), e.get_description().c_str());
            continue;
        }
        double cold = open_ms + r.ms;
        vector<double> w;
        for (int k = 0; k < o.warm; k++) w.push_back(run_x(db, q, o).ms);
        printf("%-34s %9.2f %9.2f %9.2f %10lld %4zu %9u %7.0fM\n", ("[" + q + "]").c_str(), cold, open_ms,
               median(w), r.est, r.got, r.first, before.resident / 1048576.0);
        fflush(stdout);
    }
    return 0;
}

static string fts_match(const string& q) {
    // each whitespace-separated word as a quoted prefix; "quoted words" as a phrase
    string out;
    for_each_query_part(q, [&](const string& w, bool quoted) {
        if (!out.empty()) out += " ";
        if (quoted) out += "\"" + w + "\"";
        else if (w[0] == '=') out += "\"" + w.substr(1) + "\"";  // exact
        else out += "\"" + w + "\"*";
    });
    return out;
}

static int cmd_ftsquery(int argc, char** argv) {
    string path = argv[2];
    QOpts o;
    vector<string> qs;
    for (int i = 3; i < argc; i++) if (!parse_opt(o, i, argc, argv)) qs.push_back(argv[i]);
    string sql = "SELECT rowid FROM " + o.table + " WHERE " + o.table + " MATCH ? ORDER BY rank LIMIT " + to_string(o.k);
    printf("%-34s %9s %9s %9s %4s %9s %8s  %s\n", "query", "cold_ms", "open_ms", "warm_ms", "got", "first", "cold_res",
           "match");
    auto once = [&](sqlite3* db, const string& m, size_t& got, long long& first) {
        auto t0 = Clock::now();
        sqlite3_stmt* st = prep(db, sql.c_str());
        sqlite3_bind_text(st, 1, m.c_str(), -1, SQLITE_TRANSIENT);
        got = 0;
        while (sqlite3_step(st) == SQLITE_ROW) { if (!got) first = sqlite3_column_int64(st, 0); got++; }
        sqlite3_finalize(st);
        return ms_since(t0);
    };
    for (auto& q : qs) {
        string m = fts_match(q);
        if (o.evict) {
            int fd = open(path.c_str(), O_RDONLY);
            posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
            close(fd);
        }
        DirInfo before = dir_info(path);
        auto t0 = Clock::now();
        sqlite3* db = open_ro(path);
        double open_ms = ms_since(t0);
        size_t got; long long first = 0;
        double cold = open_ms + once(db, m, got, first);
        vector<double> w;
        for (int k = 0; k < o.warm; k++) { size_t g; long long f; w.push_back(once(db, m, g, f)); }
        sqlite3_close(db);
        printf("%-34s %9.2f %9.2f %9.2f %4zu %9lld %7.0fM  %s\n", ("[" + q + "]").c_str(), cold, open_ms, median(w), got,
               first, before.resident / 1048576.0, m.c_str());
        fflush(stdout);
    }
    return 0;
}

int main(int argc, char** argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: xbench build|compact|query|ftsquery|textdump ...\n");
        return 2;
    }
    string cmd = argv[1];
    if (strlen(LAT1) != 64 || strlen(LATA) != 128) { fprintf(stderr, "fold table size\n"); return 3; }
    try {
        if (cmd == "build") return cmd_build(argc, argv);
        if (cmd == "compact") return cmd_compact(argc, argv);
        if (cmd == "query") return cmd_query(argc, argv);
        if (cmd == "ftsquery") return cmd_ftsquery(argc, argv);
        if (cmd == "textdump") return cmd_textdump(argc, argv);
    } catch (const Xapian::Error& e) {
        fprintf(stderr, "Xapian error: %s\n", e.get_description().c_str());
        return 1;
    }
    fprintf(stderr, "unknown command %s\n", cmd.c_str());
    return 2;
}
