import Foundation

/// What estimation into a file reports (the model itself is the ARPA file).
public struct NGramEstimateSummary: Sendable {
    /// Kept n-grams per order, from 1.
    public let counts: [Int]
    /// Discounts per order, from 1.
    public let discounts: [Discount]
    /// Messages for the user (e.g. fallback discounts substituted).
    public let messages: [String]
    /// Corpus words (without `<s>`/`</s>`) and sentences counted.
    public let wordCount: Int, sentenceCount: Int
}

/// Modified Kneser-Ney estimation in bounded memory, for corpora larger than memory: the model of
/// `KneserNeyEstimator.estimate` (the same ARPA bytes), computed as lmplz does, through sorted streams of n-gram
/// records in temporary files. Memory holds the vocabulary, a few arrays with one value per word, one sentence,
/// one context's n-grams, and the sorters' chunks, which share `memoryBytes`.
///
/// 1. The corpus becomes a file of word ids; each order's n-grams are counted in a hash table (`NGramCounter`) that
///    spills sorted runs when it fills.
/// 2. Adjusted counts, from the highest order down: each order joined with the sorted suffixes of the order above.
/// 3. Probabilities, from unigrams up: a pass in key order groups n-grams by context (denominator, and gamma,
///    the context's backoff); a sort by suffix joins each n-gram with its suffix's probability; a sort back to
///    key order gives the order's probabilities.
/// 4. The ARPA file, each order joined with the backoffs its contexts got in step 3.
enum StreamingKneserNey {
    /// Estimates from the text file at `path` (one sentence per line) and writes the ARPA file to `arpaPath`.
    static func writeARPA(corpus path: String, options: KneserNeyOptions, memoryBytes: Int, to arpaPath: String) throws -> NGramEstimateSummary {
        let thresholds = try options.thresholds()
        let directory = (NSTemporaryDirectory() as NSString).appendingPathComponent("tao-ngram-\(getpid())-\(UUID().uuidString)")
        do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            throw DecodingError.io(file: directory, reason: "cannot create a folder for the sorted runs")
        }
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var pipeline = Pipeline(order: options.order, thresholds: thresholds, sorterBytes: max(memoryBytes / 2, 1 << 16), directory: directory)
        let corpus = try pipeline.tokenize(path)
        try pipeline.count()
        let discounts = try pipeline.adjustCounts()
        var messages: [String] = []
        var chosen: [Discount] = []
        for (index, result) in discounts.enumerated() {
            switch result {
            case let .success(discount): chosen.append(discount)
            case let .failure(reason):
                guard options.discountFallback else { throw DecodingError.badDiscount(order: index + 1, reason: reason.description) }
                chosen.append(.fallback)
                messages.append("\(index + 1)-grams: \(reason); substituting fallback discounts D1=0.5 D2=1 D3+=1.5")
            }
        }
        try pipeline.interpolate(discounts: chosen)
        try pipeline.writeARPA(words: corpus.words, to: arpaPath)
        return NGramEstimateSummary(counts: pipeline.keptCounts, discounts: chosen, messages: messages,
                                    wordCount: corpus.wordCount, sentenceCount: corpus.sentenceCount)
    }

    /// The files and per-word arrays of one estimation.
    private struct Pipeline {
        let order: Int
        let thresholds: [Int]
        /// Memory of one sorter's chunk (two sorters are alive at once at most; a counter, alone, takes twice this).
        let sorterBytes: Int
        let directory: String
        var vocabularySize = 0
        /// Bits of a word id in packed keys: as few as the vocabulary needs (fewer radix passes), which orders
        /// keys as 21-bit words do.
        var bits = KneserNeyEstimator.bits
        var wordMask: UInt128 { (1 << bits) - 1 }
        var tokensPath = ""
        /// Per order: distinct n-grams in key order, (key, raw count).
        var countedPaths: [String] = []
        /// Per order: (key, raw count, adjusted count).
        var adjustedPaths: [String] = []
        /// Per order: (key, probability bits; NaN for pruned n-grams). Unigrams live in `unigramProbs`.
        var probabilityPaths: [String] = []
        /// Per order below the highest: (key, backoff bits) of the n-grams that are contexts. Unigrams: `unigramBackoffs`.
        var contextPaths: [String] = []
        var unigramProbs: [Double] = [], unigramBackoffs: [Double] = []
        var keptCounts: [Int] = []

        init(order: Int, thresholds: [Int], sorterBytes: Int, directory: String) {
            self.order = order
            self.thresholds = thresholds
            self.sorterBytes = sorterBytes
            self.directory = directory
            countedPaths = Array(repeating: "", count: order)
            adjustedPaths = countedPaths
            probabilityPaths = countedPaths
            contextPaths = countedPaths
            keptCounts = Array(repeating: 0, count: order)
        }

        private func sorter(n: Int, summing: Bool) -> ExternalSorter {
            ExternalSorter(memoryBytes: sorterBytes, bits: bits * n, summing: summing, directory: directory)
        }

        private func reader(_ path: String) throws -> TemporaryFileReader<NGramRecord> { try TemporaryFileReader(path: path) }

        private func writer() throws -> TemporaryFileWriter<NGramRecord> { try TemporaryFileWriter(directory: directory) }

        /// Writes a stream of records to a file; returns its path.
        private func save(_ source: NGramRecordSource) throws -> String {
            let output = try writer()
            while let record = try source.next() { try output.append(record) }
            try output.close()
            return output.path
        }

        /// The corpus as a file of word ids, `<s>` and `</s>` around each sentence; the vocabulary stays in memory.
        mutating func tokenize(_ path: String) throws -> NGramCorpus {
            let tokens = try TemporaryFileWriter<UInt32>(directory: directory)
            let corpus = try NGramCorpus.stream(path: path) { try tokens.append(contentsOf: $0) }
            try tokens.close()
            guard corpus.words.count < 1 << KneserNeyEstimator.bits else {
                throw DecodingError.invalidOption(name: path, value: "\(corpus.words.count) words", expected: "fewer than \(1 << KneserNeyEstimator.bits) distinct words")
            }
            vocabularySize = corpus.words.count
            bits = max(1, UInt.bitWidth - UInt(vocabularySize - 1).leadingZeroBitCount)
            tokensPath = tokens.path
            return corpus
        }

        /// Raw counts of every order (unigrams exclude `<s>`): unigrams in an array by word id, higher orders in a
        /// hash table per order (`NGramCounter`, as much memory as the cap), one pass over the word ids each.
        mutating func count() throws {
            var unigrams = [UInt64](repeating: 0, count: vocabularySize)
            do {
                let tokens = try TemporaryFileReader<UInt32>(path: tokensPath)
                while let token = try tokens.nextValue() { unigrams[Int(token)] += 1 }
                unigrams[Int(NGramCorpus.beginID)] = 0
                let output = try writer()
                for (id, count) in unigrams.enumerated() where count > 0 { try output.append(NGramRecord(key: UInt128(id), a: count)) }
                try output.close()
                countedPaths[0] = output.path
            }
            guard order > 1 else { return }
            for n in 2...order {
                let counter = try NGramCounter(memoryBytes: 2 * sorterBytes, bits: bits * n, directory: directory)
                let mask: UInt128 = (1 << (bits * n)) - 1
                let tokens = try TemporaryFileReader<UInt32>(path: tokensPath)
                // the last n words read, and how many of them belong to the current sentence
                var key: UInt128 = 0, length = 0
                while let token = try tokens.nextValue() {
                    key = (key << bits | UInt128(token)) & mask
                    length = token == NGramCorpus.beginID ? 1 : length + 1
                    if length >= n { try counter.add(key) }
                }
                countedPaths[n - 1] = try save(counter.sorted())
            }
        }

        /// Adjusted counts (the number of distinct words before each n-gram in the order above; raw counts for the
        /// highest order and n-grams starting with `<s>`), and each order's discounts from their counts-of-counts.
        mutating func adjustCounts() throws -> [Result<Discount, KneserNeyEstimator.DiscountFailure>] {
            var discounts: [Result<Discount, KneserNeyEstimator.DiscountFailure>] = []
            for n in stride(from: order, through: 1, by: -1) {
                let counted = try reader(countedPaths[n - 1])
                let output = try writer()
                var countsOfCounts = [Double](repeating: 0, count: 5)
                func write(_ record: NGramRecord, adjusted: UInt64) throws {
                    if adjusted >= 1 && adjusted <= 4 { countsOfCounts[Int(adjusted)] += 1 }
                    try output.append(NGramRecord(key: record.key, a: record.a, b: adjusted))
                }
                if n == order {
                    while let record = try counted.next() { try write(record, adjusted: record.a) }
                } else {
                    let suffixMask: UInt128 = (1 << (bits * n)) - 1
                    let continuations = try NGramCounter(memoryBytes: 2 * sorterBytes, bits: bits * n, directory: directory)
                    let upper = try reader(countedPaths[n])
                    while let record = try upper.next() { try continuations.add(record.key & suffixMask) }
                    let suffixes = try continuations.sorted()
                    var suffix = try suffixes.next()
                    let beginShift = bits * (n - 1)
                    while let record = try counted.next() {
                        while let current = suffix, current.key < record.key { suffix = try suffixes.next() }
                        if record.key >> beginShift == UInt128(NGramCorpus.beginID) {
                            try write(record, adjusted: record.a)
                        } else {
                            try write(record, adjusted: suffix?.key == record.key ? suffix?.a ?? 0 : 0)
                        }
                    }
                }
                try output.close()
                adjustedPaths[n - 1] = output.path
                discounts.append(KneserNeyEstimator.discount(countsOfCounts: countsOfCounts))
            }
            return discounts.reversed()
        }

        /// Interpolated probabilities and backoffs, order by order, as `KneserNeyEstimator.interpolate` computes them.
        mutating func interpolate(discounts: [Discount]) throws {
            // |V| of the uniform distribution: every word but <s>, with <unk>
            let uniform = 1.0 / Double(vocabularySize - 1)
            unigramProbs = [Double](repeating: 0, count: vocabularySize)
            unigramBackoffs = [Double](repeating: 1, count: vocabularySize)
            for n in 1...order {
                let discount = discounts[n - 1], threshold = thresholds[n - 1]
                let input = try reader(adjustedPaths[n - 1])
                let bySuffix = n >= 3 ? sorter(n: n, summing: false) : nil
                let output = n == 2 ? try writer() : nil
                let contexts = n >= 3 ? try writer() : nil
                var unigramsSeen: [(id: Int, prob: Double)] = []
                var group: [NGramRecord] = []
                var pending = try input.next()
                while let first = pending {
                    // one context's n-grams: its denominator, and the mass its discounts (and pruned n-grams) free
                    let context = first.key >> bits
                    group.removeAll(keepingCapacity: true)
                    var denominator = 0.0, mass = 0.0
                    while let record = pending, record.key >> bits == context {
                        let count = Int(record.b)
                        denominator += Double(count)
                        mass += n > 1 && Int(record.a) <= threshold ? Double(count) : discount.amount(count)
                        group.append(record)
                        pending = try input.next()
                    }
                    let gamma = mass / denominator
                    for record in group {
                        let count = Int(record.b)
                        let kept = n == 1 || Int(record.a) > threshold
                        let discounted = kept ? (Double(count) - discount.amount(count)) / denominator : .nan
                        switch n {
                        case 1:
                            unigramsSeen.append((Int(record.key), discounted + gamma * uniform))
                        case 2:
                            let prob = discounted + gamma * unigramProbs[Int(record.key & wordMask)]
                            try output?.append(NGramRecord(key: record.key, a: prob.bitPattern))
                            if !prob.isNaN { keptCounts[1] += 1 }
                        default:
                            // suffix first, the first word last
                            let rotated = (record.key & ((1 << (bits * (n - 1))) - 1)) << bits | record.key >> (bits * (n - 1))
                            try bySuffix?.add(NGramRecord(key: rotated, a: discounted.bitPattern, b: gamma.bitPattern))
                        }
                    }
                    switch n {
                    case 1: unigramProbs[Int(NGramCorpus.unknownID)] = gamma * uniform
                    case 2: unigramBackoffs[Int(context)] = gamma
                    default: try contexts?.append(NGramRecord(key: context, a: gamma.bitPattern))
                    }
                }
                if n == 1 {
                    for (id, prob) in unigramsSeen { unigramProbs[id] = prob }
                    unigramProbs[Int(NGramCorpus.beginID)] = 1
                    keptCounts[0] = vocabularySize
                }
                if let output {
                    try output.close()
                    probabilityPaths[1] = output.path
                }
                if let contexts {
                    try contexts.close()
                    contextPaths[n - 2] = contexts.path
                }
                if let bySuffix { try joinLowerOrder(bySuffix.sorted(), n: n) }
            }
        }

        /// Order n's probabilities from its records in suffix order (rotated key, discounted part, gamma): each
        /// joined with its suffix's probability in order n-1, then sorted back into key order.
        private mutating func joinLowerOrder(_ bySuffix: NGramRecordSource, n: Int) throws {
            let lower = try reader(probabilityPaths[n - 2])
            var lowerRecord = try lower.next()
            let byKey = sorter(n: n, summing: false)
            while let record = try bySuffix.next() {
                let suffix = record.key >> bits
                while let current = lowerRecord, current.key < suffix { lowerRecord = try lower.next() }
                let lowerProb = lowerRecord.map { $0.key == suffix ? Double(bitPattern: $0.a) : 0 } ?? 0
                let prob = Double(bitPattern: record.a) + Double(bitPattern: record.b) * lowerProb
                let key = (record.key & wordMask) << (bits * (n - 1)) | record.key >> bits
                try byKey.add(NGramRecord(key: key, a: prob.bitPattern))
                if !prob.isNaN { keptCounts[n - 1] += 1 }
            }
            probabilityPaths[n - 1] = try save(byKey.sorted())
        }

        /// The ARPA text, as `ARPAWriter` writes an estimate: unigrams in vocabulary order, higher orders by key.
        func writeARPA(words vocabulary: [String], to path: String) throws {
            guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
                throw DecodingError.io(file: path, reason: "cannot write the file")
            }
            defer { try? handle.close() }
            let words = vocabulary.map { Array($0.utf8) }
            var out: [UInt8] = []
            func flush(_ force: Bool = false) throws {
                guard force || out.count >= 1 << 20 else { return }
                do { try handle.write(contentsOf: Data(out)) } catch { throw DecodingError.io(file: path, reason: "cannot write the file (disk full?)") }
                out.removeAll(keepingCapacity: true)
            }
            out.append(contentsOf: "\\data\\\n".utf8)
            for n in 1...order { out.append(contentsOf: "ngram \(n)=\(keptCounts[n - 1])\n".utf8) }
            out.append(contentsOf: "\n\\1-grams:\n".utf8)
            for id in 0..<vocabularySize {
                ARPAWriter.append(Float(log10(unigramProbs[id])), to: &out)
                out.append(9)
                out.append(contentsOf: words[id])
                if order > 1 {
                    out.append(9)
                    ARPAWriter.append(Float(log10(unigramBackoffs[id])), to: &out)
                }
                out.append(10)
                try flush()
            }
            for n in stride(from: 2, through: order, by: 1) {
                out.append(contentsOf: "\n\\\(n)-grams:\n".utf8)
                let probabilities = try reader(probabilityPaths[n - 1])
                let contexts = n < order ? try reader(contextPaths[n - 1]) : nil
                var context = try contexts?.next()
                while let record = try probabilities.next() {
                    let prob = Double(bitPattern: record.a)
                    guard !prob.isNaN else { continue }
                    ARPAWriter.append(Float(log10(prob)), to: &out)
                    out.append(9)
                    for k in 0..<n {
                        if k > 0 { out.append(32) }
                        out.append(contentsOf: words[Int(truncatingIfNeeded: (record.key >> (bits * (n - 1 - k))) & wordMask)])
                    }
                    if let contexts {
                        while let current = context, current.key < record.key { context = try contexts.next() }
                        let backoff = context.map { $0.key == record.key ? Double(bitPattern: $0.a) : 1 } ?? 1
                        out.append(9)
                        ARPAWriter.append(Float(log10(backoff)), to: &out)
                    }
                    out.append(10)
                    try flush()
                }
            }
            out.append(contentsOf: "\n\\end\\\n".utf8)
            try flush(true)
        }
    }
}
