/// Why a store could not answer. Each case carries a reason fit for a log line and `.status/errors`.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The store cannot be reached or opened at all (missing DB, unreadable file, not a database).
    case unavailable(String)
    /// The database stayed locked longer than the retry budget.
    case busy(String)
    /// The request itself is not acceptable (for example an unknown library name).
    case invalid(String)
    /// Anything else that went wrong while answering.
    case failed(String)

    public var description: String {
        switch self {
        case .unavailable(let r): return "unavailable: \(r)"
        case .busy(let r): return "busy: \(r)"
        case .invalid(let r): return "invalid: \(r)"
        case .failed(let r): return "failed: \(r)"
        }
    }
}
