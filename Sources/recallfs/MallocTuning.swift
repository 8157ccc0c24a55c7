/// glibc malloc settings that keep the daemon's RSS close to what it really uses:
/// - a fixed mmap threshold (256 KiB): cache chunks (1 MiB) and large renderings are mmap'd, so their
///   memory goes back to the OS the moment they are freed. glibc otherwise raises the threshold after
///   such frees and keeps the pages in its heap, which is what a memory cgroup then counts;
/// - at most two arenas: one per FUSE worker thread would fragment memory for no gain on a daemon
///   that is mostly waiting on I/O.
enum MallocTuning {
    static let mmapThreshold: Int32 = -3  // M_MMAP_THRESHOLD
    static let arenaMax: Int32 = -8       // M_ARENA_MAX

    static func apply() {
        _ = mallopt(mmapThreshold, 256 << 10)
        _ = mallopt(arenaMax, 2)
    }
}

/// `mallopt(3)` from `<malloc.h>`, which Swift's Glibc module does not import.
@_silgen_name("mallopt")
func mallopt(_ parameter: Int32, _ value: Int32) -> Int32
