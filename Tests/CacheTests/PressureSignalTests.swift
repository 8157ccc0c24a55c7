@testable import Cache
import Foundation
import Testing

private let psiFile = """
    some avg10=12.50 avg60=3.20 avg300=0.90 total=123456
    full avg10=1.00 avg60=0.50 avg300=0.10 total=4567

    """

private let meminfo = """
    MemTotal:       16000000 kB
    MemFree:         1000000 kB
    MemAvailable:    4000000 kB
    Buffers:          200000 kB

    """

/// A fake `/proc` and `/sys/fs/cgroup` under one temporary directory.
struct FakeTree {
    let root: TemporaryDirectory
    init() throws { root = try TemporaryDirectory("pressure-signal") }
    var signal: PressureSignal { PressureSignal(procRoot: root.path + "/proc", cgroupRoot: root.path + "/cgroup") }
    func proc(_ relative: String, _ text: String) throws { try root.write("proc/" + relative, text) }
    func cgroup(_ relative: String, _ text: String) throws { try root.write("cgroup/" + relative, text) }

    /// A cgroup v2 hierarchy with this process in `/test`.
    func cgroupV2(current: Int = 800_000_000, max: String = "1000000000", high: String = "900000000",
                  inactiveFile: Int = 100_000_000, pressure: String? = psiFile) throws {
        try cgroup("cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma misc\n")
        try proc("self/cgroup", "0::/test\n")
        try cgroup("test/memory.current", "\(current)\n")
        try cgroup("test/memory.max", max + "\n")
        try cgroup("test/memory.high", high + "\n")
        try cgroup("test/memory.stat", "anon 600000000\nfile 150000000\nactive_file 50000000\ninactive_file \(inactiveFile)\n")
        if let pressure { try cgroup("test/memory.pressure", pressure) }
    }

    /// A cgroup v1 hierarchy with the memory controller's path `/test`.
    func cgroupV1(usage: Int = 600_000_000, limit: String = "1000000000") throws {
        try proc("self/cgroup", "12:pids:/user.slice\n4:memory:/test\n3:cpu,cpuacct:/test\n1:name=systemd:/test\n")
        try cgroup("memory/test/memory.usage_in_bytes", "\(usage)\n")
        try cgroup("memory/test/memory.limit_in_bytes", limit + "\n")
        try cgroup("memory/test/memory.stat", "cache 200000000\ninactive_file 1\ntotal_inactive_file 150000000\n")
    }
}

@Suite struct PressureSignalTests {
    let tree: FakeTree
    init() throws { tree = try FakeTree() }

    @Test func cgroupV2() throws {
        try tree.cgroupV2()
        try tree.proc("meminfo", meminfo)  // present, but the cgroup comes first
        let reading = try #require(tree.signal.read())
        #expect(reading.source == "cgroup-v2")
        #expect(reading.usedBytes == 700_000_000)     // current minus inactive_file
        #expect(reading.limitBytes == 900_000_000)    // the lower of memory.max and memory.high
        #expect(reading.stallPercent == 12.5)
        #expect(reading.availableBytes == 200_000_000)
        #expect(abs(reading.usedFraction - 7.0 / 9.0) < 1e-12)
    }

    @Test func cgroupV2WithoutAHighLimit() throws {
        try tree.cgroupV2(high: "max", pressure: nil)
        let reading = try #require(tree.signal.read())
        #expect(reading.source == "cgroup-v2")
        #expect(reading.limitBytes == 1_000_000_000)
        #expect(reading.stallPercent == nil)
    }

    @Test func cgroupV2AtTheRoot() throws {
        try tree.cgroup("cgroup.controllers", "memory pids\n")
        try tree.proc("self/cgroup", "0::/\n")
        try tree.cgroup("memory.current", "300\n")
        try tree.cgroup("memory.max", "1000\n")
        try tree.cgroup("memory.high", "max\n")
        let reading = try #require(tree.signal.read())
        #expect(reading == PressureSignal.Reading(source: "cgroup-v2", usedBytes: 300, limitBytes: 1000, stallPercent: nil))
    }

    @Test func cachedFilePagesLargerThanUsageCountAsNothing() throws {
        try tree.cgroupV2(current: 50_000_000, inactiveFile: 100_000_000)
        #expect(tree.signal.read()?.usedBytes == 0)
    }

    @Test func anUnlimitedCgroupV2FallsThroughToTheSystem() throws {
        try tree.cgroupV2(max: "max", high: "max")
        try tree.proc("meminfo", meminfo)
        let reading = try #require(tree.signal.read())
        #expect(reading.source == "meminfo")
        #expect(reading.limitBytes == 16_000_000 * 1024)
    }

    @Test func withoutTheMemoryControllerThereIsNoCgroupV2Reading() throws {
        try tree.cgroupV2()
        try tree.cgroup("cgroup.controllers", "cpu io pids\n")
        #expect(tree.signal.read() == nil)
    }

    @Test func cgroupV1() throws {
        try tree.cgroupV1()
        try tree.proc("pressure/memory", psiFile)
        try tree.proc("meminfo", meminfo)
        let reading = try #require(tree.signal.read())
        #expect(reading.source == "cgroup-v1")
        #expect(reading.usedBytes == 450_000_000)  // usage minus total_inactive_file (not inactive_file)
        #expect(reading.limitBytes == 1_000_000_000)
        #expect(reading.stallPercent == 12.5)      // system PSI: v1 has no per-cgroup pressure file
    }

    @Test func anUnlimitedCgroupV1FallsThroughToTheSystem() throws {
        try tree.cgroupV1(limit: "9223372036854771712")
        try tree.proc("pressure/memory", psiFile)
        try tree.proc("meminfo", meminfo)
        let reading = try #require(tree.signal.read())
        #expect(reading.source == "psi")
        #expect(reading.usedBytes == 12_000_000 * 1024)
    }

    @Test func psiWithMeminfo() throws {
        try tree.proc("pressure/memory", psiFile)
        try tree.proc("meminfo", meminfo)
        let reading = try #require(tree.signal.read())
        #expect(reading == PressureSignal.Reading(source: "psi", usedBytes: 12_000_000 * 1024,
                                                  limitBytes: 16_000_000 * 1024, stallPercent: 12.5))
        #expect(reading.usedFraction == 0.75)
        #expect(reading.availableBytes == 4_000_000 * 1024)
    }

    @Test func meminfoAlone() throws {
        try tree.proc("meminfo", meminfo)
        let reading = try #require(tree.signal.read())
        #expect(reading == PressureSignal.Reading(source: "meminfo", usedBytes: 12_000_000 * 1024,
                                                  limitBytes: 16_000_000 * 1024, stallPercent: nil))
    }

    @Test func psiWithoutMeminfoIsNotEnough() throws {
        try tree.proc("pressure/memory", psiFile)
        #expect(tree.signal.read() == nil)
    }

    @Test func nothingReadableIsNil() throws {
        #expect(tree.signal.read() == nil)
        try tree.proc("meminfo", "MemTotal: 16000000 kB\n")  // no MemAvailable
        #expect(tree.signal.read() == nil)
        try tree.proc("self/cgroup", "0::/test\n")  // a path, but no hierarchy
        #expect(tree.signal.read() == nil)
    }

    @Test func aReadingWithoutALimitIsNotAFraction() {
        let reading = PressureSignal.Reading(source: "meminfo", usedBytes: 10, limitBytes: 0, stallPercent: nil)
        #expect(reading.usedFraction == 0 && reading.availableBytes == 0)
    }
}
