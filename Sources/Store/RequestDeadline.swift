import Dispatch
import FoundationEssentials
import Glibc

/// The time left for the request running on this thread. `FailoverStore` sets it around every API
/// call, and `HTTPClient` caps libcurl's connect and total timeouts by what is left, so a frozen peer
/// (a `kill -STOP`ped server, a proxy that never answers) costs at most the budget, on the caller's own
/// thread: no thread per call, and the thread's curl handle is reused.
public enum RequestDeadline {
    nonisolated(unsafe) private static var key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { $0?.deallocate() }
        return key
    }()

    private static var slot: UnsafeMutablePointer<Double> {
        if let existing = pthread_getspecific(key) { return existing.assumingMemoryBound(to: Double.self) }
        let fresh = UnsafeMutablePointer<Double>.allocate(capacity: 1)
        fresh.initialize(to: .infinity)
        pthread_setspecific(key, fresh)
        return fresh
    }

    private static var now: Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    /// Runs `body` with at most `seconds` for everything it does on this thread (an outer, shorter
    /// deadline stays in force).
    public static func with<T>(seconds: Double, _ body: () throws -> T) rethrows -> T {
        let slot = self.slot
        let outer = slot.pointee
        slot.pointee = min(outer, now + max(0, seconds))
        defer { slot.pointee = outer }
        return try body()
    }

    /// Seconds left, or nil when no deadline is set on this thread.
    public static var remaining: Double? {
        let deadline = slot.pointee
        return deadline.isFinite ? deadline - now : nil
    }

    /// Throws `unavailable` when the deadline has passed.
    public static func check(_ what: String = "the request") throws {
        if let left = remaining, left <= 0 { throw StoreError.unavailable("\(what): no answer within the time budget") }
    }
}
