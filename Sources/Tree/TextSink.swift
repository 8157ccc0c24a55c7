import Cache

/// Where a rendering goes, piece by piece.
public protocol TextSink {
    mutating func write(_ text: String)
}

/// Counts a rendering's bytes without keeping them (the size the index records).
public struct CountingSink: TextSink {
    public var count = 0
    public init() {}
    public mutating func write(_ text: String) { count += text.utf8.count }
}

/// Collects a rendering whole.
public struct ByteSink: TextSink {
    public var bytes: [UInt8] = []
    public init() {}
    public mutating func write(_ text: String) { bytes.append(contentsOf: text.utf8) }
}

/// Cuts a rendering into fixed-size chunks as it is written, handing each full chunk to `emit`, so
/// that only one chunk is ever buffered.
public struct ChunkWriter: TextSink {
    public let chunkBytes: Int
    let emit: (_ index: Int, _ bytes: [UInt8]) -> Void
    var buffer: [UInt8] = []
    public private(set) var index = 0
    public private(set) var total = 0
    /// The last chunk wanted: past it, writes are dropped (a rebuild of one chunk stops copying there).
    let lastWanted: Int

    public init(chunkBytes: Int, through lastWanted: Int = .max, emit: @escaping (_ index: Int, _ bytes: [UInt8]) -> Void) {
        precondition(chunkBytes > 0, "chunks must hold at least one byte")
        self.chunkBytes = chunkBytes
        self.lastWanted = lastWanted
        self.emit = emit
    }

    /// True once every wanted chunk was emitted.
    public var isDone: Bool { index > lastWanted }

    public mutating func write(_ text: String) {
        if isDone { return }
        var utf8 = text.utf8[...]
        total += utf8.count
        while !utf8.isEmpty {
            let take = min(chunkBytes - buffer.count, utf8.count)
            buffer.append(contentsOf: utf8.prefix(take))
            utf8 = utf8.dropFirst(take)
            if buffer.count == chunkBytes { flush() }
        }
    }

    /// Emits the last, partial chunk.
    public mutating func finish() { if !buffer.isEmpty && !isDone { flush() } }

    private mutating func flush() {
        // An exact-size copy, made by hand: `Array(buffer[...])` may hand over `buffer`'s own storage
        // when the slice spans it, and a last, short chunk (300 bytes, say) then pins the whole 1 MiB
        // capacity in the cache while being charged 300 bytes (400 documents held 400 MB that way).
        let exact = [UInt8](unsafeUninitializedCapacity: buffer.count) { target, initialized in
            _ = target.initialize(from: buffer)
            initialized = buffer.count
        }
        emit(index, exact)
        index += 1
        buffer.removeAll(keepingCapacity: true)
    }
}
