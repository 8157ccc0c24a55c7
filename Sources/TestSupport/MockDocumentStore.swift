import Foundation
import Store
import Synchronization

/// An in-memory `DocumentStore` for unit tests: entities are given directly, search is a naive
/// case-insensitive substring AND over the flattened text, and any call can be made to fail.
public final class MockDocumentStore: DocumentStore {
    public let backendName = "mock"
    private let state: Mutex<(libraries: [Library], entities: [Int64: Entity], failure: StoreError?)>

    public init(libraries: [Library] = [], entities: [Entity] = []) {
        state = Mutex((libraries, Dictionary(uniqueKeysWithValues: entities.map { ($0.id, $0) }), nil))
    }

    /// Every later call throws `error` until this is called again with nil.
    public func fail(with error: StoreError?) { state.withLock { $0.failure = error } }

    public func put(_ entity: Entity) { state.withLock { $0.entities[entity.id] = entity } }
    public func remove(id: Int64) { state.withLock { _ = $0.entities.removeValue(forKey: id) } }

    private func read<T>(_ body: ((libraries: [Library], entities: [Int64: Entity], failure: StoreError?)) -> T) throws -> T {
        let (result, failure) = state.withLock { ($0.failure == nil ? body($0) : nil, $0.failure) }
        if let failure { throw failure }
        return result!
    }

    public func libraries() throws -> [Library] { try read { $0.libraries } }

    public func entitySummaries(afterID: Int64, library: Int64?, limit: Int) throws -> [EntitySummary] {
        try read { s in
            s.entities.values.map(\.summary).filter { $0.id > afterID && (library == nil || $0.libraryID == library) }
                .sorted { $0.id < $1.id }.prefix(limit).map { $0 }
        }
    }

    public func entitySummary(id: Int64) throws -> EntitySummary? { try read { $0.entities[id]?.summary } }

    public func entities(ids: [Int64]) throws -> [Entity] { try read { s in ids.compactMap { s.entities[$0] } } }

    public func entityCount(library: Int64?) throws -> Int {
        try read { s in s.entities.values.filter { library == nil || $0.summary.libraryID == library }.count }
    }

    public func search(_ request: SearchRequest) throws -> [SearchHit] {
        try read { s in
            let terms = (request.words + request.phrases).map { $0.lowercased() }
            let matching = s.entities.values.filter { entity in
                let text = FlattenedText(entity)
                let haystack = [text.filepath, text.tags, text.metadata].joined(separator: "\n").lowercased()
                return terms.allSatisfy { haystack.contains($0) }
                    && (request.apps.isEmpty || request.apps.contains { $0.lowercased() == entity.summary.app?.lowercased() })
                    && (request.start.map { entity.summary.createdAt >= $0 } ?? true)
                    && (request.end.map { entity.summary.createdAt < $0 } ?? true)
            }.sorted { $0.summary.createdAt > $1.summary.createdAt || ($0.summary.createdAt == $1.summary.createdAt && $0.id > $1.id) }
            return matching.prefix(request.limit).enumerated().map { SearchHit(id: $0.element.id, rank: $0.offset + 1) }
        }
    }
}
