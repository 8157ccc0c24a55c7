import Foundation
import Store
import Testing
import TestSupport

/// Search finds what the document files hold: words in the middle of a CJK run, words after the
/// 4096th OCR box, and the characters of JSON values (not their `\u` escapes).
@Suite struct SearchFindsWhatFilesHoldTests {
    let f: PensieveFixture
    let index: SearchIndex
    let store: PensieveSQLiteStore
    let cjk, long, object: Int64

    init() throws {
        f = try PensieveFixture()
        let library = try f.addLibrary("screenshots")
        cjk = try f.addEntity(library: library, filepath: "/s/cjk.png", created: "2026-01-10 08:00:00.000000",
                              metadata: [Meta(key: "ocr_result", value: ocrJSON("会议记录 预算审查", "東京の天気予報です", "회의록입니다"), type: "JSON_DATA")])
        let boxes = (0..<5000).map { $0 == 4500 ? "farbeyondword" : "box\($0)" }
        long = try f.addEntity(library: library, filepath: "/s/long.png", created: "2026-01-11 08:00:00.000000",
                               metadata: [Meta(key: "ocr_result", value: ocrJSON(boxes), type: "JSON_DATA")])
        object = try f.addEntity(library: library, filepath: "/s/object.png", created: "2026-01-12 08:00:00.000000",
                                 metadata: [Meta(key: "ocr_result", value: #"{"text": "caf\u00e9 cr\u00e8me", "lang": "fr"}"#, type: "JSON_DATA"),
                                            Meta(key: "extra", value: #"{"owner": "zo\u00eb"}"#, type: "JSON_DATA")])
        index = try SearchIndex(path: f.temp.path("index.sqlite"), source: f.path)
        store = try f.openStore(index: index)
        try index.synchronize(from: store)
    }

    private func ids(_ words: String..., phrase: String? = nil) throws -> [Int64] {
        var request = SearchRequest()
        request.words = words
        if let phrase { request.phrases = [phrase] }
        return try store.search(request).map(\.id)
    }

    @Test func cjkWordsMatchInsideARun() throws {
        #expect(try ids("记录") == [cjk])      // the end of 会议记录
        #expect(try ids("议记") == [cjk])      // its middle
        #expect(try ids("天気") == [cjk])      // Japanese, inside 東京の天気予報です
        #expect(try ids("의록") == [cjk])      // Korean, inside 회의록입니다
        #expect(try ids("记会").isEmpty)       // characters out of order are not the word
        #expect(try ids(phrase: "预算审查") == [cjk])
    }

    @Test func everyOCRBoxIsIndexed() throws {
        #expect(try ids("farbeyondword") == [long])
    }

    @Test func jsonValuesAreIndexedAsTheirCharacters() throws {
        #expect(try ids("café") == [object])
        #expect(try ids("creme") == [object])  // accents folded, as for any word
        #expect(try ids("zoë") == [object])
        #expect(try ids("u00e9").isEmpty)      // the escape is not text
    }
}
