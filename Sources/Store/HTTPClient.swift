import CCurl
import FoundationEssentials
import Glibc
import Synchronization

/// A blocking HTTP client over libcurl, for FUSE worker threads.
///
/// Each thread reuses its own easy handle (kept in thread-local storage, so keep-alive connections are
/// reused without locking); a share handle pools connections and DNS between threads. `NOSIGNAL` is
/// set because timeouts must not raise SIGALRM in a multi-threaded daemon.
public final class HTTPClient: Sendable {
    /// An HTTP answer: status, the headers RecallFS reads, and the body.
    public struct Response: Sendable {
        public var status: Int
        public var headers: [String: String]
        public var body: Data
        public var seconds: Double
    }

    /// Why a request got no HTTP answer at all.
    public enum TransportError: Error, Sendable, CustomStringConvertible {
        case refused(String)
        case timedOut(String)
        case failed(String)
        public var description: String {
            switch self {
            case .refused(let r): return "connection failed: \(r)"
            case .timedOut(let r): return "timed out: \(r)"
            case .failed(let r): return "transfer failed: \(r)"
            }
        }
    }

    public let baseURL: String
    public let connectTimeout: Double
    public let timeout: Double
    /// The largest body accepted; a longer one aborts the transfer (a broken or hostile peer could
    /// otherwise stream until memory runs out). `limitBody` lowers it under a small memory budget.
    public let maxBodyBytes: Int
    private let bodyLimit: Mutex<Int>
    public var currentBodyLimit: Int { bodyLimit.withLock { $0 } }
    /// Lowers the body cap to `bytes` (never above `maxBodyBytes`, never below 1 MB).
    public func limitBody(to bytes: Int) { bodyLimit.withLock { $0 = max(1 << 20, min(maxBodyBytes, bytes)) } }
    public static let defaultMaxBodyBytes = 32 << 20

    public init(baseURL: String, connectTimeout: Double = 1, timeout: Double, maxBodyBytes: Int = defaultMaxBodyBytes) {
        CurlGlobal.ensureInitialised()
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.maxBodyBytes = maxBodyBytes
        bodyLimit = Mutex(maxBodyBytes)
    }

    public func get(_ path: String, timeout: Double? = nil) throws(TransportError) -> Response {
        try perform(path, method: "GET", body: nil, timeout: timeout ?? self.timeout)
    }

    public func post(_ path: String, json: Data, timeout: Double? = nil) throws(TransportError) -> Response {
        try perform(path, method: "POST", body: json, timeout: timeout ?? self.timeout)
    }

    /// PUT with a JSON body (Pensieve's tag replacement).
    public func put(_ path: String, json: Data, timeout: Double? = nil) throws(TransportError) -> Response {
        try perform(path, method: "PUT", body: json, timeout: timeout ?? self.timeout)
    }

    /// GET of `count` bytes at `offset` (`Range: bytes=…`): a server that ignores ranges answers 200
    /// with the whole body, which the caller slices.
    public func getRange(_ path: String, offset: Int64, count: Int, timeout: Double? = nil) throws(TransportError) -> Response {
        try perform(path, method: "GET", body: nil, timeout: timeout ?? self.timeout,
                    extraHeaders: ["Range: bytes=\(offset)-\(offset + Int64(max(1, count)) - 1)"])
    }

    /// curl's total and connect timeouts for a request: the client's own, capped by what is left of
    /// the request's budget on this thread (see `RequestDeadline`); nil when nothing is left.
    func timeouts(requested: Double) -> (total: Double, connect: Double)? {
        let left = RequestDeadline.remaining ?? .infinity
        guard left > 0.001 else { return nil }
        return (min(requested, left), min(connectTimeout, left))
    }

    private func perform(_ path: String, method: String, body: Data?, timeout requested: Double,
                         extraHeaders: [String] = []) throws(TransportError) -> Response {
        guard let (timeout, connectTimeout) = timeouts(requested: requested) else {
            throw .timedOut("\(method) \(URLSafety.masked(baseURL + path)): no time left in the request's budget")
        }
        let handle = CurlGlobal.threadHandle()
        curl_easy_reset(handle)
        let limit = currentBodyLimit
        let sink = ResponseSink(limit: limit)
        let box = Unmanaged.passRetained(sink)
        defer { box.release() }
        let url = baseURL + path
        ccurl_setopt_str(handle, CURLOPT_URL, url)
        ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        ccurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, max(1, Int(connectTimeout * 1000)))
        ccurl_setopt_long(handle, CURLOPT_TIMEOUT_MS, max(1, Int(timeout * 1000)))
        ccurl_setopt_long(handle, CURLOPT_TCP_KEEPALIVE, 1)
        ccurl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0)
        ccurl_setopt_long(handle, CURLOPT_MAXFILESIZE_LARGE, limit)
        ccurl_setopt_share(handle, CurlGlobal.share)
        ccurl_setopt_writefn(handle, curlWriteBody)
        ccurl_setopt_ptr(handle, CURLOPT_WRITEDATA, box.toOpaque())
        ccurl_setopt_headerfn(handle, curlWriteHeader)
        ccurl_setopt_ptr(handle, CURLOPT_HEADERDATA, box.toOpaque())
        var headers: UnsafeMutablePointer<curl_slist>? = curl_slist_append(nil, extraHeaders.isEmpty ? "Accept: application/json" : "Accept: */*")
        defer { curl_slist_free_all(headers) }
        for header in extraHeaders { headers = curl_slist_append(headers, header) }
        if let body {
            headers = curl_slist_append(headers, "Content-Type: application/json")
            if method != "POST" { ccurl_setopt_str(handle, CURLOPT_CUSTOMREQUEST, method) }
            ccurl_setopt_long(handle, CURLOPT_POST, 1)
            ccurl_setopt_long(handle, CURLOPT_POSTFIELDSIZE, body.count)
            body.withUnsafeBytes { raw in _ = ccurl_setopt_ptr(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: raw.baseAddress)) }
        }
        ccurl_setopt_slist(handle, CURLOPT_HTTPHEADER, headers)
        let code = curl_easy_perform(handle)
        var status = 0
        ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        var seconds = 0.0
        ccurl_getinfo_double(handle, CURLINFO_TOTAL_TIME, &seconds)
        if sink.overflowed || code == CURLE_FILESIZE_EXCEEDED {
            throw .failed("\(method) \(URLSafety.masked(url)): the body is larger than \(limit) bytes")
        }
        guard code == CURLE_OK else {
            let reason = "\(method) \(URLSafety.masked(url)): \(String(cString: curl_easy_strerror(code)))"
            switch code {
            case CURLE_OPERATION_TIMEDOUT: throw .timedOut(reason)
            case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: throw .refused(reason)
            default: throw .failed(reason)
            }
        }
        return Response(status: status, headers: sink.headers, body: sink.body, seconds: seconds)
    }
}

/// Collects one response; touched only by the thread running the transfer.
final class ResponseSink: @unchecked Sendable {
    var body = Data()
    var headers: [String: String] = [:]
    let limit: Int
    var overflowed = false
    /// Header bytes kept at most: a peer sending endless headers is cut off too.
    var headerBytes = 0
    init(limit: Int) { self.limit = limit }
}

private func curlWriteBody(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ user: UnsafeMutableRawPointer?) -> Int {
    guard let data, let user else { return 0 }
    let sink = Unmanaged<ResponseSink>.fromOpaque(user).takeUnretainedValue()
    // Returning less than was given aborts the transfer (CURLE_WRITE_ERROR).
    guard sink.body.count + size * count <= sink.limit else { sink.overflowed = true; return 0 }
    sink.body.append(UnsafeRawPointer(data).assumingMemoryBound(to: UInt8.self), count: size * count)
    return size * count
}

private func curlWriteHeader(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ user: UnsafeMutableRawPointer?) -> Int {
    guard let data, let user else { return 0 }
    let sink = Unmanaged<ResponseSink>.fromOpaque(user).takeUnretainedValue()
    sink.headerBytes += size * count
    guard sink.headerBytes <= 1 << 20 else { sink.overflowed = true; return 0 }
    let line = String(decoding: UnsafeRawBufferPointer(start: data, count: size * count), as: UTF8.self)
    if let colon = line.firstIndex(of: ":") {
        let name = line[..<colon].lowercased()
        let value = line[line.index(after: colon)...].trimmingWhitespace()
        sink.headers[name] = value
    }
    return size * count
}

/// Process-wide libcurl state: global init (once, before threads use curl), the share handle with its
/// locks, and the thread-local easy handles.
enum CurlGlobal {
    nonisolated(unsafe) static var share: UnsafeMutableRawPointer? = nil
    nonisolated(unsafe) static var handleKey = pthread_key_t()
    /// One mutex per `curl_lock_data` value, for the share handle's lock callbacks.
    nonisolated(unsafe) static let locks: UnsafeMutablePointer<pthread_mutex_t> = {
        let locks = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 16)
        for i in 0..<16 { pthread_mutex_init(locks + i, nil) }
        return locks
    }()
    private static let initialised = Mutex(false)

    static func ensureInitialised() {
        initialised.withLock { done in
            guard !done else { return }
            curl_global_init(Int(CURL_GLOBAL_DEFAULT))
            pthread_key_create(&handleKey) { raw in if let raw { curl_easy_cleanup(raw) } }
            let sh = curl_share_init()
            ccurl_share_setopt_long(sh, CURLSHOPT_SHARE, Int(CURL_LOCK_DATA_CONNECT.rawValue))
            ccurl_share_setopt_long(sh, CURLSHOPT_SHARE, Int(CURL_LOCK_DATA_DNS.rawValue))
            ccurl_share_setopt_lockfn(sh) { _, data, _, _ in pthread_mutex_lock(CurlGlobal.locks + Int(data.rawValue % 16)) }
            ccurl_share_setopt_unlockfn(sh) { _, data, _ in pthread_mutex_unlock(CurlGlobal.locks + Int(data.rawValue % 16)) }
            share = sh
            done = true
        }
    }

    /// This thread's easy handle, created on first use and freed when the thread exits.
    static func threadHandle() -> UnsafeMutableRawPointer {
        if let existing = pthread_getspecific(handleKey) { return existing }
        let handle = curl_easy_init()!
        pthread_setspecific(handleKey, handle)
        return handle
    }
}
