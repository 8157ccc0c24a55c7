import Foundation

/// Turns Pensieve API JSON into `Entity` values. It accepts every shape the API emits for an entity:
/// `GET /api/entities/{id}` (Entity), folder listings (raw ORM objects with extra fields) and search hits
/// (`EntitySearchResult`: string id, tag names as strings, JSON-decoded metadata values, no
/// `ocr_result`), and every datetime spelling (`…`, `…Z`, `…+00:00`, fractions).
enum APIEntityParser {
    static func json(_ data: Data) throws -> Any {
        do { return try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) } catch {
            throw StoreError.failed("unparseable JSON from the API (\(data.count) bytes): \(String(decoding: data.prefix(80), as: UTF8.self))")
        }
    }

    static func int(_ value: Any?) -> Int64? {
        switch value {
        case let n as NSNumber: return n.int64Value
        case let s as String: return Int64(s)
        case let i as Int: return Int64(i)
        default: return nil
        }
    }

    static func time(_ value: Any?) -> Int64? { (value as? String).flatMap(PensieveTime.parse) }

    /// A metadata value as Pensieve stores it: strings stay, JSON values are re-encoded.
    static func metadataValue(_ value: Any?) -> (text: String, inferredType: String) {
        switch value {
        case let s as String: return (s, "text")
        case nil, is NSNull: return ("", "text")
        case let n as NSNumber:
            // On Linux a JSON number is an NSNumber that also answers `is Bool`; booleans have their own class.
            if String(describing: type(of: n)).contains("Boolean") { return (n.boolValue ? "true" : "false", "json") }
            return (value is Int ? String(n.int64Value) : String(n.doubleValue), "number")
        default:
            let data = (try? JSONSerialization.data(withJSONObject: value!, options: [.fragmentsAllowed, .sortedKeys, .withoutEscapingSlashes])) ?? Data()
            return (String(decoding: data, as: UTF8.self), "json")
        }
    }

    static func entity(_ object: Any) throws -> Entity {
        guard let d = object as? [String: Any], let id = int(d["id"]), let created = time(d["file_created_at"]) else {
            throw StoreError.failed("the API returned an entity without id or file_created_at")
        }
        let tags: [String] = (d["tags"] as? [Any] ?? []).compactMap { ($0 as? String) ?? (($0 as? [String: Any])?["name"] as? String) }
        let metadata: [MetadataEntry] = (d["metadata_entries"] as? [Any] ?? []).compactMap { item in
            guard let m = item as? [String: Any], let key = m["key"] as? String else { return nil }
            let (text, inferred) = metadataValue(m["value"])
            let declared = (m["data_type"] as? String).map { MetadataEntry.dataType(fromStored: $0) }
            return MetadataEntry(key: key, value: text, source: m["source"] as? String, dataType: declared ?? inferred)
        }
        let filepath = d["filepath"] as? String ?? ""
        let size = int(d["size"]) ?? 0
        let modified = time(d["file_last_modified_at"]) ?? created
        let app = metadata.first { $0.key == "active_app" }?.value
        let summary = EntitySummary(id: id, libraryID: int(d["library_id"]) ?? 0, filename: d["filename"] as? String ?? "",
                                    createdAt: created, app: app, version: "")
        var entity = Entity(summary: summary, filepath: filepath, size: size, fileType: d["file_type"] as? String ?? "",
                            fileTypeGroup: d["file_type_group"] as? String ?? "", lastModifiedAt: modified,
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
