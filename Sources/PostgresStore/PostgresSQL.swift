import CPostgres
import Glibc
import Store

/// The SQL that reads Pensieve's tables on PostgreSQL, beside the SQLite store's: the same rows,
/// PostgreSQL's spelling. Timestamps are `timestamp without time zone` holding UTC (Pensieve's
/// `UTCDateTime`); `extract(epoch …)` reads them as Unix seconds whatever the session's zone.
enum PostgresSQL {
    /// The columns that make an `EntitySummary`; the version folds in the row's own columns and the
    /// metadata and tag changes, like the SQLite store's (Pensieve does not always bump
    /// `entities.updated_at` when only metadata changes). Metadata values are not read.
    static let summaryColumns = """
        e.id, e.library_id, e.filename, extract(epoch FROM e.file_created_at)::bigint,
        (SELECT value FROM metadata_entries m WHERE m.entity_id = e.id AND m.key = 'active_app' ORDER BY m.id LIMIT 1),
        concat_ws('|', e.updated_at, e.file_created_at, e.file_last_modified_at, e.size, e.last_scan_at, e.filepath,
          (SELECT concat_ws('|', max(updated_at), count(*), max(id)) FROM metadata_entries m WHERE m.entity_id = e.id),
          (SELECT concat_ws('|', count(*), coalesce(max(id), 0)) FROM entity_tags t WHERE t.entity_id = e.id))
        """

    static func summary(_ row: PostgresRow) -> EntitySummary {
        EntitySummary(id: row.int(0), libraryID: row.int(1), filename: row.text(2) ?? "", createdAt: row.int(3),
                      app: row.text(4), version: row.text(5) ?? "")
    }

    /// A list of ids as one array parameter (`= ANY($1::bigint[])`): one statement text for any count.
    static func array(_ ids: [Int64]) -> String { "{" + ids.map(String.init).joined(separator: ",") + "}" }

    static func load(_ ids: [Int64], from db: PostgresConnection, into byID: inout [Int64: Entity]) throws {
        let list = array(ids)
        try db.query("""
            SELECT \(summaryColumns), e.filepath, e.size, e.file_type, e.file_type_group,
                   extract(epoch FROM e.file_last_modified_at)::bigint, coalesce(extract(epoch FROM e.last_scan_at)::bigint, 0)
            FROM entities e WHERE e.id = ANY($1::bigint[])
            """, [list]) { row in
            byID[row.int(0)] = Entity(summary: summary(row), filepath: row.text(6) ?? "", size: row.int(7),
                                      fileType: row.text(8) ?? "", fileTypeGroup: row.text(9) ?? "",
                                      lastModifiedAt: row.int(10), lastScanAt: row.int(11), tags: [], metadata: [])
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
