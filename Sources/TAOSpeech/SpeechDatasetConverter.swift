import Foundation
import TAOAudio

/// `dataset_convert` for speech: a dataset as distributed becomes 16-bit mono WAV files at the model's rate
/// and NeMo manifests, with transcripts normalized for character models.
///
/// Layouts: `librispeech` (`<split>/<speaker>/<chapter>/<id>.flac` with `<speaker>-<chapter>.trans.txt` lines
/// `ID TEXT`; one manifest per split), `an4` (`etc/an4_{train,test}.transcription` lines `<s> TEXT </s> (ID)`,
/// audio `ID.sph` or `ID.wav` anywhere below; train and test manifests), and `folder` (any audio file with a
/// same-named `.txt` transcript; one manifest).
public enum SpeechDatasetConverter {
    public enum Layout: String, Sendable, CaseIterable { case librispeech, an4, folder }

    /// What a conversion wrote and what it left out.
    public struct Report: Sendable {
        /// Each manifest written, with its utterance count and seconds of audio.
        public var manifests: [(url: URL, utterances: Int, seconds: Double)] = []
        /// Files or lines left out, each with the reason.
        public var skipped: [String] = []
    }

    static let audioExtensions: Set<String> = ["wav", "flac", "ogg", "sph", "aiff", "aif", "au", "mp3"]

    /// Converts `source` into `target` (`target/wav/...` and the manifests).
    public static func convert(_ layout: Layout, source: URL, target: URL, sampleRate: Int,
                               normalize: (String) -> String) throws -> Report {
        guard FileManager.default.fileExists(atPath: source.path) else {
            throw SpeechError.badDataset(path: source.path, reason: "no such folder (source_data_dir)")
        }
        var report = Report()
        let groups: [(manifest: String, items: [(id: String, audio: URL?, text: String)])]
        switch layout {
        case .folder: groups = [("manifest.json", folderItems(source, report: &report))]
        case .librispeech: groups = try librispeechItems(source)
        case .an4: groups = try an4Items(source)
        }
        let wavFolder = target.appendingPathComponent("wav")
        // Converting into the source would write over its audio (a 44.1 kHz original replaced by its 16 kHz copy)
        // and feed the copies back in on the next run.
        let sourceParts = source.resolvingSymlinksInPath().standardizedFileURL.pathComponents
        if wavFolder.resolvingSymlinksInPath().standardizedFileURL.pathComponents.starts(with: sourceParts) {
            throw SpeechError.badDataset(path: target.path, reason: "its wav/ folder, where the converted audio goes, is inside "
                                         + "source_data_dir \(source.path); give a target_data_dir outside it")
        }
        do {
            try FileManager.default.createDirectory(at: wavFolder, withIntermediateDirectories: true)
        } catch {
            throw SpeechError.cannotWrite(path: wavFolder.path, reason: error.localizedDescription)
        }
        // Output name -> the audio written there: a.wav and a.flac (or sub/a.wav and sub_a.wav) map to one name.
        var written: [String: URL] = [:]
        for group in groups {
            var entries: [ManifestEntry] = []
            for item in group.items {
                guard let audio = item.audio else { report.skipped.append("\(item.id): no audio file found"); continue }
                let text = normalize(item.text)
                guard !text.isEmpty else { report.skipped.append("\(audio.path): transcript is empty once normalized"); continue }
                let name = item.id.replacingOccurrences(of: "/", with: "_") + ".wav"
                if let earlier = written[name] {
                    report.skipped.append("\(audio.path): its output wav/\(name) is already written from \(earlier.path) "
                                          + "(rename one of them)")
                    continue
                }
                do {
                    let clip = try AudioFile.read(audio, resamplingTo: sampleRate)
                    guard !clip.samples.isEmpty else { report.skipped.append("\(audio.path): no samples"); continue }
                    let output = wavFolder.appendingPathComponent(name)
                    try AudioFile.writeWAV(clip.samples, sampleRate: sampleRate, to: output)
                    written[name] = audio
                    entries.append(ManifestEntry(audioFilepath: output.path, duration: clip.duration, text: text))
                } catch {
                    report.skipped.append("\(error)")
                }
            }
            let manifest = target.appendingPathComponent(group.manifest)
            try Manifest.write(entries, to: manifest)
            report.manifests.append((manifest, entries.count, entries.reduce(0) { $0 + $1.duration }))
        }
        return report
    }

    /// Every file below `folder`, depth first, in name order.
    static func files(below folder: URL) -> [URL] {
        guard let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        var found: [URL] = []
        for case let url as URL in enumerator where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
            found.append(url)
        }
        return found.sorted { $0.path < $1.path }
    }

    private static func folderItems(_ source: URL, report: inout Report) -> [(id: String, audio: URL?, text: String)] {
        var items: [(id: String, audio: URL?, text: String)] = []
        for file in files(below: source) where audioExtensions.contains(file.pathExtension.lowercased()) {
            let transcript = file.deletingPathExtension().appendingPathExtension("txt"), name = transcript.lastPathComponent
            guard let data = FileManager.default.contents(atPath: transcript.path) else {
                let exists = FileManager.default.fileExists(atPath: transcript.path)
                report.skipped.append("\(file.path): " + (exists ? "transcript \(name) cannot be read" : "no transcript \(name) beside it"))
                continue
            }
            guard let text = String(data: data, encoding: .utf8) else {
                report.skipped.append("\(file.path): transcript \(name) is not valid UTF-8 (convert it to UTF-8)")
                continue
            }
            let relative = String(file.deletingPathExtension().path.dropFirst(source.path.count)).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            items.append((relative, file, text))
        }
        return items
    }

    private static func librispeechItems(_ source: URL) throws -> [(manifest: String, items: [(id: String, audio: URL?, text: String)])] {
        var splits: [String: [(id: String, audio: URL?, text: String)]] = [:]
        for file in files(below: source) where file.lastPathComponent.hasSuffix(".trans.txt") {
            let folder = file.deletingLastPathComponent()
            // <split>/<speaker>/<chapter>/<speaker>-<chapter>.trans.txt; the split is the source itself when it is one.
            let relative = Array(folder.standardizedFileURL.pathComponents.dropFirst(source.standardizedFileURL.pathComponents.count))
            let split = relative.count >= 3 ? relative[relative.count - 3] : source.lastPathComponent
            let text = try readText(file)
            for line in text.split(whereSeparator: \.isNewline) {
                let parts = line.split(separator: " ", maxSplits: 1)
                guard parts.count == 2 else { continue }
                let id = String(parts[0])
                let audio = ["flac", "wav"].map { folder.appendingPathComponent(id + "." + $0) }
                    .first { FileManager.default.fileExists(atPath: $0.path) }
                splits[split, default: []].append((id, audio, String(parts[1])))
            }
        }
        guard !splits.isEmpty else {
            throw SpeechError.badDataset(path: source.path, reason: "no *.trans.txt files below it (is this a LibriSpeech folder?)")
        }
        return splits.keys.sorted().map { ("\($0)_manifest.json", splits[$0] ?? []) }
    }

    private static func an4Items(_ source: URL) throws -> [(manifest: String, items: [(id: String, audio: URL?, text: String)])] {
        var audioByID: [String: URL] = [:]
        for file in files(below: source) where ["sph", "wav"].contains(file.pathExtension.lowercased()) {
            let id = file.deletingPathExtension().lastPathComponent
            if audioByID[id] == nil || file.pathExtension.lowercased() == "wav" { audioByID[id] = file }
        }
        var groups: [(manifest: String, items: [(id: String, audio: URL?, text: String)])] = []
        for split in ["train", "test"] {
            let transcription = source.appendingPathComponent("etc/an4_\(split).transcription")
            guard FileManager.default.fileExists(atPath: transcription.path) else { continue }
            var items: [(id: String, audio: URL?, text: String)] = []
            for (number, line) in try readText(transcription).split(whereSeparator: \.isNewline).enumerated() {
                // "<s> RUBOUT G M E F THREE NINE </s> (an251-fash-b)"
                guard let open = line.lastIndex(of: "("), let close = line.lastIndex(of: ")"), open < close else {
                    throw SpeechError.badManifestLine(path: transcription.path, line: number + 1,
                                                      reason: "expected '<s> TEXT </s> (ID)'")
                }
                let id = String(line[line.index(after: open)..<close])
                let words = line[..<open].split(separator: " ").filter { $0 != "<s>" && $0 != "</s>" }
                items.append((id, audioByID[id], words.joined(separator: " ")))
            }
            groups.append(("\(split)_manifest.json", items))
        }
        guard !groups.isEmpty else {
            throw SpeechError.badDataset(path: source.path, reason: "no etc/an4_train.transcription or etc/an4_test.transcription (is this the AN4 folder?)")
        }
        return groups
    }

    private static func readText(_ url: URL) throws -> String {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw SpeechError.badDataset(path: url.path, reason: "cannot be read")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw SpeechError.badDataset(path: url.path, reason: "not valid UTF-8 text")
        }
        return text
    }
}
