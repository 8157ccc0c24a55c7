import Foundation
import Store
import Testing
import Tree

private func entity(_ metadata: [MetadataEntry], tags: [String] = []) -> Entity {
    Entity(summary: EntitySummary(id: 17, libraryID: 2, filename: "shot.webp", createdAt: 1_768_469_400,
                                  app: "Firefox", version: "v1"),
           filepath: "/screens/2026/shot.webp", size: 12_345, fileType: "webp", fileTypeGroup: "image",
           lastModifiedAt: 1_768_469_401, lastScanAt: 1_768_469_402, tags: tags, metadata: metadata)
}

private func text(_ key: String, _ value: String, source: String? = "system", type: String = "text") -> MetadataEntry {
    MetadataEntry(key: key, value: value, source: source, dataType: type)
}

private func render(_ e: Entity, library: Library? = Library(id: 2, name: "screenshots", kind: "record")) -> String {
    String(decoding: DocumentRenderer.render(e, library: library), as: UTF8.self)
}

private let ocrJSON = """
    [{"dt_boxes": [[0,0],[1,0],[1,1],[0,1]], "rec_txt": "First line", "score": 0.99},
     {"dt_boxes": [[0,2],[1,2],[1,3],[0,3]], "rec_txt": "Second line", "score": 0.95},
     {"dt_boxes": [[0,4],[1,4],[1,5],[0,5]], "rec_txt": "Third: total 42.50", "score": 0.9}]
    """

@Suite struct DocumentRendererTests {
    @Test func frontMatterHasEntityFields() {
        let out = render(entity([text("active_app", "Firefox"), text("active_window", "Inbox — Mail"),
                                 text("screen_name", "DELL U2720Q"), text("sequence", "118"),
                                 text("timestamp", "20260115-093000")], tags: ["work", "urgent"]))
        #expect(out.hasPrefix("---\nid: 17\n"))
        for line in ["library: screenshots (2)", "kind: record", "captured_utc: 2026-01-15T09:30:00Z",
                     "app: Firefox", "window: Inbox — Mail", "screen: DELL U2720Q", "sequence: 118",
                     "timestamp: 20260115-093000", "tags: work, urgent",
                     "file: /screens/2026/shot.webp (webp, image, 12345 B)",
                     "modified_utc: 2026-01-15T09:30:01Z", "scanned_utc: 2026-01-15T09:30:02Z"] {
            #expect(out.contains("\n" + line + "\n"), "missing \(line)")
        }
        // Front-matter keys are not repeated under other metadata.
        #expect(!out.contains("## Other metadata"))
        #expect(out.components(separatedBy: "Firefox").count == 2)
    }

    @Test func unknownLibraryShowsItsID() {
        let out = render(entity([]), library: nil)
        #expect(out.contains("\nlibrary: (2)\n"))
        #expect(!out.contains("kind:"))
    }

    @Test func everyMetadataValueAppears() {
        let metadata = [
            text("active_app", "Slack"), text("active_window", "general"),
            text("ocr_result", ocrJSON, source: "ocr", type: "json"),
            text("minicpm_result", "A spreadsheet of Q1 expenses.", source: "vlm"),
            text("caption", "A cat on a keyboard", source: "vlm"),
            text("structured_vlm", "{\"title\":\"Budget\",\"rows\":3}", source: "vlm", type: "json"),
            text("notes", "line one\nline two\nline three"),
            text("project", "apollo"), text("page_count", "12", type: "number"),
            text("extra_json", "{\"zeta\":1,\"alpha\":\"b/c\"}", type: "json"),
            text("active_app", "SecondApp"),
            text("empty", ""),
        ]
        let out = render(entity(metadata))
        for needle in ["Slack", "general", "First line", "Second line", "Third: total 42.50",
                       "A spreadsheet of Q1 expenses.", "A cat on a keyboard", "\"title\" : \"Budget\"", "\"rows\" : 3",
                       "line one\nline two\nline three\n", "project: apollo", "page_count: 12", "\"alpha\" : \"b/c\"",
                       "\"zeta\" : 1", "active_app: SecondApp", "empty: \n"] {
            #expect(out.contains(needle), "missing \(needle.debugDescription)")
        }
        #expect(out.contains("\n## OCR\n"))
        #expect(out.contains("\n## Description (minicpm_result)\n"))
        #expect(out.contains("\n## Description (caption)\n"))
        #expect(out.contains("\n## Structured (structured_vlm)\n```json\n"))
        #expect(out.contains("\n## notes\nline one\n"))
        #expect(out.contains("\n## Other metadata\n"))
    }

    @Test func ocrLinesInReadingOrder() throws {
        let out = render(entity([text("ocr_result", ocrJSON, type: "json")]))
        let section = try #require(out.range(of: "\n## OCR\n"))
        #expect(out[section.upperBound...].hasPrefix("First line\nSecond line\nThird: total 42.50\n"))
        #expect(!out.contains("dt_boxes"))
        #expect(!out.contains("0.99"))
    }

    @Test func ocrLineWithNewlineStaysOneLine() {
        let value = #"[{"rec_txt": "a\nb", "score": 1}, {"rec_txt": "c", "score": 1}]"#
        let out = render(entity([text("ocr_result", value, type: "json")]))
        #expect(out.contains("\n## OCR\na b\nc\n"))
    }

    @Test(arguments: [
        "not json at all {",                     // invalid JSON
        #"{"rec_txt": "an object, not a list"}"#,  // not the list shape
        #"[1, 2, 3]"#,                           // list of non-boxes
        #"[{"text": "wrong key"}]"#,              // boxes without rec_txt
        #"[{"rec_txt": 5}]"#,                    // rec_txt not a string
        #""just a string""#,                     // a JSON fragment
    ])
    func nonOCRShapeFallsBackToRawText(_ value: String) throws {
        // JSON objects and lists are shown decoded and pretty-printed (as the index holds them),
        // anything else as it is.
        let out = render(entity([text("ocr_result", value, type: "json")]))
        let section = try #require(out.range(of: "\n## OCR\n"))
        #expect(out[section.upperBound...].hasPrefix((OCRText.prettyJSON(value) ?? value) + "\n"))
    }

    @Test func invalidJSONMetadataIsShownRaw() {
        let out = render(entity([text("broken", "{not: json", type: "json"),
                                 text("structured_vlm_v2", "plain words, not json", type: "json")]))
        #expect(out.contains("broken: {not: json\n"))
        #expect(out.contains("\n## Structured (structured_vlm_v2)\nplain words, not json\n"))
    }

    @Test func multiLineTextGetsItsOwnSectionInOrder() throws {
        let out = render(entity([text("summary", "para one\n\npara two\n"), text("transcript", "x\ny")]))
        let a = try #require(out.range(of: "\n## summary\npara one\n\npara two\n"))
        let b = try #require(out.range(of: "\n## transcript\nx\ny\n"))
        #expect(a.lowerBound < b.lowerBound)
        #expect(!out.contains("para two\n\n\n"))
    }

    @Test func multiLineFrontMatterValueIsJoined() {
        let out = render(entity([text("active_window", "Title\nwith newline\r\nand more")]))
        #expect(out.contains("\nwindow: Title with newline and more\n"))
    }

    @Test func frontMatterIsClosedBeforeSections() throws {
        let out = render(entity([text("ocr_result", ocrJSON), text("k", "v")]))
        let lines = out.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "---")
        let close = try #require(lines.dropFirst().firstIndex(of: "---"))
        #expect(lines[..<close].allSatisfy { !$0.hasPrefix("## ") })
        #expect(out.hasSuffix("\n"))
    }

    @Test func outputIsValidUTF8Bytes() {
        let bytes = DocumentRenderer.render(entity([text("note", "Café ☕️ 日本 😀")]), library: nil)
        #expect(String(validating: bytes, as: UTF8.self) != nil)
        #expect(String(decoding: bytes, as: UTF8.self).contains("note: Café ☕️ 日本 😀\n"))
    }
}

/// JSON values are shown with their characters decoded, as the index holds them.
@Suite struct DecodedJSONRenderingTests {
    @Test func anOCRResultObjectIsShownDecoded() {
        let entity = Entity(summary: EntitySummary(id: 1, libraryID: 1, filename: "a.png", createdAt: 0, app: nil, version: "v"),
                            filepath: "/a.png", size: 1, fileType: "png", fileTypeGroup: "image", lastModifiedAt: 0, lastScanAt: 0,
                            tags: [], metadata: [MetadataEntry(key: "ocr_result", value: #"{"text": "caf\u00e9"}"#, source: "ocr", dataType: "json"),
                                                 MetadataEntry(key: "vlm_result", value: #"["na\u00efve"]"#, source: "vlm", dataType: "text")])
        let text = String(decoding: DocumentRenderer.render(entity, library: nil), as: UTF8.self)
        #expect(text.contains("café"))
        #expect(text.contains("naïve"))
        #expect(!text.contains("\\u00e9") && !text.contains("\\u00ef"))
        #expect(DocumentRenderer.size(entity, library: nil) == text.utf8.count)
    }
}
