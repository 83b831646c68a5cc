/// The numbers a numeric key accepts, checked when a spec is resolved, so that `batch_size=0` or `lr=-1` stops the
/// run with the key's name instead of training nonsense.
public struct SpecBounds: Equatable, Sendable {
    public var lower: Double?
    /// Whether `lower` itself is accepted.
    public var lowerIncluded: Bool
    public var upper: Double?
    /// Whether `upper` itself is accepted.
    public var upperIncluded: Bool
    /// A value outside the range that has a meaning of its own, such as -1 for "no limit".
    public var sentinel: Double?

    public init(lower: Double?, lowerIncluded: Bool = true, upper: Double? = nil, upperIncluded: Bool = true,
                sentinel: Double? = nil) {
        self.lower = lower
        self.lowerIncluded = lowerIncluded
        self.upper = upper
        self.upperIncluded = upperIncluded
        self.sentinel = sentinel
    }

    /// `value` or more, or the sentinel.
    public static func atLeast(_ value: Double, or sentinel: Double? = nil) -> SpecBounds {
        SpecBounds(lower: value, sentinel: sentinel)
    }

    /// More than `value`.
    public static func above(_ value: Double) -> SpecBounds { SpecBounds(lower: value, lowerIncluded: false) }

    /// From `lower` to `upper`, both included.
    public static func within(_ lower: Double, _ upper: Double) -> SpecBounds { SpecBounds(lower: lower, upper: upper) }

    /// From 0 up to but not including 1: a dropout probability, a momentum, an Adam beta.
    public static let fraction = SpecBounds(lower: 0, upper: 1, upperIncluded: false)

    /// Exactly `value`: a key tao reads for compatibility but supports with one value only.
    public static func only(_ value: Double) -> SpecBounds { within(value, value) }

    public func admits(_ value: Double) -> Bool {
        if value == sentinel { return true }
        guard value.isFinite else { return false }
        if let lower, lowerIncluded ? value < lower : value <= lower { return false }
        if let upper, upperIncluded ? value > upper : value >= upper { return false }
        return true
    }

    /// What a key of these bounds expects, after the type's own phrase: "an integer of at least 1",
    /// "-1 or an integer of at least 1", "a number in [0, 1)".
    public func expectation(for type: String) -> String {
        let range: String
        switch (lower, upper) {
        case let (lower?, upper?) where lower == upper: range = "equal to \(Self.text(lower))"
        case let (lower?, upper?):
            range = "in " + (lowerIncluded ? "[" : "(") + Self.text(lower) + ", " + Self.text(upper) + (upperIncluded ? "]" : ")")
        case let (lower?, nil): range = (lowerIncluded ? "of at least " : "above ") + Self.text(lower)
        case let (nil, upper?): range = (upperIncluded ? "of at most " : "below ") + Self.text(upper)
        case (nil, nil): range = ""
        }
        let bounded = range.isEmpty ? type : type + " " + range
        return sentinel.map { Self.text($0) + " or " + bounded } ?? bounded
    }

    private static func text(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
