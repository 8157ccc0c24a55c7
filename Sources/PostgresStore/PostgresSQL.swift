import CPostgres
import Glibc
import Store

/// The SQL that reads Pensieve's tables on PostgreSQL, beside the SQLite store's: the same rows,
/// PostgreSQL's spelling. Timestamps are `timestamp without time zone` holding UTC (Pensieve's
/// `UTCDateTime`); `extract(epoch …)` reads them as Unix seconds whatever the session's zone.
enum PostgresSQL {
    /// The row's own columns of an `EntitySummary` (id, library, file name, capture time, and the
    /// row's part of the version). The rest (the app, and the metadata and tag parts of the version)
    /// is read for a whole page at once by `related`: three correlated subqueries per row made a
    /// million-row `ls` take 19 s.
    static let rowColumns = """
        e.id, e.library_id, e.filename, extract(epoch FROM e.file_created_at)::bigint,
        concat_ws('|', e.updated_at, e.file_created_at, e.file_last_modified_at, e.size, e.last_scan_at, e.filepath)
        """

    /// What a summary takes from an entity's metadata and tags.
    struct Related {
        /// The first `active_app` value.
        var app: String?
        /// `max(updated_at)|count|max(id)` of its metadata entries.
        var metadata: String?
        /// `count|max(id)` of its tags.
        var tags: String?
    }

    /// The summaries of the rows `sql` selects, in its order: its select list is `rowColumns`, then
    /// whatever `extra` reads (from column 5). The version folds in the row's own columns (an id can be
    /// reused) and metadata and tag changes, because Pensieve does not always bump
    /// `entities.updated_at` when only metadata changes; values themselves are not read.
    static func summaries(_ db: PostgresConnection, _ sql: String, _ parameters: [String?],
                          extra: (PostgresRow) -> Void = { _ in }) throws -> [EntitySummary] {
        var rows: [EntitySummary] = []
        try db.query(sql, parameters) { row in
            rows.append(EntitySummary(id: row.int(0), libraryID: row.int(1), filename: row.text(2) ?? "", createdAt: row.int(3),
                                      app: nil, version: row.text(4) ?? ""))
            extra(row)
        }
        let related = try self.related(rows.map(\.id), db)
        return rows.map { row in
            var summary = row
            let found = related[row.id]
            summary.app = found?.app
            summary.version = row.version + "|" + (found?.metadata ?? "") + "|" + (found?.tags ?? "0|0")
            return summary
        }
    }

    /// `Related` for `ids`, with one grouped query on each table.
    static func related(_ ids: [Int64], _ db: PostgresConnection) throws -> [Int64: Related] {
        guard !ids.isEmpty else { return [:] }
        var found: [Int64: Related] = [:]
        let list = array(ids)
        try db.query("""
            SELECT entity_id, (array_agg(value ORDER BY id) FILTER (WHERE key = 'active_app'))[1],
                   concat_ws('|', max(updated_at), count(*), max(id))
            FROM metadata_entries WHERE entity_id = ANY($1::bigint[]) GROUP BY entity_id
            """, [list]) { row in
            found[row.int(0), default: Related()].app = row.text(1)
            found[row.int(0), default: Related()].metadata = row.text(2)
        }
        try db.query("SELECT entity_id, concat_ws('|', count(*), max(id)) FROM entity_tags WHERE entity_id = ANY($1::bigint[]) GROUP BY entity_id",
                     [list]) { row in
            found[row.int(0), default: Related()].tags = row.text(1)
        }
        return found
    }

    /// A list of ids as one array parameter (`= ANY($1::bigint[])`): one statement text for any count.
    static func array(_ ids: [Int64]) -> String { "{" + ids.map(String.init).joined(separator: ",") + "}" }

    static func load(_ ids: [Int64], from db: PostgresConnection, into byID: inout [Int64: Entity]) throws {
        let list = array(ids)
        var files: [Int64: (path: String, size: Int64, type: String, group: String, modified: Int64, scanned: Int64)] = [:]
        let summaries = try summaries(db, """
            SELECT \(rowColumns), e.filepath, e.size, e.file_type, e.file_type_group,
                   extract(epoch FROM e.file_last_modified_at)::bigint, coalesce(extract(epoch FROM e.last_scan_at)::bigint, 0)
            FROM entities e WHERE e.id = ANY($1::bigint[])
            """, [list]) { row in
            files[row.int(0)] = (row.text(5) ?? "", row.int(6), row.text(7) ?? "", row.text(8) ?? "", row.int(9), row.int(10))
        }
        for summary in summaries {
            guard let file = files[summary.id] else { continue }
            byID[summary.id] = Entity(summary: summary, filepath: file.path, size: file.size, fileType: file.type,
                                      fileTypeGroup: file.group, lastModifiedAt: file.modified, lastScanAt: file.scanned,
                                      tags: [], metadata: [])
        }
        try db.query("""
            SELECT entity_id, key, value, source, data_type FROM metadata_entries
            WHERE entity_id = ANY($1::bigint[]) ORDER BY entity_id, id
            """, [list]) { row in
            byID[row.int(0)]?.metadata.append(MetadataEntry(
                key: row.text(1) ?? "", value: row.text(2) ?? "", source: row.text(3),
                dataType: MetadataEntry.dataType(fromStored: row.text(4) ?? "")))
        }
        try db.query("""
            SELECT et.entity_id, t.name FROM entity_tags et JOIN tags t ON t.id = et.tag_id
            WHERE et.entity_id = ANY($1::bigint[]) ORDER BY et.entity_id, et.id
            """, [list]) { row in
            byID[row.int(0)]?.tags.append(row.text(1) ?? "")
        }
    }
}

/// The text parameters (`$1`…) of one statement, and the conditions that searches and views share.
struct PostgresBindings {
    private(set) var parameters: [String?] = []

    /// Adds a parameter and returns its placeholder.
    mutating func bind(_ value: String?) -> String {
        parameters.append(value)
        return "$\(parameters.count)"
    }

    /// ` AND …` conditions on the capture time of `entities e`: at or after `from`, before `before`
    /// (Unix seconds; the column holds UTC).
    mutating func captured(from: Int64?, before: Int64?) -> String {
        var sql = ""
        if let from { sql += " AND e.file_created_at >= to_timestamp(\(bind(String(from))))::timestamptz AT TIME ZONE 'UTC'" }
        if let before { sql += " AND e.file_created_at < to_timestamp(\(bind(String(before))))::timestamptz AT TIME ZONE 'UTC'" }
        return sql
    }
}

/// `PQpingParams` for one server: nil when it accepts connections, else why not.
enum PostgresPing {
    static func ping(_ parameters: [(String, String)]) -> String? {
        switch withKeywordsAndValues(parameters, { PQpingParams($0, $1, 0) }) {
        case PQPING_OK: return nil
        case PQPING_REJECT: return "it refuses connections (starting up or shutting down)"
        case PQPING_NO_RESPONSE: return "no response"
        default: return "bad connection parameters"
        }
    }
}

/// libpq's `keywords`/`values` arrays (NULL-terminated C strings) for `parameters`, valid in `body`.
func withKeywordsAndValues<T>(_ parameters: [(String, String)],
                              _ body: (UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<UnsafePointer<CChar>?>?) -> T) -> T {
    let keywords = parameters.map { strdup($0.0) } + [nil]
    let values = parameters.map { strdup($0.1) } + [nil]
    defer { (keywords + values).forEach { free($0) } }
    return keywords.map { UnsafePointer($0) }.withUnsafeBufferPointer { k in
        values.map { UnsafePointer($0) }.withUnsafeBufferPointer { v in body(k.baseAddress, v.baseAddress) }
    }
}
