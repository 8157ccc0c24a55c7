import Foundation
import Synchronization

/// Renders the files under `.status/` (implemented by the StatusFiles layer).
public protocol StatusFileSource: Sendable {
    func content(_ file: StatusFile) -> [UInt8]
}

/// The bytes of the `.status/` files, as the tree serves them: from the attached source (empty until
/// the CLI attaches one), each kept for half a second, so that `stat` then `cat` see the same bytes
/// (the size matches) while a `sleep 1` loop sees fresh values every time.
final class StatusSnapshots: Sendable {
    static let lifetime: TimeInterval = 0.5
    private let source = Mutex<(any StatusFileSource)?>(nil)
    private let snapshots = Mutex<[StatusFile: (at: Date, bytes: [UInt8])]>([:])

    func attach(_ source: any StatusFileSource) { self.source.withLock { $0 = source } }

    /// The bytes of `file` now, freshly rendered.
    func content(_ file: StatusFile) -> [UInt8] { source.withLock { $0 }?.content(file) ?? [] }

    /// The bytes of `file` as last rendered, if that was less than `lifetime` ago; else rendered now.
    func snapshot(_ file: StatusFile) -> [UInt8] {
        if let snapshot = snapshots.withLock({ $0[file] }), Date().timeIntervalSince(snapshot.at) < Self.lifetime {
            return snapshot.bytes
        }
        let bytes = content(file)
        snapshots.withLock { $0[file] = (Date(), bytes) }
        return bytes
    }
}
