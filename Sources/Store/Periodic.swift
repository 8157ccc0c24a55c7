import Foundation

/// Runs a body on a thread of its own, forever, with a pause between runs: the sampling, polling and
/// health-check loops of the daemon.
public enum Periodic {
    /// `immediately` runs the body once before the first pause.
    public static func run(every interval: Double, name: String, immediately: Bool = true, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread {
            if immediately { body() }
            while true {
                Thread.sleep(forTimeInterval: interval)
                body()
            }
        }
        thread.name = name
        thread.start()
    }
}
