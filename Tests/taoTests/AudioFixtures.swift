import Foundation

/// The repository's audio-fixtures folder (tests run from a checkout).
let audioFixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("audio-fixtures")

/// Writes `train.json` in `folder`: a NeMo manifest of four fixture utterances (absolute paths, their transcripts).
func writeFixtureManifest(in folder: URL) throws -> URL {
    var lines: [String] = []
    for name in ["cards_001", "flite_kal_weather", "flite_slt_numbers", "espeak_us_fox"] {
        let audio = audioFixtures.appendingPathComponent(name + ".wav").path
        let text = try String(contentsOf: audioFixtures.appendingPathComponent(name + ".txt"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        lines.append(#"{"audio_filepath": "\#(audio)", "duration": 2.0, "text": "\#(text)"}"#)
    }
    let manifest = folder.appendingPathComponent("train.json")
    try lines.joined(separator: "\n").write(to: manifest, atomically: true, encoding: .utf8)
    return manifest
}
