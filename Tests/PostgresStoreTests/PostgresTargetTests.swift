@testable import PostgresStore
import Store
import Testing

/// `PostgresTarget`: libpq's own parsing of URIs and keyword strings, the password refusal, and the
/// host list rotated per pooled connection.
@Suite struct PostgresTargetTests {
    @Test func aMultiHostURINamesEveryServerInOrder() throws {
        let target = try PostgresTarget("postgresql://reader@10.0.0.1:5432,10.0.0.2:5433/pensieve?target_session_attrs=prefer-standby")
        #expect(target.servers == ["10.0.0.1:5432", "10.0.0.2:5433"])
        #expect(target.given["target_session_attrs"] == "prefer-standby")
        #expect(target.displayName == "postgresql://reader@10.0.0.1:5432,10.0.0.2:5433/pensieve")
    }

    @Test func aKeywordStringWithOnePortAppliesItToEveryHost() throws {
        let target = try PostgresTarget("host=a,b port=6000 dbname=memos")
        #expect(target.servers == ["a:6000", "b:6000"])
        #expect(PostgresTarget.isPostgres("host=a,b port=6000 dbname=memos"))
        #expect(!PostgresTarget.isPostgres("/home/me/.memos/database.db"))
        #expect(!PostgresTarget.isPostgres("/tmp/host=odd/database.db"))
    }

    @Test(arguments: ["postgresql://u:hunter2@h/db", "host=h password=hunter2 dbname=db"])
    func aPasswordIsRefusedAndNeverRepeated(conninfo: String) {
        do {
            _ = try PostgresTarget(conninfo)
            Issue.record("accepted a password")
        } catch {
            let text = "\(error)"
            #expect(text.contains("PGPASSWORD or ~/.pgpass"))
            #expect(!text.contains("hunter2"))
        }
    }

    @Test func aStringLibpqCannotReadIsInvalid() {
        #expect(throws: StoreError.self) { try PostgresTarget("postgresql://h/db?nosuchoption=1") }
    }

    @Test func eachNewConnectionStartsAtTheNextServer() throws {
        let target = try PostgresTarget("postgresql://u@a:1,b:2,c:3/db")
        func hosts(_ index: Int) -> String? {
            Dictionary(target.parameters(rotatedBy: index, statementTimeout: 5, connectTimeout: 2), uniquingKeysWith: { $1 })["host"]
        }
        #expect(hosts(0) == "a,b,c")
        #expect(hosts(1) == "b,c,a")
        #expect(hosts(4) == "b,c,a")
        let ports = Dictionary(target.parameters(rotatedBy: 2, statementTimeout: 5, connectTimeout: 2), uniquingKeysWith: { $1 })["port"]
        #expect(ports == "3,1,2")
    }

    @Test func everySessionIsReadOnlyWithAStatementTimeout() throws {
        let target = try PostgresTarget("postgresql://u@a/db?options=-c%20search_path%3Dpensieve")
        let parameters = Dictionary(target.parameters(rotatedBy: 0, statementTimeout: 1.5, connectTimeout: 0.5), uniquingKeysWith: { $1 })
        let options = try #require(parameters["options"])
        #expect(options.hasPrefix("-c search_path=pensieve "))  // the user's own options are kept
        #expect(options.contains("default_transaction_read_only=on"))
        #expect(options.contains("statement_timeout=1500"))
        #expect(parameters["connect_timeout"] == "2")  // libpq's minimum
        #expect(parameters["password"] == nil)
    }

    @Test func aHealthPingReachesOneServerOnly() throws {
        let target = try PostgresTarget("postgresql://u@a:1,b:2/db?target_session_attrs=read-write")
        let second = Dictionary(target.parameters(onlyServer: 1, connectTimeout: 2), uniquingKeysWith: { $1 })
        #expect(second["host"] == "b" && second["port"] == "2" && second["target_session_attrs"] == "any")
    }
}
