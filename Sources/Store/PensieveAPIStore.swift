import FoundationEssentials
import Synchronization

/// Pensieve's REST API (`http://127.0.0.1:8839/api`) as a `DocumentStore`, over libcurl.
///
/// Listings come from the folder endpoint (`/api/libraries/{lid}/folders/{fid}/entities`, ordered by id,
/// pages of 400 that carry full entities), so `ls -l` of a folder costs one call per 400 entries, not
/// one per file. Entities seen in a page or a search are kept briefly, so the renders that follow a
/// listing make no further calls. Search hits lack `ocr_result`; the full entities are fetched in one
/// `by-filepaths` call per library.
public final class PensieveAPIStore: DocumentStore {
    public let backendName = "api"
    public let http: HTTPClient
    static let pageSize = 400
    static let pageTTL: TimeInterval = 15
    static let maxPages = 16
    static let maxPrefetched = 5_000

    struct Folder: Hashable, Sendable { var library: Int64; var id: Int64 }
    struct Page: Sendable { var fetched: Date; var entities: [Entity]; var total: Int }
    struct State {
        var libraries: (at: Date, list: [Library], folders: [Folder])?
        var pages: [String: Page] = [:]
        var prefetched: [Int64: (at: Date, entity: Entity)] = [:]
        /// Where the last listing page of each folder stopped: (after id, offset), so sequential
        /// readdir calls do not search for their position again.
        var hints: [Folder: (afterID: Int64, offset: Int)] = [:]
    }
    private let state = Mutex(State())

    /// Lowers the response-body cap (see `HTTPClient.limitBody`).
    public func limitBody(to bytes: Int) { http.limitBody(to: bytes) }

    public init(baseURL: String, timeout: Double, maxBodyBytes: Int = HTTPClient.defaultMaxBodyBytes) {
        http = HTTPClient(baseURL: baseURL, connectTimeout: min(1, timeout), timeout: timeout, maxBodyBytes: maxBodyBytes)
    }

    // MARK: - Requests

    /// GET (or POST) `path`; a 404 is nil. Transport errors and 5xx are `.unavailable`/`.failed`,
    /// other 4xx `.invalid`, and a body that is not JSON `.failed`.
    func request(_ path: String, post: Data? = nil, timeout: Double? = nil) throws -> (json: JSONValue, headers: [String: String])? {
        let response: HTTPClient.Response
        do {
            if let post { response = try http.post(path, json: post, timeout: timeout) } else { response = try http.get(path, timeout: timeout) }
        } catch let error as HTTPClient.TransportError {
            switch error {
            case .refused(let r), .timedOut(let r): throw StoreError.unavailable(r)
            case .failed(let r): throw StoreError.failed(r)
            }
        }
        switch response.status {
        case 200..<300: return (try APIEntityParser.json(response.body), response.headers)
        case 404: return nil
        case 400..<500: throw StoreError.invalid("HTTP \(response.status) for \(path): \(String(decoding: response.body.prefix(200), as: UTF8.self))")
        default: throw StoreError.failed("HTTP \(response.status) for \(path): \(String(decoding: response.body.prefix(200), as: UTF8.self))")
        }
    }

    /// The most entities a folder's `X-Total-Count` may claim: far above any real screen history, low
    /// enough that page arithmetic on it cannot overflow.
    static let maxTotalCount = 1 << 40

    /// A listing's `X-Total-Count`, validated: a header that is not a number in range means the answer
    /// cannot be trusted (the database answers instead). Without the header, what was listed.
    static func totalCount(_ headers: [String: String], path: String, listed: Int) throws -> Int {
        guard let raw = headers["x-total-count"] else { return listed }
        guard let total = Int(raw), (0...maxTotalCount).contains(total), total >= listed else {
            throw StoreError.failed("\(path): X-Total-Count '\(raw.prefix(40))' is not a plausible count")
        }
        return total
    }

    /// `GET /api/health`; throws unless it answers `{"status": "ok"}` in time.
    public func checkHealth(timeout: Double?) throws {
        guard let answer = try request("/api/health", timeout: timeout),
              answer.json["status"]?.string == "ok" else {
            throw StoreError.failed("/api/health did not answer {\"status\": \"ok\"}")
        }
    }

    /// Whether full-text search works: Pensieve 0.37.0 answers HTTP 500 to every non-empty `q` on SQLite.
    public func probeSearch() -> Bool {
        (try? request("/api/search?q=recallfsprobe&limit=1")).flatMap { $0 }.map { $0.json["hits"]?.array != nil } ?? false
    }

    // MARK: - Libraries and listings

    func libraryState() throws -> (list: [Library], folders: [Folder]) {
        if let cached = state.withLock({ $0.libraries }), Date().timeIntervalSince(cached.at) < 10 { return (cached.list, cached.folders) }
        guard let answer = try request("/api/libraries"), let items = answer.json.array else {
            throw StoreError.failed("/api/libraries did not return a list")
        }
        var list: [Library] = []
        var folders: [Folder] = []
        for item in items {
            guard let id = APIEntityParser.int(item["id"]) else { continue }
            list.append(Library(id: id, name: item["name"]?.string ?? "", kind: item["kind"]?.string ?? "static"))
            for folder in item["folders"]?.array ?? [] {
                if let fid = APIEntityParser.int(folder["id"]) { folders.append(Folder(library: id, id: fid)) }
            }
        }
        state.withLock { $0.libraries = (Date(), list, folders) }
        return (list, folders)
    }

    public func libraries() throws -> [Library] { try libraryState().list }

    /// One page of a folder, ascending by id, from the short-lived page cache when fresh.
    func page(_ folder: Folder, _ index: Int) throws -> Page {
        let key = "\(folder.library)/\(folder.id)/\(index)"
        if let cached = state.withLock({ $0.pages[key] }), Date().timeIntervalSince(cached.fetched) < Self.pageTTL { return cached }
        let path = "/api/libraries/\(folder.library)/folders/\(folder.id)/entities?limit=\(Self.pageSize)&offset=\(index * Self.pageSize)&order_by=id:asc"
        guard let answer = try request(path) else { return Page(fetched: Date(), entities: [], total: 0) }
        guard let items = answer.json.array else { throw StoreError.failed("\(path) did not return a list") }
        let entities = try items.map(APIEntityParser.entity)
        let total = try Self.totalCount(answer.headers, path: path, listed: entities.count)
        let fresh = Page(fetched: Date(), entities: entities, total: total)
        state.withLock { s in
            if s.pages.count >= Self.maxPages, let oldest = s.pages.min(by: { $0.value.fetched < $1.value.fetched }) {
                s.pages.removeValue(forKey: oldest.key)
            }
            s.pages[key] = fresh
        }
        remember(entities)
        return fresh
    }

    /// An uncached slice of a folder in any order the API allows, with the folder's total count.
    func folderHead(_ folder: Folder, orderBy: String, limit: Int, offset: Int = 0) throws -> (entities: [Entity], total: Int) {
        let path = "/api/libraries/\(folder.library)/folders/\(folder.id)/entities?limit=\(limit)&offset=\(offset)&order_by=\(orderBy)"
        guard let answer = try request(path) else { return ([], 0) }
        guard let items = answer.json.array else { throw StoreError.failed("\(path) did not return a list") }
        let entities = try items.map(APIEntityParser.entity)
        return (entities, try Self.totalCount(answer.headers, path: path, listed: entities.count))
    }

    /// The offset of the first entity with `id > afterID` in `folder`: from the last listing's hint, or
    /// by binary search over (cached) pages.
    func offset(in folder: Folder, after afterID: Int64) throws -> Int {
        if afterID <= 0 { return 0 }
        if let hint = state.withLock({ $0.hints[folder] }), hint.afterID == afterID { return hint.offset }
        let first = try page(folder, 0)
        let pages = (first.total + Self.pageSize - 1) / Self.pageSize
        var low = 0, high = pages
        while low < high {
            let middle = (low + high) / 2
            if let last = try page(folder, middle).entities.last, last.id > afterID { high = middle } else { low = middle + 1 }
        }
        guard low < pages else { return first.total }
        let entities = try page(folder, low).entities
        return low * Self.pageSize + (entities.firstIndex { $0.id > afterID } ?? entities.count)
    }

    func entities(in folder: Folder, from offset: Int, count: Int) throws -> [Entity] {
        var result: [Entity] = []
        var position = offset
        while result.count < count {
            let page = try self.page(folder, position / Self.pageSize)
            let start = position % Self.pageSize
            guard start < page.entities.count else { break }
            let slice = page.entities[start..<min(page.entities.count, start + count - result.count)]
            result += slice
            position += slice.count
        }
        return result
    }

    public func entitySummaries(afterID: Int64, library: Int64?, limit: Int) throws -> [EntitySummary] {
        let folders = try libraryState().folders.filter { library == nil || $0.library == library }
        var merged: [(folder: Folder, entity: Entity)] = []
        var starts: [Folder: Int] = [:]
        for folder in folders {
            let start = try offset(in: folder, after: afterID)
            starts[folder] = start
            merged += try entities(in: folder, from: start, count: limit).map { (folder, $0) }
        }
        merged.sort { $0.entity.id < $1.entity.id }
        let taken = Array(merged.prefix(limit))
        if let lastID = taken.last?.entity.id {
            state.withLock { s in
                if s.hints.count > 1_000 { s.hints.removeAll() }
                for folder in folders {
                    s.hints[folder] = (lastID, starts[folder, default: 0] + taken.filter { $0.folder == folder }.count)
                }
            }
        }
        return taken.map(\.entity.summary)
    }

    public func entityCount(library: Int64?) throws -> Int {
        try libraryState().folders.filter { library == nil || $0.library == library }.reduce(0) { $0 + (try page($1, 0).total) }
    }

    // MARK: - Entities

    func remember(_ entities: [Entity]) {
        let now = Date()
        state.withLock { s in
            if s.prefetched.count + entities.count > Self.maxPrefetched {
                s.prefetched = s.prefetched.filter { now.timeIntervalSince($0.value.at) < Self.pageTTL }
                if s.prefetched.count + entities.count > Self.maxPrefetched { s.prefetched.removeAll() }
            }
            for entity in entities { s.prefetched[entity.id] = (now, entity) }
        }
    }

    /// Drops what this store keeps about `id` (after an event says it changed).
    /// Drops the prefetched entities that changed, and the listing pages (a handful, short-lived),
    /// whose offsets may now name other entities.
    public func invalidate(_ changes: [ChangeEvent]) {
        state.withLock { s in
            for change in changes { s.prefetched.removeValue(forKey: change.id) }
            s.pages.removeAll()
            s.hints.removeAll()
        }
    }

    public func entities(ids: [Int64]) throws -> [Entity] {
        let now = Date()
        var found: [Int64: Entity] = state.withLock { s in
            var hits: [Int64: Entity] = [:]
            for id in ids { if let p = s.prefetched[id], now.timeIntervalSince(p.at) < Self.pageTTL { hits[id] = p.entity } }
            return hits
        }
        var fetched: [Entity] = []
        for id in Set(ids) where found[id] == nil {
            if let answer = try request("/api/entities/\(id)") {
                let entity = try APIEntityParser.entity(answer.json)
                found[id] = entity
                fetched.append(entity)
            }
        }
        // A `stat` asks for the summary and the rendering then for the entity: one request, not two.
        if !fetched.isEmpty { remember(fetched) }
        return ids.compactMap { found[$0] }
    }

    public func entitySummary(id: Int64) throws -> EntitySummary? { try entities(ids: [id]).first?.summary }
}
