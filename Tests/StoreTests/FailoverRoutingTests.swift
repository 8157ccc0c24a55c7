import Foundation
import Store
import Testing
import TestSupport

/// Which side FailoverStore asks for searches, and how it behaves with only one side.
@Suite struct FailoverRoutingTests {
    @Test func severalWordsAreAnsweredLocallyEvenWhenTheAPIWorks() throws {
        let rig = try FailoverRig(budget: 10)
        rig.store.checkHealth()
        #expect(rig.store.stats.apiSearchWorks)
        #expect(rig.store.circuit.snapshot.position == .closed)
        let before = rig.api.calls
        let request = wordRequest("budget", "review")
        #expect(try rig.store.search(request) == (try rig.local.search(request)))
        #expect(try rig.store.search(request).map(\.id) == [rig.localIDs[0]])
        #expect(rig.api.calls == before)
        #expect(rig.store.stats.lastBackend == "sqlite" && rig.store.stats.failovers == 0)
    }

    @Test func phrasesAndAppsAreAnsweredLocally() throws {
        let rig = try FailoverRig(budget: 10)
        rig.store.checkHealth()
        var phrase = wordRequest()
        phrase.phrases = ["budget review"]
        var app = wordRequest("budget")
        app.apps = ["Firefox"]
        let before = rig.api.calls
        for request in [phrase, app] {
            #expect(try rig.store.search(request) == (try rig.local.search(request)))
        }
        #expect(rig.api.calls == before)
    }

    @Test func oneImageWordGoesToTheAPIOnlyWhenItsSearchWorks() throws {
        let rig = try FailoverRig(budget: 10)
        let request = wordRequest("budget")
        // Before any health check the probe has not said that search works.
        #expect(try rig.store.search(request) == (try rig.local.search(request)))
        #expect(rig.api.calls == 0)

        rig.api.setSearchWorks(true)
        rig.store.checkHealth()
        var before = rig.api.calls
        #expect(try rig.store.search(request).map(\.id) == [102, 101])
        #expect(rig.api.calls == before + 1)
        #expect(rig.store.stats.lastBackend == "api")

        rig.api.setSearchWorks(false)
        rig.store.checkHealth()
        #expect(!rig.store.stats.apiSearchWorks)
        #expect(rig.store.stats.lastHealthCheck?.detail.contains("word search broken") == true)
        before = rig.api.calls
        #expect(try rig.store.search(request) == (try rig.local.search(request)))
        #expect(rig.api.calls == before)
        #expect(rig.store.stats.lastBackend == "sqlite")
    }

    /// The daemon's setting: once the local index is built and current, it answers even the searches
    /// the API could answer; while it is not built (or its last sync failed), the API answers them.
    @Test func daemonRoutingAnswersSearchesAndCountsLocally() throws {
        let rig = try FailoverRig(budget: 10)
        rig.api.setSearchWorks(true)
        let daemon = FailoverStore(api: rig.api, local: rig.local, budget: 10, localFirstAtScale: true)
        daemon.checkHealth()
        #expect(daemon.stats.apiSearchWorks && rig.index.isCurrent)
        let before = rig.api.calls
        for request in [wordRequest("budget"), listRequest()] {
            #expect(try daemon.search(request) == (try rig.local.search(request)))
        }
        #expect(rig.api.calls == before, "the API was asked although the local index is current")
        #expect(daemon.stats.lastBackend == "sqlite" && daemon.stats.failovers == 0)
        // Counts too: health.json shows one at every read, and Pensieve answers it with 400 entities.
        #expect(try daemon.entityCount(library: nil) == rig.localIDs.count)
        #expect(rig.api.calls == before, "the API was asked for a count although the database is readable")

        // An index that is not built yet: the API answers what it can, as without the setting.
        let fresh = try SearchIndex(path: rig.fixture.temp.path("unbuilt.sqlite"), source: rig.fixture.path)
        let unbuilt = FailoverStore(api: rig.api, local: try rig.fixture.openStore(index: fresh), budget: 10,
                                    localFirstAtScale: true)
        unbuilt.checkHealth()
        #expect(!fresh.isCurrent)
        #expect(try unbuilt.search(wordRequest("budget")).map(\.id) == [102, 101])
        #expect(unbuilt.stats.lastBackend == "api")
    }

    @Test func failedAPISearchIsAnsweredLocally() throws {
        let rig = try FailoverRig(budget: 10)
        rig.store.checkHealth()
        rig.api.inject(.serverError)
        let request = wordRequest("budget")
        #expect(try rig.store.search(request) == (try rig.local.search(request)))
        #expect(rig.store.stats.failovers == 1 && rig.store.stats.lastFailover?.operation == "search")
    }

    @Test func listModeGoesToTheAPIWithoutAProbe() throws {
        let rig = try FailoverRig(budget: 10)
        #expect(try rig.store.search(listRequest()).map(\.id) == [102, 101])
        #expect(rig.api.calls == 1 && rig.store.stats.lastBackend == "api")
        var timed = listRequest()
        timed.start = 1_768_000_000
        #expect(try rig.store.search(timed).map(\.id) == [102, 101])
        #expect(rig.api.calls == 2)
    }

    @Test func listModeOverNonImagesNeedsTheImageType() throws {
        let rig = try FailoverRig(budget: 10, textDocument: true)
        #expect(try rig.store.search(listRequest()) == (try rig.local.search(listRequest())))
        #expect(rig.api.calls == 0 && rig.store.stats.lastBackend == "sqlite")
        var images = listRequest()
        images.types = ["image"]
        #expect(try rig.store.search(images).map(\.id) == [102, 101])
        #expect(rig.api.calls == 1 && rig.store.stats.lastBackend == "api")
    }

    // MARK: - One side only

    @Test func withoutAnAPIOnlyTheDatabaseAnswers() throws {
        let rig = try FailoverRig(budget: 10)
        let store = FailoverStore(api: nil, local: rig.local, budget: 10)
        #expect(store.backendName == "sqlite")
        #expect(try store.libraries() == (try rig.local.libraries()))
        #expect(try store.search(wordRequest("budget")) == (try rig.local.search(wordRequest("budget"))))
        #expect(try store.search(listRequest()) == (try rig.local.search(listRequest())))
        store.checkHealth()  // nothing to check
        #expect(store.stats.lastHealthCheck == nil)
        #expect(store.stats.lastBackend == "sqlite" && store.stats.localRequests == 3 && store.stats.failovers == 0)
        #expect(rig.api.calls == 0)
    }

    @Test(arguments: [FaultInjectingStore.Fault.refused, .serverError, .garbage])
    func withoutADatabaseTheAPIErrorPropagates(_ fault: FaultInjectingStore.Fault) throws {
        let mock = MockDocumentStore(libraries: FailoverRig.apiLibraries, entities: [FailoverRig.apiEntity(101, "budget review")])
        let api = FaultInjectingStore(base: mock)
        let store = FailoverStore(api: api, local: nil, budget: 10)
        #expect(store.backendName == "api")
        #expect(try store.libraries() == FailoverRig.apiLibraries)
        api.inject(fault)
        for _ in 0..<3 {
            let error = #expect(throws: StoreError.self) { try store.libraries() }
            #expect(error.map { "\($0)" }?.contains("injected") == true)
        }
        #expect(store.stats.failovers == 0 && store.stats.localRequests == 0)
        #expect(store.circuit.snapshot.position == .open)
        // With nothing to fall back on, an open circuit does not stop requests: the API's own error comes back.
        let calls = api.calls
        #expect(throws: StoreError.self) { try store.entityCount(library: nil) }
        #expect(api.calls > calls)
        api.inject(.none)
        #expect(try store.libraries() == FailoverRig.apiLibraries)
    }

    @Test func withoutADatabaseSeveralWordsAreIntersected() throws {
        let mock = MockDocumentStore(libraries: FailoverRig.apiLibraries,
                                     entities: [FailoverRig.apiEntity(101, "budget review"), FailoverRig.apiEntity(102, "budget only")])
        let store = FailoverStore(api: FaultInjectingStore(base: mock), local: nil, budget: 10)
        #expect(try store.search(wordRequest("budget", "review")).map(\.id) == [101])
        #expect(try store.search(wordRequest("budget")).map(\.id) == [102, 101])
        #expect(store.stats.lastBackend == "api")
    }
}
