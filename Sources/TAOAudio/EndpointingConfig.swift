import Foundation

/// Riva's `EndpointingConfig`: when an utterance starts and ends. tao decides per 10 ms frame whether it is speech
/// (its energy above an adaptive noise floor) where Riva asks whether the acoustic model's frame is non-blank; the
/// fields keep Riva's names, meanings and units (milliseconds, fractions).
public struct EndpointingConfig: Sendable, Equatable {
    /// Window (ms) in which `startThreshold` of the frames must be speech to start an utterance.
    public var startHistory = 200
    public var startThreshold = 0.3
    /// Window (ms) in which `stopThreshold` of the frames must be non-speech to end an utterance.
    public var stopHistory = 600
    public var stopThreshold = 0.95
    /// A shorter window that sends an early interim result ("end of utterance, first pass").
    public var stopHistoryEou = 300
    public var stopThresholdEou = 0.9

    public init() {}
}
