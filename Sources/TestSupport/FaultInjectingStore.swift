import Foundation
import Store
import Synchronization

/// A `PrimaryStore` for tests of the failover logic: answers from a `MockDocumentStore`, and fails the
/// way a broken API fails (refused connection, timeout, HTTP 500, unparseable body, slow first byte)
/// on demand.
public final class FaultInjectingStore: PrimaryStore {
    public enum Fault: Sendable, Equatable {
        case none
        /// Fails at once, as a refused connection does.
        case refused
        /// Waits `seconds`, then fails as a timed-out transfer does.
        case timeout(Double)
        /// HTTP 500.
        case serverError
        /// A 200 whose body is not JSON.
        case garbage
        /// Waits `seconds`, then answers correctly.
        case slowFirstByte(Double)
    }

    public let backendName = "api"
    public let location = "mock://api"
    public let base: MockDocumentStore
    private let state = Mutex((fault: Fault.none, calls: 0, searchWorks: true, forgotten: [Int64]()))

    public init(base: MockDocumentStore) { self.base = base }

    public func inject(_ fault: Fault) { state.withLock { $0.fault = fault } }
    public func setSearchWorks(_ works: Bool) { state.withLock { $0.searchWorks = works } }
    /// How many requests reached this store (health checks included).
    public var calls: Int { state.withLock { $0.calls } }
    /// Ids passed to `invalidate`.
    public var forgotten: [Int64] { state.withLock { $0.forgotten } }

    private func gate() throws {
        let fault = state.withLock { s in s.calls += 1; return s.fault }
        switch fault {
        case .none: return
        case .refused: throw StoreError.unavailable("connection refused (injected)")
        case .timeout(let seconds):
            try wait(seconds)
            throw StoreError.unavailable("timed out (injected)")
        case .serverError: throw StoreError.failed("HTTP 500 (injected)")
        case .garbage: throw StoreError.failed("unparseable JSON from the API (injected)")
        case .slowFirstByte(let seconds): try wait(seconds)
        }
    }

    /// Waits as a slow peer does, but, as `HTTPClient` does, no longer than the request's budget.
    private func wait(_ seconds: Double) throws {
        let left = RequestDeadline.remaining ?? .infinity
        Thread.sleep(forTimeInterval: max(0, min(seconds, left)))
        if left < seconds { throw StoreError.unavailable("no answer within \(String(format: "%.1f", left)) s (injected)") }
    }

    public func checkHealth(timeout: Double?) throws { try gate() }
    public func probeSearch() -> Bool { state.withLock { $0.searchWorks } }
    public func canAnswer(_ request: SearchRequest, imagesOnly: Bool) -> Bool {
        PensieveAPIStore.canAnswer(request, imagesOnly: imagesOnly)
    }
    public func searchIntersectingWords(_ request: SearchRequest) throws -> [SearchHit] { try search(request) }
    public func invalidate(_ changes: [ChangeEvent]) { state.withLock { $0.forgotten += changes.map(\.id) } }

    public func libraries() throws -> [Library] { try gate(); return try base.libraries() }
    public func entitySummaries(afterID: Int64, library: Int64?, limit: Int) throws -> [EntitySummary] {
        try gate(); return try base.entitySummaries(afterID: afterID, library: library, limit: limit)
    }
    public func entitySummary(id: Int64) throws -> EntitySummary? { try gate(); return try base.entitySummary(id: id) }
    public func entities(ids: [Int64]) throws -> [Entity] { try gate(); return try base.entities(ids: ids) }
    public func entityCount(library: Int64?) throws -> Int { try gate(); return try base.entityCount(library: library) }
    public func search(_ request: SearchRequest) throws -> [SearchHit] { try gate(); return try base.search(request) }
}
