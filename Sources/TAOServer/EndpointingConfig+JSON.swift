import TAOAudio

extension EndpointingConfig {
    /// The fields of a request's `endpointing_config`.
    static let fields: Set<String> = ["start_history", "start_threshold", "stop_history", "stop_threshold",
                                      "stop_history_eou", "stop_threshold_eou"]

    /// Reads a request's `endpointing_config`, with Riva's meaning of 0 or a negative value: the default.
    init(json: JSONObject) throws {
        try json.checkKeys(Self.fields)
        self.init()
        func history(_ key: String, _ fallback: Int) throws -> Int {
            guard let value = try json.int(key, in: -1...60_000), value > 0 else { return fallback }
            guard value >= 10 else { throw ServerError.invalidArgument("\(json.field(key)): \(value) ms is under one 10 ms frame") }
            return value
        }
        func fraction(_ key: String, _ fallback: Double) throws -> Double {
            guard let value = try json.double(key, in: -1...1), value > 0 else { return fallback }
            return value
        }
        startHistory = try history("start_history", startHistory)
        startThreshold = try fraction("start_threshold", startThreshold)
        stopHistory = try history("stop_history", stopHistory)
        stopThreshold = try fraction("stop_threshold", stopThreshold)
        stopHistoryEou = try history("stop_history_eou", stopHistoryEou)
        stopThresholdEou = try fraction("stop_threshold_eou", stopThresholdEou)
    }
}
