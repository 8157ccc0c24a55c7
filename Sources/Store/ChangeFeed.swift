import FoundationEssentials
import Logging
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

/// Changes seen through the API, for mounts without a readable database (with one, `IndexChangeFeed`
/// sees every change from the database itself, and this feed is not used). Per folder, each poll
/// reads the newest captures and the most recently scanned ones (one call each, `window` entities),
/// and compares the folder's `X-Total-Count`. It never walks a whole folder: offset paging over a
/// million entities is quadratic on Pensieve's server, and holding every version would grow with the
/// database. What it remembers is bounded (the versions it saw in the last windows).
///
/// What it sees: new captures, updates of recently scanned entities, and removals among the newest
/// `window` (a deleted capture is nearly always a recent one). A removal further back shows up when
/// cached answers expire (`--cache-ttl`); the total tells it happened, and the log says so.
public final class APIChangeFeed: ChangeFeed {
    public let name = "api"
    let api: PensieveAPIStore
    static let window = 100
    struct FolderState {
        var total: Int
        /// Versions of the entities in the last two windows, by id.
        var versions: [Int64: String]
        /// Ids of the last newest-first window, in order.
        var newest: [Int64]
    }
    private let state = Mutex<[String: FolderState]?>(nil)
    private let logger = Logger(label: "recallfs.events")

    public init(api: PensieveAPIStore) { self.api = api }

    public func poll() throws -> [ChangeEvent] {
        let folders = try api.libraryState().folders
        let known = state.withLock { $0 }
        var next: [String: FolderState] = [:]
        var events: [ChangeEvent] = []
        for folder in folders {
            let key = "\(folder.library)/\(folder.id)"
            let newest = try api.folderHead(folder, orderBy: "id:desc", limit: Self.window)
            let scanned = try api.folderHead(folder, orderBy: "last_scan_at:desc", limit: Self.window)
            var versions: [Int64: String] = [:]
            for entity in newest.entities + scanned.entities { versions[entity.id] = entity.summary.version }
            let current = FolderState(total: newest.total, versions: versions, newest: newest.entities.map(\.id))
            next[key] = current
            guard let previous = known?[key] else { continue }  // the first poll sets the baseline
            let changes = Self.changes(from: previous, to: current, source: name)
            events += changes
            let added = changes.filter { $0.kind == .added }.count, removed = changes.filter { $0.kind == .removed }.count
            if current.total < previous.total + added - removed {
                logger.info("folder \(key): \(previous.total + added - removed - current.total) entities removed beyond the newest \(Self.window); they leave cached answers within --cache-ttl")
            }
        }
        if let known {  // a folder that disappeared took its (known) entities with it
            for (key, folder) in known where next[key] == nil {
                events += folder.versions.keys.map { ChangeEvent(kind: .removed, id: $0, source: name) }
            }
        }
        state.withLock { $0 = next }
        return events
    }

    /// Events between two polls of one folder: ids above the previous newest are added; a known id
    /// with another version is updated; an id of the previous newest window that is gone from the
    /// current one, though newer than its oldest, was removed.
    static func changes(from previous: FolderState, to current: FolderState, source: String) -> [ChangeEvent] {
        var events: [ChangeEvent] = []
        let previousMax = previous.newest.first ?? Int64.min
        for (id, version) in current.versions.sorted(by: { $0.key < $1.key }) {
            if let old = previous.versions[id] {
                if old != version { events.append(ChangeEvent(kind: .updated, id: id, source: source)) }
            } else {
                events.append(ChangeEvent(kind: id > previousMax ? .added : .updated, id: id, source: source))
            }
        }
        let currentNewest = Set(current.newest)
        let floor = current.newest.count < window ? Int64.min : (current.newest.last ?? Int64.min)
        for id in previous.newest where id > floor && !currentNewest.contains(id) {
            events.append(ChangeEvent(kind: .removed, id: id, source: source))
        }
        return events
    }
}
