import Foundation

/// Run ids: short, unique and sortable by start time, e.g. `20261129-114512-3f9a`
/// (UTC date and time to the second, then 16 random bits against collisions within a second).
public enum RunID {
    /// A fresh id for a run that starts at `date`.
    public static func make(at date: Date, using generator: inout some RandomNumberGenerator) -> String {
        let utc = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC") ?? .current, from: date)
        let stamp = String(
            format: "%04d%02d%02d-%02d%02d%02d",
            utc.year ?? 0, utc.month ?? 0, utc.day ?? 0, utc.hour ?? 0, utc.minute ?? 0, utc.second ?? 0
        )
        let suffix = String(format: "%04x", UInt16.random(in: .min ... .max, using: &generator))
        return "\(stamp)-\(suffix)"
    }

    /// A fresh id from the system's random source (ids need uniqueness, not reproducibility).
    public static func make(at date: Date = Date()) -> String {
        var generator = SystemRandomNumberGenerator()
        return make(at: date, using: &generator)
    }
}
