import ArgumentParser
import Foundation

/// `recallfs status MOUNTPOINT`: a human summary of the mount's `.status/` files.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Summarise a mount's .status/ files.")

    @Argument(help: "The mountpoint.")
    var mountpoint: String

    static func healthJSON(_ mountpoint: String) -> [String: Any]? {
        guard let data = FileManager.default.contents(atPath: mountpoint + "/.status/health.json") else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }

    /// `name value` lines as a dictionary.
    static func pairs(_ text: String) -> [String: String] {
        Dictionary(text.split(separator: "\n").compactMap { line -> (String, String)? in
            let parts = line.split(separator: " ", maxSplits: 1)
            return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
        }, uniquingKeysWith: { first, _ in first })
    }

    static func megabytes(_ bytes: String?) -> String {
        bytes.flatMap(Double.init).map { String(format: "%.1f", $0 / 1_048_576) } ?? "?"
    }

    func run() throws {
        let path = Mountpoint.absolute(mountpoint)
        guard Mountpoint.isMounted(path), let json = Self.healthJSON(path) else {
            exitWithMessage("\(path) is not a live RecallFS mount")
        }
        func read(_ name: String) -> String {
            (try? String(contentsOfFile: "\(path)/.status/\(name)", encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
        }
        let store = json["store"] as? [String: Any] ?? [:]
        let latency = json["latency_ms"] as? [String: Any] ?? [:]
        let index = json["index"] as? [String: Any] ?? [:]
        print("health:    \(read("health"))")
        print("backend:   \(read("backend"))  (\(json["database"] ?? "?"))")
        print("documents: \(store["entities"] ?? "?") in \(store["libraries"] ?? "?") libraries; index \(index["documents"] ?? "?") (ready: \((index["ready"] as? Bool).map { $0 ? "yes" : "no" } ?? "?"))")
        print("latency:   p50 \(latency["p50"] ?? "?") ms, p95 \(latency["p95"] ?? "?") ms over \(json["requests"] ?? 0) store calls")
        print("queries:   \(json["saved_queries"] ?? 0) saved")
        let cache = Self.pairs(read("cache"))
        let memory = Self.pairs(read("memory"))
        print("cache:     hit rate \(cache["hit_rate"] ?? "?"), memory \(Self.megabytes(cache["memory_bytes"])) of \(Self.megabytes(cache["memory_target_bytes"])) MB, disk \(Self.megabytes(cache["disk_bytes"])) MB")
        print("memory:    \(memory["level"] ?? "?") (\(memory["source"] ?? "?"), \(memory["used_percent"] ?? "?")% used)")
        if let circuit = json["circuit"] as? [String: Any] {
            print("api:       circuit \(circuit["state"] ?? "?"), \(json["failovers"] ?? 0) failovers")
        }
        print("daemon:    pid \(json["pid"] ?? "?"), since \(json["started_at"] ?? "?"), cache \(json["cache_dir"] ?? "?")")
        let errors = read("errors").split(separator: "\n").suffix(5)
        print("errors:    \(json["errors_total"] ?? 0) in all\(errors.isEmpty ? "" : "; latest:")")
        for line in errors { print("  \(line)") }
    }
}
