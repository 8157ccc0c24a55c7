import Foundation
import Logging
import Store
import Tree

/// Keeps our FTS index in step with Pensieve's database: once at start, then every `interval` seconds.
/// After a sync that changed anything, cached query results are dropped so `ls search/<q>` re-runs.
struct IndexSyncLoop: Sendable {
    let store: PensieveSQLiteStore
    let index: SearchIndex
    let tree: RecallFileSystem
    let interval: Double
    let logger: Logger

    func start() {
        let thread = Thread { [self] in
            while true {
                syncOnce()
                Thread.sleep(forTimeInterval: interval)
            }
        }
        thread.name = "recallfs-index-sync"
        thread.start()
    }

    func syncOnce() {
        do {
            let result = try index.synchronize(from: store)
            if result.added + result.updated + result.removed > 0 {
                tree.invalidateSearchResults()
                logger.info("index: +\(result.added) ~\(result.updated) -\(result.removed), \(result.documents) documents, \(String(format: "%.2f", result.lastSyncSeconds)) s")
            }
        } catch {
            logger.error("index sync failed: \(error)")
        }
    }
}
