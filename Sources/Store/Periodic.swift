import FoundationEssentials
import Glibc

/// Runs a body on a thread of its own, forever, with a pause between runs: the sampling, polling and
/// health-check loops of the daemon.
public enum Periodic {
    /// `immediately` runs the body once before the first pause.
    public static func run(every interval: Double, name: String, immediately: Bool = true, _ body: @escaping @Sendable () -> Void) {
        NamedThread.start(name: name) {
            if immediately { body() }
            while true {
                NamedThread.sleep(seconds: interval)
                body()
            }
        }
    }
}

/// A detached pthread with a name (Foundation's `Thread`, which the daemon does not link; see
/// `JSONValue`). Not called `Thread`: code that imports Foundation too (the tests) would see two.
public enum NamedThread {
    /// Starts `body` on a new detached thread named `name` (the name shows in `top -H` and `perf`).
    public static func start(name: String, _ body: @escaping @Sendable () -> Void) {
        final class Box: @unchecked Sendable { let body: @Sendable () -> Void; let name: String; init(_ b: @escaping @Sendable () -> Void, _ n: String) { body = b; name = n } }
        let box = Unmanaged.passRetained(Box(body, name)).toOpaque()
        var thread = pthread_t()
        let started = pthread_create(&thread, nil, { raw in
            let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
            _ = setThreadName(pthread_self(), String(box.name.prefix(15)))
            box.body()
            return nil
        }, box)
        if started == 0 { pthread_detach(thread) } else { Unmanaged<Box>.fromOpaque(box).release() }
    }

    /// Sleeps the calling thread for `seconds`.
    public static func sleep(seconds: Double) {
        guard seconds > 0 else { return }
        var time = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - seconds.rounded(.down)) * 1e9))
        var left = timespec()
        while nanosleep(&time, &left) != 0 && errno == EINTR { time = left }
    }
}

/// glibc's `pthread_setname_np`, which Swift's Glibc module does not import (it needs `_GNU_SOURCE`).
@_silgen_name("pthread_setname_np")
private func setThreadName(_ thread: pthread_t, _ name: UnsafePointer<CChar>) -> Int32
