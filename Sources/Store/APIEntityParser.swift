import FoundationEssentials

/// Turns Pensieve API JSON into `Entity` values. It accepts every shape the API emits for an entity:
/// `GET /api/entities/{id}` (Entity), folder listings (raw ORM objects with extra fields) and search hits
/// (`EntitySearchResult`: string id, tag names as strings, JSON-decoded metadata values, no
/// `ocr_result`), and every datetime spelling (`…`, `…Z`, `…+00:00`, fractions).
enum APIEntityParser {
    static func json(_ data: Data) throws -> JSONValue {
        guard let value = JSONValue.parse(data) else {
            throw StoreError.failed("unparseable JSON from the API (\(data.count) bytes): \(String(decoding: data.prefix(80), as: UTF8.self))")
        }
        return value
    }

    static func int(_ value: JSONValue?) -> Int64? { value?.int }

    static func time(_ value: JSONValue?) -> Int64? { value?.string.flatMap(PensieveTime.parse) }

    /// A metadata value as Pensieve stores it: strings stay, JSON values are re-encoded.
    static func metadataValue(_ value: JSONValue?) -> (text: String, inferredType: String) {
        switch value {
        case .string(let s)?: return (s, "text")
        case nil, .null?: return ("", "text")
        case .bool(let b)?: return (b ? "true" : "false", "json")
        case .int(let i)?: return (String(i), "number")
        case .double(let d)?: return (String(d), "number")
        case let other?: return (other.text(), "json")
        }
    }

    static func entity(_ object: JSONValue) throws -> Entity {
        guard let d = object.object, let id = int(d["id"]), let created = time(d["file_created_at"]) else {
            throw StoreError.failed("the API returned an entity without id or file_created_at")
        }
        let tags: [String] = (d["tags"]?.array ?? []).compactMap { $0.string ?? $0["name"]?.string }
        let metadata: [MetadataEntry] = (d["metadata_entries"]?.array ?? []).compactMap { m in
            guard let key = m["key"]?.string else { return nil }
            let (text, inferred) = metadataValue(m["value"])
            let declared = m["data_type"]?.string.map { MetadataEntry.dataType(fromStored: $0) }
            return MetadataEntry(key: key, value: text, source: m["source"]?.string, dataType: declared ?? inferred)
        }
        let filepath = d["filepath"]?.string ?? ""
        let size = int(d["size"]) ?? 0
        let modified = time(d["file_last_modified_at"]) ?? created
        let app = metadata.first { $0.key == "active_app" }?.value
        let summary = EntitySummary(id: id, libraryID: int(d["library_id"]) ?? 0, filename: d["filename"]?.string ?? "",
                                    createdAt: created, app: app, version: "")
        var entity = Entity(summary: summary, filepath: filepath, size: size, fileType: d["file_type"]?.string ?? "",
                            fileTypeGroup: d["file_type_group"]?.string ?? "", lastModifiedAt: modified,
                            lastScanAt: time(d["last_scan_at"]) ?? created, tags: tags, metadata: metadata)
        entity.summary.version = contentVersion(entity)
        return entity
    }

    /// A version from the content itself (FNV-1a over every field that is rendered): the API has no
    /// `updated_at` on entities, so a change shows up as a different hash.
    static func contentVersion(_ e: Entity) -> String {
        var hash = StableHash()
        func mix(_ text: String) { hash.mixField(text) }
        [e.filepath, e.summary.filename, String(e.size), String(e.summary.createdAt), String(e.lastModifiedAt),
         String(e.lastScanAt), e.fileType, e.fileTypeGroup, String(e.summary.libraryID)].forEach(mix)
        e.tags.forEach(mix)
        for m in e.metadata { mix(m.key); mix(m.value); mix(m.dataType) }
        return "api:" + String(hash.value, radix: 16)
    }
}
