import ArgumentParser
import Foundation
import TAOAudio
import TAOToolkit

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

    @Argument(help: "Overrides preprocessor.key=value (as in specs: numbers, strings, true/false, null).")
    var overrides: [String] = []

    @Option(name: .short, help: "Output .npy file.")
    var output: String

    func run() throws {
        let config = try FrontendSpec.preprocessor(specFile: experimentSpec.map { URL(fileURLWithPath: $0) }, overrides: overrides)
        let featurizer = try LogMelFeaturizer(config)
        let clip = try AudioFile.read(URL(fileURLWithPath: file), resamplingTo: config.sampleRate)
        let features = try featurizer.features(of: clip.samples)
        try NPY.write(features, to: URL(fileURLWithPath: output))
        print("\(output): [\(features.featureCount), \(features.frameCount)] float32, \(features.validFrames) valid frames, "
            + "\(String(format: "%.3f", clip.duration)) s at \(config.sampleRate) Hz")
    }
}

/// Errors of `tao audio` itself; library errors pass through unchanged.
enum AudioCommandError: Error, CustomStringConvertible {
    case someFilesFailed(Int, of: Int)

    var description: String {
        switch self {
        case let .someFilesFailed(failed, total):
            "tao audio info: \(failed) of \(total) files could not be read (see the errors above)"
        }
    }
}
