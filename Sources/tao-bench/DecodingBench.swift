import Foundation
import TAODecoding

/// `tao-bench decoding`: CTC beam search with a 3-gram LM, greedy decoding, LM queries and
/// estimation, on the same kind of workload as `../shared/anchors/beam_bench.py` (issue 6).
///
/// LM corpus: as the anchor's, `/usr/share/common-licenses/*` and `/usr/share/doc/*/copyright`,
/// lowercased, split into sentences on `. ; : ! ?`, `[a-z']` words, sentences of 2+ words, deduplicated;
/// a 3-gram modified Kneser-Ney model is estimated from it. Utterances: 10 GPL-3 sentences of
/// 90-130 characters, 400 frames each (8 s at 20 ms), 29 labels (space, a-z, ', blank last), a random
/// CTC alignment, one-hot * 6 + N(0, 1) noise, 10% of character frames confused; log-softmax.
/// Options: `--runs N` (default 5), `--corpus FILE` (a normalized corpus instead, one sentence per line;
/// also times text file to ARPA file as `tao n_gram train` does, in bounded memory), `--arpa FILE` (decode and query with this LM, e.g. the peer's lm3.arpa).
enum DecodingBench {
    static let labels = [" "] + (UInt8(ascii: "a")...UInt8(ascii: "z")).map { String(UnicodeScalar($0)) } + ["'", ""]
    static let frames = 400
    static let frameSeconds = 0.02

    static func run(_ arguments: [String]) throws {
        let options = try BenchOptions(arguments, flags: ["--runs", "--corpus", "--arpa"],
                                       usage: "tao-bench decoding [--runs 5] [--corpus FILE] [--arpa FILE]")
        let runs = try options.integer("--runs", default: 5)
        let sentences: [String]
        if let path = options.string("--corpus") {
            sentences = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init).filter { !$0.isEmpty }
        } else {
            sentences = try licenseSentences()
        }
        let words = sentences.reduce(0) { $0 + $1.split(separator: " ").count }
        var estimate: NGramEstimate?
        for order in [4, 3] {
            try BenchReport.measure("n-gram estimation order \(order), in memory from sentences (\(words) words)", threads: 1, runs: runs, work: Double(words), unit: "words/s") {
                estimate = try KneserNeyEstimator.estimate(sentences: sentences, options: .init(order: order, discountFallback: true))
            }.print()
        }
        if let path = options.string("--corpus") {
            // the lmplz command's whole job: text file in, ARPA file out
            let arpa = FileManager.default.temporaryDirectory.appendingPathComponent("tao-bench-\(getpid()).arpa").path
            defer { try? FileManager.default.removeItem(atPath: arpa) }
            // as `tao n_gram train` estimates: in bounded memory, at its default cap (1G) and at 64M
            for order in [3, 4] {
                for (memory, name) in [(1 << 30, "1G"), (64 << 20, "64M")] {
                    try BenchReport.measure("n-gram estimation order \(order), text file to ARPA file, model.memory=\(name) (\(words) words)",
                                            threads: 1, runs: runs, work: Double(words), unit: "words/s") {
                        _ = try KneserNeyEstimator.writeARPA(corpus: path, options: .init(order: order, discountFallback: true), memoryBytes: memory, to: arpa)
                    }.print()
                }
            }
        }
        // the peer's exact LM when given (`--arpa ~/.cache/tao-anchors/data/lm3.arpa`), else the one estimated above
        let arpaPath = options.string("--arpa")
        guard let model = try arpaPath.map({ try NGramModel.load(path: $0) }) ?? estimate?.model() else { return }

        // LM queries: score(state, word) over ~100k words, as the anchor's kenlm.Model.score loop
        var scored: [[UInt32]] = []
        var count = 0
        while count < 100_000 {
            let ids = model.ids(sentences[scored.count % sentences.count])
            scored.append(ids)
            count += ids.count
        }
        var sink = 0.0
        BenchReport.measure("n-gram query score(state, word), \(count) words (1e9/throughput = ns/word)", threads: 1, runs: runs,
                            work: Double(count), unit: "words/s") {
            for ids in scored { sink += model.score(ids: ids) }
        }.print()
        let texts = (0..<scored.count).map { sentences[$0 % sentences.count] }
        BenchReport.measure("n-gram query score(sentence) with word lookup, \(count) words", threads: 1, runs: runs,
                            work: Double(count), unit: "words/s") {
            for text in texts { sink += model.score(text) }
        }.print()

        let utterances = try benchUtterances()
        let audioSeconds = Double(utterances.count * frames) * frameSeconds
        let ctcLabels = try CTCLabels(labels)
        let greedy = CTCGreedyDecoder(labels: ctcLabels)
        BenchReport.measure("greedy CTC decode, 10 x 8 s (1000/throughput = ms per audio-s)", threads: 1, runs: runs,
                            work: audioSeconds, unit: "audio-s/s") {
            for values in utterances {
                values.withUnsafeBufferPointer { sink += Double(greedy.decode(LogProbabilities($0, frames: frames, labels: labels.count)).count) }
            }
        }.print()
        for (width, lm) in [(32, true), (100, true), (32, false)] {
            let decoder = CTCBeamSearchDecoder(labels: ctcLabels, languageModel: lm ? model : nil,
                                               options: .init(beamWidth: width, alpha: 0.5, beta: 1.0))
            BenchReport.measure("beam search beam=\(width) \(lm ? "+3-gram LM a=0.5 b=1.0" : "no LM"), 10 x 8 s (1000/throughput = ms per audio-s)",
                                threads: 1, runs: runs, work: audioSeconds, unit: "audio-s/s") {
                for values in utterances {
                    values.withUnsafeBufferPointer { sink += decoder.decode(LogProbabilities($0, frames: frames, labels: labels.count)).first?.score ?? 0 }
                }
            }.print()
        }
        let decoder = CTCBeamSearchDecoder(labels: ctcLabels, languageModel: model, options: .init(beamWidth: 32, alpha: 0.5, beta: 1.0))
        let batch = utterances.map { (values: $0, frames: frames) }
        BenchReport.measure("beam search beam=32 +3-gram LM, batch of 10 on all cores", threads: ProcessInfo.processInfo.activeProcessorCount,
                            runs: runs, work: audioSeconds, unit: "audio-s/s") {
            sink += Double(decoder.decodeBatch(batch).count)
        }.print()
        if sink.isNaN { print("") }
    }

    /// Sentences of lowercase `[a-z']` words, split on `. ; : ! ?`, 2+ words (the anchor's `norm_sents`).
    static func normalizedSentences(_ text: String) -> [String] {
        text.lowercased().split(whereSeparator: { ".;:!?".contains($0) }).compactMap { piece in
            let cleaned = String(piece.unicodeScalars.map { ("a"..."z").contains($0) || $0 == "'" ? Character($0) : " " })
            let words = cleaned.split(separator: " ").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "'")) }.filter { !$0.isEmpty }
            return words.count >= 2 ? words.joined(separator: " ") : nil
        }
    }

    static func licenseSentences() throws -> [String] {
        let fm = FileManager.default
        var files = ((try? fm.contentsOfDirectory(atPath: "/usr/share/common-licenses")) ?? []).sorted().map { "/usr/share/common-licenses/\($0)" }
        files += ((try? fm.contentsOfDirectory(atPath: "/usr/share/doc")) ?? []).sorted().map { "/usr/share/doc/\($0)/copyright" }
        var seen = Set<String>(), sentences: [String] = []
        for file in files {
            guard let data = fm.contents(atPath: file) else { continue }
            for sentence in normalizedSentences(String(decoding: data, as: UTF8.self)) where seen.insert(sentence).inserted {
                sentences.append(sentence)
            }
        }
        guard sentences.count > 100 else { throw BenchUnavailable(reason: "decoding: no /usr/share/common-licenses corpus (pass --corpus FILE)") }
        return sentences
    }

    /// Ten noisy 400-frame log-probability matrices spelling GPL-3 sentences (seeded).
    static func benchUtterances() throws -> [[Float]] {
        let gpl = (FileManager.default.contents(atPath: "/usr/share/common-licenses/GPL-3")).map { String(decoding: $0, as: UTF8.self) } ?? ""
        var candidates = normalizedSentences(gpl).filter { (90...130).contains($0.count) }
        if candidates.count < 10 { candidates = ["the quick brown fox jumps over the lazy dog and keeps running across the field until the sun goes down"] }
        var rng = BenchRandom(state: 0)
        return (0..<10).map { i in noisyLogProbs(candidates[(i * 7919) % candidates.count], rng: &rng) }
    }

    static func noisyLogProbs(_ text: String, rng: inout BenchRandom) -> [Float] {
        let blank = labels.count - 1, v = labels.count
        let ids = text.map { labels.firstIndex(of: String($0)) ?? 0 }
        var path: [Int] = []
        for (i, c) in ids.enumerated() {
            if i > 0 && ids[i - 1] == c { path.append(blank) }
            path += Array(repeating: c, count: 1 + Int(rng.next() % 2))
            path += Array(repeating: blank, count: Int(rng.next() % 2))
        }
        path = Array(path.prefix(frames))
        let lead = (frames - path.count) / 3
        path = Array(repeating: blank, count: lead) + path + Array(repeating: blank, count: frames - path.count - lead)
        var values: [Float] = []
        for var label in path {
            var row = (0..<v).map { _ in rng.normal() }
            if label != blank && rng.uniform() < 0.1 {
                row[label] += 4.5
                label = Int(rng.next() % UInt64(v - 1))
            }
            row[label] += 6
            let top = row.max() ?? 0
            let norm = log(row.reduce(0) { $0 + exp($1 - top) }) + top
            values += row.map { Float($0 - norm) }
        }
        return values
    }
}

/// SplitMix64 with uniform and normal draws, for reproducible bench inputs.
struct BenchRandom {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }
    mutating func normal() -> Double { sqrt(-2 * log(max(uniform(), 1e-300))) * cos(2 * .pi * uniform()) }
}
