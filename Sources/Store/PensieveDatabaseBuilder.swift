import FoundationEssentials
import Glibc

/// Builds or updates a Pensieve-format database from the text and markdown files under a folder:
/// one library, one entity per file, the file's text in a `text` metadata entry. This is what
/// `recallfs index` runs: the embedded default for people without Pensieve, and the demo's data.
public struct PensieveDatabaseBuilder {
    /// File extensions that are read as text.
    public static let textExtensions: Set<String> = ["txt", "md", "markdown", "text", "rst", "org", "csv", "log"]

    public struct Report: Sendable, Equatable {
        public var added = 0, updated = 0, removed = 0, unchanged = 0
    }

    public let databasePath: String
    public init(databasePath: String) { self.databasePath = databasePath }

    /// Indexes `directory` into the library `libraryName` (created if needed).
    public func index(directory: String, libraryName: String) throws -> Report {
        let root = URL(fileURLWithPath: directory).standardizedFileURL.resolvingSymlinksInPath()
        var info = stat()
        guard stat(root.path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
            throw StoreError.invalid("not a directory: \(directory)")
        }
        let db = try SQLiteConnection(path: databasePath, readOnly: false, create: true)
        if try db.scalarInt("SELECT count(*) FROM sqlite_master WHERE name = 'entities'") == 0 {
            try db.execute("PRAGMA journal_mode = WAL;")
            try db.transaction { try db.execute(PensieveSchema.sql) }
        }
        let files = try textFiles(under: root)
        return try db.transaction {
            let (libraryID, folderID) = try libraryAndFolder(db, name: libraryName, path: root.path)
            var existing: [String: (id: Int64, modified: String, size: Int64)] = [:]
            try db.query("SELECT id, filepath, file_last_modified_at, size FROM entities WHERE library_id = ?", [.int(libraryID)]) {
                existing[$0.text(1) ?? ""] = ($0.int(0), $0.text(2) ?? "", $0.int(3))
            }
            var report = Report()
            for file in files {
                let modified = PensieveTime.database(file.modified)
                let created = PensieveTime.database(Self.dateInName(file.name) ?? file.modified)
                if let old = existing.removeValue(forKey: file.path) {
                    if old.modified == modified && old.size == file.size { report.unchanged += 1; continue }
                    try db.query("""
                        UPDATE entities SET size = ?, file_created_at = ?, file_last_modified_at = ?,
                            updated_at = strftime('%Y-%m-%d %H:%M:%f', 'now'), last_scan_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = ?
                        """, [.int(file.size), .text(created), .text(modified), .int(old.id)])
                    try db.query("UPDATE metadata_entries SET value = ?, updated_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE entity_id = ? AND key = 'text'",
                                 [.text(file.text), .int(old.id)])
                    report.updated += 1
                } else {
                    try db.query("""
                        INSERT INTO entities(filepath, filename, size, file_created_at, file_last_modified_at,
                            file_type, file_type_group, library_id, folder_id) VALUES (?, ?, ?, ?, ?, ?, 'text', ?, ?)
                        """, [.text(file.path), .text(file.name), .int(file.size), .text(created), .text(modified),
                              .text(file.type), .int(libraryID), .int(folderID)])
                    let id = try db.scalarInt("SELECT last_insert_rowid()") ?? 0
                    try db.query("""
                        INSERT INTO metadata_entries(entity_id, "key", value, source_type, source, data_type)
                        VALUES (?, 'text', ?, 'SYSTEM_GENERATED', 'recallfs', 'TEXT_DATA')
                        """, [.int(id), .text(file.text)])
                    report.added += 1
                }
            }
            for gone in existing.values {
                for table in ["metadata_entries", "entity_tags"] {
                    try db.query("DELETE FROM \(table) WHERE entity_id = ?", [.int(gone.id)])
                }
                try db.query("DELETE FROM entities WHERE id = ?", [.int(gone.id)])
                report.removed += 1
            }
            return report
        }
    }

    private func libraryAndFolder(_ db: SQLiteConnection, name: String, path: String) throws -> (Int64, Int64) {
        if try db.scalarInt("SELECT id FROM libraries WHERE name = ?", [.text(name)]) == nil {
            try db.query("INSERT INTO libraries(name, kind) VALUES (?, 'static')", [.text(name)])
        }
        let libraryID = try db.scalarInt("SELECT id FROM libraries WHERE name = ?", [.text(name)])!
        if try db.scalarInt("SELECT id FROM folders WHERE library_id = ? AND path = ?", [.int(libraryID), .text(path)]) == nil {
            try db.query("INSERT INTO folders(path, library_id, type, last_modified_at) VALUES (?, ?, 'DEFAULT', ?)",
                         [.text(path), .int(libraryID), .text(PensieveTime.database(Int64(Date().timeIntervalSince1970)))])
        }
        let folderID = try db.scalarInt("SELECT id FROM folders WHERE library_id = ? AND path = ?", [.int(libraryID), .text(path)])!
        return (libraryID, folderID)
    }

    /// Midnight UTC of a `YYYY-MM-DD` prefix of `name`, if it has one.
    static func dateInName(_ name: String) -> Int64? {
        let prefix = String(name.prefix(10))
        guard prefix.count == 10, let midnight = PensieveTime.parse(prefix + " 00:00:00") else { return nil }
        return midnight
    }

    struct TextFile { var path: String; var name: String; var type: String; var size: Int64; var modified: Int64; var text: String }

    /// Text files under `root`, hidden names skipped, symbolic links not followed, sorted by path.
    private func textFiles(under root: URL) throws -> [TextFile] {
        var files: [TextFile] = []
        var pending = [root.path]
        while let directory = pending.popLast() {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] where !name.hasPrefix(".") {
                let path = directory + "/" + name
                var info = stat()
                guard lstat(path, &info) == 0 else { continue }
                if info.st_mode & S_IFMT == S_IFDIR { pending.append(path); continue }
                let ext = name.lastIndex(of: ".").map { name[name.index(after: $0)...].lowercased() } ?? ""
                guard info.st_mode & S_IFMT == S_IFREG, Self.textExtensions.contains(ext),
                      let data = FileManager.default.contents(atPath: path) else { continue }
                files.append(TextFile(path: path, name: name, type: ext == "md" ? "markdown" : ext, size: Int64(data.count),
                                      modified: Int64(info.st_mtim.tv_sec), text: String(decoding: data, as: UTF8.self)))
            }
        }
        return files.sorted { $0.path < $1.path }
    }
}
