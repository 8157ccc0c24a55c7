import FoundationEssentials

/// Reads the best memory signal this process has, from files under a `/proc` and a `/sys/fs/cgroup`
/// root (parameters, so tests can point them at fake trees):
/// 1. cgroup v2: `memory.current` minus `inactive_file`, against `memory.max`/`memory.high`, plus the
///    cgroup's `memory.pressure`;
/// 2. cgroup v1: `memory.usage_in_bytes` minus `total_inactive_file`, against `memory.limit_in_bytes`;
/// 3. system PSI (`/proc/pressure/memory`) with `/proc/meminfo` for the bytes;
/// 4. `/proc/meminfo` alone: MemTotal minus MemAvailable.
/// Page cache that can be dropped (inactive file pages, which include our own disk-tier writes) is not
/// counted as used.
public struct PressureSignal: Sendable {
    public let procRoot: String
    public let cgroupRoot: String

    public init(procRoot: String = "/proc", cgroupRoot: String = "/sys/fs/cgroup") {
        self.procRoot = procRoot
        self.cgroupRoot = cgroupRoot
    }

    /// One reading.
    public struct Reading: Sendable, Equatable {
        /// `cgroup-v2`, `cgroup-v1`, `psi` or `meminfo`.
        public var source: String
        public var usedBytes: Int
        public var limitBytes: Int
        /// PSI `some avg10` (percent of time stalled on memory over 10 s), when readable.
        public var stallPercent: Double?
        public var availableBytes: Int { max(0, limitBytes - usedBytes) }
        public var usedFraction: Double { limitBytes > 0 ? Double(usedBytes) / Double(limitBytes) : 0 }
    }

    public func read() -> Reading? {
        cgroupV2() ?? cgroupV1() ?? systemWide()
    }

    func text(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }

    func number(_ path: String) -> Int? {
        text(path).flatMap { Int($0.trimmingWhitespace()) }
    }

    /// `key value` lines (memory.stat, meminfo with its `kB`), as a dictionary of numbers.
    func table(_ path: String) -> [String: Int] {
        var out: [String: Int] = [:]
        for line in (text(path) ?? "").split(separator: "\n") {
            let parts = line.split(whereSeparator: { $0 == " " || $0 == ":" || $0 == "\t" })
            guard parts.count >= 2, let value = Int(parts[1]) else { continue }
            out[String(parts[0])] = parts.count >= 3 && parts[2] == "kB" ? value * 1024 : value
        }
        return out
    }

    /// PSI `some avg10` from a pressure file.
    func stall(_ path: String) -> Double? {
        guard let line = text(path)?.split(separator: "\n").first(where: { $0.hasPrefix("some") }),
              let field = line.split(separator: " ").first(where: { $0.hasPrefix("avg10=") }) else { return nil }
        return Double(field.dropFirst(6))
    }

    /// This process's path in a hierarchy, from `/proc/self/cgroup` (`0::/path` for v2, `N:memory:/path` for v1).
    func cgroupPath(v2: Bool) -> String? {
        for line in (text(procRoot + "/self/cgroup") ?? "").split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3 else { continue }
            if v2, parts[0] == "0", parts[1].isEmpty { return String(parts[2]) }
            if !v2, parts[1].split(separator: ",").contains("memory") { return String(parts[2]) }
        }
        return nil
    }

    static let unlimited = 1 << 60

    func cgroupV2() -> Reading? {
        guard (text(cgroupRoot + "/cgroup.controllers") ?? "").split(separator: " ").contains(where: { $0.hasPrefix("memory") }),
              let path = cgroupPath(v2: true) else { return nil }
        let dir = cgroupRoot + (path == "/" ? "" : path)
        guard let current = number(dir + "/memory.current") else { return nil }
        let limits = ["memory.max", "memory.high"].compactMap { number(dir + "/" + $0) }  // "max" is not a number
        guard let limit = limits.min(), limit < Self.unlimited else { return nil }
        let inactive = table(dir + "/memory.stat")["inactive_file"] ?? 0
        return Reading(source: "cgroup-v2", usedBytes: max(0, current - inactive), limitBytes: limit,
                       stallPercent: stall(dir + "/memory.pressure"))
    }

    func cgroupV1() -> Reading? {
        guard let path = cgroupPath(v2: false) else { return nil }
        let dir = cgroupRoot + "/memory" + (path == "/" ? "" : path)
        guard let usage = number(dir + "/memory.usage_in_bytes"), let limit = number(dir + "/memory.limit_in_bytes"),
              limit < Self.unlimited else { return nil }
        let stat = table(dir + "/memory.stat")
        let inactive = stat["total_inactive_file"] ?? stat["inactive_file"] ?? 0
        return Reading(source: "cgroup-v1", usedBytes: max(0, usage - inactive), limitBytes: limit,
                       stallPercent: stall(procRoot + "/pressure/memory"))
    }

    /// The machine as a whole (meminfo, with PSI when readable), whatever `read()` chose.
    public func system() -> Reading? { systemWide() }

    func systemWide() -> Reading? {
        let info = table(procRoot + "/meminfo")
        guard let total = info["MemTotal"], let available = info["MemAvailable"] else { return nil }
        let psi = stall(procRoot + "/pressure/memory")
        return Reading(source: psi == nil ? "meminfo" : "psi", usedBytes: total - available, limitBytes: total, stallPercent: psi)
    }
}
