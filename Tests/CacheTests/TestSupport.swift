import Foundation
@_exported import TestSupport
import Synchronization

/// A fresh directory under the system temporary directory, removed when the value goes away.
final class TemporaryDirectory: Sendable {
    let path: String
    init(_ label: String = "cache-tests") throws {
        path = FileManager.default.temporaryDirectory.path + "/recallfs-\(label)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `text` at `relative` (creating parent directories).
    func write(_ relative: String, _ text: String) throws {
        try write(relative, Array(text.utf8))
    }

    func write(_ relative: String, _ bytes: [UInt8]) throws {
        let full = path + "/" + relative
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: full))
    }

    func remove(_ relative: String) { try? FileManager.default.removeItem(atPath: path + "/" + relative) }
}

/// Collects values from `@Sendable` callbacks (eviction handlers, `onChange`).
final class Recorder<Element: Sendable>: Sendable {
    private let items = Mutex<[Element]>([])
    func append(_ item: Element) { items.withLock { $0.append(item) } }
    var all: [Element] { items.withLock { $0 } }
    func reset() { items.withLock { $0.removeAll() } }
}

/// Permission bits of a file or directory.
func permissions(_ path: String) -> Int {
    var info = stat()
    guard stat(path, &info) == 0 else { return -1 }
    return Int(info.st_mode) & 0o777
}
