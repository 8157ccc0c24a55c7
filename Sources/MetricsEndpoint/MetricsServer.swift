import FoundationEssentials
import Hummingbird
import Logging
import StatusFiles

/// `--metrics-addr HOST:PORT`: Prometheus's `/metrics` (the content of `.status/metrics.prom`) and
/// `/health` (200 when `.status/health` is `ok`, 503 otherwise, the body `.status/health.json`),
/// served by Hummingbird on its own event loop and Swift's concurrency threads, never on a FUSE
/// worker, so a scrape never waits behind file system requests and a hung mount still reports.
public enum MetricsServer {
    /// Starts serving in the background; returns at once. A port that cannot be bound is logged.
    public static func start(host: String, port: Int, status: StatusFiles, logger: Logger) {
        let router = Router()
        router.get("/metrics") { _, _ -> Response in
            let body = status.content(.metricsProm)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
        router.get("/health") { _, _ -> Response in
            let ok = status.content(.health) == Array("ok\n".utf8)
            return Response(status: ok ? .ok : .serviceUnavailable, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(bytes: status.content(.healthJSON))))
        }
        var quiet = logger
        quiet.logLevel = .warning  // no line per scrape
        let app = Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "recallfs"),
                              logger: quiet)
        Task.detached {
            do {
                try await app.runService(gracefulShutdownSignals: [])
            } catch {
                logger.error("metrics endpoint on \(host):\(port) stopped: \(error)")
            }
        }
        logger.info("metrics endpoint: http://\(host):\(port)/metrics and /health")
    }
}
