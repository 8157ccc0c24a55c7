import FoundationEssentials

/// The API's answers beyond reading entities: the neighbours of a capture (`/context`), tag
/// replacement, and original files by range.
extension PensieveAPIStore: WritablePrimary {
    /// Pensieve's `/context` endpoint, which answers for `record` libraries; for `static` ones it
    /// answers nothing, so their neighbours come from scanning the library's summaries.
    public func neighbours(of id: Int64, count: Int) throws -> Neighbours? {
        guard let summary = try entitySummary(id: id) else { return nil }
        let kind = try libraries().first { $0.id == summary.libraryID }?.kind
        guard kind == "record" else { return try scanNeighbours(of: id, count: count) }
        guard let answer = try request("/api/libraries/\(summary.libraryID)/entities/\(id)/context?prev=\(count)&next=\(count)") else {
            return nil
        }
        // Pensieve orders by capture time only; captures of the same second come in any order.
        func ids(_ key: String) throws -> [Entity] {
            try (answer.json[key]?.array ?? []).map(APIEntityParser.entity).sorted { ($0.summary.createdAt, $0.id) < ($1.summary.createdAt, $1.id) }
        }
        let before = try ids("prev"), after = try ids("next")
        remember(before + after)
        return Neighbours(before: before.map(\.id), after: after.map(\.id))
    }

    public func replaceTags(id: Int64, tags: [String]) throws {
        let body = try JSONEncoder().encode(JSONValue(["tags": JSONValue.array(tags.map { JSONValue.string($0) })]))
        let response = try Self.transport { () throws(HTTPClient.TransportError) in try http.put("/api/entities/\(id)/tags", json: body) }
        switch response.status {
        case 200..<300:
            invalidate([ChangeEvent(kind: .updated, id: id, source: "tags")])
            // Pensieve's tag replacement does not re-index the entity: without this, its own search
            // (what an API-only mount and Pensieve's UI use) would not find the new tags. Best effort.
            _ = try? http.post("/api/entities/\(id)/index", json: Data())
        case 404: throw StoreError.invalid("entity \(id) does not exist on the API")
        case 400..<500: throw StoreError.invalid("HTTP \(response.status) replacing tags: \(String(decoding: response.body.prefix(200), as: UTF8.self))")
        default: throw StoreError.unavailable("HTTP \(response.status) replacing tags: \(String(decoding: response.body.prefix(200), as: UTF8.self))")
        }
    }

    public func fileBytes(path: String, offset: Int64, count: Int) throws -> [UInt8] {
        let relative = path.hasPrefix("/") ? String(path.dropFirst()) : path
        let encoded = relative.split(separator: "/", omittingEmptySubsequences: false).map { URLSafety.percentEncoded(String($0)) }
            .joined(separator: "/")
        let response = try Self.transport { () throws(HTTPClient.TransportError) in
            try http.getRange("/api/files/" + encoded, offset: offset, count: count)
        }
        switch response.status {
        case 206: return Array(response.body.prefix(count))
        case 200:  // the whole file: a server that ignores ranges
            guard offset < response.body.count else { return [] }
            return Array(response.body[Int(offset)..<min(response.body.count, Int(offset) + count)])
        case 416: return []
        case 404: throw StoreError.unavailable("the API does not have \(path) (HTTP 404)")
        default: throw StoreError.unavailable("HTTP \(response.status) for the file \(path)")
        }
    }

    /// A transfer that got no HTTP answer: the API is unavailable.
    static func transport(_ body: () throws(HTTPClient.TransportError) -> HTTPClient.Response) throws -> HTTPClient.Response {
        do { return try body() } catch { throw StoreError.unavailable("\(error)") }
    }
}
