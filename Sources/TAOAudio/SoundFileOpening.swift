import CSndFile
import Foundation

/// Opens libsndfile handles one at a time. When an open fails, libsndfile keeps the reason in one process-wide
/// variable (read by `sf_error(nil)` and `sf_strerror(nil)`), which another thread's open may overwrite before it is
/// read: a text file could then be reported as a corrupt WAV. The open and that read share one lock.
enum SoundFileOpening {
    /// A failed open's libsndfile error code and message.
    struct Failure: Error {
        let code: Int
        let message: String
    }

    private static let lock = NSLock()

    /// Runs `open` (an `sf_open` or `sf_open_virtual` call) and returns its handle, or the failure it left.
    static func open(_ open: () -> OpaquePointer?) -> Result<OpaquePointer, Failure> {
        lock.lock()
        defer { lock.unlock() }
        if let handle = open() { return .success(handle) }
        return .failure(Failure(code: Int(sf_error(nil)), message: String(cString: sf_strerror(nil))))
    }
}
