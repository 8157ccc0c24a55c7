import Foundation
import Store
import Testing

/// JSON without Foundation's `JSONSerialization`: what the daemon reads from the API and Pensieve's
/// JSON values, and what it writes to `health.json`, `cache.json` and rendered documents.
@Suite struct JSONValueTests {
    @Test func parsesEveryKindAndKeepsIntegersApartFromDoubles() throws {
        let value = try #require(JSONValue.parse(Data(#"{"a": 1, "b": 1.5, "c": true, "d": null, "e": "x", "f": [1, "y"], "g": {"h": -2}}"#.utf8)))
        #expect(value["a"] == .int(1))
        #expect(value["b"] == .double(1.5))
        #expect(value["c"] == .bool(true))
        #expect(value["d"] == .null)
        #expect(value["e"]?.string == "x")
        #expect(value["f"]?.array == [.int(1), .string("y")])
        #expect(value["g"]?["h"]?.int == -2)
        #expect(JSONValue.parse(Data("\"top\"".utf8)) == .string("top"))
        #expect(JSONValue.parse(Data("<html>".utf8)) == nil)
    }

    @Test func prettyTextIsSortedIndentedAndKeepsCharacters() throws {
        let value = try #require(JSONValue.parse(Data(#"{"title_or_topic": "Z\u00fcrich trip", "path": "a/b", "n": 2, "list": [0.25]}"#.utf8)))
        let text = value.text(pretty: true)
        #expect(text == """
            {
              "list" : [
                0.25
              ],
              "n" : 2,
              "path" : "a/b",
              "title_or_topic" : "Zürich trip"
            }
            """)
        #expect(value.text() == #"{"list":[0.25],"n":2,"path":"a/b","title_or_topic":"Zürich trip"}"#)
    }

    @Test func numbersRoundTrip() throws {
        for text in ["0", "-7", "9007199254740993", "0.1", "1e-05", "123.456", "-0.5"] {
            let value = try #require(JSONValue.parse(Data(text.utf8)), "\(text)")
            let again = try #require(JSONValue.parse(Data(value.text().utf8)))
            #expect(again == value, "\(text) -> \(value.text())")
        }
        #expect(JSONValue.parse(Data("9007199254740993".utf8)) == .int(9_007_199_254_740_993))
        #expect(JSONValue(Double.nan) == .null)
    }

    @Test func displayReadsAsAPersonWouldWriteIt() {
        #expect(JSONValue.string("ok").display == "ok")
        #expect(JSONValue.int(42).display == "42")
        #expect(JSONValue.double(2).display == "2")
        #expect(JSONValue.double(0.103).display == "0.103")
        #expect(JSONValue.bool(false).display == "false")
    }
}
