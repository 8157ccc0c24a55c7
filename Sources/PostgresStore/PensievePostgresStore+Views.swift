import Store

/// The views' questions (`documents/` pages, the timeline, `apps/`, `around/`), each one indexed
/// query on Pensieve's tables: keyset paging by id, `idx_file_created_at` for time ranges.
extension PensievePostgresStore {
    public func listing(afterID: Int64, filter: DocumentFilter, limit: Int) throws -> [ListedDocument] {
        var sql = PostgresFilterSQL(filter)
        let after = sql.bind(String(afterID)), count = sql.bind(String(limit))
        return try read { db in
            try PostgresSQL.summaries(db, "SELECT \(PostgresSQL.rowColumns) FROM entities e WHERE e.id > \(after)\(sql.conditions) ORDER BY e.id LIMIT \(count)",
                                      sql.parameters).map { ListedDocument(summary: $0) }
        }
    }

    public func earliestCapture(filter: DocumentFilter) throws -> Int64? {
        let sql = PostgresFilterSQL(filter)
        return try read { db in
            try db.scalarInt("SELECT extract(epoch FROM min(e.file_created_at))::bigint FROM entities e WHERE true\(sql.conditions)", sql.parameters)
        }
    }

    public func appNames(library: Int64?) throws -> [String?] {
        let scope = library == nil ? "" : " AND e.library_id = $1"
        let parameters = library.map { [String($0)] } ?? []
        return try read { db in
            var names: [String?] = []
            try db.query("SELECT DISTINCT m.value FROM metadata_entries m JOIN entities e ON e.id = m.entity_id WHERE m.key = 'active_app'\(scope) ORDER BY 1",
                         parameters) { names.append($0.text(0) ?? "") }
            let withoutApp = try db.scalarInt("""
                SELECT count(*) FROM (SELECT 1 FROM entities e WHERE NOT EXISTS (SELECT 1 FROM metadata_entries m
                WHERE m.entity_id = e.id AND m.key = 'active_app')\(scope) LIMIT 1) x
                """, parameters) ?? 0
            return withoutApp > 0 ? names + [nil] : names
        }
    }

    public func neighbours(of id: Int64, count: Int) throws -> Neighbours? {
        try read { db in
            var target: (library: String, created: String)?
            try db.query("SELECT library_id, file_created_at FROM entities WHERE id = $1", [String(id)]) {
                target = ($0.text(0) ?? "", $0.text(1) ?? "")
            }
            guard let target else { return nil }
            func side(_ comparison: String, _ order: String) throws -> [Int64] {
                var ids: [Int64] = []
                try db.query("""
                    SELECT id FROM entities WHERE library_id = $1 AND (file_created_at, id) \(comparison) ($2::timestamp, $3)
                    ORDER BY file_created_at \(order), id \(order) LIMIT $4
                    """, [target.library, target.created, String(id), String(count)]) { ids.append($0.int(0)) }
                return ids
            }
            return Neighbours(before: try side("<", "DESC").reversed(), after: try side(">", "ASC"))
        }
    }
}

/// A `DocumentFilter` as ` AND …` conditions on `entities e`, with text parameters.
struct PostgresFilterSQL {
    private var bindings = PostgresBindings()
    var parameters: [String?] { bindings.parameters }
    private(set) var conditions = ""

    init(_ filter: DocumentFilter) {
        if let library = filter.library { conditions += " AND e.library_id = \(bind(String(library)))" }
        conditions += bindings.captured(from: filter.createdFrom, before: filter.createdBefore)
        if filter.imagesOnly { conditions += " AND e.file_type_group = 'image'" }
        if let app = filter.app {
            let first = "(SELECT m.value FROM metadata_entries m WHERE m.entity_id = e.id AND m.key = 'active_app' ORDER BY m.id LIMIT 1)"
            let values = bind(PostgresSearchSQL.textArray(app.values))
            conditions += " AND (\(first) = ANY(\(values)::text[])" + (app.orNone ? " OR \(first) IS NULL)" : ")")
        }
    }

    mutating func bind(_ value: String) -> String { bindings.bind(value) }
}
