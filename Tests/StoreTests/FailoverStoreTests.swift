import Foundation
import Store
import Testing

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

private func listRequest() -> SearchRequest { SearchRequest() }
private func wordRequest(_ words: String..., types: [String] = ["image"]) -> SearchRequest {
    var request = SearchRequest()
    request.words = words
    request.types = types
    return request
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
    @Test func healthyAPIAnswersEverything() throws {
        let rig = try FailoverRig(budget: 2)
        #expect(try rig.store.libraries() == FailoverRig.apiLibraries)
        #expect(try rig.store.entitySummaries(afterID: 0, library: nil, limit: 10).map(\.id) == [101, 102])
        #expect(try rig.store.search(listRequest()).map(\.id) == [102, 101])  // all local documents are images
        let stats = rig.store.stats
        #expect(stats.lastBackend == "api" && stats.failovers == 0 && stats.apiRequests == 3 && stats.localRequests == 0)
        #expect(rig.api.calls == 3)
        #expect(rig.store.backendName == "api")
    }

    static let faults: [FaultInjectingStore.Fault] = [.refused, .timeout(1.5), .serverError, .garbage, .slowFirstByte(1.5)]

    @Test(arguments: faults)
    func everyFaultIsAnsweredLocallyForTheSameRequest(_ fault: FaultInjectingStore.Fault) throws {
        let slow: Bool = if case .timeout = fault { true } else if case .slowFirstByte = fault { true } else { false }
        let budget = slow ? 0.3 : 3.0
        let rig = try FailoverRig(budget: budget)
        for operation in operations() {
            let (api, store) = rig.fresh(budget: budget)
            api.inject(fault)
            let answer = try operation.failover(store)  // the caller sees no error
            #expect(answer == (try operation.local(rig.local)), "\(operation.name)")
            let stats = store.stats
            #expect(stats.failovers == 1, "\(operation.name)")
            #expect(stats.lastBackend == "sqlite", "\(operation.name)")
            #expect(stats.localRequests == 1)
            let last = try #require(stats.lastFailover, "\(operation.name)")
            #expect(last.operation == operation.name)
            #expect(!last.reason.isEmpty)
            // Immediate failures are retried twice; a slow one spends the budget on its first try.
            #expect(api.calls == (slow ? 1 : 3), "\(operation.name)")
            #expect(stats.apiFailures == api.calls && stats.retries == api.calls - 1)
            #expect(store.circuit.snapshot.position == .closed)  // one failed request does not open it
        }
    }

    @Test func injectedReasonsReachLastFailover() throws {
        let rig = try FailoverRig(budget: 3)
        let expected: [(FaultInjectingStore.Fault, String)] = [(.refused, "connection refused"), (.serverError, "HTTP 500"),
                                                               (.garbage, "unparseable JSON")]
        for (fault, text) in expected {
            let (api, store) = rig.fresh(budget: 3)
            api.inject(fault)
            _ = try store.libraries()
            #expect(store.stats.lastFailover?.reason.contains(text) == true, "\(store.stats.lastFailover?.reason ?? "nil")")
        }
    }

    @Test func slowFirstByteWithinBudgetIsAnsweredByTheAPI() throws {
        let rig = try FailoverRig(budget: 2)
        rig.api.inject(.slowFirstByte(0.05))
        #expect(try rig.store.libraries() == FailoverRig.apiLibraries)
        #expect(rig.store.stats.lastBackend == "api")
        #expect(rig.store.stats.failovers == 0 && rig.store.stats.retries == 0)
        #expect(rig.api.calls == 1)
    }

    @Test func timeoutLongerThanTheBudgetIsNotRetried() throws {
        let rig = try FailoverRig(budget: 0.2)
        rig.api.inject(.timeout(3))
        #expect(try rig.store.entityCount(library: nil) == rig.localIDs.count)
        #expect(rig.api.calls == 1)
        #expect(rig.store.stats.retries == 0)
        #expect(rig.store.stats.lastBackend == "sqlite")
        #expect(rig.store.stats.lastFailover?.reason.contains("no answer within") == true)
    }

    @Test func circuitOpensAfterThresholdAndHealthCheckClosesIt() throws {
        let rig = try FailoverRig(budget: 3)
        rig.api.inject(.refused)
        for request in 1...3 {
            #expect(rig.store.circuit.snapshot.position == .closed)
            _ = try rig.store.libraries()
            #expect(rig.api.calls == request * 3)
        }
        let opened = rig.store.circuit.snapshot
        #expect(opened.position == .open && opened.timesOpened == 1 && opened.openedAt != nil)
        #expect(opened.lastReason?.contains("refused") == true)

        // Open: the API is not touched, the database answers.
        #expect(try rig.store.libraries() == (try rig.local.libraries()))
        #expect(try rig.store.entities(ids: [1]).map(\.id) == [1])
        #expect(rig.api.calls == 9)
        #expect(rig.store.stats.lastBackend == "sqlite")

        // A health check that fails keeps it open; one that answers closes it.
        rig.store.checkHealth()
        #expect(rig.api.calls == 10)
        #expect(rig.store.circuit.snapshot.position == .open)
        #expect(rig.store.stats.lastHealthCheck?.ok == false)
        rig.api.inject(.none)
        rig.store.checkHealth()
        #expect(rig.store.circuit.snapshot.position == .closed)
        #expect(rig.store.stats.lastHealthCheck?.ok == true)
        #expect(try rig.store.libraries() == FailoverRig.apiLibraries)
        #expect(rig.api.calls == 12)
        #expect(rig.store.stats.lastBackend == "api")
    }

    @Test func successfulRequestResetsTheFailureCount() throws {
        let rig = try FailoverRig(budget: 3)
        for _ in 0..<3 {
            rig.api.inject(.serverError)
            _ = try rig.store.libraries()
            _ = try rig.store.libraries()
            rig.api.inject(.none)
            _ = try rig.store.libraries()
        }
        #expect(rig.store.circuit.snapshot.position == .closed)
        #expect(rig.store.stats.failovers == 6)
    }

    @Test func failingHealthCheckOpensTheCircuit() throws {
        let rig = try FailoverRig(budget: 0.2)
        for fault in [FaultInjectingStore.Fault.refused, .slowFirstByte(2)] {
            rig.api.inject(fault)
            rig.store.checkHealth()
            #expect(rig.store.circuit.snapshot.position == .open, "\(fault)")
            let before = rig.api.calls
            _ = try rig.store.entityCount(library: nil)
            #expect(rig.api.calls == before)
            #expect(rig.store.stats.failovers == 0)  // skipping an open circuit is not a failover
            rig.api.inject(.none)
            rig.store.checkHealth()
            #expect(rig.store.circuit.snapshot.position == .closed)
        }
        #expect(rig.store.circuit.snapshot.timesOpened == 2)
    }

    @Test func invalidRequestsPropagateAndAreNotFailovers() throws {
        let rig = try FailoverRig(budget: 3)
        rig.mock.fail(with: .invalid("no library named 'x'"))
        let error = #expect(throws: StoreError.self) { try rig.store.libraries() }
        #expect(invalidReason(error) == "no library named 'x'")
        #expect(rig.api.calls == 1)
        #expect(rig.store.stats.failovers == 0 && rig.store.stats.retries == 0)
        #expect(rig.store.circuit.snapshot.consecutiveFailures == 0)
    }

    // MARK: - Search routing

    @Test func severalWordsAreAnsweredLocallyEvenWhenTheAPIWorks() throws {
        let rig = try FailoverRig(budget: 2)
        rig.store.checkHealth()
        #expect(rig.store.stats.apiSearchWorks)
        let before = rig.api.calls
        let request = wordRequest("budget", "review")
        #expect(try rig.store.search(request) == (try rig.local.search(request)))
        #expect(try rig.store.search(request).map(\.id) == [rig.localIDs[0]])
        #expect(rig.api.calls == before)
        #expect(rig.store.stats.lastBackend == "sqlite" && rig.store.stats.failovers == 0)
    }

    @Test func oneImageWordGoesToTheAPIOnlyWhenItsSearchWorks() throws {
        let rig = try FailoverRig(budget: 2)
        let request = wordRequest("budget")
        rig.api.setSearchWorks(true)
        rig.store.checkHealth()
        var before = rig.api.calls
        #expect(try rig.store.search(request).map(\.id) == [102, 101])
        #expect(rig.api.calls == before + 1)
        #expect(rig.store.stats.lastBackend == "api")

        rig.api.setSearchWorks(false)
        rig.store.checkHealth()
        #expect(!rig.store.stats.apiSearchWorks)
        before = rig.api.calls
        #expect(try rig.store.search(request) == (try rig.local.search(request)))
        #expect(rig.api.calls == before)
        #expect(rig.store.stats.lastBackend == "sqlite")
    }

    @Test func listModeGoesToTheAPIWithoutAProbe() throws {
        let rig = try FailoverRig(budget: 2)
        #expect(try rig.store.search(listRequest()).map(\.id) == [102, 101])
        #expect(rig.api.calls == 1 && rig.store.stats.lastBackend == "api")
    }

    @Test func listModeOverNonImagesNeedsTheImageType() throws {
        let rig = try FailoverRig(budget: 2, textDocument: true)
        #expect(try rig.store.search(listRequest()) == (try rig.local.search(listRequest())))
        #expect(rig.api.calls == 0 && rig.store.stats.lastBackend == "sqlite")
        var images = listRequest()
        images.types = ["image"]
        #expect(try rig.store.search(images).map(\.id) == [102, 101])
        #expect(rig.api.calls == 1 && rig.store.stats.lastBackend == "api")
    }

    // MARK: - One side only

    @Test func withoutAnAPIOnlyTheDatabaseAnswers() throws {
        let rig = try FailoverRig(budget: 2)
        let store = FailoverStore(api: nil, local: rig.local, budget: 2)
        #expect(store.backendName == "sqlite")
        #expect(try store.libraries() == (try rig.local.libraries()))
        #expect(try store.search(wordRequest("budget")) == (try rig.local.search(wordRequest("budget"))))
        store.checkHealth()  // nothing to check
        #expect(store.stats.lastBackend == "sqlite" && store.stats.localRequests == 2 && store.stats.failovers == 0)
        #expect(rig.api.calls == 0)
    }

    @Test(arguments: [FaultInjectingStore.Fault.refused, .serverError, .garbage])
    func withoutADatabaseTheAPIErrorPropagates(_ fault: FaultInjectingStore.Fault) throws {
        let api = FaultInjectingStore(base: MockDocumentStore(libraries: FailoverRig.apiLibraries))
        let store = FailoverStore(api: api, local: nil, budget: 3)
        #expect(try store.libraries() == FailoverRig.apiLibraries)
        api.inject(fault)
        #expect(throws: StoreError.self) { try store.libraries() }
        #expect(throws: StoreError.self) { try store.search(wordRequest("budget", "review")) }
        #expect(store.stats.failovers == 0)
        #expect(throws: StoreError.self) { try store.entityCount(library: nil) }
        #expect(store.circuit.snapshot.position == .open)
        let calls = api.calls
        let error = #expect(throws: StoreError.self) { try store.libraries() }
        #expect(unavailableReason(error)?.contains("circuit open") == true)
        #expect(api.calls == calls)
    }
}
