import Foundation
import Store
import TestSupport
import Testing

private let ocr = """
    [{"dt_boxes": [[10, 10], [200, 10], [200, 30], [10, 30]], "rec_txt": "Invoice #2026-001", "score": 0.98},
     {"dt_boxes": [[10, 40], [200, 40], [200, 60], [10, 60]], "rec_txt": "Total: 1 234,50 €", "score": 0.91},
     {"dt_boxes": [[10, 70], [200, 70], [200, 90], [10, 90]], "rec_txt": "Café \\"Le Nord\\"", "score": 0.87}]
    """

private func entity(tags: [String] = [], metadata: [MetadataEntry]) -> Entity {
    Entity(summary: EntitySummary(id: 1, libraryID: 1, filename: "a.png", createdAt: 0, app: nil, version: ""),
           filepath: "/shots/a.png", size: 1, fileType: "png", fileTypeGroup: "image", lastModifiedAt: 0,
           lastScanAt: 0, tags: tags, metadata: metadata)
}

private func entry(_ key: String, _ value: String, _ type: String = "text") -> MetadataEntry {
    MetadataEntry(key: key, value: value, source: nil, dataType: type)
}

@Suite struct OCRTextTests {
    @Test func linesOfTheOCRShape() {
        #expect(OCRText.lines(ocr) == ["Invoice #2026-001", "Total: 1 234,50 €", "Café \"Le Nord\""])
        #expect(OCRText.lines("[]") == [])
        #expect(OCRText.lines(#"[{"rec_txt": ""}]"#) == [""])
        #expect(OCRText.lines(#"  [ {"rec_txt":"x","score":1} ]  "#) == ["x"])
    }

    @Test(arguments: [
        "{}", "", "not json", "[", "[{]", "null", "42", #""text""#, #"{"rec_txt": "x"}"#, "[1]", "[[\"x\"]]",
        #"[{"rec_txt": 1}]"#, #"[{"text": "x"}]"#, #"[{"rec_txt": "a"}, 7]"#, #"[{"rec_txt": null}]"#,
        #"[{"rec_txt": ["a"]}]"#,
    ])
    func otherShapesAreNil(_ value: String) {
        #expect(OCRText.lines(value) == nil)
    }

    @Test func prettyJSON() throws {
        let pretty = try #require(OCRText.prettyJSON(#"{"b":1,"a":{"c":"x/y"}}"#))
        #expect(pretty.contains("\n"))
        #expect(pretty.contains("x/y"))
        let a = try #require(pretty.range(of: "\"a\""))
        let b = try #require(pretty.range(of: "\"b\""))
        #expect(a.lowerBound < b.lowerBound)  // sorted keys
        #expect(OCRText.prettyJSON("[1,2]") != nil)
        for fragment in ["42", "\"s\"", "null", "true", "nope", "{"] {
            #expect(OCRText.prettyJSON(fragment) == nil, "\(fragment)")
        }
    }

    @Test func flattenedOCRIsSpaceJoined() {
        let text = FlattenedText(entity(tags: ["work", "Q1 review", "étoile"],
                                        metadata: [entry("active_app", "Preview"), entry("ocr_result", ocr, "json"),
                                                   entry("note", "line one\nline two")]))
        #expect(text.filepath == "/shots/a.png")
        #expect(text.tags == "work, Q1 review, étoile")
        #expect(text.metadata == """
            active_app: Preview
            ocr_result: Invoice #2026-001 Total: 1 234,50 € Café "Le Nord"
            note: line one
            line two
            """)
    }

    @Test func flattenedNonOCRResultIsPrettyOrRaw() throws {
        let json = FlattenedText(entity(metadata: [entry("ocr_result", #"{"text":"hello"}"#, "json")]))
        #expect(json.metadata.hasPrefix("ocr_result: {\n"))
        #expect(json.metadata.contains("\"text\" : \"hello\""))
        let raw = FlattenedText(entity(metadata: [entry("ocr_result", "plain OCR text, not JSON")]))
        #expect(raw.metadata == "ocr_result: plain OCR text, not JSON")
        let other = FlattenedText(entity(metadata: [entry("structured", ocr, "json")]))
        #expect(other.metadata == "structured: " + OCRText.prettyJSON(ocr)!)  // JSON shown decoded, not flattened to lines
    }

    @Test func flattenedOCRKeepsEveryBox() {
        // Unlike Pensieve's cap of 4096 boxes: the file shows every box, so the index holds them all.
        let boxes = (0..<5000).map { #"{"rec_txt": "w\#($0)", "score": 1}"# }.joined(separator: ",")
        let text = FlattenedText(entity(metadata: [entry("ocr_result", "[" + boxes + "]", "json")]))
        #expect(text.metadata.contains(" w4095"))
        #expect(text.metadata.hasSuffix(" w4999"))
        #expect(text.metadata.hasPrefix("ocr_result: w0 w1 w2 "))
    }

    @Test func emptyEntity() {
        let text = FlattenedText(entity(metadata: []))
        #expect(text.tags == "")
        #expect(text.metadata == "")
    }
}
