import FoundationEssentials
import Glibc
import Cache
import Store

extension RecallFileSystem {
    /// Resolves `name` in the directory `parent`.
    public func lookup(parent: UInt64, name: String) throws(FSError) -> NodeAttributes {
        try answer("lookup", describe(parent, name)) {
            guard let node = Node(inode: parent) else { throw FSError(ENOENT) }
            switch node {
            case .root:
                guard let child = Self.rootChildren.first(where: { $0.0 == name })?.1 else { throw FSError(ENOENT) }
                return child == .readme ? try attributes(child.inode) : directoryAttributes(child)
            case .statusDirectory:
                guard let file = StatusFile(rawValue: name) else { throw FSError(ENOENT) }
                return try attributes(Node.statusFile(file).inode)
            case .documents:
                return try documentFiles.entry(named: name, library: nil)
            case .libraries:
                guard let library = try documentFiles.libraries().first(where: { FileNaming.libraryName($0) == name }) else {
                    throw FSError(ENOENT)
                }
                return directoryAttributes(.library(library.id))
            case .library(let id):
                return try documentFiles.entry(named: name, library: id)
            case .search:
                return try queryDirectory(name, creating: false)
            case .query(let slot):
                guard let query = queries.name(forSlot: slot) else { throw FSError(ENOENT) }
                return try queries.entry(named: name, query: query)
            default:
                guard let attributes = try lookupInView(node, name) else { throw FSError(ENOTDIR) }
                return attributes
            }
        }
    }

    /// A query directory: any valid query name exists (there is no mkdir step). It is saved for
    /// `ls search/` only when listed (or made with mkdir), so a script that stats a million names
    /// leaves nothing behind. Dot names are not queries (file managers probe `.hidden`, `.Trash`…),
    /// so they are plain ENOENT.
    func queryDirectory(_ name: String, creating: Bool) throws -> NodeAttributes {
        if name.hasPrefix(".") {
            if creating { throw FSError(EINVAL, "query names cannot start with '.'") }
            throw FSError(ENOENT)
        }
        _ = try queries.results(for: name)  // runs the query now, so a bad name, a bad library or a store error surfaces here
        if creating { queries.remember(name) }
        return directoryAttributes(.query(queries.slot(for: name)))
    }

    /// `mkdir search/<query>`: the same as looking it up.
    public func makeDirectory(parent: UInt64, name: String) throws(FSError) -> NodeAttributes {
        guard Node(inode: parent) == .search else { throw refuseWrite("mkdir", parent, name) }
        return try answer("mkdir", describe(parent, name)) { try queryDirectory(name, creating: true) }
    }

    /// `rmdir search/<query>`: forgets a saved query. Any valid name is a query directory, saved or not,
    /// so rmdir of one that is not saved succeeds too (there is nothing to forget); a bad name is EINVAL.
    public func removeDirectory(parent: UInt64, name: String) throws(FSError) {
        guard Node(inode: parent) == .search else { throw refuseWrite("rmdir", parent, name) }
        try answer("rmdir", describe(parent, name)) {
            if name.hasPrefix(".") { throw FSError(ENOENT) }
            do { _ = try QueryParser.parse(name) } catch let error as QueryError { throw FSError(error.errno, "bad query '\(name)': \(error.reason)") }
            _ = try queries.forget(name)
        }
    }
}
