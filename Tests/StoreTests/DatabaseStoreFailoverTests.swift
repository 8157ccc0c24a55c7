import Store
import Testing
import TestSupport

/// `FailoverStore` over a database that is not SQLite (PostgreSQL's shape: it searches itself, has a
/// server name, and can be degraded): the fallback, the routing and the names it reports.
@Suite struct DatabaseStoreFailoverTests {
    let database = FakeDatabaseStore(base: MockDocumentStore(
        libraries: FailoverRig.apiLibraries, entities: [FailoverRig.apiEntity(7, "budget from the database")]))
    let api = FaultInjectingStore(base: MockDocumentStore(
        libraries: FailoverRig.apiLibraries, entities: [FailoverRig.apiEntity(101, "budget from the api")]))

    @Test func aFailedAPIRequestIsAnsweredByTheDatabaseAndNamesItsServer() throws {
        let store = FailoverStore(api: api, local: database, budget: 1)
        #expect(try store.entitySummary(id: 101)?.id == 101)
        #expect(store.backendName == "api")
        api.inject(.refused)
        database.answer(from: "10.0.0.2:5433")
        #expect(try store.entitySummary(id: 7)?.id == 7)
        #expect(store.backendName == "postgresql 10.0.0.2:5433")
        #expect(store.stats.failovers == 1)
    }

    @Test func anOpenCircuitNamesTheDatabaseServer() throws {
        let store = FailoverStore(api: api, local: database, budget: 1, threshold: 1)
        api.inject(.refused)
        _ = try store.libraries()
        #expect(!store.circuit.allowsRequests)
        #expect(store.backendName == "postgresql 10.0.0.1:5432")
    }

    @Test func aDatabaseThatSearchesItselfAnswersEverySearchAtScale() throws {
        let store = FailoverStore(api: api, local: database, budget: 1, localFirstAtScale: true)
        store.checkHealth()
        var request = SearchRequest()
        request.words = ["budget"]
        request.types = ["image"]
        #expect(try store.search(request).map(\.id) == [7])
        #expect(database.searches == 1)
    }

    @Test func theHealthCheckAlsoChecksTheDatabaseServers() {
        let store = FailoverStore(api: api, local: database, budget: 1)
        store.checkHealth()
        store.checkHealth()
        #expect(database.healthChecks == 2)
        let databaseOnly = FailoverStore(api: nil, local: database, budget: 1)
        databaseOnly.checkHealth()
        #expect(database.healthChecks == 3)
    }

    @Test func aDatabaseWithAProblemIsNotAskedByDesign() throws {
        let store = FailoverStore(api: api, local: database, budget: 1, localFirstAtScale: true)
        database.setProblem("no PostgreSQL server answers")
        #expect(try store.entityCount(library: nil) == 1)  // the API's count, not the database's
        #expect(store.backendName == "api")
    }
}
