import FoundationEssentials
import Store
import Synchronization

/// The directories of `apps/`: one per active app, named by the naming rules (`/` shown as `∕`,
/// control characters as `-`, at most 255 bytes), `(none)` for documents without an app. Apps whose
/// names clean to the same directory name share it (its `AppMatch` holds every value).
///
/// The app list is asked of the store at most every `ttl` seconds (one index seek per app); slots
/// (inodes) are kept per directory name, bounded like query slots.
final class AppDirectories: Sendable {
    static let noAppName = "(none)"
    static let maxSlots = 65_536
    let ttl: TimeInterval

    private struct State {
        var groups: (at: Date, byName: [String: AppMatch], names: [String])?
        var slots: [String: Int64] = [:]
        var names: [Int64: String] = [:]
        var next: Int64 = 1
    }
    private let state = Mutex(State())

    init(ttl: TimeInterval) { self.ttl = ttl }

    /// The directory name of an app value (nil: no app).
    static func directoryName(_ app: String?) -> String {
        guard let app else { return noAppName }
        let name = FileNaming.directoryName(app)
        return name.isEmpty ? noAppName : name
    }

    /// Directory names in order, each with the app values it lists.
    func groups(_ store: DocumentStore) throws -> (byName: [String: AppMatch], names: [String]) {
        if let kept = state.withLock({ $0.groups }), Date().timeIntervalSince(kept.at) < ttl { return (kept.byName, kept.names) }
        var byName: [String: AppMatch] = [:]
        for app in try store.appNames(library: nil) {
            let name = Self.directoryName(app)
            var match = byName[name] ?? AppMatch(values: [])
            if let app { match.values.append(app) } else { match.orNone = true }  // "" is under (none) too
            byName[name] = match
        }
        let names = byName.keys.sorted()
        state.withLock { $0.groups = (Date(), byName, names) }
        return (byName, names)
    }

    /// Forgets the app list (after documents changed: a new app may have appeared).
    func invalidate() { state.withLock { $0.groups = nil } }

    func slot(for name: String) -> Int64 {
        state.withLock { s in
            if let slot = s.slots[name] { return slot }
            if s.slots.count >= Self.maxSlots { s.slots.removeAll(); s.names.removeAll() }
            let slot = s.next
            s.next += 1
            s.slots[name] = slot
            s.names[slot] = name
            return slot
        }
    }

    func name(forSlot slot: Int64) -> String? { state.withLock { $0.names[slot] } }
}
