/// The inode space. Inodes are computed from ids, not allocated, so they are stable across lookups,
/// forgets and remounts, and a document has the same inode in `documents/`, `libraries/…/` and every
/// query directory (one page cache for all of them).
///
/// Ids in `1..<2^40` (every id Pensieve hands out in practice) map to `base | id`. Any other Int64 id
/// (zero, negative, 2^40 and above, from a crafted or foreign database) gets an inode from
/// `WideIDs`, a table of its own range, so that no two ids can ever share an inode.
public enum Node: Equatable, Sendable {
    case root, readme, documents, libraries, search, statusDirectory
    case timeline, recent, apps, images, around
    case statusFile(StatusFile)
    case document(Int64)
    case library(Int64)
    /// A query directory, by its slot in `QueryDirectories`.
    case query(Int64)
    /// `timeline/YYYY`, `timeline/YYYY/MM` or `timeline/YYYY/MM/DD`.
    case period(TimelinePeriod)
    /// `apps/<app>`, by its slot in `AppDirectories`.
    case app(Int64)
    /// `images/<id>-<slug>.<ext>`: the original file of an image entity.
    case image(Int64)
    /// `around/<id>`: the captures before and after document `id`.
    case neighbourhood(Int64)

    static let documentBase: UInt64 = 1 << 40
    static let libraryBase: UInt64 = 2 << 40
    static let queryBase: UInt64 = 3 << 40
    /// Inodes handed out by `WideIDs` for ids outside `1..<2^40`.
    static let wideBase: UInt64 = 4 << 40
    static let periodBase: UInt64 = 5 << 40
    static let appBase: UInt64 = 6 << 40
    static let imageBase: UInt64 = 7 << 40
    static let neighbourhoodBase: UInt64 = 8 << 40
    static let statusBase: UInt64 = 16
    static let idMask: UInt64 = (1 << 40) - 1

    /// True when `id` maps straight into its kind's range.
    static func isCompact(_ id: Int64) -> Bool { id > 0 && id <= Int64(idMask) }

    static func inode(base: UInt64, kind: WideIDs.Kind, _ id: Int64) -> UInt64 {
        isCompact(id) ? base | UInt64(id) : WideIDs.shared.inode(kind, id)
    }

    public init?(inode: UInt64) {
        switch inode {
        case 1: self = .root
        case 2: self = .readme
        case 3: self = .documents
        case 4: self = .libraries
        case 5: self = .search
        case 6: self = .statusDirectory
        case 7: self = .timeline
        case 8: self = .recent
        case 9: self = .apps
        case 10: self = .images
        case 11: self = .around
        case Self.statusBase..<(Self.statusBase + UInt64(StatusFile.allCases.count)):
            self = .statusFile(StatusFile.allCases[Int(inode - Self.statusBase)])
        default:
            let id = Int64(inode & Self.idMask)
            switch inode & ~Self.idMask {
            case Self.documentBase: self = .document(id)
            case Self.libraryBase: self = .library(id)
            case Self.queryBase: self = .query(id)
            case Self.periodBase:
                guard let period = TimelinePeriod(code: id) else { return nil }
                self = .period(period)
            case Self.appBase: self = .app(id)
            case Self.imageBase: self = .image(id)
            case Self.neighbourhoodBase: self = .neighbourhood(id)
            default:
                guard let (kind, id) = WideIDs.shared.id(forInode: inode) else { return nil }
                switch kind {
                case .document: self = .document(id)
                case .library: self = .library(id)
                case .image: self = .image(id)
                case .neighbourhood: self = .neighbourhood(id)
                }
            }
        }
    }

    public var inode: UInt64 {
        switch self {
        case .root: return 1
        case .readme: return 2
        case .documents: return 3
        case .libraries: return 4
        case .search: return 5
        case .statusDirectory: return 6
        case .timeline: return 7
        case .recent: return 8
        case .apps: return 9
        case .images: return 10
        case .around: return 11
        case .statusFile(let file): return Self.statusBase + UInt64(StatusFile.allCases.firstIndex(of: file)!)
        case .document(let id): return Self.inode(base: Self.documentBase, kind: .document, id)
        case .library(let id): return Self.inode(base: Self.libraryBase, kind: .library, id)
        case .query(let slot): return Self.queryBase | (UInt64(truncatingIfNeeded: slot) & Self.idMask)
        case .period(let period): return Self.periodBase | UInt64(period.code)
        case .app(let slot): return Self.appBase | (UInt64(truncatingIfNeeded: slot) & Self.idMask)
        case .image(let id): return Self.inode(base: Self.imageBase, kind: .image, id)
        case .neighbourhood(let id): return Self.inode(base: Self.neighbourhoodBase, kind: .neighbourhood, id)
        }
    }

    public var isDirectory: Bool {
        switch self {
        case .readme, .statusFile, .document, .image: return false
        default: return true
        }
    }
}

/// The files under `.status/`.
public enum StatusFile: String, CaseIterable, Sendable {
    case health
    case healthJSON = "health.json"
    case backend
    case errors
    case metrics
    case metricsProm = "metrics.prom"
    case cache
    case cacheJSON = "cache.json"
    case memory
    case memoryJSON = "memory.json"
    case events
}

/// What `stat` shows for a node.
public struct NodeAttributes: Equatable, Sendable {
    public var inode: UInt64
    public var isDirectory: Bool
    /// Permission bits only (the file type comes from `isDirectory`).
    public var permissions: UInt32
    public var size: Int64
    public var modified: Int64
    /// The nanoseconds of `modified` (status files, whose content can change within a second).
    public var modifiedNanoseconds: Int32 = 0
    public var changed: Int64
    public var links: UInt32

    /// A read-only file (0444).
    public static func file(_ node: Node, size: Int, modified: Int64, changed: Int64) -> NodeAttributes {
        NodeAttributes(inode: node.inode, isDirectory: false, permissions: 0o444, size: Int64(size),
                       modified: modified, changed: changed, links: 1)
    }

    public init(inode: UInt64, isDirectory: Bool, permissions: UInt32, size: Int64, modified: Int64, changed: Int64, links: UInt32) {
        self.inode = inode; self.isDirectory = isDirectory; self.permissions = permissions; self.size = size
        self.modified = modified; self.changed = changed; self.links = links
    }
}

/// One directory entry handed to readdir; `attributes` is complete when readdirplus asked for it.
public struct DirectoryEntry: Equatable, Sendable {
    public var name: String
    public var attributes: NodeAttributes
    /// The offset cookie that resumes the listing after this entry.
    public var cookie: Int64
}

/// An error answer for a FUSE request: an errno and, for the log and `.status/errors`, why.
public struct FSError: Error, Equatable {
    public var errno: Int32
    public var reason: String?
    public init(_ errno: Int32, _ reason: String? = nil) { self.errno = errno; self.reason = reason }
}
