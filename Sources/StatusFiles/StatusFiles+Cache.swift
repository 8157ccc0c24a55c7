import Cache
import FoundationEssentials
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
        var json: [String: JSONValue] = Dictionary(uniqueKeysWithValues: cacheLines.map { ($0.0, JSONValue(Double($0.1) ?? 0)) })
        json["configuration"] = [
            "preset": JSONValue(c.preset), "memory_bytes": JSONValue(c.memoryBytes), "disk_bytes": JSONValue(c.diskBytes),
            "min_free_disk_bytes": JSONValue(c.minFreeDiskBytes), "chunk_bytes": JSONValue(c.chunkBytes),
            "disk_directory": JSONValue(tiered.disk?.directory ?? ""),
            "ttl_seconds": ["search": JSONValue(c.searchTTL), "entity": JSONValue(c.entityTTL), "libraries": JSONValue(c.librariesTTL),
                            "document": JSONValue(c.documentTTL)],
            "pressure": ["used_thresholds": JSONValue(c.policy.usedThresholds), "stall_thresholds": JSONValue(c.policy.stallThresholds),
                         "hysteresis": JSONValue(c.policy.hysteresis), "target_fractions": JSONValue(c.policy.targetFractions),
                         "sample_interval_seconds": JSONValue(c.sampleInterval)],
        ]
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
        var json: [String: JSONValue] = Dictionary(uniqueKeysWithValues: memoryLines.map { line in (line.0, Double(line.1).map { JSONValue($0 as Double) } ?? JSONValue(line.1)) })
        json["history"] = .array((pressure?.samples ?? []).map { sample -> JSONValue in
            var item: [String: JSONValue] = ["time": JSONValue(Self.iso(sample.time)), "level": JSONValue(sample.level.description),
                                             "source": JSONValue(sample.source),
                                             "used_percent": JSONValue((sample.usedPercent * 10).rounded() / 10),
                                             "available_mb": JSONValue(sample.availableMB)]
            if let stall = sample.stallPercent { item["stall_percent"] = JSONValue(stall) }
            return .object(item)
        })
        return Self.json(json)
    }

    static func json(_ object: [String: JSONValue]) -> [UInt8] { Array(JSONValue.object(object).text(pretty: true).utf8) + [10] }
}
