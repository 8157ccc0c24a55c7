import ArgumentParser
import FoundationEssentials
import Store

/// `recallfs status MOUNTPOINT`: a human summary of the mount's `.status/` files.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Summarise a mount's .status/ files.")

    @Argument(help: "The mountpoint.")
    var mountpoint: String

    static func healthJSON(_ mountpoint: String) -> JSONValue? {
        guard let data = FileManager.default.contents(atPath: mountpoint + "/.status/health.json") else { return nil }
        return JSONValue.parse(data).flatMap { $0.object != nil ? $0 : nil }
    }

    /// `name value` lines as a dictionary.
    static func pairs(_ text: String) -> [String: String] {
        Dictionary(text.split(separator: "\n").compactMap { line -> (String, String)? in
            let parts = line.split(separator: " ", maxSplits: 1)
            return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
        }, uniquingKeysWith: { first, _ in first })
    }

    static func megabytes(_ bytes: String?) -> String {
        bytes.flatMap(Double.init).map { ($0 / 1_048_576).fixed(1) } ?? "?"
    }

    func run() throws {
        let path = Mountpoint.absolute(mountpoint)
        guard Mountpoint.isMounted(path), let json = Self.healthJSON(path) else {
            exitWithMessage("\(path) is not a live RecallFS mount")
        }
        func read(_ name: String) -> String {
            (try? String(contentsOfFile: "\(path)/.status/\(name)", encoding: .utf8))?
                .trimmingWhitespace() ?? "?"
        }
        let store = json["store"] ?? .null, latency = json["latency_ms"] ?? .null, index = json["index"] ?? .null
        func show(_ value: JSONValue?, _ fallback: String = "?") -> String { value?.display ?? fallback }
        print("health:    \(read("health"))")
        print("backend:   \(read("backend"))  (\(show(json["database"])))")
        print("documents: \(show(store["entities"])) in \(show(store["libraries"])) libraries; index \(show(index["documents"])) (ready: \(index["ready"]?.bool.map { $0 ? "yes" : "no" } ?? "?"))")
        print("latency:   p50 \(show(latency["p50"])) ms, p95 \(show(latency["p95"])) ms over \(show(json["requests"], "0")) store calls")
        print("queries:   \(show(json["saved_queries"], "0")) saved")
        let cache = Self.pairs(read("cache"))
        let memory = Self.pairs(read("memory"))
        print("cache:     hit rate \(cache["hit_rate"] ?? "?"), memory \(Self.megabytes(cache["memory_bytes"])) of \(Self.megabytes(cache["memory_target_bytes"])) MB, disk \(Self.megabytes(cache["disk_bytes"])) MB")
        print("memory:    \(memory["level"] ?? "?") (\(memory["source"] ?? "?"), \(memory["used_percent"] ?? "?")% used)")
        if let circuit = json["circuit"], circuit.object != nil {
            print("api:       circuit \(show(circuit["state"])), \(show(json["failovers"], "0")) failovers")
        }
        print("daemon:    pid \(show(json["pid"])), since \(show(json["started_at"])), cache \(show(json["cache_dir"]))")
        let errors = read("errors").split(separator: "\n").suffix(5)
        print("errors:    \(show(json["errors_total"], "0")) in all\(errors.isEmpty ? "" : "; latest:")")
        for line in errors { print("  \(line)") }
    }
}
