/// The index's answers for the tree's views (`apps/`, `timeline/`, `images/`, `around/`), each one
/// indexed query on `docs`: `docs_app(app, id)`, `docs_created(created_ts)`, `docs_group_id(type_group,
/// id)`, `docs_library_created(library_id, created_ts)` (each index entry ends with the id, so
/// `(created_ts, id)` row-value ranges are index ranges).
extension SearchIndex {
    /// A page of indexed documents with `id > afterID` that `filter` selects, by id, with the
    /// recorded size of each rendering (see `PensieveSQLiteStore.listing`).
    public func listing(afterID: Int64, filter: DocumentFilter, limit: Int) throws -> [ListedDocument] {
        let (conditions, parameters) = Self.conditions(filter)
        return try readers.withConnection { db in
            var page: [ListedDocument] = []
            page.reserveCapacity(min(limit, 4096))
            try db.query("SELECT id, library_id, filename, created_ts, app, version, rendered_size, changed_ts FROM docs "
                         + "WHERE id > ?\(conditions) ORDER BY id LIMIT ?",
                         [.int(afterID)] + parameters + [.int(Int64(limit))]) { row in
                page.append(Self.listedDocument(row))
            }
            return page
        }
    }

    /// `filter` as SQL conditions on `docs` (each starting with ` AND `) and their parameters.
    static func conditions(_ filter: DocumentFilter) -> (String, [SQLValue]) {
        var sql = ""
        var parameters: [SQLValue] = []
        if let library = filter.library { sql += " AND library_id = ?"; parameters.append(.int(library)) }
        if let from = filter.createdFrom { sql += " AND created_ts >= ?"; parameters.append(.int(from)) }
        if let before = filter.createdBefore { sql += " AND created_ts < ?"; parameters.append(.int(before)) }
        if filter.imagesOnly { sql += " AND type_group = 'image'" }
        if let app = filter.app {
            var alternatives: [String] = []
            if !app.values.isEmpty {
                alternatives.append("app IN (\(Array(repeating: "?", count: app.values.count).joined(separator: ",")))")
                parameters += app.values.map { .text($0) }
            }
            if app.orNone { alternatives.append("app IS NULL") }
            sql += alternatives.isEmpty ? " AND 0" : " AND (\(alternatives.joined(separator: " OR ")))"
        }
        return (sql, parameters)
    }

    /// The earliest capture time of an indexed document that `filter` selects.
    public func earliestCapture(filter: DocumentFilter) throws -> Int64? {
        let (conditions, parameters) = Self.conditions(filter)
        return try readers.withConnection { db in
            // min() over `docs_created` is one index seek when only the time range is given.
            try db.scalarInt("SELECT min(created_ts) FROM docs WHERE 1\(conditions)", parameters)
        }
    }

    /// The distinct apps of the indexed documents: one seek in `docs_app` per app, not a scan.
    public func appNames(library: Int64?) throws -> [String?] {
        try readers.withConnection { db in
            var names: [String?] = []
            let scope = library == nil ? "" : " AND library_id = ?"
            let extra: [SQLValue] = library.map { [.int($0)] } ?? []
            if try db.scalarInt("SELECT count(*) FROM (SELECT 1 FROM docs WHERE app = ''\(scope) LIMIT 1)", extra) == 1 {
                names.append("")
            }
            var last = ""
            while true {
                var next: String?
                try db.query("SELECT app FROM docs WHERE app > ?\(scope) ORDER BY app LIMIT 1", [.text(last)] + extra) { next = $0.text(0) }
                guard let found = next else { break }
                names.append(found)
                last = found
            }
            if try db.scalarInt("SELECT count(*) FROM (SELECT 1 FROM docs WHERE app IS NULL\(scope) LIMIT 1)", extra) == 1 {
                names.append(nil)
            }
            return names
        }
    }

    /// The indexed captures around `id` in its library, or nil when `id` is not indexed.
    public func neighbours(of id: Int64, count: Int) throws -> Neighbours? {
        try readers.withConnection { db in
            var anchor: (library: Int64, created: Int64)?
            try db.query("SELECT library_id, created_ts FROM docs WHERE id = ?", [.int(id)]) { anchor = ($0.int(0), $0.int(1)) }
            guard let anchor else { return nil }
            let bounds: [SQLValue] = [.int(anchor.library), .int(anchor.created), .int(id), .int(Int64(count))]
            var before: [Int64] = [], after: [Int64] = []
            try db.query("SELECT id FROM docs WHERE library_id = ? AND (created_ts, id) < (?, ?) "
                         + "ORDER BY created_ts DESC, id DESC LIMIT ?", bounds) { before.append($0.int(0)) }
            try db.query("SELECT id FROM docs WHERE library_id = ? AND (created_ts, id) > (?, ?) "
                         + "ORDER BY created_ts, id LIMIT ?", bounds) { after.append($0.int(0)) }
            return Neighbours(before: before.reversed(), after: after)
        }
    }
}
