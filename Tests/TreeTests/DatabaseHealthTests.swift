import StatusFiles
import Store
import Testing
import TestSupport
import Tree

/// Health over a database that can be degraded (one server of a PostgreSQL list down) or unavailable
/// (none answers): the words and the reasons that `.status/health` and `health.json` show.
@Suite struct DatabaseHealthTests {
    let database = FakeDatabaseStore(base: MockDocumentStore(libraries: [Library(id: 1, name: "shots", kind: "record")]))

    func status() -> StatusFiles {
        let failover = FailoverStore(api: nil, local: database, budget: 1)
        let tree = RecallFileSystem(store: failover, board: StatusBoard(), savedQueries: nil)
        let status = StatusFiles(tree: tree, failover: failover)
        tree.attach(status: status)
        return status
    }

    @Test func allServersAnsweringIsOK() {
        #expect(status().health == "ok")
        #expect(String(decoding: status().statusContent(.backend), as: UTF8.self) == "postgresql 10.0.0.1:5432\n")
    }

    @Test func oneServerDownIsDegradedAndNamed() {
        database.setDegradation("postgresql 10.0.0.1:5432 does not answer (no response); reading from the other servers")
        let s = status()
        #expect(s.health == "degraded")
        #expect(s.statusLine.contains("10.0.0.1:5432 does not answer"))
    }

    @Test func noServerAnsweringAndNoAPIIsDown() {
        database.setProblem("cannot connect to PostgreSQL: no server answers")
        let s = status()
        #expect(s.health == "down")
        #expect(s.statusLine.contains("no server answers"))
    }
}
