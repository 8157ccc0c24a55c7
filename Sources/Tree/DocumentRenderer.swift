import Store

/// Renders one entity as the markdown file that `cat documents/<id>-<slug>.md` shows.
///
/// Layout: a front-matter block with the entity's fields and system metadata, then `## OCR` (one
/// recognised line per line, in reading order), `## Description` for VLM text, `## Structured` for
/// structured VLM JSON, a section per multi-line text value, and `## Other metadata` for the rest.
/// Every metadata value Pensieve stores appears somewhere. An `ocr_result` that is not the OCR list
/// shape, or not JSON at all, is shown raw rather than dropped.
public enum DocumentRenderer {
    /// Keys shown in the front matter, with their labels.
    static let frontMatterKeys: [(key: String, label: String)] = [
        ("active_app", "app"), ("active_window", "window"), ("screen_name", "screen"),
        ("sequence", "sequence"), ("timestamp", "timestamp"),
    ]

    /// The whole rendering as bytes (tests and small documents).
    public static func render(_ entity: Entity, library: Library?) -> [UInt8] {
        var sink = ByteSink()
        render(entity, library: library, into: &sink)
        return sink.bytes
    }

    /// The rendering's size in bytes, without holding it (given to the index as its `RenderedSizer`).
    public static func size(_ entity: Entity, library: Library?) -> Int {
        var sink = CountingSink()
        render(entity, library: library, into: &sink)
        return sink.count
    }

    /// Streams the rendering into `sink` piece by piece, so that the daemon never holds a large
    /// document's rendering whole (`ChunkWriter` cuts it into cache chunks as it goes).
    public static func render(_ entity: Entity, library: Library?, into sink: inout some TextSink) {
        var out = Output(sink: sink)
        defer { sink = out.sink }
        out += "---\n"
        func field(_ label: String, _ value: String) { out += "\(label): \(oneLine(value))\n" }
        field("id", String(entity.id))
        if let library {
            field("library", "\(library.name) (\(library.id))")
            field("kind", library.kind)
        } else {
            field("library", "(\(entity.summary.libraryID))")
        }
        field("captured_utc", PensieveTime.iso(entity.summary.createdAt))
        var used: Set<Int> = []
        for (key, label) in frontMatterKeys {
            if let index = entity.metadata.firstIndex(where: { $0.key == key }) {
                field(label, entity.metadata[index].value)
                used.insert(index)
            }
        }
        if !entity.tags.isEmpty { field("tags", entity.tags.joined(separator: ", ")) }
        field("file", "\(entity.filepath) (\(entity.fileType), \(entity.fileTypeGroup), \(entity.size) B)")
        field("modified_utc", PensieveTime.iso(entity.lastModifiedAt))
        field("scanned_utc", PensieveTime.iso(entity.lastScanAt))
        out += "---\n"

        var other: [String] = []
        for (index, entry) in entity.metadata.enumerated() where !used.contains(index) {
            if entry.key == "ocr_result" {
                out += "\n## OCR\n"
                if let lines = OCRText.lines(entry.value) {
                    for line in lines { out += oneLine(line) + "\n" }
                } else {
                    out += block(OCRText.prettyJSON(entry.value) ?? entry.value)  // decoded, as indexed
                }
            } else if entry.key.hasPrefix("structured_vlm") {
                out += "\n## Structured (\(entry.key))\n"
                out += structured(entry.value)
            } else if entry.key.hasSuffix("_result") || entry.source == "vlm" {
                out += "\n## Description (\(entry.key))\n" + block(OCRText.prettyJSON(entry.value) ?? entry.value)
            } else if entry.value.contains("\n") && entry.dataType != "json" {
                out += "\n## \(entry.key)\n" + block(entry.value)
            } else {
                let value = OCRText.showsAsJSON(entry) ? (OCRText.prettyJSON(entry.value) ?? entry.value) : entry.value
                other.append(value.contains("\n") ? "\(entry.key):\n\(block(value))" : "\(entry.key): \(value)\n")
            }
        }
        if !other.isEmpty {
            out += "\n## Other metadata\n"
            for line in other { out += line }
        }
    }

    /// `out += text` forwards to the sink.
    struct Output<Sink: TextSink> {
        var sink: Sink
        static func += (out: inout Output, text: String) { out.sink.write(text) }
    }

    /// Structured VLM output as a fenced, pretty-printed JSON block (raw text when it is not JSON).
    static func structured(_ value: String) -> String {
        guard let pretty = OCRText.prettyJSON(value) else { return block(value) }
        return "```json\n" + pretty + "\n```\n"
    }

    static func block(_ text: String) -> String { text.hasSuffix("\n") ? text : text + "\n" }

    static func oneLine(_ text: String) -> String {
        guard text.contains(where: { $0.isNewline }) else { return text }
        return text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
