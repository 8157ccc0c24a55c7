import FoundationEssentials

extension PensieveAPIStore {
    /// Whether `/api/search` answers `request` exactly as the local index would, given Pensieve 0.37.0's
    /// behaviour: it returns images only (so the request must be limited to images, or the caller must
    /// know there are no others), joins several words with a literal AND (bug 2: no hits), ignores time
    /// filters when `q` is set (bug 3), matches `app_names` case-sensitively and ignores them in list
    /// mode, and caps `limit` at 200.
    public static func canAnswer(_ request: SearchRequest, imagesOnly: Bool) -> Bool {
        guard imagesOnly || request.types == ["image"], request.types.allSatisfy({ $0 == "image" }) else { return false }
        guard request.phrases.isEmpty, request.words.count <= 1, request.apps.isEmpty, request.limit <= 200 else { return false }
        if !request.words.isEmpty && (request.start != nil || request.end != nil) { return false }
        return true
    }

    public func search(_ request: SearchRequest) throws -> [SearchHit] {
        var query = [("q", request.words.joined(separator: " ")), ("limit", String(min(request.limit, 200)))]
        if !request.libraries.isEmpty {
            query.append(("library_ids", try libraryIDs(named: request.libraries).map(String.init).joined(separator: ",")))
        }
        if let start = request.start { query.append(("start", String(start))) }
        if let end = request.end { query.append(("end", String(end - 1))) }  // the API's end is inclusive
        if !request.apps.isEmpty { query.append(("app_names", request.apps.joined(separator: ","))) }
        var components = URLComponents()
        components.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) }
        let encoded = (components.percentEncodedQuery ?? "").replacing("+", with: "%2B")
        guard let answer = try self.request("/api/search?" + encoded),
              let hits = answer.json["hits"]?.array else {
            throw StoreError.failed("/api/search did not return hits")
        }
        let documents = try hits.compactMap { $0["document"] }.map(APIEntityParser.entity)
        try prefetchFull(documents)
        return documents.enumerated().map { SearchHit(id: $0.element.id, rank: $0.offset + 1) }
    }

    /// Search hits lack `ocr_result`: fetch the full entities, one `by-filepaths` call per library.
    func prefetchFull(_ partial: [Entity]) throws {
        for (library, group) in Dictionary(grouping: partial, by: { $0.summary.libraryID }) {
            let body = try JSONEncoder().encode(group.map(\.filepath))
            guard let answer = try self.request("/api/libraries/\(library)/entities/by-filepaths", post: body),
                  let items = answer.json.array else { continue }
            remember(try items.map(APIEntityParser.entity))
        }
    }
}

extension PensieveAPIStore {
    /// Without a local index: one API search per word, intersected in the first word's order, so that
    /// several words mean AND (Pensieve 0.37.0 itself finds nothing for them).
    public func searchIntersectingWords(_ request: SearchRequest) throws -> [SearchHit] {
        if request.isListMode && request.apps.isEmpty && request.types.isEmpty && request.start == nil && request.end == nil {
            return try newest(request)
        }
        let terms = request.words + request.phrases
        guard terms.count > 1 else { return try search(request) }
        var ordered: [Int64] = []
        var common: Set<Int64>?
        for term in terms {
            var single = request
            single.words = [term]
            single.phrases = []
            single.limit = 200
            let ids = try search(single).map(\.id)
            if ordered.isEmpty { ordered = ids }
            common = common.map { $0.intersection(ids) } ?? Set(ids)
        }
        return ordered.filter { common?.contains($0) ?? false }.prefix(request.limit).enumerated()
            .map { SearchHit(id: $0.element, rank: $0.offset + 1) }
    }
}

extension PensieveAPIStore {
    /// The newest captures (`recent/`, or a query of only `limit:` and `library:`) of every kind, not
    /// images only as `/api/search` gives: each folder's newest by `file_created_at`, merged.
    func newest(_ request: SearchRequest) throws -> [SearchHit] {
        let libraries = Set(try libraryIDs(named: request.libraries))
        var found: [Entity] = []
        for folder in try libraryState().folders where libraries.isEmpty || libraries.contains(folder.library) {
            found += try folderHead(folder, orderBy: "file_created_at:desc", limit: min(Self.pageSize, request.limit)).entities
        }
        remember(found)
        return found.sorted { ($0.summary.createdAt, $0.id) > ($1.summary.createdAt, $1.id) }.prefix(request.limit).enumerated()
            .map { SearchHit(id: $0.element.id, rank: $0.offset + 1) }
    }
}
