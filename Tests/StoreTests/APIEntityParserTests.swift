import Foundation
@testable import Store
import Testing

/// `GET /api/entities/4`, as Pensieve 0.37.0 answered it.
private let entityJSON = #"""
{"id":4,"filepath":"/tmp/pv1/shots/s.webp","filename":"s.webp","size":80,"file_created_at":"2026-02-01T12:00:00","file_last_modified_at":"2026-02-01T12:00:00","file_type":"webp","file_type_group":"image","last_scan_at":"2026-11-21T13:36:24","folder_id":1,"library_id":2,"tags":[{"id":1,"name":"Firefox","description":null,"color":null,"created_at":"2026-11-21T13:36:24"}],"metadata_entries":[{"id":21,"entity_id":4,"key":"active_app","value":"Firefox","source":"system_generated","data_type":"text"},{"id":25,"entity_id":4,"key":"ocr_result","value":"[{\"dt_boxes\": [], \"rec_txt\": \"Caf\\u00e9\", \"score\": 0.95}]","source":"ocr","data_type":"json"}],"plugin_status":[]}
"""#

/// One element of a folder listing (`/api/libraries/1/folders/1/entities`): raw ORM rows.
private let folderListingJSON = #"""
{"id":7,"filepath":"/tmp/pv1/docs/plan.md","filename":"plan.md","size":1200,"file_created_at":"2026-01-15T09:30:00+00:00","file_last_modified_at":"2026-01-15T10:00:00.123456+00:00","file_type":"md","file_type_group":"text","last_scan_at":"2026-11-21T13:36:24+00:00","folder_id":1,"library_id":1,"created_at":"2026-11-21T13:36:20+00:00","updated_at":"2026-11-21T13:36:24+00:00","source_type":"file","tags":[{"id":2,"name":"work","description":null,"color":null,"created_at":"2026-11-21T13:36:24+00:00","updated_at":"2026-11-21T13:36:24+00:00"},{"id":3,"name":"q1","description":"quarter","color":"#ff0000","created_at":"2026-11-21T13:36:24+00:00","updated_at":"2026-11-21T13:36:25+00:00"}],"metadata_entries":[{"id":30,"entity_id":7,"key":"text","value":"quarterly plan","source_type":"plugin_generated","source":"text","data_type":"text","created_at":"2026-11-21T13:36:24+00:00","updated_at":"2026-11-21T13:36:24+00:00"},{"id":31,"entity_id":7,"key":"pages","value":"3","source_type":"plugin_generated","source":"text","data_type":"number","created_at":"2026-11-21T13:36:24+00:00","updated_at":"2026-11-21T13:36:24+00:00"}],"plugin_status":[]}
"""#

/// One `hits[].document` of `/api/search`: string id, tag names, JSON-decoded values, no data_type.
private let searchHitJSON = #"""
{"id":"1","filepath":"/tmp/pv1/shots/a.webp","filename":"a.webp","size":64,"file_created_at":"2026-01-10T08:00:00Z","file_last_modified_at":"2026-01-10T08:00:01Z","file_type":"webp","file_type_group":"image","last_scan_at":"2026-11-21T13:36:24Z","library_id":2,"folder_id":1,"tags":["Firefox","work"],"metadata_entries":[{"key":"active_app","value":"Google Chrome","source":"system_generated"},{"key":"window","value":{"title":"Inbox","b":1},"source":"system_generated"},{"key":"boxes","value":[1,"two",null],"source":"ocr"},{"key":"pages","value":3,"source":"plugin"},{"key":"ratio","value":2.5,"source":"plugin"},{"key":"starred","value":true,"source":"plugin"},{"key":"note","value":null,"source":"plugin"},{"key":"title","value":"Café / menu","source":"plugin"}]}
"""#

private func parse(_ text: String) throws -> Entity { try APIEntityParser.entity(try APIEntityParser.json(Data(text.utf8))) }
private func utc(_ text: String) -> Int64 { PensieveTime.parse(text)! }

@Suite struct APIEntityParserTests {
    @Test func entityEndpoint() throws {
        let e = try parse(entityJSON)
        #expect(e.id == 4 && e.summary.libraryID == 2)
        #expect(e.filepath == "/tmp/pv1/shots/s.webp" && e.summary.filename == "s.webp" && e.size == 80)
        #expect(e.fileType == "webp" && e.fileTypeGroup == "image")
        #expect(e.summary.createdAt == 1_769_947_200)  // 2026-02-01T12:00:00Z
        #expect(e.summary.createdAt == utc("2026-02-01 12:00:00.000000"))
        #expect(e.lastModifiedAt == e.summary.createdAt)
        #expect(e.lastScanAt == utc("2026-11-21T13:36:24Z"))
        #expect(e.tags == ["Firefox"])
        #expect(e.summary.app == "Firefox")
        #expect(e.metadata == [
            MetadataEntry(key: "active_app", value: "Firefox", source: "system_generated", dataType: "text"),
            MetadataEntry(key: "ocr_result", value: #"[{"dt_boxes": [], "rec_txt": "Caf\u00e9", "score": 0.95}]"#,
                          source: "ocr", dataType: "json"),
        ])
        #expect(e.summary.version.hasPrefix("api:"))
        #expect(e.summary.version == APIEntityParser.contentVersion(e))
    }

    @Test func folderListingItem() throws {
        let e = try parse(folderListingJSON)
        #expect(e.id == 7 && e.summary.libraryID == 1 && e.size == 1200)
        #expect(e.summary.createdAt == utc("2026-01-15T09:30:00Z"))
        #expect(e.lastModifiedAt == utc("2026-01-15T10:00:00Z"))  // fraction ignored
        #expect(e.lastScanAt == utc("2026-11-21T13:36:24Z"))
        #expect(e.tags == ["work", "q1"])
        #expect(e.summary.app == nil)
        #expect(e.metadata == [MetadataEntry(key: "text", value: "quarterly plan", source: "text", dataType: "text"),
                               MetadataEntry(key: "pages", value: "3", source: "text", dataType: "number")])
    }

    @Test func offsetDatetimesAreUTC() throws {
        let shifted = folderListingJSON.replacingOccurrences(of: "\"file_created_at\":\"2026-01-15T09:30:00+00:00\"",
                                                             with: "\"file_created_at\":\"2026-01-15T11:30:00+02:00\"")
        #expect(shifted != folderListingJSON)
        #expect(try parse(shifted).summary.createdAt == utc("2026-01-15T09:30:00Z"))
    }

    @Test func searchHitDocument() throws {
        let e = try parse(searchHitJSON)
        #expect(e.id == 1 && e.summary.libraryID == 2)
        #expect(e.summary.createdAt == utc("2026-01-10 08:00:00"))
        #expect(e.lastModifiedAt == utc("2026-01-10 08:00:01"))
        #expect(e.lastScanAt == utc("2026-11-21 13:36:24"))
        #expect(e.tags == ["Firefox", "work"])
        #expect(e.summary.app == "Google Chrome")
        let byKey = Dictionary(uniqueKeysWithValues: e.metadata.map { ($0.key, $0) })
        #expect(e.metadata.map(\.key) == ["active_app", "window", "boxes", "pages", "ratio", "starred", "note", "title"])
        #expect(byKey["active_app"]?.value == "Google Chrome" && byKey["active_app"]?.dataType == "text")
        #expect(byKey["window"]?.value == #"{"b":1,"title":"Inbox"}"#)  // re-encoded, keys sorted
        #expect(byKey["window"]?.dataType == "json")
        #expect(byKey["boxes"]?.value == #"[1,"two",null]"#)
        #expect(byKey["boxes"]?.dataType == "json")
        #expect(byKey["pages"]?.value == "3" && byKey["pages"]?.dataType == "number")
        #expect(byKey["ratio"]?.value == "2.5" && byKey["ratio"]?.dataType == "number")
        #expect(byKey["starred"]?.value == "true" && byKey["starred"]?.dataType == "json")
        #expect(byKey["note"]?.value == "" && byKey["note"]?.dataType == "text")
        #expect(byKey["title"]?.value == "Café / menu" && byKey["title"]?.dataType == "text")
        #expect(byKey["window"]?.source == "system_generated")
    }

    @Test func falseAndZeroAreDistinct() throws {
        let text = #"{"id":5,"file_created_at":"2026-01-10T08:00:00","metadata_entries":[{"key":"a","value":false},{"key":"b","value":0},{"key":"c","value":1}]}"#
        let values = try parse(text).metadata.map { "\($0.value)/\($0.dataType)" }
        #expect(values == ["false/json", "0/number", "1/number"])
    }

    @Test func declaredDataTypesAreNormalized() throws {
        let text = #"{"id":5,"file_created_at":"2026-01-10T08:00:00","metadata_entries":[{"key":"a","value":"{}","data_type":"JSON_DATA"},{"key":"b","value":"2","data_type":"NUMBER_DATA"},{"key":"c","value":"x","data_type":"TEXT_DATA"},{"value":"no key"}]}"#
        let e = try parse(text)
        #expect(e.metadata.map(\.dataType) == ["json", "number", "text"])
        #expect(e.lastModifiedAt == e.summary.createdAt && e.lastScanAt == e.summary.createdAt)  // missing: capture time
        #expect(e.filepath == "" && e.size == 0 && e.tags == [])
    }

    @Test func contentVersionFollowsTheContent() throws {
        let a = try parse(entityJSON)
        let b = try parse(entityJSON)
        #expect(a.summary.version == b.summary.version)
        let changed = try parse(entityJSON.replacingOccurrences(of: #""value":"Firefox""#, with: #""value":"Safari""#))
        #expect(changed.summary.app == "Safari")
        #expect(changed.summary.version != a.summary.version)
        let ocrChanged = try parse(entityJSON.replacingOccurrences(of: "\\\"score\\\": 0.95", with: "\\\"score\\\": 0.96"))
        #expect(ocrChanged.metadata[1].value != a.metadata[1].value)
        #expect(ocrChanged.summary.version != a.summary.version)
        let retagged = try parse(entityJSON.replacingOccurrences(of: #""name":"Firefox""#, with: #""name":"Work""#))
        #expect(retagged.summary.version != a.summary.version)
        // The same content in another spelling (field order, datetime format, tag shape) is the same version.
        var hit = a
        hit.summary.version = ""
        #expect(APIEntityParser.contentVersion(hit) == a.summary.version)
        let respelled = entityJSON.replacingOccurrences(of: "2026-02-01T12:00:00\"", with: "2026-02-01T12:00:00Z\"")
            .replacingOccurrences(of: #"{"id":1,"name":"Firefox","description":null,"color":null,"created_at":"2026-11-21T13:36:24"}"#,
                                  with: #""Firefox""#)
        #expect(respelled != entityJSON)
        #expect(try parse(respelled).summary.version == a.summary.version)
    }

    @Test(arguments: [#"{"filepath":"/x","file_created_at":"2026-01-10T08:00:00"}"#,
                      #"{"id":"abc","file_created_at":"2026-01-10T08:00:00"}"#,
                      #"{"id":3,"filepath":"/x"}"#,
                      #"{"id":3,"file_created_at":"yesterday"}"#,
                      #"[1,2]"#, #""text""#])
    func entityWithoutIDOrTimeThrows(_ text: String) {
        #expect(throws: StoreError.self) { try parse(text) }
    }

    @Test func garbageBodyIsFailed() {
        let error = #expect(throws: StoreError.self) { try APIEntityParser.json(Data("<html>502 Bad Gateway</html>".utf8)) }
        if case .failed(let reason)? = error { #expect(reason.contains("unparseable")) } else { Issue.record("\(String(describing: error))") }
    }

    @Test func intAcceptsNumbersAndNumericStrings() {
        #expect(APIEntityParser.int(.int(42)) == 42)
        #expect(APIEntityParser.int("17") == 17)
        #expect(APIEntityParser.int(.double(5)) == 5)
        #expect(APIEntityParser.int(.double(5.5)) == nil)
        #expect(APIEntityParser.int(.bool(true)) == nil)
        #expect(APIEntityParser.int("x") == nil)
        #expect(APIEntityParser.int(nil) == nil)
    }
}
