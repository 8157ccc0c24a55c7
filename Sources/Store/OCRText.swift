import FoundationEssentials

/// Pensieve's `ocr_result` value: a JSON array of `{dt_boxes, rec_txt, score}` in reading order.
public enum OCRText {
    /// One OCR box; only its text is decoded (coordinates and scores are skipped, not converted).
    private struct Box: Decodable {
        var rec_txt: String
    }

    /// The `rec_txt` of each box in order, or nil when the value is not that shape (or not JSON at all).
    /// Decoded with `JSONDecoder` into `[Box]`: the index build parses every capture's OCR twice (to
    /// index it and to size its rendering), and `JSONSerialization` spent most of that time making
    /// `NSNumber`s of coordinates nobody reads.
    public static func lines(_ value: String) -> [String]? {
        guard value.utf8.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) == UInt8(ascii: "["),
              let boxes = try? JSONDecoder().decode([Box].self, from: Data(value.utf8))
        else { return nil }
        return boxes.map(\.rec_txt)
    }

    /// Pretty-printed JSON for any JSON value, or nil when `value` is not JSON.
    public static func prettyJSON(_ value: String) -> String? {
        guard let parsed = JSONValue.parse(Data(value.utf8)), parsed.array != nil || parsed.object != nil else { return nil }
        return parsed.text(pretty: true)
    }

    /// Whether a value is shown (and so indexed) as decoded, pretty-printed JSON when it parses as a
    /// JSON object or array: `ocr_result` in any other shape than the OCR list, JSON-typed values,
    /// and model output (`structured_vlm*`, `*_result`, source `vlm`). Raw JSON would show `\u00e9`
    /// where the text says `é`, and neither `grep` nor search would find the word.
    public static func showsAsJSON(_ entry: MetadataEntry) -> Bool {
        entry.key == "ocr_result" || entry.dataType == "json" || entry.key.hasPrefix("structured_vlm")
            || entry.key.hasSuffix("_result") || entry.source == "vlm"
    }

    /// The text of a value as the document file shows it (the OCR lines joined by spaces), for the index.
    public static func searchable(_ entry: MetadataEntry) -> String {
        if entry.key == "ocr_result", let lines = lines(entry.value) { return lines.joined(separator: " ") }
        if showsAsJSON(entry), let pretty = prettyJSON(entry.value) { return pretty }
        return entry.value
    }
}

/// The text that Pensieve puts in its FTS row for an entity (`SqliteSearchProvider.prepare_fts_data`),
/// which our own index matches against, so that results agree with Pensieve's own search.
public struct FlattenedText: Sendable, Equatable {
    public var filepath: String
    /// Tag names joined with ", ".
    public var tags: String
    /// `key: value` lines, each value as the file shows it (`OCRText.searchable`): every OCR box,
    /// JSON decoded. CJK characters are spaced apart (see `CJKText`).
    public var metadata: String

    public init(_ entity: Entity) {
        filepath = CJKText.spaced(entity.filepath)
        tags = CJKText.spaced(entity.tags.joined(separator: ", "))
        metadata = CJKText.spaced(entity.metadata.map { entry in
            var value = OCRText.searchable(entry)
            // Far above any real capture (a screen of OCR is tens of KB): only a pathological value is
            // cut, so that indexing it does not need several copies of it in memory.
            if value.utf8.count > Self.valueCap { value = String(decoding: value.utf8.prefix(Self.valueCap), as: UTF8.self) }
            return "\(entry.key): \(value)"
        }.joined(separator: "\n"))
    }

    /// Bytes of one metadata value that are indexed (16 MiB).
    public static let valueCap = 16 << 20
}
