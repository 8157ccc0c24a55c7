/// Which documents a view of the tree lists: `documents/` (everything), `libraries/<name>/`,
/// `apps/<app>/`, a day of `timeline/`, `images/`. Stores that hold an index answer it with one
/// indexed query; the others (the API) filter pages of summaries (see `DocumentStore.scanListing`).
public struct DocumentFilter: Sendable, Hashable {
    public var library: Int64?
    /// Only documents whose `active_app` is one of these values (exact), or that have none.
    public var app: AppMatch?
    /// Capture time at or after, Unix seconds.
    public var createdFrom: Int64?
    /// Capture time before, Unix seconds.
    public var createdBefore: Int64?
    /// Only entities whose `file_type_group` is `image`.
    public var imagesOnly = false

    public init(library: Int64? = nil, app: AppMatch? = nil, createdFrom: Int64? = nil, createdBefore: Int64? = nil,
                imagesOnly: Bool = false) {
        self.library = library; self.app = app; self.createdFrom = createdFrom; self.createdBefore = createdBefore
        self.imagesOnly = imagesOnly
    }

    /// Whether a summary passes every condition a summary can show (not `imagesOnly`).
    public func admits(_ summary: EntitySummary) -> Bool {
        if let library, summary.libraryID != library { return false }
        if let createdFrom, summary.createdAt < createdFrom { return false }
        if let createdBefore, summary.createdAt >= createdBefore { return false }
        return app?.admits(summary.app) ?? true
    }
}

/// An app condition: one of these `active_app` values, or (with `orNone`) no app at all.
public struct AppMatch: Sendable, Hashable {
    public var values: [String]
    public var orNone: Bool
    public init(values: [String], orNone: Bool = false) { self.values = values; self.orNone = orNone }
    public func admits(_ app: String?) -> Bool { app.map(values.contains) ?? orNone }
}

/// The captures just before and after one document in its library, in capture order.
public struct Neighbours: Sendable, Equatable {
    /// Oldest first, ending with the one just before.
    public var before: [Int64]
    /// The one just after first.
    public var after: [Int64]
    public init(before: [Int64], after: [Int64]) { self.before = before; self.after = after }
}

extension DocumentStore {
    /// `listing` by scanning pages of summaries (by id, keyset) and keeping what `filter` admits:
    /// for stores without an index to ask (the API). Reads at most `maxScanned` summaries per call,
    /// so a rare app over a huge API listing answers a short page instead of never.
    public func scanListing(afterID: Int64, filter: DocumentFilter, limit: Int, maxScanned: Int = 20_000) throws -> [ListedDocument] {
        var found: [ListedDocument] = []
        var after = afterID
        var scanned = 0
        while found.count < limit, scanned < maxScanned {
            let page = try entitySummaries(afterID: after, library: filter.library, limit: 400)
            guard let last = page.last else { break }
            scanned += page.count
            after = last.id
            var admitted = page.filter(filter.admits)
            if filter.imagesOnly, !admitted.isEmpty {
                let images = Set(try entities(ids: admitted.map(\.id)).filter { $0.fileTypeGroup == "image" }.map(\.id))
                admitted.removeAll { !images.contains($0.id) }
            }
            found += admitted.map { ListedDocument(summary: $0) }
        }
        return Array(found.prefix(limit))
    }

    /// `earliestCapture` by scanning every summary (the API has no capture-time index).
    public func scanEarliestCapture(filter: DocumentFilter) throws -> Int64? {
        var earliest: Int64?
        try forEachSummary(library: filter.library) { summary in
            if filter.admits(summary) { earliest = min(earliest ?? summary.createdAt, summary.createdAt) }
        }
        return earliest
    }

    /// `appNames` by scanning every summary.
    public func scanAppNames(library: Int64?) throws -> [String?] {
        var names: Set<String> = []
        var withoutApp = false
        try forEachSummary(library: library) { summary in
            if let app = summary.app { names.insert(app) } else { withoutApp = true }
        }
        return names.sorted().map { $0 } + (withoutApp ? [nil] : [])
    }

    func forEachSummary(library: Int64?, _ body: (EntitySummary) -> Void) throws {
        var after: Int64 = 0
        while true {
            let page = try entitySummaries(afterID: after, library: library, limit: 400)
            guard let last = page.last else { return }
            page.forEach(body)
            after = last.id
        }
    }

    /// A page of `documents/`: `listing` with only a library.
    public func listing(afterID: Int64, library: Int64?, limit: Int) throws -> [ListedDocument] {
        try listing(afterID: afterID, filter: DocumentFilter(library: library), limit: limit)
    }
}
