import Foundation

/// Collects the utterances whose audio is not as long as their manifest line says (a file cut short, replaced, or a
/// wrong `duration`): the manifest's durations decide `min_duration`/`max_duration` filtering and batching, so a
/// wrong one goes unnoticed otherwise. Each file is reported once; safe from the loading threads.
public final class DurationReport: @unchecked Sendable {
    public struct Mismatch: Equatable, Sendable {
        public let path: String
        /// Seconds the manifest line gives.
        public let listed: Double
        /// Seconds of audio read (the `offset` segment when the line has one).
        public let actual: Double
    }

    private let lock = NSLock()
    private var seen: Set<String> = []
    private var pending: [Mismatch] = []

    public init() {}

    /// Whether `actual` seconds are far from the `listed` ones: more than 0.5 s and more than a tenth apart.
    public static func differs(listed: Double, actual: Double) -> Bool {
        listed > 0 && abs(actual - listed) > max(0.5, 0.1 * listed)
    }

    func record(_ entry: ManifestEntry, actual: Double) {
        guard Self.differs(listed: entry.duration, actual: actual) else { return }
        lock.withLock {
            if seen.insert(entry.audioFilepath).inserted {
                pending.append(Mismatch(path: entry.audioFilepath, listed: entry.duration, actual: actual))
            }
        }
    }

    /// The mismatches found since the last call, in the order they were met.
    public func takeNew() -> [Mismatch] {
        lock.withLock {
            defer { pending.removeAll() }
            return pending
        }
    }
}
