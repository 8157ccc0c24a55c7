import Foundation
import Synchronization

/// One change to the document set, as the event processor reports it.
public struct ChangeEvent: Sendable, Equatable {
    public enum Kind: String, Sendable { case added = "entity_added", updated = "entity_updated", removed = "entity_removed" }
    public var kind: Kind
    public var id: Int64
    public var at: Date
    /// Which feed saw it: `api` or `sqlite`.
    public var source: String
    public init(kind: Kind, id: Int64, at: Date = Date(), source: String) {
        self.kind = kind; self.id = id; self.at = at; self.source = source
    }
}

/// Something that can say what changed since it was last asked. The first poll sets the baseline.
public protocol ChangeFeed: Sendable {
    var name: String { get }
    func poll() throws -> [ChangeEvent]
}

/// Changes seen by syncing the local FTS index from Pensieve's database (which also keeps search right).
public struct IndexChangeFeed: ChangeFeed {
    public let name = "sqlite"
    let index: SearchIndex
    let store: PensieveSQLiteStore
    public init(index: SearchIndex, store: PensieveSQLiteStore) { self.index = index; self.store = store }

    public func poll() throws -> [ChangeEvent] {
        let changes = try index.synchronizeReportingChanges(from: store)
        return changes.added.map { ChangeEvent(kind: .added, id: $0, source: name) }
            + changes.updated.map { ChangeEvent(kind: .updated, id: $0, source: name) }
            + changes.removed.map { ChangeEvent(kind: .removed, id: $0, source: name) }
    }
}

/// Changes seen through the API, cheaply: per folder, each poll reads the newest ids and the most
/// recently scanned entities (one call each) and compares the folder's `X-Total-Count`; only when the
/// count does not add up (something was deleted) is the folder listed in full.
public final class APIChangeFeed: ChangeFeed {
    public let name = "api"
    let api: PensieveAPIStore
    static let window = 100
    struct FolderState { var versions: [Int64: String] }
    private let state = Mutex<[String: FolderState]?>(nil)

    public init(api: PensieveAPIStore) { self.api = api }

    public func poll() throws -> [ChangeEvent] {
        let folders = try api.libraryState().folders
        let known = state.withLock { $0 }
        var next: [String: FolderState] = [:]
        var events: [ChangeEvent] = []
        for folder in folders {
            let key = "\(folder.library)/\(folder.id)"
            guard let previous = known?[key] else {
                next[key] = FolderState(versions: try fullScan(folder))
                continue
            }
            var versions = previous.versions
            let newest = try api.folderHead(folder, orderBy: "id:desc", limit: Self.window)
            let scanned = try api.folderHead(folder, orderBy: "last_scan_at:desc", limit: Self.window)
            for entity in newest.entities + scanned.entities {
                let old = versions[entity.id]
                guard old != entity.summary.version else { continue }
                versions[entity.id] = entity.summary.version
                events.append(ChangeEvent(kind: old == nil ? .added : .updated, id: entity.id, source: name))
            }
            if newest.total != versions.count {  // deletions, or more new entities than one window
                let fresh = try fullScan(folder)
                for (id, version) in fresh where versions[id] != version {
                    events.append(ChangeEvent(kind: versions[id] == nil ? .added : .updated, id: id, source: name))
                }
                for id in versions.keys where fresh[id] == nil { events.append(ChangeEvent(kind: .removed, id: id, source: name)) }
                versions = fresh
            }
            next[key] = FolderState(versions: versions)
        }
        if let known {  // a folder that disappeared took its entities with it
            for (key, folder) in known where next[key] == nil {
                events += folder.versions.keys.map { ChangeEvent(kind: .removed, id: $0, source: name) }
            }
        }
        state.withLock { $0 = next }
        return events
    }

    private func fullScan(_ folder: PensieveAPIStore.Folder) throws -> [Int64: String] {
        var versions: [Int64: String] = [:]
        var offset = 0
        while true {
            let page = try api.folderHead(folder, orderBy: "id:asc", limit: PensieveAPIStore.pageSize, offset: offset)
            for entity in page.entities { versions[entity.id] = entity.summary.version }
            offset += page.entities.count
            if page.entities.isEmpty || offset >= page.total { return versions }
        }
    }
}
