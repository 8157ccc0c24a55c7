import FoundationEssentials
import Synchronization

/// A set of entries that is dropped together: everything about one document, or every entry of one kind.
public enum EntryGroup: Hashable, Sendable {
    case document(Int64)
    case kind(String)
}

/// Why an entry left a cache, for `.status/cache`.
public enum EvictionReason: String, CaseIterable, Sendable {
    case capacity, pressure, expired, invalidated, corrupt
}

/// The memory tier: S3-FIFO (Yang et al., SOSP '23) bounded in bytes, with a TTL per entry.
///
/// New entries enter a small FIFO (10% of the bytes). One that is read again before it reaches the
/// small queue's head moves to the main FIFO; one that is not leaves, and its key is remembered in a
/// ghost queue, so that it goes straight to main if it comes back. The main FIFO gives each entry up to
/// three more rounds, one per read. A scan of one-hit entries (`grep -r` over everything) therefore
/// only churns the small queue and never flushes the hot set in main, which plain LRU does.
public final class MemoryTier<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    /// Called for every entry that leaves, with whether it was read while cached (so it may be demoted).
    public typealias EvictionHandler = @Sendable (_ key: Key, _ value: Value, _ wasRead: Bool, _ reason: EvictionReason) -> Void

    struct Entry {
        var value: Value
        var cost: Int
        var frequency: UInt8
        var reads: Int
        var expires: Date?
        var inMain: Bool
        var ticket: UInt64
    }
    struct Ticket { var key: Key; var ticket: UInt64 }

    /// Counters for `.status/cache`.
    public struct Stats: Sendable, Equatable {
        public var hits = 0, misses = 0, entries = 0, bytes = 0
        public var evictions: [EvictionReason: Int] = [:]
        public var admissionRejects = 0
        /// Entries looked at by `removeAll(inGroup:)`: invalidation cost, proportional to what it names.
        public var invalidationTouches = 0
    }

    struct State {
        var entries: [Key: Entry] = [:]
        var small: [Ticket] = [], smallHead = 0, smallBytes = 0
        var main: [Ticket] = [], mainHead = 0
        var ghost: Set<Key> = [], ghostOrder: [Key] = [], ghostHead = 0
        var bytes = 0
        var nextTicket: UInt64 = 0
        var target: Int
        var stats = Stats()
        /// The keys of each group (see `groupsOf`), kept in step with `entries`.
        var groups: [EntryGroup: Set<Key>] = [:]
    }

    private let state: Mutex<State>
    private let onEvict: EvictionHandler?
    /// The groups a key belongs to (its document, its kind): an index kept under the tier's lock, so
    /// that dropping a group touches its own entries only, never a scan of the whole tier.
    private let groupsOf: @Sendable (Key) -> [EntryGroup]
    /// The configured budget; `target` (below it under pressure) is what eviction aims for.
    public let capacity: Int

    public init(capacityBytes: Int, onEvict: EvictionHandler? = nil,
                groupsOf: @escaping @Sendable (Key) -> [EntryGroup] = { _ in [] }) {
        capacity = capacityBytes
        state = Mutex(State(target: capacityBytes))
        self.groupsOf = groupsOf
        self.onEvict = onEvict
    }

    /// The value, unless absent or expired; counts a read.
    public func get(_ key: Key) -> Value? {
        var expired: (Value, Bool)?
        let value: Value? = state.withLock { s in
            guard var entry = s.entries[key] else { s.stats.misses += 1; return nil }
            if let expires = entry.expires, expires <= Date() {
                drop(&s, key)
                s.stats.evictions[.expired, default: 0] += 1
                s.stats.misses += 1
                expired = (entry.value, entry.reads > 0)
                return nil
            }
            entry.frequency = min(entry.frequency + 1, 3)
            entry.reads += 1
            s.entries[key] = entry
            s.stats.hits += 1
            return entry.value
        }
        if let (old, _) = expired { onEvict?(key, old, false, .expired) }  // expired data is not demoted
        return value
    }

    /// Whether `key` is held (without counting a read).
    public func contains(_ key: Key) -> Bool { state.withLock { $0.entries[key] != nil } }

    /// Stores `value` (replacing any older one). False when it was not admitted: larger than
    /// `admissionLimit`, which is 1/8 of the budget unless the caller lowers it (under pressure).
    @discardableResult
    public func put(_ key: Key, _ value: Value, cost: Int, ttl: TimeInterval? = nil, admissionLimit: Int? = nil) -> Bool {
        var evicted: [(Key, Value, Bool, EvictionReason)] = []
        let admitted: Bool = state.withLock { s in
            if s.entries[key] != nil { drop(&s, key) }
            guard cost <= min(admissionLimit ?? Int.max, capacity / 8), cost <= s.target else {
                s.stats.admissionRejects += 1
                return false
            }
            let toMain = s.ghost.remove(key) != nil
            s.nextTicket += 1
            s.entries[key] = Entry(value: value, cost: cost, frequency: 0, reads: 0,
                                   expires: ttl.map { Date().addingTimeInterval($0) }, inMain: toMain, ticket: s.nextTicket)
            for group in groupsOf(key) { s.groups[group, default: []].insert(key) }
            if toMain { s.main.append(Ticket(key: key, ticket: s.nextTicket)) } else {
                s.small.append(Ticket(key: key, ticket: s.nextTicket))
                s.smallBytes += cost
            }
            s.bytes += cost
            evicted = shrink(&s, to: s.target, reason: .capacity)
            return true
        }
        for e in evicted { onEvict?(e.0, e.1, e.2, e.3) }
        return admitted
    }

    public func remove(_ key: Key) {
        let removed: Entry? = state.withLock { s in
            guard let entry = s.entries[key] else { return nil }
            drop(&s, key)
            s.stats.evictions[.invalidated, default: 0] += 1
            return entry
        }
        if let removed { onEvict?(key, removed.value, false, .invalidated) }
    }

    /// Removes every entry of `group` (a document, a kind), looking at those entries only.
    public func removeAll(inGroup group: EntryGroup) {
        let removed: [(Key, Value)] = state.withLock { s in
            guard let keys = s.groups[group] else { return [] }
            s.stats.invalidationTouches += keys.count
            let values = keys.compactMap { key in s.entries[key].map { (key, $0.value) } }
            for key in keys { drop(&s, key) }
            s.stats.evictions[.invalidated, default: 0] += values.count
            return values
        }
        for (key, value) in removed { onEvict?(key, value, false, .invalidated) }
    }

    /// Removes every entry whose key matches (a scan: tests and rare maintenance only).
    public func removeAll(where matches: (Key) -> Bool) {
        let removed: [(Key, Value)] = state.withLock { s in
            let keys = s.entries.keys.filter(matches)
            let values = keys.map { ($0, s.entries[$0]!.value) }
            for key in keys { drop(&s, key) }
            s.stats.evictions[.invalidated, default: 0] += keys.count
            return values
        }
        for (key, value) in removed { onEvict?(key, value, false, .invalidated) }
    }

    /// Sets the eviction target (the budget, or less under memory pressure) and evicts down to it.
    public func setTarget(_ bytes: Int) {
        let evicted: [(Key, Value, Bool, EvictionReason)] = state.withLock { s in
            s.target = min(max(0, bytes), capacity)
            return shrink(&s, to: s.target, reason: s.target < capacity ? .pressure : .capacity)
        }
        for e in evicted { onEvict?(e.0, e.1, e.2, e.3) }
    }

    public var target: Int { state.withLock { $0.target } }

    public var stats: Stats {
        state.withLock { s in var stats = s.stats; stats.entries = s.entries.count; stats.bytes = s.bytes; return stats }
    }

    // MARK: - S3-FIFO internals

    /// Removes `key` from `entries` and from its groups.
    private func unlink(_ s: inout State, _ key: Key) -> Entry? {
        guard let entry = s.entries.removeValue(forKey: key) else { return nil }
        for group in groupsOf(key) {
            s.groups[group]?.remove(key)
            if s.groups[group]?.isEmpty == true { s.groups.removeValue(forKey: group) }
        }
        return entry
    }

    private func drop(_ s: inout State, _ key: Key) {
        guard let entry = unlink(&s, key) else { return }
        s.bytes -= entry.cost
        if !entry.inMain { s.smallBytes -= entry.cost }
        // Its ticket stays in its queue and is skipped when reached (the ticket number no longer matches).
    }

    private func shrink(_ s: inout State, to target: Int, reason: EvictionReason) -> [(Key, Value, Bool, EvictionReason)] {
        var out: [(Key, Value, Bool, EvictionReason)] = []
        while s.bytes > target, !s.entries.isEmpty {
            let fromSmall = s.smallBytes > max(target / 10, 1) || s.mainHead >= s.main.count
            if let victim = fromSmall ? evictFromSmall(&s) : evictFromMain(&s) {
                s.stats.evictions[reason, default: 0] += 1
                out.append((victim.0, victim.1, victim.2, reason))
            }
        }
        Self.compact(&s)
        return out
    }

    /// Pops small's head: read at least once → main; else evicted, key to the ghost queue.
    private func evictFromSmall(_ s: inout State) -> (Key, Value, Bool)? {
        while s.smallHead < s.small.count {
            let ticket = s.small[s.smallHead]
            s.smallHead += 1
            guard var entry = s.entries[ticket.key], entry.ticket == ticket.ticket, !entry.inMain else { continue }
            s.smallBytes -= entry.cost
            if entry.frequency > 0 {
                entry.inMain = true
                entry.frequency = 0
                s.nextTicket += 1
                entry.ticket = s.nextTicket
                s.entries[ticket.key] = entry
                s.main.append(Ticket(key: ticket.key, ticket: entry.ticket))
                return nil
            }
            _ = unlink(&s, ticket.key)
            s.bytes -= entry.cost
            Self.remember(&s, ghost: ticket.key)
            return (ticket.key, entry.value, entry.reads > 0)
        }
        return nil
    }

    /// Pops main's head: read since its last round → one more round; else evicted.
    private func evictFromMain(_ s: inout State) -> (Key, Value, Bool)? {
        while s.mainHead < s.main.count {
            let ticket = s.main[s.mainHead]
            s.mainHead += 1
            guard var entry = s.entries[ticket.key], entry.ticket == ticket.ticket, entry.inMain else { continue }
            if entry.frequency > 0 {
                entry.frequency -= 1
                s.nextTicket += 1
                entry.ticket = s.nextTicket
                s.entries[ticket.key] = entry
                s.main.append(Ticket(key: ticket.key, ticket: entry.ticket))
                continue
            }
            _ = unlink(&s, ticket.key)
            s.bytes -= entry.cost
            return (ticket.key, entry.value, entry.reads > 0)
        }
        return nil
    }

    /// The ghost queue holds about as many keys as the cache holds entries.
    private static func remember(_ s: inout State, ghost key: Key) {
        s.ghost.insert(key)
        s.ghostOrder.append(key)
        let bound = max(64, s.entries.count)
        while s.ghost.count > bound, s.ghostHead < s.ghostOrder.count {
            s.ghost.remove(s.ghostOrder[s.ghostHead])
            s.ghostHead += 1
        }
    }

    private static func compact(_ s: inout State) {
        // Removed and re-queued entries leave stale tickets behind; drop them once they pile up.
        if s.small.count - s.smallHead > 2 * s.entries.count + 1024 {
            s.small = s.small[s.smallHead...].filter { s.entries[$0.key].map { $0.ticket } == $0.ticket }
            s.smallHead = 0
        }
        if s.main.count - s.mainHead > 2 * s.entries.count + 1024 {
            s.main = s.main[s.mainHead...].filter { s.entries[$0.key].map { $0.ticket } == $0.ticket }
            s.mainHead = 0
        }
        if s.smallHead > 1024, s.smallHead * 2 > s.small.count { s.small.removeFirst(s.smallHead); s.smallHead = 0 }
        if s.mainHead > 1024, s.mainHead * 2 > s.main.count { s.main.removeFirst(s.mainHead); s.mainHead = 0 }
        if s.ghostHead > 1024, s.ghostHead * 2 > s.ghostOrder.count { s.ghostOrder.removeFirst(s.ghostHead); s.ghostHead = 0 }
    }
}
