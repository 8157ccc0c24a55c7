import Store
import Testing
import TestSupport

private func request(words: [String] = [], phrases: [String] = [], apps: [String] = [], start: Int64? = nil,
                     end: Int64? = nil, types: [String] = ["image"], libraries: [String] = [], limit: Int = 50) -> SearchRequest {
    var r = SearchRequest()
    r.words = words; r.phrases = phrases; r.apps = apps; r.start = start; r.end = end
    r.types = types; r.libraries = libraries; r.limit = limit
    return r
}

/// Which searches Pensieve 0.37.0's `/api/search` answers exactly as the local index would.
@Suite struct APISearchRoutingTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var request: SearchRequest
        var imagesOnly: Bool
        var expected: Bool
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "one word, images", request: request(words: ["budget"]), imagesOnly: false, expected: true),
        Case(name: "several words (bug 2)", request: request(words: ["budget", "review"]), imagesOnly: true, expected: false),
        Case(name: "phrase", request: request(phrases: ["budget review"]), imagesOnly: true, expected: false),
        Case(name: "one-word phrase", request: request(phrases: ["budget"]), imagesOnly: true, expected: false),
        Case(name: "word and start (bug 3)", request: request(words: ["budget"], start: 1_768_000_000), imagesOnly: true, expected: false),
        Case(name: "word and end (bug 3)", request: request(words: ["budget"], end: 1_768_000_000), imagesOnly: true, expected: false),
        Case(name: "list mode with time filter", request: request(start: 1_768_000_000, end: 1_769_000_000), imagesOnly: false, expected: true),
        Case(name: "list mode, no filters", request: request(), imagesOnly: false, expected: true),
        Case(name: "apps", request: request(words: ["budget"], apps: ["Firefox"]), imagesOnly: true, expected: false),
        Case(name: "apps in list mode", request: request(apps: ["Firefox"]), imagesOnly: true, expected: false),
        Case(name: "limit 200", request: request(words: ["budget"], limit: 200), imagesOnly: false, expected: true),
        Case(name: "limit 201", request: request(words: ["budget"], limit: 201), imagesOnly: true, expected: false),
        Case(name: "types image, imagesOnly false", request: request(words: ["budget"], types: ["image"]), imagesOnly: false, expected: true),
        Case(name: "no types, imagesOnly false", request: request(words: ["budget"], types: []), imagesOnly: false, expected: false),
        Case(name: "no types, imagesOnly true", request: request(words: ["budget"], types: []), imagesOnly: true, expected: true),
        Case(name: "types text", request: request(words: ["budget"], types: ["text"]), imagesOnly: false, expected: false),
        Case(name: "types text, imagesOnly true", request: request(words: ["budget"], types: ["text"]), imagesOnly: true, expected: false),
        Case(name: "types image and text", request: request(words: ["budget"], types: ["image", "text"]), imagesOnly: false, expected: false),
        Case(name: "library filter", request: request(words: ["budget"], libraries: ["screenshots"]), imagesOnly: false, expected: true),
    ]

    @Test(arguments: cases)
    func canAnswer(_ c: Case) {
        #expect(PensieveAPIStore.canAnswer(c.request, imagesOnly: c.imagesOnly) == c.expected)
    }

    @Test(arguments: cases)
    func faultInjectingStoreAgrees(_ c: Case) {
        let api = FaultInjectingStore(base: MockDocumentStore())
        #expect(api.canAnswer(c.request, imagesOnly: c.imagesOnly) == c.expected)
        #expect(api.calls == 0)
    }
}
