import Foundation

/// Pensieve's `ocr_result` value: a JSON array of `{dt_boxes, rec_txt, score}` in reading order.
public enum OCRText {
    /// The `rec_txt` of each box in order, or nil when the value is not that shape (or not JSON at all).
    public static func lines(_ value: String, limit: Int = .max) -> [String]? {
        guard let data = value.data(using: .utf8),
              let array = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) as? [Any]
        else { return nil }
        var lines: [String] = []
        for item in array.prefix(limit) {
            guard let box = item as? [String: Any], let text = box["rec_txt"] as? String else { return nil }
            lines.append(text)
        }
        return lines
    }

    /// Pretty-printed JSON for any JSON value, or nil when `value` is not JSON.
    public static func prettyJSON(_ value: String) -> String? {
        guard let data = value.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]),
              object is [Any] || object is [String: Any],
              let pretty = try? JSONSerialization.data(withJSONObject: object,
                                                       options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        else { return nil }
        return String(decoding: pretty, as: UTF8.self)
    }
}

/// The text that Pensieve puts in its FTS row for an entity (`SqliteSearchProvider.prepare_fts_data`),
/// which our own index matches against, so that results agree with Pensieve's own search.
public struct FlattenedText: Sendable, Equatable {
    public var filepath: String
    /// Tag names joined with ", ".
    public var tags: String
    /// `key: value` lines; `ocr_result` becomes the space-joined text of its first 4096 boxes.
    public var metadata: String

    public init(_ entity: Entity) {
        filepath = entity.filepath
        tags = entity.tags.joined(separator: ", ")
        metadata = entity.metadata.map { entry in
            var value = entry.value
            if entry.key == "ocr_result" {
                if let lines = OCRText.lines(entry.value, limit: 4096) {
                    value = lines.joined(separator: " ")
                } else if let pretty = OCRText.prettyJSON(entry.value) {
                    value = pretty
                }
            }
            // Like Pensieve's cap of 4096 OCR boxes: the index keeps the first MiB of each value, so
            // indexing a huge document does not need several copies of it in memory.
            if value.utf8.count > Self.valueCap { value = String(decoding: value.utf8.prefix(Self.valueCap), as: UTF8.self) }
            return "\(entry.key): \(value)"
        }.joined(separator: "\n")
    }

    /// Bytes of one metadata value that are indexed.
    public static let valueCap = 1 << 20
}
