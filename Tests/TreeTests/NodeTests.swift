import Testing
import Tree

@Suite struct NodeTests {
    static let ids: [Int64] = [0, 1, 2, 42, 65_535, 1 << 32, (1 << 40) - 1]

    static var everyNode: [Node] {
        var nodes: [Node] = [.root, .readme, .documents, .libraries, .search, .statusDirectory]
        nodes += StatusFile.allCases.map(Node.statusFile)
        for id in ids { nodes += [.document(id), .library(id), .query(id)] }
        return nodes
    }

    @Test(arguments: everyNode)
    func inodeRoundTrip(_ node: Node) {
        #expect(Node(inode: node.inode) == node)
        #expect(node.inode != 0)
    }

    @Test func inodesAreDistinct() {
        let inodes = Self.everyNode.map(\.inode)
        #expect(Set(inodes).count == inodes.count)
    }

    @Test func fixedInodes() {
        #expect(Node.root.inode == 1)  // FUSE_ROOT_ID
        #expect(Node.readme.inode == 2)
        #expect(Node.documents.inode == 3)
        #expect(Node.libraries.inode == 4)
        #expect(Node.search.inode == 5)
        #expect(Node.statusDirectory.inode == 6)
        #expect(Node.statusFile(.health).inode == 16)
        #expect(Node.document(5).inode == (1 << 40) | 5)
        #expect(Node.library(5).inode == (2 << 40) | 5)
        #expect(Node.query(5).inode == (3 << 40) | 5)
    }

    static let unknown: [UInt64] = [0, 12, 15, 9 << 40, 16 + UInt64(StatusFile.allCases.count), 1000, (1 << 40) - 1,
                                    5 << 40, (5 << 40) | 9, UInt64.max, 1 << 63]

    @Test(arguments: unknown)
    func unknownInodes(_ inode: UInt64) {
        #expect(Node(inode: inode) == nil)
    }

    @Test(arguments: StatusFile.allCases)
    func statusFileNamesRoundTrip(_ file: StatusFile) {
        #expect(StatusFile(rawValue: file.rawValue) == file)
        #expect(Node(inode: Node.statusFile(file).inode) == .statusFile(file))
    }

    @Test func statusFileNames() {
        #expect(StatusFile.allCases.map(\.rawValue) == ["health", "health.json", "backend", "errors", "metrics", "metrics.prom", "cache", "cache.json", "memory", "memory.json", "events"])
    }

    @Test func directoriesAndFiles() {
        for node in [Node.root, .documents, .libraries, .search, .statusDirectory, .library(1), .query(1)] {
            #expect(node.isDirectory, "\(node)")
        }
        for node in [Node.readme, .statusFile(.health), .statusFile(.errors), .document(1)] {
            #expect(!node.isDirectory, "\(node)")
        }
    }

    @Test func sameDocumentHasOneInode() {
        #expect(Node.document(42).inode == Node(inode: Node.document(42).inode)!.inode)
        #expect(Node.document(42).inode != Node.library(42).inode)
        #expect(Node.document(42).inode != Node.query(42).inode)
    }

    /// Ids outside 1..<2^40 (crafted or foreign databases) get inodes of their own: no trap, no
    /// collision with the small id they equal modulo 2^40, and a round trip back to the id.
    @Test func unusualIDsGetUniqueInodes() {
        let ids: [Int64] = [0, -1, -5, Int64.min, 1 << 40, (1 << 40) + 5, Int64.max, Int64.max - 1]
        var seen: Set<UInt64> = [Node.document(5).inode, Node.document(1).inode]
        for id in ids {
            for node in [Node.document(id), Node.library(id)] {
                #expect(seen.insert(node.inode).inserted, "inode of \(node) collides")
                #expect(Node(inode: node.inode) == node)
                #expect(node.inode == node.inode)  // stable
            }
        }
    }
}
