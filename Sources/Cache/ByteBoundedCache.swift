import Synchronization

/// A thread-safe cache bounded in bytes, with second-chance FIFO eviction (CLOCK): O(1) amortised per
/// operation, and an entry read since it last reached the front of the queue gets one more round.
///
/// This is the simple policy of the first issue; the pressure-aware tiered cache replaces it later
/// behind the same get/put/remove calls.
public final class ByteBoundedCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    struct Slot { var value: Value; var cost: Int; var referenced: Bool; var generation: UInt64 }
    /// A queue entry; it is stale when its generation no longer matches the key's slot.
    struct Ticket { var key: Key; var generation: UInt64 }
    struct State {
        var slots: [Key: Slot] = [:]
        var queue: [Ticket] = []
        var head = 0
        var generation: UInt64 = 0
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

    /// Stores `value`. An entry larger than the whole capacity is not kept (and replaces nothing stale:
    /// an older value under the same key is dropped).
    public func put(_ key: Key, _ value: Value, cost: Int) {
        state.withLock { s in
            if let old = s.slots.removeValue(forKey: key) { s.bytes -= old.cost }
            guard cost <= capacity else { return }
            while s.bytes + cost > capacity, Self.evictOne(&s) {}
            s.generation += 1
            s.slots[key] = Slot(value: value, cost: cost, referenced: false, generation: s.generation)
            s.queue.append(Ticket(key: key, generation: s.generation))
            s.bytes += cost
            Self.compactIfNeeded(&s)
        }
    }

    public func remove(_ key: Key) {
        state.withLock { s in
            if let old = s.slots.removeValue(forKey: key) { s.bytes -= old.cost }
        }
    }

    public func removeAll() {
        state.withLock { s in s = State(hits: s.hits, misses: s.misses, evictions: s.evictions) }
    }

    public var stats: (entries: Int, bytes: Int, hits: Int, misses: Int, evictions: Int) {
        state.withLock { ($0.slots.count, $0.bytes, $0.hits, $0.misses, $0.evictions) }
    }

    /// Evicts the first unreferenced live entry from the front; false when nothing is left.
    private static func evictOne(_ s: inout State) -> Bool {
        while s.head < s.queue.count {
            let ticket = s.queue[s.head]
            s.head += 1
            guard let slot = s.slots[ticket.key], slot.generation == ticket.generation else { continue }
            if slot.referenced {  // second chance: back of the queue, bit cleared
                s.generation += 1
                s.slots[ticket.key]!.referenced = false
                s.slots[ticket.key]!.generation = s.generation
                s.queue.append(Ticket(key: ticket.key, generation: s.generation))
                continue
            }
            s.slots.removeValue(forKey: ticket.key)
            s.bytes -= slot.cost
            s.evictions += 1
            return true
        }
        return false
    }

    /// Drops consumed and stale tickets once they outnumber the live ones.
    private static func compactIfNeeded(_ s: inout State) {
        guard s.queue.count > 64, s.queue.count > 2 * s.slots.count else { return }
        s.queue = s.queue[s.head...].filter { s.slots[$0.key]?.generation == $0.generation }
        s.head = 0
    }
}
