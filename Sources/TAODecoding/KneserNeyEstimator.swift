import Foundation

/// Options of modified Kneser-Ney estimation, as lmplz's flags.
public struct KneserNeyOptions: Sendable {
    /// Highest n-gram order (1 to 6, `-o`).
    public var order: Int
    /// Per order, n-grams whose raw count is at most this are dropped (`--prune 0 1 1`); missing
    /// trailing values repeat the last one. The unigram threshold must be 0; values never decrease.
    public var pruning: [Int]
    /// Substitute D1=0.5, D2=1, D3+=1.5 when counts-of-counts give no valid discounts for an order
    /// (`--discount_fallback`); otherwise that case throws.
    public var discountFallback: Bool

    public init(order: Int, pruning: [Int] = [], discountFallback: Bool = false) {
        self.order = order
        self.pruning = pruning
        self.discountFallback = discountFallback
    }

    /// Thresholds for orders 1...order.
    func thresholds() throws -> [Int] {
        guard (1...KneserNeyEstimator.maxOrder).contains(order) else {
            throw DecodingError.invalidOption(name: "order", value: "\(order)", expected: "an order from 1 to \(KneserNeyEstimator.maxOrder)")
        }
        var values = Array(pruning.prefix(order))
        while values.count < order { values.append(values.last ?? 0) }
        if values[0] != 0 || zip(values, values.dropFirst()).contains(where: { $0 > $1 }) || values.contains(where: { $0 < 0 }) {
            throw DecodingError.invalidOption(name: "pruning", value: "\(pruning)", expected: "non-negative, non-decreasing thresholds starting with 0")
        }
        return values
    }
}

/// The modified Kneser-Ney discounts of one order (Chen & Goodman): D1, D2, D3+.
public struct Discount: Equatable, Sendable {
    public var d1: Double, d2: Double, d3: Double
    public static let fallback = Discount(d1: 0.5, d2: 1, d3: 1.5)

    @inline(__always)
    func amount(_ count: Int) -> Double { count >= 3 ? d3 : (count == 2 ? d2 : (count == 1 ? d1 : 0)) }
}

/// An estimated model: its n-grams (as lmplz would write them), with the statistics lmplz prints.
public struct NGramEstimate: Sendable {
    /// Words by id: `<unk>`, `<s>`, `</s>`, then corpus words by first appearance.
    public let vocabulary: [String]
    let lists: [NGramList]
    /// Discounts per order, from 1.
    public let discounts: [Discount]
    /// Messages for the user (e.g. fallback discounts substituted).
    public let messages: [String]
    /// Corpus words (without `<s>`/`</s>`) and sentences counted.
    public let wordCount: Int, sentenceCount: Int

    /// Kept n-grams per order, from 1.
    public var counts: [Int] { lists.map(\.count) }

    /// The ARPA text, as lmplz writes it.
    public func arpaText() -> String { ARPAWriter.text(vocabulary: vocabulary, lists: lists) }

    /// Writes the ARPA file.
    public func writeARPA(to path: String) throws { try ARPAWriter.write(vocabulary: vocabulary, lists: lists, to: path) }

    /// What estimation reports besides the n-grams.
    public var summary: NGramEstimateSummary {
        NGramEstimateSummary(counts: counts, discounts: discounts, messages: messages, wordCount: wordCount, sentenceCount: sentenceCount)
    }

    /// The queryable model.
    public func model() throws -> NGramModel {
        do { return try NGramModelBuilder.build(vocabulary: vocabulary, lists: lists) } catch {
            throw DecodingError.invalidOption(name: "estimate", value: "\(error)", expected: "a consistent model (report this as a bug)")
        }
    }
}

/// Estimates interpolated modified Kneser-Ney models as KenLM's lmplz does: adjusted counts
/// (continuation counts below the highest order, raw counts for n-grams starting with `<s>`),
/// discounts from counts-of-counts per order, pruned mass moved into the backoff, unigrams
/// interpolated with the uniform distribution, `<unk>` a zeroton. `estimate` works in memory (the
/// corpus's word ids and every n-gram); `writeARPA` computes the same file in bounded memory
/// (`StreamingKneserNey`).
public enum KneserNeyEstimator {
    public static let maxOrder = 6
    static let bits = 21
    static let wordMask: UInt128 = (1 << 21) - 1

    /// Estimates from a text file, one sentence per line.
    public static func estimate(corpus path: String, options: KneserNeyOptions) throws -> NGramEstimate {
        let thresholds = try options.thresholds()
        return try estimate(try NGramCorpus(path: path), options: options, thresholds: thresholds, name: path)
    }

    /// Estimates from a text file, one sentence per line, with memory bounded by `memoryBytes` (plus the
    /// vocabulary and buffers of a few MB) through sorted runs in temporary files, and writes the ARPA file to
    /// `arpaPath`: the bytes `estimate(corpus:options:).arpaText()` gives.
    public static func writeARPA(corpus path: String, options: KneserNeyOptions, memoryBytes: Int, to arpaPath: String) throws -> NGramEstimateSummary {
        try StreamingKneserNey.writeARPA(corpus: path, options: options, memoryBytes: memoryBytes, to: arpaPath)
    }

    /// Estimates from sentences (words separated by spaces).
    public static func estimate(sentences: some Sequence<String>, options: KneserNeyOptions) throws -> NGramEstimate {
        let thresholds = try options.thresholds()
        return try estimate(try NGramCorpus(sentences: sentences), options: options, thresholds: thresholds, name: "<sentences>")
    }

    static func estimate(_ corpus: NGramCorpus, options: KneserNeyOptions, thresholds: [Int], name: String) throws -> NGramEstimate {
        let order = options.order
        let vocabularySize = corpus.words.count
        guard vocabularySize < 1 << bits else {
            throw DecodingError.invalidOption(name: name, value: "\(vocabularySize) words", expected: "fewer than \(1 << bits) distinct words")
        }
        // raw counts per order (unigrams exclude <s>)
        var raw: [CountedKeys] = (1...order).map { rawCounts(corpus, n: $0) }
        // adjusted counts: continuation counts below the highest order
        var adjusted: [[Int]] = Array(repeating: [], count: order)
        adjusted[order - 1] = raw[order - 1].counts
        for n in stride(from: order - 1, through: 1, by: -1) {
            adjusted[n - 1] = continuationCounts(of: raw[n - 1], extensions: raw[n].keys, n: n)
        }
        var discounts: [Discount] = []
        var messages: [String] = []
        for n in 1...order {
            switch discount(adjusted[n - 1]) {
            case let .success(d): discounts.append(d)
            case let .failure(reason):
                guard options.discountFallback else { throw DecodingError.badDiscount(order: n, reason: reason.description) }
                discounts.append(.fallback)
                messages.append("\(n)-grams: \(reason); substituting fallback discounts D1=0.5 D2=1 D3+=1.5")
            }
        }
        let lists = interpolate(raw: &raw, adjusted: adjusted, discounts: discounts, thresholds: thresholds, vocabularySize: vocabularySize)
        return NGramEstimate(vocabulary: corpus.words, lists: lists, discounts: discounts, messages: messages,
                             wordCount: corpus.wordCount, sentenceCount: corpus.sentenceCount)
    }

    /// Sorted distinct n-gram keys (words packed 21 bits each, first word most significant) with counts.
    struct CountedKeys {
        var keys: [UInt128] = []
        var counts: [Int] = []
    }

    /// Raw counts of the n-grams of one order.
    static func rawCounts(_ corpus: NGramCorpus, n: Int) -> CountedKeys {
        var keys: [UInt128] = []
        keys.reserveCapacity(corpus.tokens.count)
        corpus.tokens.withUnsafeBufferPointer { tokens in
            for s in 0..<corpus.sentenceCount {
                let start = corpus.sentenceStarts[s], end = corpus.sentenceStarts[s + 1]
                guard end - start >= n else { continue }
                for i in start...(end - n) {
                    if n == 1 && tokens[i] == NGramCorpus.beginID { continue }
                    var key: UInt128 = 0
                    for k in i..<(i + n) { key = key << bits | UInt128(tokens[k]) }
                    keys.append(key)
                }
            }
        }
        RadixSort.sort(&keys, bits: bits * n)
        return runLengths(keys)
    }

    static func runLengths(_ sorted: [UInt128]) -> CountedKeys {
        var result = CountedKeys()
        result.keys.reserveCapacity(sorted.count / 2)
        result.counts.reserveCapacity(sorted.count / 2)
        for key in sorted {
            if result.keys.last == key { result.counts[result.counts.count - 1] += 1 } else {
                result.keys.append(key)
                result.counts.append(1)
            }
        }
        return result
    }

    /// Adjusted counts of the n-grams in `lower`: the number of distinct words that precede each one
    /// in `extensions` (the (n+1)-grams), or the raw count for n-grams that start with `<s>`.
    static func continuationCounts(of lower: CountedKeys, extensions: [UInt128], n: Int) -> [Int] {
        let suffixMask: UInt128 = (1 << (bits * n)) - 1
        var suffixKeys = extensions.map { $0 & suffixMask }
        RadixSort.sort(&suffixKeys, bits: bits * n)
        let suffixes = runLengths(suffixKeys)
        var adjusted = [Int](repeating: 0, count: lower.keys.count)
        var j = 0
        let beginShift = bits * (n - 1)
        for (i, key) in lower.keys.enumerated() {
            while j < suffixes.keys.count && suffixes.keys[j] < key { j += 1 }
            if key >> beginShift == UInt128(NGramCorpus.beginID) {
                adjusted[i] = lower.counts[i]
            } else if j < suffixes.keys.count && suffixes.keys[j] == key {
                adjusted[i] = suffixes.counts[j]
            }
        }
        return adjusted
    }

    /// Discounts from counts-of-counts t1..t4: Y = t1 / (t1 + 2 t2), Dk = k - (k + 1) Y t(k+1) / tk.
    static func discount(_ counts: [Int]) -> Result<Discount, DiscountFailure> {
        var t = [Double](repeating: 0, count: 5)
        for count in counts where count >= 1 && count <= 4 { t[count] += 1 }
        return discount(countsOfCounts: t)
    }

    /// Discounts from `t[k]`, the number of n-grams with adjusted count k (k = 1...4; t[0] is unused).
    static func discount(countsOfCounts t: [Double]) -> Result<Discount, DiscountFailure> {
        for k in 1...3 where t[k] == 0 {
            return .failure(DiscountFailure("no n-grams with adjusted count \(k), so no discount for count \(k + 1)"))
        }
        let y = t[1] / (t[1] + 2 * t[2])
        var d = [0.0, 0, 0, 0]
        for k in 1...3 {
            d[k] = Double(k) - Double(k + 1) * y * t[k + 1] / t[k]
            if d[k] < 0 || d[k] > Double(k) {
                return .failure(DiscountFailure("discount for adjusted count \(k) is \(Float(d[k])), outside [0, \(k)]"))
            }
        }
        return .success(Discount(d1: d[1], d2: d[2], d3: d[3]))
    }

    struct DiscountFailure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    static func find(_ key: UInt128, in keys: [UInt128]) -> Int? {
        var low = 0, high = keys.count
        while low < high {
            let mid = (low + high) / 2
            if keys[mid] < key { low = mid + 1 } else { high = mid }
        }
        return low < keys.count && keys[low] == key ? low : nil
    }

    /// Interpolated probabilities and backoffs, order by order, as ARPA lists.
    static func interpolate(raw: inout [CountedKeys], adjusted: [[Int]], discounts: [Discount], thresholds: [Int],
                            vocabularySize: Int) -> [NGramList] {
        let order = raw.count
        // |V| of the uniform distribution: every word but <s>, with <unk>
        let uniform = 1.0 / Double(vocabularySize - 1)
        var probs: [[Double]] = []
        var backoffs: [[Double]] = raw.map { [Double](repeating: 1, count: $0.keys.count) }
        backoffs[0] = [Double](repeating: 1, count: vocabularySize)   // unigrams by word id
        var unigramProbs = [Double](repeating: 0, count: vocabularySize)
        for n in 1...order {
            let keys = raw[n - 1].keys, rawCounts = raw[n - 1].counts, counts = adjusted[n - 1]
            let discount = discounts[n - 1]
            var prob = [Double](repeating: .nan, count: keys.count)
            let lowerKeys = n >= 3 ? raw[n - 2].keys : []
            var contextIndex = 0
            // suffixes of up to 3 words fit 63 bits: a hash map beats binary search there
            var lowerIndex = IntHashMap(capacity: n >= 3 && n - 1 <= 3 ? lowerKeys.count : 0)
            if n >= 3 && n - 1 <= 3 {
                for (index, key) in lowerKeys.enumerated() { lowerIndex.insert(UInt64(truncatingIfNeeded: key), Int32(index)) }
            }
            var groupStart = 0
            while groupStart < keys.count {
                let context = keys[groupStart] >> bits
                var groupEnd = groupStart
                var denominator = 0.0, mass = 0.0
                while groupEnd < keys.count && keys[groupEnd] >> bits == context {
                    let count = counts[groupEnd]
                    denominator += Double(count)
                    // pruned n-grams give all their count to the backoff
                    mass += n > 1 && rawCounts[groupEnd] <= thresholds[n - 1] ? Double(count) : discount.amount(count)
                    groupEnd += 1
                }
                let gamma = mass / denominator
                for i in groupStart..<groupEnd where n == 1 || rawCounts[i] > thresholds[n - 1] {
                    let count = counts[i]
                    let lower: Double
                    if n == 1 {
                        lower = uniform
                    } else if n == 2 {
                        lower = unigramProbs[Int(keys[i] & wordMask)]
                    } else {
                        let suffix = keys[i] & ((1 << (bits * (n - 1))) - 1)
                        let index = n - 1 <= 3 ? lowerIndex.get(UInt64(truncatingIfNeeded: suffix)).map(Int.init) : find(suffix, in: lowerKeys)
                        lower = index.map { probs[n - 2][$0] } ?? 0
                    }
                    prob[i] = (Double(count) - discount.amount(count)) / denominator + gamma * lower
                }
                if n == 1 {
                    unigramProbs[Int(NGramCorpus.unknownID)] = gamma * uniform
                } else if n == 2 {
                    backoffs[0][Int(context)] = gamma
                } else {
                    // contexts come in sorted order: walk the lower order's keys instead of searching
                    while contextIndex < lowerKeys.count && lowerKeys[contextIndex] < context { contextIndex += 1 }
                    if contextIndex < lowerKeys.count && lowerKeys[contextIndex] == context { backoffs[n - 2][contextIndex] = gamma }
                }
                groupStart = groupEnd
            }
            if n == 1 {
                for (i, key) in keys.enumerated() { unigramProbs[Int(key)] = prob[i] }
                unigramProbs[Int(NGramCorpus.beginID)] = 1
            }
            probs.append(prob)
        }
        var lists: [NGramList] = []
        var unigrams = NGramList(order: 1)
        for id in 0..<vocabularySize {
            unigrams.append(CollectionOfOne(UInt32(id)), log10Prob: Float(log10(unigramProbs[id])),
                            log10Backoff: Float(log10(backoffs[0][id])))
        }
        lists.append(unigrams)
        for n in stride(from: 2, through: order, by: 1) {
            var list = NGramList(order: n)
            var words = [UInt32](repeating: 0, count: n)
            for (i, key) in raw[n - 1].keys.enumerated() where !probs[n - 1][i].isNaN {
                for k in 0..<n { words[k] = UInt32(truncatingIfNeeded: (key >> (bits * (n - 1 - k))) & wordMask) }
                list.append(words, log10Prob: Float(log10(probs[n - 1][i])), log10Backoff: n < order ? Float(log10(backoffs[n - 1][i])) : 0)
            }
            lists.append(list)
        }
        return lists
    }
}
