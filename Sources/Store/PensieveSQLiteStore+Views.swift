/// Listings and the tree's views (`apps/`, `timeline/`, `images/`, `around/`) from the database: from
/// the local index once it is built and its last sync worked (indexed columns, sizes recorded), with
/// the entities past its newest id read from Pensieve's tables, so a capture made since the last sync
/// shows at once. From Pensieve's tables alone while the index is building or cannot be written (a
/// full disk): slower, and then the views may lag, and listings must not.
extension PensieveSQLiteStore {
    /// The index when it can answer for everything up to its newest id.
    var currentIndex: SearchIndex? { index.flatMap { $0.isCurrent ? $0 : nil } }

    public func listing(afterID: Int64, filter: DocumentFilter, limit: Int) throws -> [ListedDocument] {
        guard let index = currentIndex else { return try tableListing(afterID: afterID, filter: filter, limit: limit) }
        var page = try index.listing(afterID: afterID, filter: filter, limit: limit)
        if page.count < limit {
            let from = max(afterID, page.last?.summary.id ?? afterID, try index.newestID())
            page += try tableListing(afterID: from, filter: filter, limit: limit - page.count)
        }
        return page
    }

    public func earliestCapture(filter: DocumentFilter) throws -> Int64? {
        guard let index = currentIndex else {
            return try read { db in
                let (conditions, parameters) = Self.conditions(filter)
                var earliest: Int64?
                try db.query("SELECT min(e.file_created_at) FROM entities e WHERE e.id > 0\(conditions)", parameters) {
                    earliest = $0.text(0).flatMap(PensieveTime.parse)
                }
                return earliest
            }
        }
        let unindexed = try tableListing(afterID: try index.newestID(), filter: filter, limit: 5_000).map(\.summary.createdAt)
        return ([try index.earliestCapture(filter: filter)].compactMap { $0 } + unindexed).min()
    }

    public func appNames(library: Int64?) throws -> [String?] {
        guard let index = currentIndex else {
            return try read { db in
                var names: [String?] = []
                let scope = library == nil ? "" : " AND e.library_id = ?"
                let parameters: [SQLValue] = library.map { [.int($0)] } ?? []
                try db.query("SELECT DISTINCT m.value FROM metadata_entries m JOIN entities e ON e.id = m.entity_id "
                             + "WHERE m.key = 'active_app'\(scope) ORDER BY 1", parameters) { names.append($0.text(0) ?? "") }
                let none = try db.scalarInt("SELECT count(*) FROM (SELECT 1 FROM entities e WHERE NOT EXISTS (SELECT 1 FROM "
                                            + "metadata_entries m WHERE m.entity_id = e.id AND m.key = 'active_app')\(scope) LIMIT 1)",
                                            parameters)
                return names + (none == 1 ? [nil] : [])
            }
        }
        var names = try index.appNames(library: library)
        let unindexed = try entitySummaries(afterID: try index.newestID(), library: library, limit: 5_000)
        for app in Set(unindexed.map(\.app)) where !names.contains(app) { names.append(app) }
        return names
    }

    public func neighbours(of id: Int64, count: Int) throws -> Neighbours? {
        if let index = currentIndex, let found = try index.neighbours(of: id, count: count) {
            // Captures since the last sync are not in the index: merged in by capture time.
            guard let anchor = try entitySummary(id: id) else { return nil }
            let unindexed = try tableListing(afterID: try index.newestID(), filter: DocumentFilter(library: anchor.libraryID), limit: 5_000)
            guard !unindexed.isEmpty else { return found }
            let indexed = try index.listed(ids: found.before + found.after)
            let key = { (s: EntitySummary) in (s.createdAt, s.id) }
            let all = Dictionary((indexed + unindexed).map { ($0.summary.id, $0.summary) }, uniquingKeysWith: { a, _ in a })
                .values.filter { $0.id != id }
            let before = all.filter { key($0) < key(anchor) }.sorted { key($0) < key($1) }.suffix(count).map(\.id)
            let after = all.filter { key($0) > key(anchor) }.sorted { key($0) < key($1) }.prefix(count).map(\.id)
            return Neighbours(before: Array(before), after: Array(after))
        }
        return try read { db in
            var anchor: (library: Int64, created: String)?
            try db.query("SELECT library_id, file_created_at FROM entities WHERE id = ?", [.int(id)]) {
                anchor = ($0.int(0), $0.text(1) ?? "")
            }
            guard let anchor else { return nil }
            let bounds: [SQLValue] = [.int(anchor.library), .text(anchor.created), .int(id), .int(Int64(count))]
            var before: [Int64] = [], after: [Int64] = []
            try db.query("SELECT id FROM entities WHERE library_id = ? AND (file_created_at, id) < (?, ?) "
                         + "ORDER BY file_created_at DESC, id DESC LIMIT ?", bounds) { before.append($0.int(0)) }
            try db.query("SELECT id FROM entities WHERE library_id = ? AND (file_created_at, id) > (?, ?) "
                         + "ORDER BY file_created_at, id LIMIT ?", bounds) { after.append($0.int(0)) }
            return Neighbours(before: before.reversed(), after: after)
        }
    }

    /// A listing from Pensieve's tables. Capture times are compared as the text Pensieve stores
    /// (`2026-01-15 09:30:00.000000`, which sorts as time does) so that `idx_file_created_at` serves
    /// the range; every row is then checked against the parsed time too.
    func tableListing(afterID: Int64, filter: DocumentFilter, limit: Int) throws -> [ListedDocument] {
        let (conditions, parameters) = Self.conditions(filter)
        return try read { db in
            var page: [ListedDocument] = []
            try db.query("SELECT \(Self.summaryColumns) FROM entities e WHERE e.id > ?\(conditions) ORDER BY e.id LIMIT ?",
                         [.int(afterID)] + parameters + [.int(Int64(limit))]) { row in
                let summary = Self.summary(row)
                if filter.admits(summary) { page.append(ListedDocument(summary: summary)) }
            }
            return page
        }
    }

    /// `filter` as SQL conditions on Pensieve's `entities e`, each starting with ` AND `.
    static func conditions(_ filter: DocumentFilter) -> (String, [SQLValue]) {
        var sql = ""
        var parameters: [SQLValue] = []
        if let library = filter.library { sql += " AND e.library_id = ?"; parameters.append(.int(library)) }
        if let from = filter.createdFrom { sql += " AND e.file_created_at >= ?"; parameters.append(.text(storedTime(from))) }
        if let before = filter.createdBefore { sql += " AND e.file_created_at < ?"; parameters.append(.text(storedTime(before))) }
        if filter.imagesOnly { sql += " AND e.file_type_group = 'image'" }
        if let app = filter.app {
            let exists = "EXISTS (SELECT 1 FROM metadata_entries m WHERE m.entity_id = e.id AND m.key = 'active_app'"
            var alternatives: [String] = []
            if !app.values.isEmpty {
                alternatives.append(exists + " AND m.value IN (\(Array(repeating: "?", count: app.values.count).joined(separator: ","))))")
                parameters += app.values.map { .text($0) }
            }
            if app.orNone { alternatives.append("NOT " + exists + ")") }
            sql += alternatives.isEmpty ? " AND 0" : " AND (\(alternatives.joined(separator: " OR ")))"
        }
        return (sql, parameters)
    }

    /// A bound for `file_created_at`: the stored text's prefix up to the seconds, so that a stored
    /// `…:00.000000` sorts at or after the bound for the same second.
    static func storedTime(_ seconds: Int64) -> String { String(PensieveTime.database(seconds).prefix(19)) }
}
