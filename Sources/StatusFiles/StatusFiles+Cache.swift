import Cache
import Foundation
import Store
import Tree

extension StatusFiles {
    /// Hits, misses and evictions of both tiers, summed where the names are tier-free.
    struct CacheFigures {
        var memory: MemoryTier<CacheKey, CacheValue>.Stats
        var disk: DiskTier.Stats
        var hits: Int { memory.hits + disk.hits }
        var misses: Int { max(0, memory.misses - disk.hits) }
        func evictions(_ reason: EvictionReason) -> Int { memory.evictions[reason, default: 0] + disk.evictions[reason, default: 0] }
    }

    var cacheFigures: CacheFigures { CacheFigures(memory: tiered.memory.stats, disk: tiered.disk?.stats ?? DiskTier.Stats()) }

    /// `.status/cache`: `name value` lines.
    var cacheLines: [(String, String)] {
        let f = cacheFigures
        var lines: [(String, String)] = [
            ("hits", String(f.hits)), ("misses", String(f.misses)),
            ("hit_rate", Self.number(f.hits + f.misses == 0 ? 0 : Double(f.hits) / Double(f.hits + f.misses))),
            ("entries", String(f.memory.entries + f.disk.entries)),
            ("memory_entries", String(f.memory.entries)), ("memory_bytes", String(f.memory.bytes)),
            ("memory_target_bytes", String(tiered.memory.target)), ("memory_capacity_bytes", String(tiered.memory.capacity)),
            ("disk_entries", String(f.disk.entries)), ("disk_bytes", String(f.disk.bytes)),
            ("disk_capacity_bytes", String(tiered.disk?.maxBytes ?? 0)),
        ]
        lines += EvictionReason.allCases.map { ("evictions_\($0.rawValue)", String(f.evictions($0))) }
        lines += [("demotions", String(tiered.demotions)), ("promotions", String(tiered.promotions)),
                  ("admission_rejects", String(f.memory.admissionRejects)), ("disk_write_failures", String(f.disk.writeFailures))]
        return lines
    }

    func cacheJSON() -> [UInt8] {
        let c = tiered.configuration
        var json: [String: Any] = Dictionary(uniqueKeysWithValues: cacheLines.map { ($0.0, Double($0.1) ?? 0 as Any) })
        json["configuration"] = [
            "preset": c.preset, "memory_bytes": c.memoryBytes, "disk_bytes": c.diskBytes,
            "min_free_disk_bytes": c.minFreeDiskBytes, "chunk_bytes": c.chunkBytes,
            "disk_directory": tiered.disk?.directory ?? "",
            "ttl_seconds": ["search": c.searchTTL, "entity": c.entityTTL, "libraries": c.librariesTTL, "document": c.documentTTL],
            "pressure": ["used_thresholds": c.policy.usedThresholds, "stall_thresholds": c.policy.stallThresholds,
                         "hysteresis": c.policy.hysteresis, "target_fractions": c.policy.targetFractions,
                         "sample_interval_seconds": c.sampleInterval],
        ] as [String: Any]
        return Self.json(json)
    }

    /// `.status/memory`: the pressure level, where it comes from, and what the cache aims for.
    var memoryLines: [(String, String)] {
        var lines: [(String, String)] = [("level", tiered.level.description)]
        if let sample = pressure?.latest {
            lines += [("source", sample.source), ("used_bytes", String(sample.usedBytes)), ("limit_bytes", String(sample.limitBytes)),
                      ("available_bytes", String(max(0, sample.limitBytes - sample.usedBytes))),
                      ("used_percent", Self.number(sample.usedPercent))]
            if let stall = sample.stallPercent { lines.append(("stall_percent", Self.number(stall))) }
        } else {
            lines.append(("source", "none"))
        }
        if let system = (pressure?.signal ?? PressureSignal()).system() {  // the machine, next to a cgroup's view
            lines += [("system_used_bytes", String(system.usedBytes)), ("system_total_bytes", String(system.limitBytes)),
                      ("system_available_bytes", String(system.availableBytes))]
        }
        lines += [("budget_bytes", String(tiered.budget)),
                  ("eviction_target_bytes", String(tiered.memory.target)), ("cache_memory_bytes", String(tiered.memory.capacity)),
                  ("result_lists_bytes", String(report.resultListBytes)),
                  ("working_bytes", String(tiered.working.usage.now)), ("working_peak_bytes", String(tiered.working.usage.peak)),
                  ("working_limit_bytes", String(tiered.working.limit)), ("open_file_chunks_bytes", String(report.openFileChunkBytes)),
                  ("level_changes", String(pressure?.transitions ?? 0)), ("samples", String(pressure?.samples.count ?? 0))]
        return lines
    }

    func memoryJSON() -> [UInt8] {
        var json: [String: Any] = Dictionary(uniqueKeysWithValues: memoryLines.map { ($0.0, Double($0.1).map { $0 as Any } ?? $0.1) })
        json["history"] = (pressure?.samples ?? []).map { sample -> [String: Any] in
            var item: [String: Any] = ["time": Self.iso(sample.time), "level": sample.level.description, "source": sample.source,
                                       "used_percent": (sample.usedPercent * 10).rounded() / 10, "available_mb": sample.availableMB]
            if let stall = sample.stallPercent { item["stall_percent"] = stall }
            return item
        }
        return Self.json(json)
    }

    static func json(_ object: [String: Any]) -> [UInt8] {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return Array(data) + [10]
    }
}
