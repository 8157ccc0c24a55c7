import CFuse
import FoundationEssentials
import Glibc
import Logging
import Synchronization
import Tree

/// The context handed to libfuse as userdata: what every callback needs.
final class FUSEContext: Sendable {
    let tree: RecallFileSystem
    /// The kernel supports opening files without asking (FUSE_CAP_NO_OPEN_SUPPORT): `open` is then
    /// answered ENOSYS once, and files are read by inode with their pages cached (see `opOpen`).
    let opensInKernel = Atomic<Bool>(false)
    init(tree: RecallFileSystem) { self.tree = tree }
}

/// A mounted libfuse low-level session: mount, serve on a multi-threaded loop, unmount.
///
/// Shutdown: SIGTERM, SIGINT and SIGHUP go to libfuse's handlers, which end the loop; `fusermount3 -u`
/// ends it too (the device read fails). Both paths come back through `run()`, which unmounts.
public final class FUSESession {
    public enum MountError: Error, CustomStringConvertible {
        case setup(String)
        public var description: String { if case .setup(let reason) = self { return reason }; return "" }
    }

    private let session: OpaquePointer
    private let context: Unmanaged<FUSEContext>
    private var ops: fuse_lowlevel_ops
    private let logger = Logger(label: "recallfs.fuse")
    private let notifier: SessionNotifier
    public let mountpoint: String

    /// Creates the session and mounts it. When this returns, the mount is live in the kernel
    /// (requests queue until `run()` starts serving them).
    public init(tree: RecallFileSystem, mountpoint: String, options: [String], debug: Bool) throws {
        self.mountpoint = mountpoint
        ops = makeLowLevelOperations()
        context = Unmanaged.passRetained(FUSEContext(tree: tree))
        var args = fuse_args(argc: 0, argv: nil, allocated: 0)
        defer { fuse_opt_free_args(&args) }
        var argv = ["recallfs"]
        if debug { argv.append("-d") }
        for option in options where !option.isEmpty { argv += ["-o", option] }
        for arg in argv { fuse_opt_add_arg(&args, arg) }
        guard let session = fuse_session_new(&args, &ops, MemoryLayout<fuse_lowlevel_ops>.size, context.toOpaque()) else {
            context.release()
            throw MountError.setup("libfuse rejected the mount options: \(options.joined(separator: ","))")
        }
        self.session = session
        // libfuse only installs its handlers over SIG_DFL; a daemon started from a background job
        // inherits SIGINT ignored, so reset first.
        for signal in [SIGTERM, SIGINT, SIGHUP] { Glibc.signal(signal, SIG_DFL) }
        guard fuse_set_signal_handlers(session) == 0 else {
            fuse_session_destroy(session)
            context.release()
            throw MountError.setup("cannot install signal handlers")
        }
        guard fuse_session_mount(session, mountpoint) == 0 else {
            fuse_remove_signal_handlers(session)
            fuse_session_destroy(session)
            context.release()
            throw MountError.setup("cannot mount on \(mountpoint) (see the lines above; is /dev/fuse usable?)")
        }
        notifier = SessionNotifier(session: session)
        tree.attach(notifier: notifier)
    }

    /// Serves requests until unmount or a termination signal, then unmounts and frees the session.
    /// Returns the loop's result (0, or the signal number that ended it).
    public func run() -> Int32 {
        // API 31's multi-threaded loop (fuse_session_loop_mt is a macro Swift cannot call).
        let result = fuse_session_loop_mt_31(session, 0)
        logger.info("session loop ended (\(result)); unmounting \(mountpoint)")
        notifier.end()
        fuse_remove_signal_handlers(session)
        fuse_session_unmount(session)
        fuse_session_destroy(session)
        context.release()
        return result
    }
}
