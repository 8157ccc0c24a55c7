import Foundation
import Store

/// A directory under the system temp dir, removed when released.
public final class TempDirectory {
    public let url = FileManager.default.temporaryDirectory.appendingPathComponent("recallfs-test-\(UUID().uuidString)")
    public init() throws { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }
    deinit { try? FileManager.default.removeItem(at: url) }

    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Writes `text` to `name` (creating parent folders), optionally with a given modification time.
    @discardableResult
    public func write(_ name: String, _ text: String, modified: Date? = nil) throws -> String {
        let file = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: file)
        if let modified { try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: file.path) }
        return file.path
    }
}

/// One metadata row to insert: key, value, and the data type as the database spells it.
public struct Meta {
    public var key: String
    public var value: String
    public var type = "TEXT_DATA"
    public var source: String? = "test"
    public init(key: String, value: String, type: String = "TEXT_DATA", source: String? = "test") {
        self.key = key; self.value = value; self.type = type; self.source = source
    }
}

/// A Pensieve-format database: the schema comes from `PensieveDatabaseBuilder` (which writes Pensieve's
/// real schema and a `notes` library), and test rows are inserted with plain SQL.
public final class PensieveFixture {
    public let temp: TempDirectory
    public let path: String
    public let db: SQLiteConnection

    public init() throws {
        temp = try TempDirectory()
        path = temp.path("database.db")
        let empty = temp.path("empty")
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        _ = try PensieveDatabaseBuilder(databasePath: path).index(directory: empty, libraryName: "notes")
        db = try SQLiteConnection(path: path, readOnly: false)
    }

    @discardableResult
    public func addLibrary(_ name: String, kind: String = "record") throws -> Int64 {
        try db.query("INSERT INTO libraries(name, kind) VALUES (?, ?)", [.text(name), .text(kind)])
        let id = try db.scalarInt("SELECT id FROM libraries WHERE name = ?", [.text(name)])!
        try db.query("""
            INSERT INTO folders(path, library_id, type, last_modified_at)
            VALUES (?, ?, 'DEFAULT', '2026-01-01 00:00:00.000000')
            """, [.text("/data/\(name)"), .int(id)])
        return id
    }

    /// Inserts an entity; `app` becomes an `active_app` metadata entry (first), as Pensieve writes it.
    @discardableResult
    public func addEntity(library: Int64, filepath: String, created: String, fileType: String = "png", group: String = "image",
                   size: Int64 = 1234, app: String? = nil, metadata: [Meta] = [], tags: [String] = [],
                   updated: String = "2026-03-01 00:00:00") throws -> Int64 {
        let folder = try db.scalarInt("SELECT id FROM folders WHERE library_id = ? ORDER BY id LIMIT 1", [.int(library)])!
        let filename = (filepath as NSString).lastPathComponent
        try db.query("""
            INSERT INTO entities(filepath, filename, size, file_created_at, file_last_modified_at, file_type,
                                 file_type_group, library_id, folder_id, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(filepath), .text(filename), .int(size), .text(created), .text(created), .text(fileType),
                  .text(group), .int(library), .int(folder), .text(updated)])
        let id = try db.scalarInt("SELECT last_insert_rowid()")!
        let all = (app.map { [Meta(key: "active_app", value: $0)] } ?? []) + metadata
        for entry in all { try addMetadata(id, entry, updated: updated) }
        for tag in tags { try addTag(id, tag) }
        return id
    }

    public func addMetadata(_ entity: Int64, _ entry: Meta, updated: String = "2026-03-01 00:00:00") throws {
        try db.query("""
            INSERT INTO metadata_entries(entity_id, "key", value, source_type, source, data_type, updated_at)
            VALUES (?, ?, ?, 'PLUGIN_GENERATED', ?, ?, ?)
            """, [.int(entity), .text(entry.key), .text(entry.value), entry.source.map { .text($0) } ?? .null,
                  .text(entry.type), .text(updated)])
    }

    public func addTag(_ entity: Int64, _ name: String) throws {
        if try db.scalarInt("SELECT id FROM tags WHERE name = ?", [.text(name)]) == nil {
            try db.query("INSERT INTO tags(name) VALUES (?)", [.text(name)])
        }
        let tag = try db.scalarInt("SELECT id FROM tags WHERE name = ?", [.text(name)])!
        try db.query("INSERT INTO entity_tags(entity_id, tag_id, source) VALUES (?, ?, 'HUMAN')", [.int(entity), .int(tag)])
    }

    /// Changes one metadata value and its `updated_at`, as a Pensieve plugin re-run would.
    public func setMetadata(_ entity: Int64, key: String, value: String, updated: String) throws {
        try db.query("UPDATE metadata_entries SET value = ?, updated_at = ? WHERE entity_id = ? AND \"key\" = ?",
                     [.text(value), .text(updated), .int(entity), .text(key)])
    }

    public func deleteEntity(_ id: Int64) throws {
        for table in ["metadata_entries", "entity_tags"] {
            try db.query("DELETE FROM \(table) WHERE entity_id = ?", [.int(id)])
        }
        try db.query("DELETE FROM entities WHERE id = ?", [.int(id)])
    }

    public func openStore(index: SearchIndex? = nil) throws -> PensieveSQLiteStore {
        try PensieveSQLiteStore(path: path, index: index)
    }
}

/// The reason of a `StoreError` of the given kind, or nil when `error` is something else.
public func unavailableReason(_ error: (any Error)?) -> String? {
    if case .unavailable(let reason)? = error as? StoreError { return reason }
    return nil
}

public func invalidReason(_ error: (any Error)?) -> String? {
    if case .invalid(let reason)? = error as? StoreError { return reason }
    return nil
}
