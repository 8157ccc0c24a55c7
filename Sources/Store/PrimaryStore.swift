/// What the failover store needs from its first choice beyond `DocumentStore`: health checks and the
/// search capability probe. `PensieveAPIStore` is the real one;
/// tests use `FaultInjectingStore`.
public protocol PrimaryStore: DocumentStore {
    /// Where it is, for status files.
    var location: String { get }
    /// Throws unless the peer is healthy.
    func checkHealth(timeout: Double?) throws
    /// Whether word search works (false on a stock Pensieve 0.37.0, which answers HTTP 500).
    func probeSearch() -> Bool
    /// Whether `search` answers `request` exactly as the local index would.
    func canAnswer(_ request: SearchRequest, imagesOnly: Bool) -> Bool
    /// A search that must not rely on the peer's own AND of several words.
    func searchIntersectingWords(_ request: SearchRequest) throws -> [SearchHit]
}

extension PensieveAPIStore: PrimaryStore {
    public var location: String { URLSafety.masked(http.baseURL) }
    public func canAnswer(_ request: SearchRequest, imagesOnly: Bool) -> Bool { Self.canAnswer(request, imagesOnly: imagesOnly) }
}

/// What only the primary store can do: write tags, and serve an original file this machine cannot
/// read. Test doubles that do not implement them answer "unavailable".
public protocol WritablePrimary: Sendable {
    /// Replaces the tags of entity `id` (Pensieve: `PUT /api/entities/{id}/tags`).
    func replaceTags(id: Int64, tags: [String]) throws
    /// `count` bytes at `offset` of the original file at `path` (Pensieve: `GET /api/files/…`, by range).
    func fileBytes(path: String, offset: Int64, count: Int) throws -> [UInt8]
}
