import FoundationEssentials
import Synchronization

/// A scoped mount (`--library NAME`, repeatable): a `DocumentStore` decorator under which only the
/// named libraries exist. Everything else is invisible, whichever store answers below it (API or
/// database): not listed, not found by id, never in search results, not counted. A search whose
/// `library:` filter names another library is `invalid` (EINVAL), as for a library that does not
/// exist, and the reason names the libraries this mount shows.
///
/// It sits under the caching store, so nothing out of scope is ever cached.
public final class ScopedStore: DocumentStore {
    public let base: DocumentStore
    /// The library names given, as given.
    public let names: [String]
    /// The ids of the named libraries, resolved again after `refresh` seconds (a library created
    /// after the mount joins the scope then).
    private let resolved = Mutex<(at: Date, ids: Set<Int64>)?>(nil)
    static let refresh: TimeInterval = 30

    public init(_ base: DocumentStore, libraries names: [String]) {
        self.base = base
        self.names = names
    }

    public var backendName: String { base.backendName }

    /// The libraries in scope: named exactly, or else case-insensitively (like `library:`).
    func allowed() throws -> Set<Int64> {
        if let kept = resolved.withLock({ $0 }), Date().timeIntervalSince(kept.at) < Self.refresh { return kept.ids }
        let all = try base.libraries()
        let ids = Set(names.compactMap { name in
            (all.first { $0.name == name } ?? all.first { $0.name.lowercased() == name.lowercased() })?.id
        })
        resolved.withLock { $0 = (Date(), ids) }
        return ids
    }

    func inScope(_ library: Int64) throws -> Bool { try allowed().contains(library) }

    public func libraries() throws -> [Library] {
        let ids = try allowed()
        return try base.libraries().filter { ids.contains($0.id) }
    }

    /// `body` for one library, or merged by id over every library in scope.
    private func perLibrary<T>(_ library: Int64?, limit: Int, id: (T) -> Int64,
                               _ body: (Int64) throws -> [T]) throws -> [T] {
        if let library { return try inScope(library) ? body(library) : [] }
        var merged: [T] = []
        for library in try allowed().sorted() { merged += try body(library) }
        return Array(merged.sorted { id($0) < id($1) }.prefix(limit))
    }

    public func entitySummaries(afterID: Int64, library: Int64?, limit: Int) throws -> [EntitySummary] {
        try perLibrary(library, limit: limit, id: \.id) { try base.entitySummaries(afterID: afterID, library: $0, limit: limit) }
    }

    public func listing(afterID: Int64, filter: DocumentFilter, limit: Int) throws -> [ListedDocument] {
        try perLibrary(filter.library, limit: limit, id: \.summary.id) { library in
            var scoped = filter
            scoped.library = library
            return try base.listing(afterID: afterID, filter: scoped, limit: limit)
        }
    }

    public func listed(ids: [Int64]) throws -> [ListedDocument] {
        let allowed = try allowed()
        return try base.listed(ids: ids).filter { allowed.contains($0.summary.libraryID) }
    }

    public func entitySummary(id: Int64) throws -> EntitySummary? {
        guard let summary = try base.entitySummary(id: id), try inScope(summary.libraryID) else { return nil }
        return summary
    }

    public func entities(ids: [Int64]) throws -> [Entity] {
        let allowed = try allowed()
        return try base.entities(ids: ids).filter { allowed.contains($0.summary.libraryID) }
    }

    public func entityCount(library: Int64?) throws -> Int {
        if let library { return try inScope(library) ? base.entityCount(library: library) : 0 }
        return try allowed().reduce(0) { $0 + (try base.entityCount(library: $1)) }
    }

    public func earliestCapture(filter: DocumentFilter) throws -> Int64? {
        if let library = filter.library { return try inScope(library) ? base.earliestCapture(filter: filter) : nil }
        return try allowed().compactMap { library in
            var scoped = filter
            scoped.library = library
            return try base.earliestCapture(filter: scoped)
        }.min()
    }

    public func appNames(library: Int64?) throws -> [String?] {
        if let library { return try inScope(library) ? base.appNames(library: library) : [] }
        var names: [String?] = []
        for library in try allowed().sorted() {
            for name in try base.appNames(library: library) where !names.contains(name) { names.append(name) }
        }
        return names
    }

    /// Neighbours share the document's library, so a document in scope has only neighbours in scope.
    public func neighbours(of id: Int64, count: Int) throws -> Neighbours? {
        guard try entitySummary(id: id) != nil else { return nil }
        return try base.neighbours(of: id, count: count)
    }

    /// `request` limited to the libraries in scope (nil when none exists now); a `library:` filter may
    /// only narrow it.
    func scoped(_ request: SearchRequest) throws -> SearchRequest? {
        var scoped = request
        let visible = try libraries()
        if request.libraries.isEmpty {
            scoped.libraries = visible.map(\.name)
            return scoped.libraries.isEmpty ? nil : scoped
        }
        for name in request.libraries where !visible.contains(where: { $0.name == name || $0.name.lowercased() == name.lowercased() }) {
            throw StoreError.invalid("library '\(name)' is not mounted here (this mount shows: \(visible.map(\.name).joined(separator: ", ")))")
        }
        return scoped
    }

    public func matchCount(_ request: SearchRequest) throws -> Int? {
        guard let scoped = try scoped(request) else { return 0 }
        return try base.matchCount(scoped)
    }

    /// Every search is limited to the libraries in scope.
    public func search(_ request: SearchRequest) throws -> [SearchHit] {
        guard let scoped = try scoped(request) else { return [] }
        let hits = try base.search(scoped)
        // Belt and braces: a store that ignored the library filter still shows nothing out of scope.
        let kept = Set(try listed(ids: hits.map(\.id)).map(\.summary.id))
        let unknown = hits.map(\.id).filter { !kept.contains($0) }
        let checked = Set(try entities(ids: unknown).map(\.id))
        return hits.filter { kept.contains($0.id) || checked.contains($0.id) }
            .enumerated().map { SearchHit(id: $0.element.id, rank: $0.offset + 1, score: $0.element.score) }
    }

    public func invalidate(_ changes: [ChangeEvent]) { base.invalidate(changes) }
}
