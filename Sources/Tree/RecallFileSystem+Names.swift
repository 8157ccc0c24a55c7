import FoundationEssentials
import Glibc

extension RecallFileSystem {
    /// The longest name a directory entry may have (NAME_MAX).
    static let maxNameBytes = 255

    /// Decodes a name as the kernel passed it: bytes, not yet text. A name over 255 bytes is
    /// ENAMETOOLONG; bytes that are not UTF-8 are EINVAL under `search/` (a query must be text, and
    /// decoding with replacement characters would make different names alias one directory) and
    /// ENOENT elsewhere (no file has such a name). The reason names the bytes, escaped.
    public func decodeName(_ bytes: UnsafeRawBufferPointer, parent: UInt64, operation: String) throws(FSError) -> String {
        if bytes.count > Self.maxNameBytes {
            let error = FSError(ENAMETOOLONG, "name is \(bytes.count) bytes, longer than \(Self.maxNameBytes)")
            board.record(operation: operation, path: describe(parent, NameCharacters.escaped(bytes: bytes.prefix(64)) + "…"),
                         errno: error.errno, reason: error.reason!)
            throw error
        }
        if let name = String(validating: bytes, as: UTF8.self) { return name }
        guard Node(inode: parent) == .search else { throw FSError(ENOENT) }
        let error = FSError(EINVAL, "bad query: the name is not valid UTF-8")
        board.record(operation: operation, path: describe(parent, NameCharacters.escaped(bytes: bytes)),
                     errno: error.errno, reason: error.reason!)
        throw error
    }
}
