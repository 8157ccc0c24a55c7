import FoundationEssentials
import Logging
import Store
import Synchronization

/// Polls the change feeds (the API, then the database) every interval, hands each batch of events to
/// the invalidation chain (`RecallFileSystem.invalidate`, which passes them down the stores), and tells
/// the kernel what to forget. The first poll sets the
/// baseline and announces nothing.
public final class EventProcessor: Sendable {
    public struct Stats: Sendable {
        public var polls = 0
        public var processed = 0
        public var failed = 0
        public var lastPollAt: Date?
        public var lastError: String?
        public var lastErrorAt: Date?
        public var recent: [ChangeEvent] = []
        /// Per feed: whether its last poll worked.
        public var feedOK: [String: Bool] = [:]
    }

    static let keptEvents = 50
    let feeds: [ChangeFeed]
    let state = Mutex(Stats())
    let logger = Logger(label: "recallfs.events")
    let tree: RecallFileSystem

    public init(feeds: [ChangeFeed], tree: RecallFileSystem) {
        self.feeds = feeds
        self.tree = tree
    }

    public var stats: Stats { state.withLock { $0 } }

    /// Healthy when at least one feed worked at its last poll (or nothing was polled yet).
    public var isHealthy: Bool { state.withLock { $0.feedOK.isEmpty || $0.feedOK.values.contains(true) } }

    /// One round over every feed; returns the events it applied.
    @discardableResult
    public func pollOnce() -> [ChangeEvent] {
        var events: [ChangeEvent] = []
        var outcomes: [String: Bool] = [:]
        for feed in feeds {
            do {
                events += try feed.poll()
                outcomes[feed.name] = true
            } catch {
                outcomes[feed.name] = false
                logger.warning("change feed \(feed.name) failed: \(error)")
                state.withLock { $0.failed += 1; $0.lastError = "\(feed.name): \(error)"; $0.lastErrorAt = Date() }
            }
        }
        let unique = Self.deduplicate(events)
        let first = state.withLock { s in
            defer { s.polls += 1; s.lastPollAt = Date(); s.feedOK.merge(outcomes) { $1 } }
            return s.polls == 0
        }
        logger.debug("poll: \(unique.count) changes from \(feeds.count) feeds")
        guard !first, !unique.isEmpty else { return [] }
        tree.notifyKernel(tree.invalidate(unique))
        state.withLock { s in
            s.processed += unique.count
            s.recent = Array((s.recent + unique).suffix(Self.keptEvents))
        }
        let shown = unique.prefix(20).map { "\($0.kind.rawValue) \($0.id)" }.joined(separator: ", ")
        logger.info("events: \(shown)\(unique.count > 20 ? " and \(unique.count - 20) more" : "")")
        return unique
    }

    /// One event per id: removed wins over added, added over updated; first-seen order is kept.
    static func deduplicate(_ events: [ChangeEvent]) -> [ChangeEvent] {
        func weight(_ kind: ChangeEvent.Kind) -> Int { kind == .removed ? 2 : kind == .added ? 1 : 0 }
        var best: [Int64: ChangeEvent] = [:]
        var order: [Int64] = []
        for event in events {
            if let seen = best[event.id] {
                if weight(event.kind) > weight(seen.kind) { best[event.id] = event }
            } else {
                best[event.id] = event
                order.append(event.id)
            }
        }
        return order.compactMap { best[$0] }
    }

    /// Polls now, then every `interval` seconds, on a thread of its own.
    public func start(interval: Double) {
        Periodic.run(every: interval, name: "recallfs-events") { [self] in pollOnce() }
    }
}

/// Tells the kernel to drop what it caches about an inode or a name (implemented by the FUSE bridge).
public protocol KernelNotifier: Sendable {
    func invalidateInode(_ inode: UInt64)
    func invalidateEntry(parent: UInt64, name: String)
}
