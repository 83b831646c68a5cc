import Foundation
import TAOTensor

/// One utterance of a NeMo manifest: `{"audio_filepath": "...", "duration": 3.2, "text": "..."}`.
public struct ManifestEntry: Sendable, Equatable, Codable {
    /// Absolute path; a relative path in the file is resolved against the manifest's folder.
    public var audioFilepath: String
    /// Seconds.
    public var duration: Double
    public var text: String
    /// Seconds into the file where the utterance starts (NeMo's optional `offset`).
    public var offset: Double?

    public init(audioFilepath: String, duration: Double, text: String, offset: Double? = nil) {
        self.audioFilepath = audioFilepath
        self.duration = duration
        self.text = text
        self.offset = offset
    }

    enum CodingKeys: String, CodingKey {
        case audioFilepath = "audio_filepath", duration, text, offset
    }
}

/// What reading a manifest kept and what it left out.
public struct ManifestContents: Sendable {
    public var entries: [ManifestEntry] = []
    /// Lines that could not be used, each a `badManifestLine` error with file and line.
    public var problems: [SpeechError] = []
    /// Utterances left out by the duration limits (not problems).
    public var filteredByDuration = 0
    /// Transcripts changed by normalization to fit the labels.
    public var normalized = 0

    /// Total audio in seconds.
    public var duration: Double { entries.reduce(0) { $0 + $1.duration } }
}

/// Rules a manifest is read with (the `*_ds` spec blocks' keys).
public struct ManifestRules: Sendable {
    public var minDuration: Double?
    public var maxDuration: Double?
    /// Characters transcripts may use; nil accepts any.
    public var labels: Set<Character>?
    /// Lowercase and drop characters outside the labels instead of skipping the line.
    public var normalizeTranscripts: Bool
    /// Fail on the first bad line instead of skipping it.
    public var strict: Bool
    /// Check that every audio file exists.
    public var checkAudioExists: Bool

    public init(minDuration: Double? = nil, maxDuration: Double? = nil, labels: Set<Character>? = nil,
                normalizeTranscripts: Bool = false, strict: Bool = false, checkAudioExists: Bool = true) {
        self.minDuration = minDuration
        self.maxDuration = maxDuration
        self.labels = labels
        self.normalizeTranscripts = normalizeTranscripts
        self.strict = strict
        self.checkAudioExists = checkAudioExists
    }
}

/// Reading and writing NeMo manifests (JSON lines).
public enum Manifest {
    /// The longest `duration` a line may give, in seconds (24 hours): far past any utterance, and its sample count
    /// fits Int at any sample rate.
    public static let maxDuration: Double = 86_400

    /// Reads a manifest, or several joined by commas, keeping the usable lines.
    public static func read(_ paths: String, rules: ManifestRules = .init()) throws -> ManifestContents {
        var contents = ManifestContents()
        for path in paths.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !path.isEmpty {
            try read(URL(fileURLWithPath: path), rules: rules, into: &contents)
        }
        if contents.entries.isEmpty {
            throw SpeechError.emptyManifest(path: paths, skipped: contents.problems.count + contents.filteredByDuration,
                                            first: contents.problems.first?.description)
        }
        return contents
    }

    private static func read(_ url: URL, rules: ManifestRules, into contents: inout ManifestContents) throws {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            let reason = FileManager.default.fileExists(atPath: url.path) ? "not readable" : "no such file"
            throw SpeechError.unreadableManifest(path: url.path, reason: reason)
        }
        let folder = url.deletingLastPathComponent()
        var lineNumber = 0
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\t") }) { continue }
            do {
                guard let entry = try parse(Data(line), folder: folder, rules: rules, path: url.path, line: lineNumber,
                                            contents: &contents) else { continue }
                contents.entries.append(entry)
            } catch let error as SpeechError {
                if rules.strict { throw error }
                contents.problems.append(error)
            }
        }
    }

    /// One line as an entry; nil when the duration limits leave it out.
    private static func parse(_ line: Data, folder: URL, rules: ManifestRules, path: String, line number: Int,
                              contents: inout ManifestContents) throws -> ManifestEntry? {
        func bad(_ reason: String) -> SpeechError { .badManifestLine(path: path, line: number, reason: reason) }
        guard let object = (try? JSONSerialization.jsonObject(with: line)) as? [String: Any] else {
            throw bad("not a JSON object (expected {\"audio_filepath\": ..., \"duration\": ..., \"text\": ...})")
        }
        guard let audio = object["audio_filepath"] as? String, !audio.isEmpty else { throw bad("no \"audio_filepath\" string") }
        guard let durationValue = object["duration"] else { throw bad("no \"duration\" (a number of seconds)") }
        guard let duration = finiteNumber(durationValue), duration > 0, duration <= maxDuration else {
            throw bad("\"duration\" is \(JSONValue.describe(durationValue)), "
                      + "expected a number of seconds above 0 and at most \(Int(maxDuration)) (24 hours)")
        }
        guard var text = object["text"] as? String else { throw bad("no \"text\" string") }
        let resolved = audio.hasPrefix("/") ? audio : folder.appendingPathComponent(audio).standardizedFileURL.path
        if rules.checkAudioExists && !FileManager.default.fileExists(atPath: resolved) {
            throw bad("audio file \(resolved) does not exist")
        }
        if let minimum = rules.minDuration, duration < minimum { contents.filteredByDuration += 1; return nil }
        if let maximum = rules.maxDuration, duration > maximum { contents.filteredByDuration += 1; return nil }
        if let labels = rules.labels {
            let outside = Set(text.filter { !labels.contains($0) })
            if !outside.isEmpty {
                guard rules.normalizeTranscripts else {
                    let shown = outside.sorted().map { "'\($0)'" }.joined(separator: ", ")
                    throw bad("transcript has characters outside the labels: \(shown) (set normalize_transcripts: true to fix them)")
                }
                text = normalize(text, labels: labels)
                contents.normalized += 1
                if text.isEmpty { throw bad("transcript is empty once normalized to the labels") }
            }
        }
        var offset: Double?
        if let offsetValue = object["offset"], !(offsetValue is NSNull) {
            guard let seconds = finiteNumber(offsetValue), seconds >= 0 else {
                throw bad("\"offset\" is \(JSONValue.describe(offsetValue)), expected a number of seconds, 0 or more")
            }
            offset = seconds
        }
        return ManifestEntry(audioFilepath: resolved, duration: duration, text: text, offset: offset)
    }

    /// A finite JSON number; nil for anything else, booleans included (Foundation hands `true` over as the number 1).
    private static func finiteNumber(_ value: Any) -> Double? {
        guard let number = JSONValue.number(value) else { return nil }
        return number.doubleValue.isFinite ? number.doubleValue : nil
    }

    /// Lowercases, maps other whitespace to spaces, drops characters outside the labels and collapses spaces.
    static func normalize(_ text: String, labels: Set<Character>) -> String {
        let lowered = text.lowercased().map { $0.isWhitespace ? " " : $0 }
        let kept = String(lowered.filter { labels.contains($0) })
        return kept.split(separator: " ").joined(separator: " ")
    }

    /// Writes entries as a manifest, atomically; paths are written as given.
    public static func write(_ entries: [ManifestEntry], to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = Data()
        for entry in entries {
            data.append(try encoder.encode(entry))
            data.append(UInt8(ascii: "\n"))
        }
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw SpeechError.cannotWrite(path: url.path, reason: error.localizedDescription)
        }
    }
}
