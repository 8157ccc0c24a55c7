import ArgumentParser
import FoundationEssentials
import Store

/// `recallfs index DIR --db PATH`: builds or updates a Pensieve-format database from text files.
struct IndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Build or update a Pensieve-format database from the text and markdown files under DIR.")

    @Argument(help: "Folder to index (recursively; hidden files are skipped).")
    var directory: String

    @Option(help: "Database to create or update.")
    var db: String

    @Option(help: "Library name (default: the folder's name).")
    var library: String?

    func run() throws {
        let dir = Mountpoint.absolute(directory)
        let name = library ?? URL(fileURLWithPath: dir).lastPathComponent
        do {
            let report = try PensieveDatabaseBuilder(databasePath: Mountpoint.absolute(db)).index(directory: dir, libraryName: name)
            print("recallfs: indexed \(dir) into \(db) (library '\(name)'): \(report.added) added, \(report.updated) updated, "
                  + "\(report.removed) removed, \(report.unchanged) unchanged")
        } catch let error as StoreError {
            exitWithMessage(StorePlan.plain(error))
        }
    }
}
