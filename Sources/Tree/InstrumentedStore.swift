import Dispatch
import FoundationEssentials
import Store

/// A `DocumentStore` decorator that times every call and reports it to the `StatusBoard`, so that
/// `.status/health` and `.status/backend` reflect what the store really did.
public final class InstrumentedStore: DocumentStore {
    public let base: DocumentStore
    let board: StatusBoard
    public var backendName: String { base.backendName }

    public init(_ base: DocumentStore, board: StatusBoard) { self.base = base; self.board = board }

    private func timed<T>(_ operation: String = "read", _ body: () throws -> T) throws -> T {
        let started = DispatchTime.now().uptimeNanoseconds
        func seconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9 }
        do {
            let result = try body()
            board.storeCall(operation: operation, backend: base.backendName, seconds: seconds(), error: nil)
            return result
        } catch let error as StoreError {
            let summary: StatusBoard.StoreErrorSummary?
            switch error {
            case .unavailable(let reason): summary = .unreachable(reason)
            case .busy(let reason), .failed(let reason): summary = .failed(reason)
            case .invalid: summary = nil  // the request was wrong, not the store
            }
            board.storeCall(operation: operation, backend: base.backendName, seconds: seconds(), error: summary)
            throw error
        }
    }

    public func libraries() throws -> [Library] { try timed { try base.libraries() } }
    public func entitySummaries(afterID: Int64, library: Int64?, limit: Int) throws -> [EntitySummary] {
        try timed { try base.entitySummaries(afterID: afterID, library: library, limit: limit) }
    }
    public func listing(afterID: Int64, filter: DocumentFilter, limit: Int) throws -> [ListedDocument] {
        try timed("list") { try base.listing(afterID: afterID, filter: filter, limit: limit) }
    }
    public func earliestCapture(filter: DocumentFilter) throws -> Int64? { try timed("list") { try base.earliestCapture(filter: filter) } }
    public func appNames(library: Int64?) throws -> [String?] { try timed("list") { try base.appNames(library: library) } }
    public func neighbours(of id: Int64, count: Int) throws -> Neighbours? {
        try timed("list") { try base.neighbours(of: id, count: count) }
    }
    public func listed(ids: [Int64]) throws -> [ListedDocument] { try timed("list") { try base.listed(ids: ids) } }
    public func entitySummary(id: Int64) throws -> EntitySummary? { try timed { try base.entitySummary(id: id) } }
    public func entities(ids: [Int64]) throws -> [Entity] { try timed { try base.entities(ids: ids) } }
    public func entityCount(library: Int64?) throws -> Int { try timed { try base.entityCount(library: library) } }
    public func search(_ request: SearchRequest) throws -> [SearchHit] { try timed("search") { try base.search(request) } }
    public func matchCount(_ request: SearchRequest) throws -> Int? { try timed("search") { try base.matchCount(request) } }
    public func invalidate(_ changes: [ChangeEvent]) { base.invalidate(changes) }
}
