import Foundation
import Synchronization

/// Counters every cache reports, for `.status/cache`.
public struct CacheStats: Sendable, Equatable {
    public var hits = 0
    public var misses = 0
    public var entries = 0
    public var expired = 0
    public var invalidated = 0
    public var evicted = 0
    public init() {}
}

/// The cache interface the daemon programs against. The TTL policy here is the first implementation;
/// the pressure-aware tiered cache replaces it behind the same calls.
public protocol KeyValueCache<Key, Value>: Sendable {
    associatedtype Key: Hashable & Sendable
    associatedtype Value: Sendable
    func get(_ key: Key) -> Value?
    func put(_ key: Key, _ value: Value)
    func remove(_ key: Key)
    func removeAll()
    var stats: CacheStats { get }
}

/// Entries live for `ttl` seconds; at most `maxEntries` are kept (the oldest go first).
public final class TTLCache<Key: Hashable & Sendable, Value: Sendable>: KeyValueCache {
    struct Entry { var value: Value; var stored: Date }
    struct State { var entries: [Key: Entry] = [:]; var order: [Key] = []; var stats = CacheStats() }

    public let ttl: TimeInterval
    public let maxEntries: Int
    private let state = Mutex(State())

    public init(ttl: TimeInterval, maxEntries: Int = 10_000) {
        self.ttl = ttl
        self.maxEntries = maxEntries
    }

    public func get(_ key: Key) -> Value? {
        state.withLock { s in
            guard let entry = s.entries[key] else { s.stats.misses += 1; return nil }
            guard Date().timeIntervalSince(entry.stored) < ttl else {
                s.entries.removeValue(forKey: key)
                s.stats.expired += 1
                s.stats.misses += 1
                return nil
            }
            s.stats.hits += 1
            return entry.value
        }
    }

    public func put(_ key: Key, _ value: Value) {
        guard ttl > 0 else { return }
        state.withLock { s in
            if s.entries.updateValue(Entry(value: value, stored: Date()), forKey: key) == nil { s.order.append(key) }
            while s.entries.count > maxEntries, !s.order.isEmpty {
                if s.entries.removeValue(forKey: s.order.removeFirst()) != nil { s.stats.evicted += 1 }
            }
            if s.order.count > 2 * maxEntries { s.order = s.order.filter { s.entries[$0] != nil } }
        }
    }

    public func remove(_ key: Key) {
        state.withLock { s in if s.entries.removeValue(forKey: key) != nil { s.stats.invalidated += 1 } }
    }

    public func removeAll() {
        state.withLock { s in
            s.stats.invalidated += s.entries.count
            s.entries.removeAll()
            s.order.removeAll()
        }
    }

    public var stats: CacheStats {
        state.withLock { s in var stats = s.stats; stats.entries = s.entries.count; return stats }
    }
}
