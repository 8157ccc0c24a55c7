/// A Pensieve library (`libraries` table).
public struct Library: Sendable, Equatable {
    public var id: Int64
    public var name: String
    /// `record` (screen history) or `static` (indexed folders).
    public var kind: String
    public init(id: Int64, name: String, kind: String) { self.id = id; self.name = name; self.kind = kind }
}

extension DocumentStore {
    /// The ids of the libraries a search names (exact name first, then case-insensitive), or
    /// `StoreError.invalid` naming the libraries that exist.
    public func libraryIDs(named names: [String]) throws -> [Int64] {
        guard !names.isEmpty else { return [] }
        let all = try libraries()
        return try names.map { name in
            guard let library = all.first(where: { $0.name == name })
                    ?? all.first(where: { $0.name.lowercased() == name.lowercased() }) else {
                throw StoreError.invalid("no library named '\(name)' (have: \(all.map(\.name).joined(separator: ", ")))")
            }
            return library.id
        }
    }
}

/// What a directory listing needs about an entity: enough to name it and to tell whether it changed.
public struct EntitySummary: Sendable, Equatable {
    public var id: Int64
    public var libraryID: Int64
    public var filename: String
    /// Capture time, Unix seconds UTC (`file_created_at`).
    public var createdAt: Int64
    /// The `active_app` metadata value, if any.
    public var app: String?
    /// Changes whenever the entity, its metadata or its tags change.
    public var version: String
    public init(id: Int64, libraryID: Int64, filename: String, createdAt: Int64, app: String?, version: String) {
        self.id = id; self.libraryID = libraryID; self.filename = filename
        self.createdAt = createdAt; self.app = app; self.version = version
    }
}

/// One metadata entry as Pensieve stores it.
public struct MetadataEntry: Sendable, Equatable {
    public var key: String
    public var value: String
    public var source: String?
    /// `json`, `text` or `number` (the API's spelling; the database stores JSON_DATA etc.).
    public var dataType: String
    public init(key: String, value: String, source: String?, dataType: String) {
        self.key = key; self.value = value; self.source = source; self.dataType = dataType
    }

    /// The database stores enum names (`JSON_DATA`); the API and the renderer use values (`json`).
    public static func dataType(fromStored stored: String) -> String {
        switch stored.uppercased() {
        case "JSON_DATA", "JSON": return "json"
        case "NUMBER_DATA", "NUMBER": return "number"
        default: return "text"
        }
    }
}

/// An entity with all of its metadata and tags.
public struct Entity: Sendable, Equatable {
    public var summary: EntitySummary
    public var filepath: String
    public var size: Int64
    public var fileType: String
    public var fileTypeGroup: String
    public var lastModifiedAt: Int64
    /// `last_scan_at`, Unix seconds UTC: both the API and the database carry it (the API's Entity
    /// has no `updated_at`), so renderings do not depend on which store answered.
    public var lastScanAt: Int64
    public var tags: [String]
    public var metadata: [MetadataEntry]

    public init(summary: EntitySummary, filepath: String, size: Int64, fileType: String, fileTypeGroup: String,
                lastModifiedAt: Int64, lastScanAt: Int64, tags: [String], metadata: [MetadataEntry]) {
        self.summary = summary; self.filepath = filepath; self.size = size; self.fileType = fileType
        self.fileTypeGroup = fileTypeGroup; self.lastModifiedAt = lastModifiedAt; self.lastScanAt = lastScanAt
        self.tags = tags; self.metadata = metadata
    }

    public var id: Int64 { summary.id }
    public func value(for key: String) -> String? { metadata.first { $0.key == key }?.value }
}

/// A search as the query grammar describes it: words and phrases that must all match, plus filters.
public struct SearchRequest: Sendable, Equatable, Hashable {
    /// Single words; each one matches as a prefix.
    public var words: [String] = []
    /// Quoted phrases; each one matches exactly, as a sequence of tokens.
    public var phrases: [String] = []
    /// Library names (any of them).
    public var libraries: [String] = []
    /// `active_app` values (any of them, case-insensitive).
    public var apps: [String] = []
    /// Inclusive lower bound on capture time, Unix seconds UTC.
    public var start: Int64?
    /// Exclusive upper bound on capture time, Unix seconds UTC.
    public var end: Int64?
    /// `file_type_group` or `file_type` values (any of them).
    public var types: [String] = []
    public var limit: Int = 50

    public init() {}
    /// True when there is no text: list mode, newest first.
    public var isListMode: Bool { words.isEmpty && phrases.isEmpty }
}

/// One ranked search result.
public struct SearchHit: Sendable, Equatable {
    public var id: Int64
    public var rank: Int
    /// The relevance score where the store computes one (bm25, higher is better; none in list mode).
    public var score: Double?
    public init(id: Int64, rank: Int, score: Double? = nil) { self.id = id; self.rank = rank; self.score = score }
}

/// One entry of a `documents/` page: the entity's summary and, when a store recorded it at this
/// version, what its rendering looks like, so that `ls -l` needs no rendering.
public struct ListedDocument: Sendable, Equatable {
    public var summary: EntitySummary
    public var rendering: RecordedRendering?
    public init(summary: EntitySummary, rendering: RecordedRendering? = nil) {
        self.summary = summary; self.rendering = rendering
    }
}

/// The size and change time of a document's rendering at one entity version, recorded when the
/// local index indexed that version (see `SearchIndex`).
public struct RecordedRendering: Sendable, Equatable {
    public var size: Int
    /// `max(last_scan_at, file_created_at)`, the rendering's ctime.
    public var changedAt: Int64
    public init(size: Int, changedAt: Int64) { self.size = size; self.changedAt = changedAt }
}

/// The byte size of an entity's rendering in `library`: given to the index by the layer that renders
/// (the tree), so that the index can record sizes as it indexes without knowing the file format.
public typealias RenderedSizer = @Sendable (Entity, Library?) -> Int
