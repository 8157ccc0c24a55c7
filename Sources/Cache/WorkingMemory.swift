import FoundationEssentials
import Store

/// Bounds the daemon's transient working memory: the entities being rendered and the renderings
/// being cut into chunks, which the caches do not count because they are not cached.
///
/// Each rendering reserves an estimate of what it will hold before it starts, and waits while the sum
/// of reservations would pass the limit. One reservation larger than the limit runs alone, so a huge
/// document is slow rather than fatal. The limit follows the memory budget (see `TieredCache.follow`).
public final class WorkingMemory: @unchecked Sendable {
    private let condition = ConditionLock()
    private var inUse = 0
    private var limitBytes: Int
    private var peakBytes = 0

    public init(limitBytes: Int) { self.limitBytes = max(1, limitBytes) }

    /// Runs `body` holding `bytes` of the working-memory allowance.
    public func withReservation<T>(_ bytes: Int, _ body: () throws -> T) rethrows -> T {
        condition.lock()
        let amount = max(0, min(bytes, limitBytes))
        while inUse > 0 && inUse + amount > limitBytes { condition.wait() }
        inUse += amount
        peakBytes = max(peakBytes, inUse)
        condition.unlock()
        defer {
            condition.lock()
            inUse -= amount
            condition.broadcast()
            condition.unlock()
        }
        return try body()
    }

    public var limit: Int {
        get { condition.lock(); defer { condition.unlock() }; return limitBytes }
        set { condition.lock(); limitBytes = max(1, newValue); condition.broadcast(); condition.unlock() }
    }

    /// Bytes reserved now, and the most ever reserved at once.
    public var usage: (now: Int, peak: Int) { condition.lock(); defer { condition.unlock() }; return (inUse, peakBytes) }
}
