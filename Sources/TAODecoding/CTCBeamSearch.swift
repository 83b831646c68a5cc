import Foundation

/// Options of CTC prefix beam search (names and defaults as pyctcdecode's).
public struct BeamSearchOptions: Sendable {
    /// Beams kept after each frame.
    public var beamWidth = 100
    /// Beams scoring more than this below the best (natural log) are dropped.
    public var beamPruneLogp = -10.0
    /// Labels below this log-probability in a frame are not expanded (the frame's best always is).
    public var tokenMinLogp: Float = -5
    /// Weight of the language model's natural-log score.
    public var alpha = 0.5
    /// Bonus per word (only with a language model).
    public var beta = 1.5
    /// Added to the log10 LM score of a word the LM does not know, and (unscaled) to a partial word
    /// that starts no LM word.
    public var unkScoreOffset = -10.0
    /// Score the first word after `<s>` and end with `</s>`.
    public var lmScoreBoundary = true
    /// Reproduce pyctcdecode 0.5's end-of-utterance scoring of a hypothesis whose kept beam ends in a
    /// word separator: it scores an empty word (as `<unk>`, plus `unkScoreOffset` and beta) before
    /// `</s>`. Off by default (only `</s>` is scored); on for parity tests against pyctcdecode.
    public var scoreEmptyFinalWordAsUnknown = false

    public init(beamWidth: Int = 100, beamPruneLogp: Double = -10, tokenMinLogp: Float = -5, alpha: Double = 0.5,
                beta: Double = 1.5, unkScoreOffset: Double = -10, lmScoreBoundary: Bool = true) {
        self.beamWidth = beamWidth
        self.beamPruneLogp = beamPruneLogp
        self.tokenMinLogp = tokenMinLogp
        self.alpha = alpha
        self.beta = beta
        self.unkScoreOffset = unkScoreOffset
        self.lmScoreBoundary = lmScoreBoundary
    }
}

/// One hypothesis of the N-best list.
public struct BeamHypothesis: Sendable {
    /// Words joined by single spaces.
    public var text: String
    public var words: [DecodedWord]
    /// log P_ctc(text | audio): the summed path probability the beam kept (natural log).
    public var acousticScore: Double
    /// alpha * ln P_lm + beta * words + hotword bonuses (natural log); `score - acousticScore`.
    public var lmScore: Double
    /// The ranking score.
    public var score: Double
}

/// CTC prefix beam search with shallow fusion of a word n-gram LM and hotwords, following
/// pyctcdecode's algorithm: beams are prefixes split by their last label (so blank-ended and
/// label-ended paths stay apart and `aa` needs a blank), the LM scores a word when its
/// separator (or the next word's start) arrives, partial words are checked against the LM's
/// vocabulary, and the end adds the last word and `</s>`.
///
/// For subword labels with a token-level LM (`SubwordLMEncoding`: NeMo's subword n-grams, each token id `t` the
/// word `chr(t + 100)`), the search scores every emitted token as one LM word instead (`TokenBeamSearch`).
public final class CTCBeamSearchDecoder: Sendable {
    public let labels: CTCLabels
    public let languageModel: NGramModel?
    public let options: BeamSearchOptions
    let vocabularyTrie: CharacterTrie
    /// The LM word id of each label when the LM is token-level, else nil.
    let tokenWordIDs: [UInt32]?

    public init(labels: CTCLabels, languageModel: NGramModel? = nil, options: BeamSearchOptions = .init()) {
        self.labels = labels
        self.languageModel = languageModel
        self.options = options
        if let languageModel, labels.kind == .subwords, SubwordLMEncoding.isTokenLevel(languageModel, tokens: labels.count - 1) {
            tokenWordIDs = labels.labels.indices.map { $0 == labels.blank ? 0 : languageModel.id(SubwordLMEncoding.word($0)) }
            vocabularyTrie = CharacterTrie([])
        } else {
            tokenWordIDs = nil
            let special: Set<String> = [NGramVocabulary.unknown, NGramVocabulary.sentenceBegin, NGramVocabulary.sentenceEnd]
            vocabularyTrie = CharacterTrie((languageModel?.vocabulary.words ?? []).filter { !special.contains($0) })
        }
    }

    /// Whether the LM is fused token by token (a subword n-gram LM) rather than word by word.
    public var fusesTokens: Bool { tokenWordIDs != nil }

    /// The N-best hypotheses (at most `beamWidth`), best first, for `[frames x labels]` log-probabilities.
    /// Hotwords apply with word-level fusion only.
    public func decode(_ logProbs: LogProbabilities, hotwords: Hotwords? = nil) -> [BeamHypothesis] {
        precondition(logProbs.labels == labels.count, "log-probabilities have \(logProbs.labels) labels, the decoder \(labels.count)")
        if let tokenWordIDs, let languageModel {
            var search = TokenBeamSearch(labels: labels, model: languageModel, options: options, wordIDs: tokenWordIDs)
            return search.run(logProbs)
        }
        var search = BeamSearch(decoder: self, hotwords: hotwords ?? Hotwords([]))
        return search.run(logProbs)
    }

    /// Decodes `[frames x labels]` matrices (row-major `[Float]`s with their frame counts) on all cores.
    public func decodeBatch(_ batch: [(values: [Float], frames: Int)], hotwords: Hotwords? = nil) -> [[BeamHypothesis]] {
        let results = ResultSlots(count: batch.count)
        DispatchQueue.concurrentPerform(iterations: batch.count) { index in
            let item = batch[index]
            results.slots[index] = item.values.withUnsafeBufferPointer {
                decode(LogProbabilities($0, frames: item.frames, labels: labels.count), hotwords: hotwords)
            }
        }
        return Array(results.slots)
    }
}

/// One result slot per batch item, each written by exactly one worker.
private final class ResultSlots: @unchecked Sendable {
    let slots: UnsafeMutableBufferPointer<[BeamHypothesis]>
    init(count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: [])
    }
    deinit {
        _ = slots.deinitialize()
        slots.deallocate()
    }
}

/// The state of one decoding: the prefix tree of texts (with cached LM and hotword scores) and the beams.
private struct BeamSearch: ~Copyable {
    static let ln10 = 2.302585092994046
    static let averageWordLength = 6
    static let separator: UInt32 = 0

    let decoder: CTCBeamSearchDecoder
    let labels: CTCLabels
    let model: NGramModel?
    let options: BeamSearchOptions
    let hotwords: Hotwords

    // prefix tree: node 0 is the empty text; a node is a text plus a partial word
    var parent: [Int32] = [-1]
    var symbol: [UInt32] = [0]
    /// The separator (or root) node that ends the node's completed words.
    var wordsNode: [Int32] = [0]
    var partialLength: [Int32] = [0]
    var vocabularyNode: [Int32] = [CharacterTrie.root]
    var hotwordNode: [Int32] = [CharacterTrie.root]
    /// Completed-word score (LM + beta + hotwords) on separator nodes; plus the partial-word score on others.
    var score: [Double] = [0]
    var lmState: [LMState]
    var children = IntHashMap(capacity: 4096)

    // labels, flattened for the hot loop
    let startsWord: [Bool], endsWord: [Bool]
    let scalarStart: [Int], scalarEnd: [Int]
    let scalars: [UInt32]
    let isSubwords: Bool

    // persistent lists of word frame spans
    var spanParent: [Int32] = []
    var spanStart: [Int32] = []
    var spanEnd: [Int32] = []

    /// A beam; a beam that just added one character to a text not yet in the tree keeps `node` = -1
    /// and the child as `pendingParent` + `pendingScalar` until it survives pruning.
    struct Beam {
        var node: Int32
        var pendingParent: Int32 = -1
        var pendingScalar: UInt32 = 0
        var last: Int32
        var acoustic: Double
        var partStart: Int32
        var partEnd: Int32
        var spans: Int32
        var total: Double = 0
    }

    init(decoder: CTCBeamSearchDecoder, hotwords: Hotwords) {
        self.decoder = decoder
        labels = decoder.labels
        model = decoder.languageModel
        options = decoder.options
        self.hotwords = hotwords
        startsWord = labels.tokens.map(\.startsWord)
        endsWord = labels.tokens.map(\.endsWord)
        scalars = labels.tokens.flatMap(\.scalars)
        var start = 0, starts: [Int] = [], ends: [Int] = []
        for token in labels.tokens {
            starts.append(start)
            start += token.scalars.count
            ends.append(start)
        }
        scalarStart = starts
        scalarEnd = ends
        isSubwords = labels.kind == .subwords
        lmState = [model.map { decoder.options.lmScoreBoundary ? $0.beginSentenceState : $0.nullState } ?? LMState(id: 0)]
    }

    func isSeparator(_ node: Int32) -> Bool { wordsNode[Int(node)] == node }

    /// The child of `node` by `scalar` (or the separator), created with its scores on first use.
    mutating func child(_ node: Int32, _ scalar: UInt32) -> Int32 {
        let key = UInt64(UInt32(node)) << 32 | UInt64(scalar)
        if let existing = children.get(key) { return existing }
        let index = Int32(parent.count)
        let p = Int(node)
        parent.append(node)
        symbol.append(scalar)
        if scalar == Self.separator {
            let word = partialWord(node)
            let (wordScore, state) = scoreWord(word, after: lmState[Int(wordsNode[p])], final: false)
            wordsNode.append(index)
            partialLength.append(0)
            vocabularyNode.append(CharacterTrie.root)
            hotwordNode.append(CharacterTrie.root)
            score.append(score[Int(wordsNode[p])] + wordScore)
            lmState.append(state)
        } else {
            let fresh = isSeparator(node)
            let length = fresh ? 1 : partialLength[p] + 1
            let vocabulary = decoder.vocabularyTrie.child(fresh ? CharacterTrie.root : vocabularyNode[p], scalar)
            let hot = hotwords.trie.child(fresh ? CharacterTrie.root : hotwordNode[p], scalar)
            wordsNode.append(wordsNode[p])
            partialLength.append(length)
            vocabularyNode.append(vocabulary)
            hotwordNode.append(hot)
            score.append(score[Int(wordsNode[p])] + partialScore(length: Int(length), vocabularyNode: vocabulary, hotwordNode: hot))
            lmState.append(LMState(id: 0))
        }
        children.insert(key, index)
        return index
    }

    /// The score `child(node, scalar)` will have, for a character (not the separator), without creating it.
    @inline(__always)
    func characterChildScore(_ node: Int32, _ scalar: UInt32) -> Double {
        let p = Int(node)
        let fresh = isSeparator(node)
        let length = fresh ? 1 : Int(partialLength[p]) + 1
        let vocabulary = decoder.vocabularyTrie.child(fresh ? CharacterTrie.root : vocabularyNode[p], scalar)
        let hot = hotwords.isEmpty ? -1 : hotwords.trie.child(fresh ? CharacterTrie.root : hotwordNode[p], scalar)
        return score[Int(wordsNode[p])] + partialScore(length: length, vocabularyNode: vocabulary, hotwordNode: hot)
    }

    /// pyctcdecode's partial-word score: the hotword credit when the partial word starts a hotword,
    /// else (with an LM) `unkScoreOffset` when it starts no LM word, growing past 6 characters.
    func partialScore(length: Int, vocabularyNode: Int32, hotwordNode: Int32) -> Double {
        if hotwordNode > 0 { return hotwords.partialScore(node: hotwordNode, length: length) }
        guard model != nil else { return 0 }
        var offset = vocabularyNode > 0 ? 0 : options.unkScoreOffset
        if length > Self.averageWordLength { offset *= Double(length) / Double(Self.averageWordLength) }
        return offset
    }

    /// The LM + beta + hotword score of a completed word and the LM state after it.
    func scoreWord(_ word: String, after state: LMState, final: Bool) -> (Double, LMState) {
        let hot = hotwords.wordScore(word)
        guard let model else { return (hot, state) }
        let id = model.id(word)
        var (log10Prob, next) = model.score(state, id)
        var raw = Double(log10Prob) + (id == 0 ? options.unkScoreOffset : 0)
        if final && options.lmScoreBoundary { raw += Double(model.score(next, model.sentenceEndID).log10Prob) }
        if id == 0 { next = model.nullState }
        return (options.alpha * raw * Self.ln10 + options.beta + hot, next)
    }

    /// The partial word ending at `node` (empty on separator nodes).
    func partialWord(_ node: Int32) -> String {
        var scalars: [UInt32] = []
        var index = node
        while !isSeparator(index) {
            scalars.append(symbol[Int(index)])
            index = parent[Int(index)]
        }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars.reversed().compactMap(Unicode.Scalar.init))
        return String(view)
    }

    /// The full text of `node`: completed words and the partial word, single spaces.
    func text(_ node: Int32) -> String {
        var scalars: [UInt32] = []
        var index = node
        while index > 0 {
            scalars.append(symbol[Int(index)] == Self.separator ? 32 : symbol[Int(index)])
            index = parent[Int(index)]
        }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars.reversed().compactMap(Unicode.Scalar.init))
        return String(view).trimmingCharacters(in: .whitespaces)
    }

    mutating func appendSpan(_ spans: Int32, _ start: Int32, _ end: Int32) -> Int32 {
        spanParent.append(spans)
        spanStart.append(start)
        spanEnd.append(end)
        return Int32(spanParent.count - 1)
    }

    /// The beam after reading `label` at `frame`.
    @inline(__always)
    mutating func extend(_ beam: Beam, label: Int, logProb: Float, frame: Int32) -> Beam {
        var next = beam
        next.acoustic += Double(logProb)
        next.last = Int32(label)
        if label == labels.blank { return next }
        if Int32(label) == beam.last { next.partEnd = frame + 1; return next }
        let previousEndsWord = isSubwords && beam.last >= 0 && endsWord[Int(beam.last)]
        if startsWord[label] || previousEndsWord {
            if !isSeparator(beam.node) {
                next.spans = appendSpan(beam.spans, beam.partStart, beam.partEnd)
                next.node = child(beam.node, Self.separator)
            }
            if !isSubwords {
                next.partStart = -1; next.partEnd = -1
                return next
            }
            next.partStart = frame; next.partEnd = frame + 1
        } else {
            next.partStart = beam.partStart < 0 ? frame : beam.partStart
            next.partEnd = frame + 1
        }
        let first = scalarStart[label], end = scalarEnd[label]
        if end == first + 1 && next.node == beam.node {
            // one new character: look the child up, create it only if the beam survives
            let scalar = scalars[first]
            if let existing = children.get(UInt64(UInt32(beam.node)) << 32 | UInt64(scalar)) {
                next.node = existing
            } else {
                next.pendingParent = beam.node
                next.pendingScalar = scalar
                next.node = -1
            }
            return next
        }
        for i in first..<end { next.node = child(next.node, scalars[i]) }
        return next
    }

    mutating func run(_ logProbs: LogProbabilities) -> [BeamHypothesis] {
        var beams = [Beam(node: 0, last: -1, acoustic: 0, partStart: -1, partEnd: -1, spans: -1)]
        var candidates: [Beam] = []
        var merged = IntHashMap(capacity: 1024)
        var tokens: [Int] = []
        var order: [Int32] = []
        for frame in 0..<logProbs.frames {
            tokens.removeAll(keepingCapacity: true)
            let best = logProbs.argmax(frame)
            for label in 0..<labels.count where label == best || logProbs[frame, label] >= options.tokenMinLogp { tokens.append(label) }
            candidates.removeAll(keepingCapacity: true)
            merged.removeAll()
            for label in tokens {
                let logProb = logProbs[frame, label]
                for beam in beams {
                    let next = extend(beam, label: label, logProb: logProb, frame: Int32(frame))
                    let key = next.node >= 0 ? UInt64(UInt32(next.node)) << 32 | UInt64(UInt32(bitPattern: next.last))
                                             : 1 << 63 | UInt64(UInt32(next.pendingParent)) << 32 | UInt64(UInt32(bitPattern: next.last))
                    if let index = merged.get(key).map(Int.init) {
                        // the more likely alignment gives the word frames
                        if next.acoustic > candidates[index].acoustic {
                            (candidates[index].partStart, candidates[index].partEnd, candidates[index].spans) = (next.partStart, next.partEnd, next.spans)
                        }
                        candidates[index].acoustic = logSumExp(candidates[index].acoustic, next.acoustic)
                    } else {
                        merged.insert(key, Int32(candidates.count))
                        candidates.append(next)
                    }
                }
            }
            for i in candidates.indices {
                let beam = candidates[i]
                candidates[i].total = beam.acoustic + (beam.node >= 0 ? score[Int(beam.node)] : characterChildScore(beam.pendingParent, beam.pendingScalar))
            }
            prune(candidates, into: &beams, order: &order)
            for i in beams.indices where beams[i].node < 0 {
                beams[i].node = child(beams[i].pendingParent, beams[i].pendingScalar)
                beams[i].pendingParent = -1
            }
        }
        return finish(beams, logProbs)
    }

    /// Keeps the best `beamWidth` candidates within `beamPruneLogp` of the best, best first; ties keep
    /// their order, as Python's heapq.nlargest does.
    func prune(_ candidates: [Beam], into beams: inout [Beam], order: inout [Int32]) {
        beams.removeAll(keepingCapacity: true)
        guard !candidates.isEmpty else { return }
        let width = options.beamWidth, pruneLogp = options.beamPruneLogp
        // (the closure must not capture self: copying the search state costs more than pruning)
        candidates.withUnsafeBufferPointer { all in
            var best = -Double.infinity
            for beam in all where beam.total > best { best = beam.total }
            let floor = best + pruneLogp
            // insertion into a sorted top list: equal totals stay in index order
            order.removeAll(keepingCapacity: true)
            for i in all.indices where all[i].total >= floor {
                let total = all[i].total
                if order.count == width && all[Int(order[width - 1])].total >= total { continue }
                var low = 0, high = order.count
                while low < high {
                    let mid = (low + high) / 2
                    if all[Int(order[mid])].total >= total { low = mid + 1 } else { high = mid }
                }
                if order.count == width { order.removeLast() }
                order.insert(Int32(i), at: low)
            }
            for i in order { beams.append(all[Int(i)]) }
        }
    }

    /// Adds the last word and `</s>`, merges beams with the same text (the first one's words and
    /// LM score stand, as in pyctcdecode), ranks them.
    mutating func finish(_ beams: [Beam], _ logProbs: LogProbabilities) -> [BeamHypothesis] {
        var finals: [Beam] = []
        var texts: [String] = []
        var lastNodes: [Int32] = []
        var merged: [String: Int] = [:]
        for beam in beams {
            let text = text(beam.node)
            if let index = merged[text] {
                finals[index].acoustic = logSumExp(finals[index].acoustic, beam.acoustic)
                lastNodes[index] = beam.node
                continue
            }
            var final = beam
            if !isSeparator(beam.node) { final.spans = appendSpan(beam.spans, beam.partStart, beam.partEnd) }
            merged[text] = finals.count
            finals.append(final)
            texts.append(text)
            lastNodes.append(beam.node)
        }
        // the LM score is the same for "word" and "word " except with pyctcdecode's empty-word scoring,
        // where the last merged beam decides (as pyctcdecode's merge keeps the last one's fields)
        let lmScores = lastNodes.map { node -> Double in
            let words = wordsNode[Int(node)]
            if !isSeparator(node) { return score[Int(words)] + scoreWord(partialWord(node), after: lmState[Int(words)], final: true).0 }
            if model != nil && options.scoreEmptyFinalWordAsUnknown { return score[Int(words)] + scoreWord("", after: lmState[Int(words)], final: true).0 }
            guard let model, options.lmScoreBoundary else { return score[Int(words)] }
            return score[Int(words)] + options.alpha * Double(model.score(lmState[Int(words)], model.sentenceEndID).log10Prob) * Self.ln10
        }
        for i in finals.indices { finals[i].total = finals[i].acoustic + lmScores[i]; finals[i].node = Int32(i) }
        var ranked: [Beam] = [], order: [Int32] = []
        prune(finals, into: &ranked, order: &order)
        return ranked.map { beam in
            let text = texts[Int(beam.node)]
            var spans: [(Int, Int)] = []
            var index = beam.spans
            while index >= 0 {
                spans.append((Int(spanStart[Int(index)]), Int(spanEnd[Int(index)])))
                index = spanParent[Int(index)]
            }
            let words = zip(text.split(separator: " "), spans.reversed()).map { word, span in
                DecodedWord(word: String(word), startFrame: span.0, endFrame: span.1, confidence: logProbs.confidence(span.0, span.1))
            }
            return BeamHypothesis(text: text, words: words, acousticScore: beam.acoustic,
                                  lmScore: lmScores[Int(beam.node)], score: beam.total)
        }
    }
}

@inline(__always)
func logSumExp(_ a: Double, _ b: Double) -> Double {
    a >= b ? a + log1p(exp(b - a)) : b + log1p(exp(a - b))
}
