import Foundation
import Store
import Testing
import TestSupport

/// A FailoverStore over a fault-injecting API (a mock with its own, different documents) and a real
/// Pensieve-format database with an index, so every answer tells which side gave it.
final class FailoverRig {
    let fixture: PensieveFixture
    let index: SearchIndex
    let local: PensieveSQLiteStore
    let mock: MockDocumentStore
    let api: FaultInjectingStore
    let store: FailoverStore
    let localIDs: [Int64]

    static let apiLibraries = [Library(id: 9, name: "api-shots", kind: "record")]
    static func apiEntity(_ id: Int64, _ text: String) -> Entity {
        Entity(summary: EntitySummary(id: id, libraryID: 9, filename: "api-\(id).webp", createdAt: 1_768_469_400 + id,
                                      app: "Firefox", version: "api-v1"),
               filepath: "/api/api-\(id).webp", size: 10, fileType: "webp", fileTypeGroup: "image",
               lastModifiedAt: 1_768_469_400, lastScanAt: 1_768_469_400, tags: [],
               metadata: [MetadataEntry(key: "ocr_result", value: text, source: "ocr", dataType: "text")])
    }

    init(budget: Double, threshold: Int = 3, textDocument: Bool = false) throws {
        let f = try PensieveFixture()
        fixture = f
        let shots = try f.addLibrary("screenshots")
        var ids = [
            try f.addEntity(library: shots, filepath: "/shots/a.png", created: "2026-01-10 08:00:00.000000", app: "Firefox",
                            metadata: [Meta(key: "ocr_result", value: ocrJSON("budget review"), type: "JSON_DATA")]),
            try f.addEntity(library: shots, filepath: "/shots/b.png", created: "2026-01-11 08:00:00.000000", app: "Slack",
                            metadata: [Meta(key: "ocr_result", value: ocrJSON("budget only"), type: "JSON_DATA")]),
            try f.addEntity(library: shots, filepath: "/shots/c.png", created: "2026-01-12 08:00:00.000000",
                            metadata: [Meta(key: "ocr_result", value: ocrJSON("lunch menu"), type: "JSON_DATA")]),
        ]
        if textDocument {
            ids.append(try f.addEntity(library: 1, filepath: "/notes/n.md", created: "2026-01-13 08:00:00.000000",
                                       fileType: "markdown", group: "text", metadata: [Meta(key: "text", value: "budget notes")]))
        }
        localIDs = ids
        index = try SearchIndex(path: f.temp.path("index.sqlite"), source: f.path)
        local = try f.openStore(index: index)
        try index.synchronize(from: local)
        mock = MockDocumentStore(libraries: Self.apiLibraries,
                                 entities: [Self.apiEntity(101, "budget api one"), Self.apiEntity(102, "budget api two")])
        api = FaultInjectingStore(base: mock)
        store = FailoverStore(api: api, local: local, budget: budget, threshold: threshold)
    }

    /// A fresh FailoverStore (closed circuit, zero stats) over a fresh API, sharing the database.
    func fresh(budget: Double) -> (FaultInjectingStore, FailoverStore) {
        let api = FaultInjectingStore(base: mock)
        return (api, FailoverStore(api: api, local: local, budget: budget))
    }
}

func listRequest() -> SearchRequest { SearchRequest() }
func wordRequest(_ words: String..., types: [String] = ["image"]) -> SearchRequest {
    var request = SearchRequest()
    request.words = words
    request.types = types
    return request
}

/// Polls `condition` until it holds or `seconds` pass: for counters that an abandoned (timed-out) call
/// bumps on its own thread some time after the failover already answered.
func eventually(within seconds: Double = 5, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while !condition() {
        if Date() > deadline { return false }
        usleep(10_000)
    }
    return true
}

/// Each operation: what FailoverStore answers, what the database answers, as comparable text.
private func operations() -> [(name: String, failover: (FailoverStore) throws -> String, local: (PensieveSQLiteStore) throws -> String)] { [
    ("libraries", { "\(try $0.libraries())" }, { "\(try $0.libraries())" }),
    ("list", { "\(try $0.entitySummaries(afterID: 0, library: nil, limit: 10))" },
     { "\(try $0.entitySummaries(afterID: 0, library: nil, limit: 10))" }),
    ("entity 1", { "\(String(describing: try $0.entitySummary(id: 1)))" }, { "\(String(describing: try $0.entitySummary(id: 1)))" }),
    ("entities", { "\(try $0.entities(ids: [3, 1, 101]))" }, { "\(try $0.entities(ids: [3, 1, 101]))" }),
    ("count", { "\(try $0.entityCount(library: nil))" }, { "\(try $0.entityCount(library: nil))" }),
    ("search", { "\(try $0.search(listRequest()))" }, { "\(try $0.search(listRequest()))" }),
] }

@Suite struct FailoverStoreTests {
    @Test func theAPIsTotalIsComparedEveryFewMinutesNotEveryHealthCheck() throws {
        // Counting costs Pensieve a page and a count(*): at a million, 1.5 s of its CPU per check.
        let rig = try FailoverRig(budget: 10)
        let api = FaultInjectingStore(base: rig.mock)
        let store = FailoverStore(api: api, local: rig.local, budget: 10, countCheckInterval: 300)
        store.checkHealth()
        let first = api.calls
        #expect(store.stats.apiListingComplete == false)  // the API lists 2, the database holds 3
        store.checkHealth()
        #expect(api.calls - first < first)  // no count this time
        #expect(store.stats.apiListingComplete == false)  // the last comparison still holds
    }

    @Test func bulkReadsComeFromTheDatabase() throws {
        // The API serves entities one request each: a batch (a query directory's results) would
        // outlast the time budget, so it is read from the database; a single document tries the API.
        let rig = try FailoverRig(budget: 2)
        let before = rig.api.calls
        let ids = rig.localIDs + (1_000...1_005).map(Int64.init)  // 9 ids, 3 of them exist locally
        #expect(try rig.store.entities(ids: ids).map(\.id) == rig.localIDs)
        #expect(rig.api.calls == before)
        #expect(try rig.store.entities(ids: [101]).map(\.id) == [101])
        #expect(rig.api.calls == before + 1)
    }

    @Test func listingsComeFromTheBuiltIndexNotTheAPI() throws {
        // Offset paging through the API is quadratic on the server over a million entities.
        let rig = try FailoverRig(budget: 2)
        let before = rig.api.calls
        let listed = try rig.store.listing(afterID: 0, library: nil, limit: 10)
        #expect(listed.map(\.summary.id) == rig.localIDs)
        #expect(rig.api.calls == before)
        #expect(rig.store.stats.localRequests == 1)
        #expect(rig.store.backendName == "api")  // by design, not a failover: documents still come from the API
    }

    @Test func healthyAPIAnswersEverything() throws {
        let rig = try FailoverRig(budget: 10)
        #expect(try rig.store.libraries() == FailoverRig.apiLibraries)
        #expect(try rig.store.entitySummaries(afterID: 0, library: nil, limit: 10).map(\.id) == [101, 102])
        #expect(try rig.store.search(listRequest()).map(\.id) == [102, 101])  // all local documents are images
        let stats = rig.store.stats
        #expect(stats.lastBackend == "api" && stats.failovers == 0 && stats.apiRequests == 3 && stats.localRequests == 0)
        #expect(rig.api.calls == 3)
        #expect(rig.store.backendName == "api")
    }

    /// Slow faults last longer than the 0.3 s budget; immediate ones get a budget that allows every retry.
    static let faults: [FaultInjectingStore.Fault] = [.refused, .timeout(0.8), .serverError, .garbage, .slowFirstByte(0.8)]
    static func isSlow(_ fault: FaultInjectingStore.Fault) -> Bool {
        switch fault {
        case .timeout, .slowFirstByte: return true
        default: return false
        }
    }

    @Test(arguments: faults)
    func everyFaultIsAnsweredLocallyForTheSameRequest(_ fault: FaultInjectingStore.Fault) throws {
        let slow = Self.isSlow(fault)
        let budget = slow ? 0.3 : 10.0
        let rig = try FailoverRig(budget: budget)
        for operation in operations() {
            let (api, store) = rig.fresh(budget: budget)
            api.inject(fault)
            let answer = try operation.failover(store)  // the caller sees no error
            #expect(answer == (try operation.local(rig.local)), "\(operation.name)")
            let stats = store.stats
            #expect(stats.failovers == 1, "\(operation.name)")
            #expect(stats.lastBackend == "sqlite", "\(operation.name)")
            #expect(stats.localRequests == 1 && stats.apiRequests == 0)
            let last = try #require(stats.lastFailover, "\(operation.name)")
            #expect(last.operation == operation.name)
            #expect(!last.reason.isEmpty)
            // Immediate failures are retried twice; a slow one spends the whole budget on its first try.
            #expect(stats.apiFailures == (slow ? 1 : 3) && stats.retries == (slow ? 0 : 2), "\(operation.name)")
            #expect(eventually { api.calls == (slow ? 1 : 3) }, "\(operation.name): \(api.calls) calls")
            #expect(store.circuit.snapshot.position == .closed)  // one failed request does not open it
            #expect(store.circuit.snapshot.consecutiveFailures == 1)
        }
    }

    @Test func injectedReasonsReachLastFailover() throws {
        let rig = try FailoverRig(budget: 10)
        let expected: [(FaultInjectingStore.Fault, String)] = [(.refused, "connection refused"), (.serverError, "HTTP 500"),
                                                               (.garbage, "unparseable JSON")]
        for (fault, text) in expected {
            let (api, store) = rig.fresh(budget: 10)
            api.inject(fault)
            _ = try store.libraries()
            #expect(store.stats.lastFailover?.reason.contains(text) == true, "\(store.stats.lastFailover?.reason ?? "nil")")
        }
    }

    @Test func slowFirstByteWithinBudgetIsAnsweredByTheAPI() throws {
        let rig = try FailoverRig(budget: 10)
        rig.api.inject(.slowFirstByte(0.05))
        #expect(try rig.store.libraries() == FailoverRig.apiLibraries)
        #expect(rig.store.stats.lastBackend == "api")
        #expect(rig.store.stats.failovers == 0 && rig.store.stats.retries == 0)
        #expect(rig.api.calls == 1)
    }

    @Test func timeoutLongerThanTheBudgetIsNotRetried() throws {
        let rig = try FailoverRig(budget: 0.2)
        rig.api.inject(.timeout(0.6))
        #expect(try rig.store.entityCount(library: nil) == rig.localIDs.count)
        #expect(rig.store.stats.retries == 0 && rig.store.stats.apiFailures == 1)
        #expect(rig.store.stats.lastBackend == "sqlite")
        #expect(rig.store.stats.lastFailover?.reason.contains("no answer within") == true)
        #expect(eventually { rig.api.calls == 1 })
        Thread.sleep(forTimeInterval: 0.7)  // long enough for a retry to have shown up
        #expect(rig.api.calls == 1)
    }

    /// After a freeze (`kill -STOP`), the calls FailoverStore abandoned at their deadline stay blocked
    /// until their transfers time out. Once the API answers again, the health check must reach it.
    @Test func recoveredAPIPassesItsHealthCheckWhileAbandonedCallsStillBlock() throws {
        let rig = try FailoverRig(budget: 0.4)
        let api = ThawingAPI(base: rig.mock, transferSeconds: 0.8)
        let store = FailoverStore(api: api, local: rig.local, budget: 0.4)
        let group = DispatchGroup()
        for _ in 0..<6 {  // FUSE requests during the freeze, from FUSE's own threads
            group.enter()
            Thread { _ = try? store.libraries(); group.leave() }.start()
        }
        group.wait()
        #expect(store.stats.failovers == 6)
        store.checkHealth()  // the API answers health checks at once again
        #expect(store.stats.lastHealthCheck?.ok == true, "\(store.stats.lastHealthCheck?.detail ?? "")")
        #expect(store.circuit.snapshot.position == .closed)
    }

    @Test func circuitOpensAfterThresholdAndHealthCheckClosesIt() throws {
        let rig = try FailoverRig(budget: 10)
        rig.api.inject(.refused)
        for request in 1...3 {
            #expect(rig.store.circuit.snapshot.position == .closed)
            _ = try rig.store.libraries()
            #expect(rig.api.calls == request * 3)
        }
        let opened = rig.store.circuit.snapshot
        #expect(opened.position == .open && opened.timesOpened == 1 && opened.openedAt != nil)
        #expect(opened.lastReason?.contains("refused") == true)

        // Open: the API is not touched, the database answers (counted as a failover).
        #expect(try rig.store.libraries() == (try rig.local.libraries()))
        #expect(try rig.store.entities(ids: [1]).map(\.id) == [1])
        #expect(rig.api.calls == 9)
        #expect(rig.store.stats.lastBackend == "sqlite")
        #expect(rig.store.stats.failovers == 5 && rig.store.stats.apiFailures == 9)
        #expect(rig.store.stats.lastFailover?.reason.hasPrefix("circuit open") == true)
        #expect(rig.store.stats.lastFailover?.operation == "entities")

        // A health check that fails keeps it open; one that answers closes it.
        rig.store.checkHealth()
        #expect(rig.api.calls == 10)
        #expect(rig.store.circuit.snapshot.position == .open)
        #expect(rig.store.circuit.snapshot.timesOpened == 1)
        #expect(rig.store.stats.lastHealthCheck?.ok == false)
        rig.api.inject(.none)
        rig.store.checkHealth()
        #expect(rig.store.circuit.snapshot.position == .closed)
        #expect(rig.store.stats.lastHealthCheck?.ok == true)
        #expect(try rig.store.libraries() == FailoverRig.apiLibraries)
        #expect(rig.api.calls == 13)  // the health check also compares entity counts
        #expect(rig.store.stats.lastBackend == "api")
    }

    /// Pensieve lists only DEFAULT folders: when the API's total is below the database's, listings and
    /// counts come from the database (which has them all), while other reads still try the API.
    @Test func incompleteAPIListingsAreAnsweredLocally() throws {
        let rig = try FailoverRig(budget: 10)  // the API lists 2 entities, the database holds 3
        #expect(try rig.store.entitySummaries(afterID: 0, library: nil, limit: 10).map(\.id) == [101, 102])
        rig.store.checkHealth()
        #expect(rig.store.stats.apiListingComplete == false)
        #expect(rig.store.stats.lastHealthCheck?.detail.contains("listing from sqlite") == true)
        #expect(try rig.store.entitySummaries(afterID: 0, library: nil, limit: 10).map(\.id) == rig.localIDs)
        #expect(rig.store.stats.lastBackend == "sqlite")
        #expect(try rig.store.entityCount(library: nil) == rig.localIDs.count)
        _ = try rig.store.libraries()
        #expect(rig.store.stats.lastBackend == "api")
        // Once the API lists as many as the database, listings go back to it.
        rig.mock.put(FailoverRig.apiEntity(103, "third"))
        rig.store.checkHealth()
        #expect(rig.store.stats.apiListingComplete)
        #expect(try rig.store.entitySummaries(afterID: 0, library: nil, limit: 10).map(\.id) == [101, 102, 103])
    }

    @Test func successfulRequestResetsTheFailureCount() throws {
        let rig = try FailoverRig(budget: 10)
        for _ in 0..<3 {
            rig.api.inject(.serverError)
            _ = try rig.store.libraries()
            _ = try rig.store.libraries()
            rig.api.inject(.none)
            _ = try rig.store.libraries()
        }
        #expect(rig.store.circuit.snapshot.position == .closed)
        #expect(rig.store.stats.failovers == 6)
        #expect(rig.store.stats.lastBackend == "api")
    }

    @Test func failingHealthCheckOpensTheCircuit() throws {
        let rig = try FailoverRig(budget: 10)
        rig.api.inject(.refused)
        rig.store.checkHealth()
        #expect(rig.store.circuit.snapshot.position == .open)
        #expect(rig.store.stats.lastHealthCheck?.ok == false)
        #expect(rig.store.stats.lastHealthCheck?.detail.contains("refused") == true)
        let before = rig.api.calls
        #expect(try rig.store.entityCount(library: nil) == rig.localIDs.count)
        #expect(rig.api.calls == before)
        #expect(rig.store.stats.lastFailover?.reason.contains("health check") == true)
        rig.api.inject(.none)
        rig.store.checkHealth()
        #expect(rig.store.circuit.snapshot.position == .closed)
        #expect(rig.store.circuit.snapshot.timesOpened == 1)
    }

    @Test func healthCheckSlowerThanTheBudgetOpensTheCircuit() throws {
        let rig = try FailoverRig(budget: 0.3)
        rig.api.inject(.slowFirstByte(0.6))
        rig.store.checkHealth()
        #expect(rig.store.circuit.snapshot.position == .open)
        #expect(rig.store.stats.lastHealthCheck?.detail.contains("no answer within") == true)
    }

    @Test func invalidRequestsPropagateAndAreNotFailovers() throws {
        let rig = try FailoverRig(budget: 10)
        #expect(try rig.store.libraries() == FailoverRig.apiLibraries)
        rig.mock.fail(with: .invalid("no library named 'x'"))
        rig.api.inject(.serverError)
        _ = try rig.store.entityCount(library: nil)  // one real failure first
        #expect(rig.store.circuit.snapshot.consecutiveFailures == 1)
        rig.api.inject(.none)
        let error = #expect(throws: StoreError.self) { try rig.store.libraries() }
        #expect(invalidReason(error) == "no library named 'x'")
        #expect(rig.api.calls == 5)  // 1 + 3 + 1: not retried
        #expect(rig.store.stats.failovers == 1 && rig.store.stats.retries == 2)
        #expect(rig.store.circuit.snapshot.consecutiveFailures == 0)  // the API did answer
    }
}

/// An API that was frozen: transfers started during the freeze block for `transferSeconds` (until their
/// own timeout), while the health check, asked after the thaw, answers at once.
final class ThawingAPI: PrimaryStore {
    let backendName = "api"
    let location = "mock://thawing"
    let base: MockDocumentStore
    let transferSeconds: Double
    init(base: MockDocumentStore, transferSeconds: Double) { self.base = base; self.transferSeconds = transferSeconds }

    /// A transfer that the request's budget cuts short, as curl's timeouts do (see `RequestDeadline`).
    private func transfer() throws {
        let left = RequestDeadline.remaining ?? .infinity
        Thread.sleep(forTimeInterval: max(0, min(transferSeconds, left)))
        if left < transferSeconds { throw StoreError.unavailable("no answer within the budget") }
    }
    func checkHealth(timeout: Double?) throws {}
    func probeSearch() -> Bool { true }
    func canAnswer(_ request: SearchRequest, imagesOnly: Bool) -> Bool { PensieveAPIStore.canAnswer(request, imagesOnly: imagesOnly) }
    func searchIntersectingWords(_ request: SearchRequest) throws -> [SearchHit] { try search(request) }
    func libraries() throws -> [Library] { try transfer(); return try base.libraries() }
    func entitySummaries(afterID: Int64, library: Int64?, limit: Int) throws -> [EntitySummary] {
        try transfer(); return try base.entitySummaries(afterID: afterID, library: library, limit: limit)
    }
    func entitySummary(id: Int64) throws -> EntitySummary? { try transfer(); return try base.entitySummary(id: id) }
    func entities(ids: [Int64]) throws -> [Entity] { try transfer(); return try base.entities(ids: ids) }
    func entityCount(library: Int64?) throws -> Int { try transfer(); return try base.entityCount(library: library) }
    func search(_ request: SearchRequest) throws -> [SearchHit] { try transfer(); return try base.search(request) }
}
