@testable import Store
import Testing

/// The API feed's comparison of two polls of one folder (the polls themselves are two calls each
/// against the real server in the integration tests).
@Suite struct APIChangeFeedTests {
    typealias State = APIChangeFeed.FolderState

    private func state(_ newest: [Int64], scanned: [Int64: String] = [:], total: Int? = nil, version: String = "v1") -> State {
        var versions = Dictionary(uniqueKeysWithValues: newest.map { ($0, version) })
        versions.merge(scanned) { _, new in new }
        return State(total: total ?? newest.count, versions: versions, newest: newest)
    }

    private func kinds(_ events: [ChangeEvent]) -> [String] { events.map { "\($0.kind.rawValue) \($0.id)" } }

    @Test func newCapturesAreAdded() {
        let events = APIChangeFeed.changes(from: state([3, 2, 1]), to: state([5, 4, 3, 2, 1]), source: "api")
        #expect(kinds(events) == ["entity_added 4", "entity_added 5"])
    }

    @Test func anotherVersionIsAnUpdateAndAnOlderRescanToo() {
        let before = state([3, 2, 1])
        var after = state([3, 2, 1], scanned: [2: "v2"])
        #expect(kinds(APIChangeFeed.changes(from: before, to: after, source: "api")) == ["entity_updated 2"])
        after = state([3, 2, 1], scanned: [-7: "v1"])  // rescanned, older than any newest id: not new
        #expect(kinds(APIChangeFeed.changes(from: before, to: after, source: "api")) == ["entity_updated -7"])
    }

    @Test func aRemovalAmongTheNewestIsSeen() {
        let events = APIChangeFeed.changes(from: state([3, 2, 1]), to: state([3, 1]), source: "api")
        #expect(kinds(events) == ["entity_removed 2"])
    }

    @Test func idsThatFellOutOfAFullWindowAreNotRemovals() {
        let window = Int64(APIChangeFeed.window)
        let before = state(Array((1...window).reversed()))
        let after = state(Array((3...window + 2).reversed()))  // two new captures pushed 1 and 2 out
        #expect(kinds(APIChangeFeed.changes(from: before, to: after, source: "api")) == ["entity_added \(window + 1)", "entity_added \(window + 2)"])
    }
}
