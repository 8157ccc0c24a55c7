import Synchronization

/// A thread-safe cache bounded in bytes with CLOCK (second-chance) eviction: O(1) per operation,
/// and an entry read since the hand last passed survives one more sweep.
///
/// This is the simple policy of the first issue; the pressure-aware tiered cache replaces it later
/// behind the same get/put/remove calls.
public final class ByteBoundedCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    struct Slot { var value: Value; var cost: Int; var referenced: Bool }
    struct State {
        var slots: [Key: Slot] = [:]
        var ring: [Key] = []
        var hand = 0
        var bytes = 0
        var hits = 0
        var misses = 0
        var evictions = 0
    }

    private let state = Mutex(State())
    public let capacity: Int

    public init(capacityBytes: Int) { capacity = capacityBytes }

    public func get(_ key: Key) -> Value? {
        state.withLock { s in
            guard let slot = s.slots[key] else { s.misses += 1; return nil }
            s.hits += 1
            s.slots[key]!.referenced = true
            return slot.value
        }
    }

    /// Stores `value`; an entry larger than the whole capacity is not kept.
    public func put(_ key: Key, _ value: Value, cost: Int) {
        guard cost <= capacity else { return }
        state.withLock { s in
            if let old = s.slots[key] {
                s.bytes -= old.cost
            } else {
                s.ring.append(key)
            }
            s.slots[key] = Slot(value: value, cost: cost, referenced: false)
            s.bytes += cost
            while s.bytes > capacity, !s.ring.isEmpty { Self.evictOne(&s) }
            // Removed keys stay in the ring until the hand passes; compact when they pile up.
            if s.ring.count > 2 * s.slots.count + 64 {
                var seen: Set<Key> = []
                s.ring = s.ring.filter { s.slots[$0] != nil && seen.insert($0).inserted }
                s.hand = 0
            }
        }
    }

    public func remove(_ key: Key) {
        state.withLock { s in
            guard let old = s.slots.removeValue(forKey: key) else { return }
            s.bytes -= old.cost
            // The ring keeps the key until the hand reaches it; evictOne skips keys without a slot.
        }
    }

    public func removeAll() {
        state.withLock { s in s = State(hits: s.hits, misses: s.misses, evictions: s.evictions) }
    }

    public var stats: (entries: Int, bytes: Int, hits: Int, misses: Int, evictions: Int) {
        state.withLock { ($0.slots.count, $0.bytes, $0.hits, $0.misses, $0.evictions) }
    }

    private static func evictOne(_ s: inout State) {
        while !s.ring.isEmpty {
            if s.hand >= s.ring.count { s.hand = 0 }
            let key = s.ring[s.hand]
            guard let slot = s.slots[key] else {
                s.ring.swapAt(s.hand, s.ring.count - 1)
                s.ring.removeLast()
                continue
            }
            if slot.referenced {
                s.slots[key]!.referenced = false
                s.hand += 1
                continue
            }
            s.slots.removeValue(forKey: key)
            s.bytes -= slot.cost
            s.evictions += 1
            s.ring.swapAt(s.hand, s.ring.count - 1)
            s.ring.removeLast()
            return
        }
    }
}
