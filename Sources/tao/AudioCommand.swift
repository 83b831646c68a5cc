import ArgumentParser
import Foundation
import TAOAudio

/// `tao audio`: look at audio files the way the models see them (issue 4).
struct AudioCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audio",
        abstract: "Inspect audio files and the features the models see.",
        subcommands: [AudioInfoCommand.self, AudioFeaturesCommand.self]
    )
}

/// `tao audio info FILE...`: format, rate, channels, duration and peak level of each file.
struct AudioInfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show each file's format, sample rate, channels, duration and peak level."
    )

    @Argument(help: "Audio files (WAV, FLAC, OGG/Vorbis, ...).")
    var files: [String]

    func run() throws {
        var failures = 0
        for file in files {
            do {
                print(try describe(file))
            } catch {
                failures += 1
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            }
        }
        if failures > 0 { throw AudioCommandError.someFilesFailed(failures, of: files.count) }
    }

    /// One line: `path: container, encoding, rate, channels, duration (frames), peak dBFS`.
    func describe(_ file: String) throws -> String {
        let reader = try AudioReader(url: URL(fileURLWithPath: file))
        var peak: Float = 0
        while case let block = try reader.readInterleaved(), !block.isEmpty {
            for sample in block { peak = max(peak, abs(sample)) }
        }
        let info = reader.info
        let level = peak > 0 ? String(format: "%.1f dBFS", 20 * log10(Double(peak))) : "silent"
        let seconds = String(format: "%.3f s", Double(reader.framesRead) / Double(info.sampleRate))
        return "\(file): \(info.container), \(info.encoding), \(info.sampleRate) Hz, \(info.channels) channel\(info.channels == 1 ? "" : "s"), "
            + "\(seconds) (\(reader.framesRead) frames), peak \(level)"
    }
}

/// `tao audio features FILE [-e spec.yaml] [preprocessor.key=value ...] -o out.npy`: the eval-mode features.
struct AudioFeaturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "features",
        abstract: "Write the log-mel features a model sees (eval mode, no dither) as float32 [features, frames] .npy.",
        discussion: "Settings are NeMo's preprocessor keys, e.g. preprocessor.features=80 preprocessor.window_size=0.025 "
            + "preprocessor.stft_pad_mode=constant preprocessor.preemph=null. The file is resampled to sample_rate if needed."
    )

    @Argument(help: "The audio file.")
    var file: String

    @Option(name: .short, help: "A spec whose model.preprocessor block sets the front end.")
    var experimentSpec: String?

    @Argument(help: "Overrides preprocessor.key=value (number, string, true/false or null).")
    var overrides: [String] = []

    @Option(name: .short, help: "Output .npy file.")
    var output: String

    func run() throws {
        if experimentSpec != nil {
            throw AudioCommandError.specNotAvailable
        }
        let config = try PreprocessorOverrides.apply(overrides, to: PreprocessorConfig())
        let featurizer = try LogMelFeaturizer(config)
        let clip = try AudioFile.read(URL(fileURLWithPath: file), resamplingTo: config.sampleRate)
        let features = try featurizer.features(of: clip.samples)
        try NPY.write(features, to: URL(fileURLWithPath: output))
        print("\(output): [\(features.featureCount), \(features.frameCount)] float32, \(features.validFrames) valid frames, "
            + "\(String(format: "%.3f", clip.duration)) s at \(config.sampleRate) Hz")
    }
}

/// `preprocessor.key=value` overrides applied to a `PreprocessorConfig` through its Codable keys.
enum PreprocessorOverrides {
    static func apply(_ overrides: [String], to config: PreprocessorConfig) throws -> PreprocessorConfig {
        guard !overrides.isEmpty else { return config }
        let encoded = try JSONEncoder().encode(config)
        guard var values = try JSONSerialization.jsonObject(with: encoded) as? [String: Any] else { return config }
        for override in overrides {
            guard let equals = override.firstIndex(of: "=") else { throw AudioCommandError.badOverride(override) }
            let path = String(override[..<equals]), text = String(override[override.index(after: equals)...])
            guard path.hasPrefix("preprocessor.") else { throw AudioCommandError.badOverride(override) }
            let key = String(path.dropFirst("preprocessor.".count))
            guard PreprocessorConfig.keys.contains(key) else {
                throw AudioCommandError.unknownKey(key, suggestion: nearest(key, in: PreprocessorConfig.keys))
            }
            values[key] = parse(text)
        }
        do {
            let data = try JSONSerialization.data(withJSONObject: values)
            return try JSONDecoder().decode(PreprocessorConfig.self, from: data)
        } catch let error as DecodingError {
            throw AudioCommandError.wrongType(describe(error))
        }
    }

    /// null, true/false, integers, decimals, else the text itself (quotes removed).
    static func parse(_ text: String) -> Any {
        switch text {
        case "null", "None", "~": return NSNull()
        case "true", "True": return true
        case "false", "False": return false
        default:
            if let integer = Int(text) { return integer }
            if let number = Double(text), number.isFinite { return number }
            return text.trimmingCharacters(in: CharacterSet(charactersIn: "'\""))
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case let .typeMismatch(type, context), let .valueNotFound(type, context):
            let key = context.codingPath.map(\.stringValue).joined(separator: ".")
            return "preprocessor.\(key) must be \(type == Int.self ? "an integer" : type == Bool.self ? "true or false" : type == String.self ? "a string" : "a number")"
        default:
            return "\(error)"
        }
    }

    /// The valid key closest to `key` by edit distance, if reasonably close.
    static func nearest(_ key: String, in keys: [String]) -> String? {
        func distance(_ a: [Character], _ b: [Character]) -> Int {
            var row = Array(0...b.count)
            for i in 1...max(a.count, 1) where i <= a.count {
                var previous = row[0]
                row[0] = i
                for j in 1...max(b.count, 1) where j <= b.count {
                    let current = row[j]
                    row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                    previous = current
                }
            }
            return row[b.count]
        }
        let scored = keys.map { ($0, distance(Array(key), Array($0))) }.min { $0.1 < $1.1 }
        return scored.flatMap { $0.1 <= max(2, key.count / 3) ? $0.0 : nil }
    }
}

/// Errors of `tao audio` itself; library errors pass through unchanged.
enum AudioCommandError: Error, CustomStringConvertible {
    case someFilesFailed(Int, of: Int)
    case specNotAvailable
    case badOverride(String)
    case unknownKey(String, suggestion: String?)
    case wrongType(String)

    var description: String {
        switch self {
        case let .someFilesFailed(failed, total):
            "tao audio info: \(failed) of \(total) files could not be read (see the errors above)"
        case .specNotAvailable:
            "tao audio features -e: reading specs is not available yet in this build (pass preprocessor.key=value overrides instead)"
        case let .badOverride(text):
            "'\(text)': not an override (write preprocessor.key=value, e.g. preprocessor.features=80)"
        case let .unknownKey(key, suggestion):
            "unknown key 'preprocessor.\(key)'" + (suggestion.map { " (did you mean 'preprocessor.\($0)'?)" } ?? " (valid: \(PreprocessorConfig.keys.joined(separator: ", ")))")
        case let .wrongType(message):
            "\(message) (fix the override)"
        }
    }
}
