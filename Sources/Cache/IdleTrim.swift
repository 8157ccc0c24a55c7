import FoundationEssentials
import Glibc

/// When to give freed heap back to the OS: once the daemon goes quiet after real work.
///
/// glibc keeps freed memory in its arenas. After a listing of a million names, a search over many
/// documents or an index sync, an idle daemon held about 10 MB of heap it no longer used (measured:
/// `malloc_trim(0)` took a 20,000-document mount from 47 to 38 MB RSS). Trimming after every request
/// would cost CPU on the hot path; trimming on a timer would cost it on an idle daemon. So a trim
/// happens when a sampling period used almost no CPU (`quietFraction` of it) and the process used at
/// least `workSeconds` of CPU since the last trim: once per burst of work, never while idle.
public struct IdleTrimPolicy: Sendable, Equatable {
    public var quietFraction = 0.01
    public var workSeconds = 0.2
    private var lastCPU: Double?
    private var cpuAtLastTrim = 0.0

    public init(quietFraction: Double = 0.01, workSeconds: Double = 0.2) {
        self.quietFraction = quietFraction
        self.workSeconds = workSeconds
    }

    /// Feeds the process's total CPU seconds at the end of a period of `period` seconds; true when the
    /// heap should be trimmed now.
    public mutating func observe(cpuSeconds: Double, period: Double) -> Bool {
        defer { lastCPU = cpuSeconds }
        guard let last = lastCPU else { cpuAtLastTrim = cpuSeconds; return false }
        let quiet = cpuSeconds - last <= period * quietFraction
        guard quiet, cpuSeconds - cpuAtLastTrim >= workSeconds else { return false }
        cpuAtLastTrim = cpuSeconds
        return true
    }
}

extension IdleTrimPolicy {
    /// The CPU seconds (user and system) this process has used.
    public static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        let seconds = { (t: timeval) in Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}
