import Store
import Synchronization

/// A `DatabaseStore` over a mock, standing in for a PostgreSQL server list in unit tests of the
/// failover and of health: its name, its problems and its search are set by the test.
public final class FakeDatabaseStore: DatabaseStore {
    public let base: MockDocumentStore
    private let state = Mutex((server: "10.0.0.1:5432", problem: String?.none, degraded: String?.none, searches: 0, checks: 0))

    public init(base: MockDocumentStore) { self.base = base }

    /// The server that "answered last", as `.status/backend` shows it.
    public func answer(from server: String) { state.withLock { $0.server = server } }
    public func setProblem(_ problem: String?) { state.withLock { $0.problem = problem } }
    public func setDegradation(_ why: String?) { state.withLock { $0.degraded = why } }
    public var searches: Int { state.withLock { $0.searches } }
    public var healthChecks: Int { state.withLock { $0.checks } }

    public var backendName: String { "postgresql " + state.withLock { $0.server } }
    public var location: String { "postgresql://fake/pensieve" }
    public var availabilityProblem: String? { state.withLock { $0.problem } }
    public var degradation: String? { state.withLock { $0.degraded } }
    public var searchCurrent: Bool { true }
    public var searchReady: Bool { true }
    public func unlistableCount() -> Int { 0 }
    public func closeIdleConnections() {}
    public func checkHealth() { state.withLock { $0.checks += 1 } }
    public func onlyImages(libraryIDs: [Int64]) throws -> Bool { true }

    public func libraries() throws -> [Library] { try base.libraries() }
    public func entitySummaries(afterID: Int64, library: Int64?, limit: Int) throws -> [EntitySummary] {
        try base.entitySummaries(afterID: afterID, library: library, limit: limit)
    }
    public func entitySummary(id: Int64) throws -> EntitySummary? { try base.entitySummary(id: id) }
    public func entities(ids: [Int64]) throws -> [Entity] { try base.entities(ids: ids) }
    public func entityCount(library: Int64?) throws -> Int { try base.entityCount(library: library) }
    public func search(_ request: SearchRequest) throws -> [SearchHit] { try search(request, libraryIDs: []) }
    public func search(_ request: SearchRequest, libraryIDs: [Int64]) throws -> [SearchHit] {
        state.withLock { $0.searches += 1 }
        return try base.search(request)
    }
}
