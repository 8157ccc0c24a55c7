import Store

/// Search on the server, through Pensieve's `entities_fts.search_vector` (`simple` configuration,
/// weights A filepath, B tags, C metadata and OCR text), with RecallFS's semantics:
/// - every word must match, as a prefix (`to_tsquery('simple', '''word'':*')`); a word that splits
///   into several tokens (`e-mail`) becomes a phrase of its parts, each one a prefix;
/// - a quoted phrase matches its words in sequence (`phraseto_tsquery`);
/// - filters (library, app, time, type) are conditions on `entities`;
/// - ranking is `ts_rank_cd` (cover density), best first, then by id. Like the local index, when a
///   query matches more than `rankWindow` documents only the most recent `rankWindow` are ranked.
///
/// Terms go to the server's own parser, the one that built `search_vector`, so that a term is split
/// exactly as the documents were. Where that differs from the SQLite path (accents, CJK, dotted
/// tokens), the README says so ("Search on PostgreSQL").
extension PensievePostgresStore {
    /// Matches ranked at most, like `SearchIndex.rankWindow`.
    static let rankWindow = 20_000

    public func search(_ request: SearchRequest) throws -> [SearchHit] {
        try search(request, libraryIDs: try libraryIDs(named: request.libraries))
    }

    public func search(_ request: SearchRequest, libraryIDs: [Int64]) throws -> [SearchHit] {
        var sql = PostgresSearchSQL(request: request, libraryIDs: libraryIDs)
        let limit = sql.bind(String(request.limit))
        guard let match = sql.match else {
            guard request.isListMode else { return [] }
            return try hits("SELECT e.id, NULL FROM entities e WHERE true\(sql.filters) ORDER BY e.file_created_at DESC, e.id DESC LIMIT \(limit)",
                            sql.parameters)
        }
        let window = sql.bind(String(Self.rankWindow))
        // The tsquery is written where it is used (not in a `WITH`), so that the planner sees the term
        // and its frequency: a rare word goes through the GIN index, a common one reads the newest
        // rows by id and stops at the window (sessions plan each call: `plan_cache_mode`). Without
        // filters, `entities` is not joined (Pensieve deletes a capture's `entities_fts` row with it).
        let source = sql.filters.isEmpty ? "entities_fts f" : "entities_fts f JOIN entities e ON e.id = f.id"
        return try hits("""
            WITH recent AS (
                SELECT f.id, f.search_vector FROM \(source)
                WHERE f.search_vector @@ \(match)\(sql.filters) ORDER BY f.id DESC LIMIT \(window))
            SELECT r.id, ts_rank_cd(r.search_vector, \(match)) AS score FROM recent r ORDER BY score DESC, r.id LIMIT \(limit)
            """, sql.parameters)
    }

    private func hits(_ sql: String, _ parameters: [String?]) throws -> [SearchHit] {
        try read { db in
            var hits: [SearchHit] = []
            try db.query(sql, parameters) { row in
                hits.append(SearchHit(id: row.int(0), rank: hits.count + 1, score: row.isNull(1) ? nil : row.double(1)))
            }
            return hits
        }
    }

    /// Counted on the server, every match (no rank window).
    public func matchCount(_ request: SearchRequest) throws -> Int? {
        let sql = PostgresSearchSQL(request: request, libraryIDs: try libraryIDs(named: request.libraries))
        guard let match = sql.match else {
            guard request.isListMode else { return 0 }
            return try read { db in Int(try db.scalarInt("SELECT count(*) FROM entities e WHERE true\(sql.filters)", sql.parameters) ?? 0) }
        }
        return try read { db in
            Int(try db.scalarInt("SELECT count(*) FROM entities_fts f JOIN entities e ON e.id = f.id WHERE f.search_vector @@ \(match)\(sql.filters)",
                                 sql.parameters) ?? 0)
        }
    }

    public func onlyImages(libraryIDs: [Int64]) throws -> Bool {
        try read { db in
            try db.scalarInt("SELECT count(*) FROM (SELECT 1 FROM entities WHERE file_type_group <> 'image' AND (cardinality($1::bigint[]) = 0 OR library_id = ANY($1::bigint[])) LIMIT 1) x",
                             [PostgresSQL.array(libraryIDs)]) == 0
        }
    }
}

/// A search request as PostgreSQL conditions on `entities e` and a `tsquery` expression, with text
/// parameters (`$1`…) for every value the user typed: nothing typed is ever part of the SQL text.
struct PostgresSearchSQL {
    private var bindings = PostgresBindings()
    var parameters: [String?] { bindings.parameters }
    /// ` AND …` conditions on `entities e`.
    private(set) var filters = ""
    /// The `tsquery` expression, nil when no term has a character the parser keeps.
    private(set) var match: String?

    init(request: SearchRequest, libraryIDs: [Int64]) {
        var terms: [String] = []
        for word in request.words where FTSQuery.hasTokenCharacter(word) {
            terms.append("to_tsquery('simple', \(bind(Self.quotedLexeme(PensieveTokens.spaced(word)) + ":*")))")
        }
        for phrase in request.phrases where FTSQuery.hasTokenCharacter(phrase) {
            terms.append("phraseto_tsquery('simple', \(bind(PensieveTokens.spaced(phrase.replacing("\0", with: " ")))))")
        }
        match = terms.isEmpty ? nil : "(" + terms.joined(separator: " && ") + ")"
        if !libraryIDs.isEmpty { filters += " AND e.library_id = ANY(\(bind(PostgresSQL.array(libraryIDs)))::bigint[])" }
        if !request.apps.isEmpty {
            filters += " AND EXISTS (SELECT 1 FROM metadata_entries me WHERE me.entity_id = e.id AND me.key = 'active_app'"
                + " AND lower(me.value) = ANY(\(bind(Self.textArray(request.apps.map { $0.lowercased() })))::text[]))"
        }
        filters += bindings.captured(from: request.start, before: request.end)
        if !request.types.isEmpty {
            let types = bind(Self.textArray(request.types.map { $0.lowercased() }))
            filters += " AND (lower(e.file_type_group) = ANY(\(types)::text[]) OR lower(e.file_type) = ANY(\(types)::text[]))"
        }
    }

    mutating func bind(_ value: String?) -> String { bindings.bind(value) }

    /// `word` as one quoted lexeme of `to_tsquery` syntax: `'`, `\` escaped, NUL dropped.
    static func quotedLexeme(_ word: String) -> String {
        "'" + word.replacing("\0", with: " ").replacing("\\", with: "\\\\").replacing("'", with: "''") + "'"
    }

    /// A `text[]` literal: each element double-quoted, `"` and `\` escaped.
    static func textArray(_ values: [String]) -> String {
        "{" + values.map { "\"" + $0.replacing("\0", with: "").replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") + "\"" }
            .joined(separator: ",") + "}"
    }
}

/// Pensieve splits tags and metadata with jieba before PostgreSQL builds `search_vector`, and the
/// text is stored as jieba's tokens joined by spaces: runs of ASCII letters and digits stay whole (with
/// a decimal part and a `%`: `3.14`, `50%`), so do runs of Han characters (jieba's dictionary cuts
/// those into words, which this cannot repeat), and every other character is a token of its own
/// (`Zürich` is stored as `Z ü rich`, `build-server` as `build - server`, `a.py` as `a . py`). A term
/// is split the same way before the server's parser sees it, so that it finds what the local index
/// finds in the same text.
enum PensieveTokens {
    static func spaced(_ text: String) -> String {
        let characters = Array(text)
        var tokens: [String] = []
        var index = 0
        while index < characters.count {
            let kind = Kind(characters[index])
            var end = index + 1
            switch kind {
            case .space:
                index = end
                continue
            case .ascii:
                while end < characters.count, Kind(characters[end]) == .ascii { end += 1 }
                // jieba keeps a decimal part and a percent sign with the number before them.
                if end + 1 < characters.count, characters[end] == ".", characters[end + 1].isASCII, characters[end + 1].isNumber {
                    end += 1
                    while end < characters.count, characters[end].isASCII, characters[end].isNumber { end += 1 }
                }
                if end < characters.count, characters[end] == "%" { end += 1 }
            case .han:
                while end < characters.count, Kind(characters[end]) == .han { end += 1 }
            case .single:
                break
            }
            tokens.append(String(characters[index..<end]))
            index = end
        }
        return tokens.joined(separator: " ")
    }

    enum Kind { case ascii, han, single, space }
}

extension PensieveTokens.Kind {
    init(_ character: Character) {
        if character.isWhitespace { self = .space; return }
        guard let scalar = character.unicodeScalars.first, character.unicodeScalars.count == 1 else { self = .single; return }
        switch scalar.value {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: self = .ascii
        case 0x4E00...0x9FD5: self = .han
        default: self = .single
        }
    }
}
