import Store
import Synchronization

/// Changes seen by polling Pensieve's tables on PostgreSQL, for the same kernel invalidation as the
/// SQLite index sync. Each poll reads the summaries (ids and versions, no text) of every entity from
/// the oldest of the last `window` newest on: one index range scan by id, whatever the database's
/// size. New ids are added, a known id with another version is updated, a known id that is gone is
/// removed.
///
/// What it does not see, by design: a change to an entity older than the newest `window` (captures
/// change while Pensieve processes them, shortly after they are taken). Those leave cached answers
/// within `--cache-ttl`. Pensieve has no change log or trigger to `LISTEN` to, and this mount may not
/// write one (it is read-only, and may be reading a replica, where `NOTIFY` does not reach).
public final class PostgresChangeFeed: ChangeFeed {
    public let name = "postgresql"
    let store: PensievePostgresStore
    let window: Int
    struct Seen { var floor: Int64; var versions: [Int64: String] }
    private let seen = Mutex<Seen?>(nil)

    public init(store: PensievePostgresStore, window: Int = 1000) { self.store = store; self.window = window }

    public func poll() throws -> [ChangeEvent] {
        let previous = seen.withLock { $0 }
        let rows = try store.versions(from: previous?.floor, newest: window)
        var events: [ChangeEvent] = []
        if let previous {
            let newestKnown = previous.versions.keys.max() ?? Int64.min
            for (id, version) in rows {
                if let old = previous.versions[id] {
                    if old != version { events.append(ChangeEvent(kind: .updated, id: id, source: name)) }
                } else {
                    events.append(ChangeEvent(kind: id > newestKnown ? .added : .updated, id: id, source: name))
                }
            }
            let current = Set(rows.map(\.id))
            for id in previous.versions.keys.sorted() where !current.contains(id) {
                events.append(ChangeEvent(kind: .removed, id: id, source: name))
            }
        }
        // Remember the newest `window` only: memory stays bounded whatever the database's size.
        let kept = rows.suffix(window)
        seen.withLock { $0 = Seen(floor: kept.first?.id ?? previous?.floor ?? Int64.min, versions: Dictionary(kept.map { ($0.id, $0.version) }, uniquingKeysWith: { $1 })) }
        return events
    }
}

extension PensievePostgresStore {
    /// `(id, version)` ascending by id: every entity from `floor` on, or the newest `newest` when
    /// there is no floor yet. At most 100,000 rows a call (a burst of captures is seen over polls).
    func versions(from floor: Int64?, newest: Int) throws -> [(id: Int64, version: String)] {
        try read { db in
            let summaries = try floor.map {
                try PostgresSQL.summaries(db, "SELECT \(PostgresSQL.rowColumns) FROM entities e WHERE e.id >= $1 ORDER BY e.id LIMIT 100000", [String($0)])
            } ?? PostgresSQL.summaries(db, "SELECT \(PostgresSQL.rowColumns) FROM entities e ORDER BY e.id DESC LIMIT $1", [String(newest)]).reversed()
            return summaries.map { ($0.id, $0.version) }
        }
    }
}
