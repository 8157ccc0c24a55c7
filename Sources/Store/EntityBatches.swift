/// Loads entities in batches sized by what they hold: many at a time while they are small (few queries
/// for a listing of thousands), one at a time once one of them turns out to hold megabytes (so that
/// memory stays bounded however large a document is).
public enum EntityBatches {
    /// The bytes one batch may hold, judged by the largest entity seen so far.
    public static let batchBytes = 16 << 20
    public static let maxBatch = 32

    /// `batchBytes` lowers the bound (a daemon in a small memory limit passes a share of its budget).
    public static func forEach(_ ids: [Int64], batchBytes: Int = batchBytes, load: ([Int64]) throws -> [Entity],
                               _ body: (Entity) throws -> Void) throws {
        var start = 0
        var largest: Int?  // unknown until the first entity is loaded: it comes alone
        while start < ids.count {
            let size = largest.map { max(1, min(maxBatch, batchBytes / $0)) } ?? 1
            let batch = Array(ids[start..<min(start + size, ids.count)])
            start += batch.count
            for entity in try load(batch) {
                largest = max(largest ?? 0, entity.approximateBytes)
                try body(entity)
            }
        }
    }
}

extension Entity {
    /// Roughly the memory this entity's text takes.
    public var approximateBytes: Int {
        metadata.reduce(filepath.utf8.count + 256) { $0 + $1.key.utf8.count + $1.value.utf8.count + 64 }
    }
}
