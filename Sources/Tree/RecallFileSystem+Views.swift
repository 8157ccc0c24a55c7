import FoundationEssentials
import Glibc
import Store

/// The views of screen history as people remember it: `timeline/` (by capture day, in the mount's
/// time zone), `recent/` (the last 100 captures), `apps/` (by active app), `images/` (the screenshot
/// itself) and `around/<id>/` (the captures before and after one). Every document file in them is the
/// same file as in `documents/`: the same inode, bytes and size.
extension RecallFileSystem {
    /// `recent/` is the list-mode query for the newest 100 captures, with its result cache and names.
    static let recentQuery = "limit:100"

    /// Names in the root directory, in listing order.
    static let rootChildren: [(String, Node)] = [
        ("README", .readme), ("documents", .documents), ("libraries", .libraries), ("search", .search),
        ("timeline", .timeline), ("recent", .recent), ("apps", .apps), ("images", .images), ("around", .around),
        (".status", .statusDirectory),
    ]

    // MARK: - Lookup

    /// `name` in one of the views' directories; nil when `node` is not one of them.
    func lookupInView(_ node: Node, _ name: String) throws -> NodeAttributes? {
        switch node {
        case .timeline:
            guard let year = TimelinePeriod.year(named: name), try Timeline.exists(year, store: store) else { throw FSError(ENOENT) }
            return directoryAttributes(.period(year))
        case .period(let period) where period.day == nil:
            guard let child = period.child(named: name), try Timeline.exists(child, store: store) else { throw FSError(ENOENT) }
            return directoryAttributes(.period(child))
        case .period(let day):
            // `<HHMMSS>-<id>-<slug>.md`: any such name of a document captured that day.
            let (start, end) = day.range
            guard name.hasSuffix(".md"), let id = FileNaming.resultID(name) else { throw FSError(ENOENT) }
            return try documentFiles.entry(id: id) { $0.createdAt >= start && $0.createdAt < end }
        case .recent:
            return try queries.entry(named: name, query: Self.recentQuery)
        case .apps:
            guard try apps.groups(store).byName[name] != nil else { throw FSError(ENOENT) }
            return directoryAttributes(.app(apps.slot(for: name)))
        case .app(let slot):
            guard let match = try appMatch(slot), name.hasSuffix(".md"), let id = FileNaming.documentID(name) else { throw FSError(ENOENT) }
            return try documentFiles.entry(id: id) { match.admits($0.app) }
        case .images:
            guard let id = FileNaming.documentID(name) else { throw FSError(ENOENT) }
            return try images.attributes(id: id)
        case .around:
            // `around/1234` or `around/1234-<slug>.md`: the name of a document file works too.
            guard let id = Int64(name) ?? FileNaming.documentID(name), try store.entitySummary(id: id) != nil else { throw FSError(ENOENT) }
            return directoryAttributes(.neighbourhood(id))
        case .neighbourhood(let id):
            guard let entry = try neighbourhoodEntries(id).first(where: { $0.name == name }) else { throw FSError(ENOENT) }
            return entry.attributes
        default:
            return nil
        }
    }

    func appMatch(_ slot: Int64) throws -> AppMatch? {
        guard let name = apps.name(forSlot: slot) else { return nil }
        return try apps.groups(store).byName[name]
    }

    // MARK: - Attributes

    /// `stat` of a view's inode; nil when `node` is not one of the views'.
    func viewAttributes(_ node: Node) throws -> NodeAttributes? {
        switch node {
        case .timeline, .recent, .apps, .images, .around: return directoryAttributes(node)
        case .period(let period):
            guard try Timeline.exists(period, store: store) else { throw FSError(ENOENT) }
            return directoryAttributes(node)
        case .app(let slot):
            guard try appMatch(slot) != nil else { throw FSError(ENOENT) }
            return directoryAttributes(node)
        case .image(let id):
            return try images.attributes(id: id)
        case .neighbourhood(let id):
            guard try store.entitySummary(id: id) != nil else { throw FSError(ENOENT) }
            return directoryAttributes(node)
        default:
            return nil
        }
    }

    // MARK: - Listings

    /// The filter of a view listed page by page from the store, if `node` is one.
    func streamedFilter(_ node: Node) throws -> DocumentFilter? {
        switch node {
        case .documents: return DocumentFilter()
        case .library(let id): return DocumentFilter(library: id)
        case .period(let day) where day.day != nil:
            let (start, end) = day.range
            return DocumentFilter(createdFrom: start, createdBefore: end)
        case .app(let slot):
            guard let match = try appMatch(slot) else { throw FSError(ENOENT) }
            return DocumentFilter(app: match)
        case .images: return DocumentFilter(imagesOnly: true)
        default: return nil
        }
    }

    /// One page of a streamed view (see `streamedFilter`), named as the view names its files.
    func streamedPage(_ node: Node, filter: DocumentFilter, afterID: Int64, count: Int, plus: Bool,
                      buffer: ListingBuffer?) throws -> [DirectoryEntry] {
        switch node {
        case .images:
            let listed = try documentFiles.listedPage(filter: filter, board: board, afterID: afterID, count: count, buffer: buffer)
            return try images.page(listed, plus: plus)
        case .period:
            return try documentFiles.page(filter: filter, naming: Timeline.documentName, board: board, afterID: afterID,
                                          count: count, plus: plus, buffer: buffer)
        default:
            return try documentFiles.page(filter: filter, board: board, afterID: afterID, count: count, plus: plus, buffer: buffer)
        }
    }

    /// The listings of views that are small and known at once: the timeline's years and months, the
    /// apps; nil when `node` is not one of them.
    func fixedViewChildren(_ node: Node) throws -> [(String, Node)]? {
        switch node {
        case .timeline: return try Timeline.children(of: nil, store: store).map { ($0.name, .period($0)) }
        case .period(let period) where period.day == nil:
            return try Timeline.children(of: period, store: store).map { ($0.name, .period($0)) }
        case .apps: return try apps.groups(store).names.map { ($0, .app(apps.slot(for: $0))) }
        case .around: return []  // any document's id is a directory here; listing them all would be documents/ again
        default: return nil
        }
    }

    /// `around/<id>/`: `-05-…` to `-01-…` before, `+00-…` the document itself, `+01-…` to `+05-…`
    /// after (with `--context 5`), in capture order within its library.
    func neighbourhoodEntries(_ id: Int64) throws -> [DirectoryEntry] {
        guard let found = try store.neighbours(of: id, count: options.context) else { throw FSError(ENOENT) }
        let ids = found.before + [id] + found.after
        let offsets = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($0.element, $0.offset - found.before.count) })
        return try documentFiles.entries(for: ids) { _, summary in
            let offset = offsets[summary.id] ?? 0
            return (offset < 0 ? "-" : "+") + TimelinePeriod.twoDigits(abs(offset)) + "-" + FileNaming.documentName(summary)
        }
    }
}
