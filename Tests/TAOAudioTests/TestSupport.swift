import Foundation
import Testing
@testable import TAOAudio

/// A file in the test bundle's Fixtures folder.
func fixture(_ name: String) throws -> URL {
    let dot = name.lastIndex(of: ".")!
    let url = Bundle.module.url(forResource: String(name[..<dot]), withExtension: String(name[name.index(after: dot)...]),
                                subdirectory: "Fixtures")
    return try #require(url, "missing fixture \(name)")
}

/// A fresh temporary folder, removed by the caller's `defer`.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("tao-audio-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// The largest |a[i] - b[i]|.
func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count, "maxAbsDifference: \(a.count) vs \(b.count) values")
    return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
}

/// A sine of `frequency` Hz, `amplitude` peak, `count` samples at `sampleRate` Hz.
func tone(_ frequency: Double, sampleRate: Double, count: Int, amplitude: Float = 0.5) -> [Float] {
    (0..<count).map { amplitude * Float(sin(2 * .pi * frequency * Double($0) / sampleRate)) }
}

/// Deterministic speech-like noise in [-0.5, 0.5).
func noise(count: Int, seed: UInt64) -> [Float] {
    var rng = SeededGenerator(seed: seed)
    return (0..<count).map { _ in Float.random(in: -0.5..<0.5, using: &rng) }
}
