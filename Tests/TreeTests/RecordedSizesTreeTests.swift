import Foundation
import Store
import Testing
import TestSupport
@testable import Tree

/// `ls -l documents/` over a built index renders nothing, and every size it shows is the size of the
/// bytes `cat` then reads.
@Suite struct RecordedSizesTreeTests {
    @Test func readdirplusUsesRecordedSizesThatMatchTheBytes() throws {
        let f = try PensieveFixture()
        let library = try f.addLibrary("screenshots")
        for day in 10..<20 {
            try f.addEntity(library: library, filepath: "/s/\(day).png", created: "2026-01-\(day) 08:00:00.000000",
                            app: day % 2 == 0 ? "Firefox" : nil,
                            metadata: [Meta(key: "ocr_result", value: #"[{"rec_txt": "café day \#(day)", "score": 0.9}]"#, type: "JSON_DATA"),
                                       Meta(key: "note", value: String(repeating: "ü", count: day * 10))],
                            tags: day % 3 == 0 ? ["work"] : [])
        }
        let index = try SearchIndex(path: f.temp.path("index.sqlite"), source: f.path,
                                    sizer: { DocumentRenderer.size($0, library: $1) })
        let store = try f.openStore(index: index)
        try index.synchronize(from: store)
        let fs = RecallFileSystem(store: store, board: StatusBoard(), savedQueries: nil)

        let handle = try fs.openDirectory(Node.documents.inode)
        let entries = try fs.readDirectory(Node.documents.inode, handle: handle, after: 0, count: 100, plus: true)
            .filter { $0.name.hasSuffix(".md") }
        fs.releaseDirectory(handle: handle)
        #expect(entries.count == 10)
        #expect(fs.report.renders == 0)  // every size came from the index

        // A query directory over the same index: named and sized from it too, still no rendering.
        let query = try fs.makeDirectory(parent: Node.search.inode, name: "café")
        let queryHandle = try fs.openDirectory(query.inode)
        let results = try fs.readDirectory(query.inode, handle: queryHandle, after: 0, count: 100, plus: true)
            .filter { $0.name.hasSuffix(".md") }
        fs.releaseDirectory(handle: queryHandle)
        #expect(results.count == 10)
        #expect(fs.report.renders == 0)
        let byInode = { (a: NodeAttributes, b: NodeAttributes) in a.inode < b.inode }
        let resultAttributes: [NodeAttributes] = results.map(\.attributes).sorted(by: byInode)
        let entryAttributes: [NodeAttributes] = entries.map(\.attributes).sorted(by: byInode)
        #expect(resultAttributes == entryAttributes)

        for entry in entries {
            let file = try fs.open(entry.attributes.inode, writing: false)
            let bytes = try fs.read(handle: file.handle, offset: 0, size: 1 << 20)
            fs.release(handle: file.handle)
            #expect(bytes.count == entry.attributes.size, "\(entry.name)")
            #expect(try fs.attributes(entry.attributes.inode).size == entry.attributes.size)
        }
    }
}
