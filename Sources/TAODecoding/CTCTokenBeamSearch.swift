import Foundation

/// CTC prefix beam search fused with a token-level n-gram LM (`SubwordLMEncoding`: NeMo's subword LMs), as NeMo's
/// beam decoders use one: every emitted token is one LM word, so the score of a prefix of tokens is
/// `log P_ctc + alpha * ln P_lm(tokens) + beta * tokens`, and the end adds `</s>`. Beams are prefixes split by their
/// last label (blank-ended and token-ended paths stay apart, and a repeated token needs a blank between), as in the
/// word-level search. Hotwords are not applied here (they are matched on characters of words).
struct TokenBeamSearch: ~Copyable {
    static let ln10 = 2.302585092994046

    let labels: CTCLabels
    let model: NGramModel
    let options: BeamSearchOptions
    /// The LM word id of each label (the blank's is unused).
    let wordIDs: [UInt32]

    // prefix tree of emitted tokens: node 0 is the empty prefix
    var parent: [Int32] = [-1]
    var token: [Int32] = [-1]
    /// alpha * ln P_lm + beta per token, summed along the prefix.
    var score: [Double] = [0]
    var lmState: [LMState]
    var children = IntHashMap(capacity: 4096)

    // persistent lists of the emitted tokens' frame spans
    var spanParent: [Int32] = []
    var spanLabel: [Int32] = []
    var spanStart: [Int32] = []
    var spanEnd: [Int32] = []

    struct Beam {
        var node: Int32
        var last: Int32
        var acoustic: Double
        var spans: Int32
        var total: Double = 0
    }

    init(labels: CTCLabels, model: NGramModel, options: BeamSearchOptions, wordIDs: [UInt32]) {
        self.labels = labels
        self.model = model
        self.options = options
        self.wordIDs = wordIDs
        lmState = [options.lmScoreBoundary ? model.beginSentenceState : model.nullState]
    }

    /// The child of `node` by `label`, scored by the LM on first use.
    mutating func child(_ node: Int32, _ label: Int) -> Int32 {
        let key = UInt64(UInt32(node)) << 32 | UInt64(label)
        if let existing = children.get(key) { return existing }
        let id = wordIDs[label]
        var (log10Prob, next) = model.score(lmState[Int(node)], id)
        var raw = Double(log10Prob)
        if id == 0 {
            raw += options.unkScoreOffset
            next = model.nullState
        }
        let index = Int32(parent.count)
        parent.append(node)
        token.append(Int32(label))
        score.append(score[Int(node)] + options.alpha * raw * Self.ln10 + options.beta)
        lmState.append(next)
        children.insert(key, index)
        return index
    }

    mutating func appendSpan(_ parent: Int32, _ label: Int32, _ start: Int32, _ end: Int32) -> Int32 {
        spanParent.append(parent)
        spanLabel.append(label)
        spanStart.append(start)
        spanEnd.append(end)
        return Int32(spanParent.count - 1)
    }

    /// The beam after reading `label` at `frame`.
    mutating func extend(_ beam: Beam, label: Int, logProb: Float, frame: Int32) -> Beam {
        var next = beam
        next.acoustic += Double(logProb)
        next.last = Int32(label)
        if label == labels.blank { return next }
        if Int32(label) == beam.last {
            // the same token held over another frame: its span grows
            next.spans = appendSpan(spanParent[Int(beam.spans)], Int32(label), spanStart[Int(beam.spans)], frame + 1)
            return next
        }
        next.node = child(beam.node, label)
        next.spans = appendSpan(beam.spans, Int32(label), frame, frame + 1)
        return next
    }

    mutating func run(_ logProbs: LogProbabilities) -> [BeamHypothesis] {
        var beams = [Beam(node: 0, last: -1, acoustic: 0, spans: -1)]
        var candidates: [Beam] = []
        var merged = IntHashMap(capacity: 1024)
        for frame in 0..<logProbs.frames {
            let best = logProbs.argmax(frame)
            candidates.removeAll(keepingCapacity: true)
            merged.removeAll()
            for label in 0..<labels.count where label == best || logProbs[frame, label] >= options.tokenMinLogp {
                let logProb = logProbs[frame, label]
                for beam in beams {
                    let next = extend(beam, label: label, logProb: logProb, frame: Int32(frame))
                    let key = UInt64(UInt32(next.node)) << 32 | UInt64(UInt32(bitPattern: next.last))
                    if let index = merged.get(key).map(Int.init) {
                        // the more likely alignment gives the token frames
                        if next.acoustic > candidates[index].acoustic { candidates[index].spans = next.spans }
                        candidates[index].acoustic = logSumExp(candidates[index].acoustic, next.acoustic)
                    } else {
                        merged.insert(key, Int32(candidates.count))
                        candidates.append(next)
                    }
                }
            }
            for i in candidates.indices { candidates[i].total = candidates[i].acoustic + score[Int(candidates[i].node)] }
            beams = pruned(candidates)
        }
        return finish(beams, logProbs)
    }

    /// The best `beamWidth` candidates within `beamPruneLogp` of the best, best first (ties keep their order).
    func pruned(_ candidates: [Beam]) -> [Beam] {
        guard let best = candidates.map(\.total).max() else { return [] }
        let floor = best + options.beamPruneLogp
        let kept = candidates.enumerated().filter { $0.element.total >= floor }
            .sorted { $0.element.total != $1.element.total ? $0.element.total > $1.element.total : $0.offset < $1.offset }
        return kept.prefix(max(options.beamWidth, 1)).map(\.element)
    }

    /// Merges beams with the same tokens, adds `</s>`, ranks them and spells their words.
    func finish(_ beams: [Beam], _ logProbs: LogProbabilities) -> [BeamHypothesis] {
        var finals: [Beam] = []
        var index: [Int32: Int] = [:]
        for beam in beams {
            if let i = index[beam.node] {
                if beam.acoustic > finals[i].acoustic { finals[i].spans = beam.spans }
                finals[i].acoustic = logSumExp(finals[i].acoustic, beam.acoustic)
                continue
            }
            index[beam.node] = finals.count
            finals.append(beam)
        }
        let lmScores = finals.map { beam -> Double in
            var total = score[Int(beam.node)]
            if options.lmScoreBoundary {
                total += options.alpha * Double(model.score(lmState[Int(beam.node)], model.sentenceEndID).log10Prob) * Self.ln10
            }
            return total
        }
        for i in finals.indices { finals[i].total = finals[i].acoustic + lmScores[i] }
        let order = finals.indices.sorted { finals[$0].total != finals[$1].total ? finals[$0].total > finals[$1].total : $0 < $1 }
        return order.prefix(max(options.beamWidth, 1)).map { i in
            var spans: [(label: Int, start: Int, end: Int)] = []
            var span = finals[i].spans
            while span >= 0 {
                spans.append((Int(spanLabel[Int(span)]), Int(spanStart[Int(span)]), Int(spanEnd[Int(span)])))
                span = spanParent[Int(span)]
            }
            let words = labels.words(spans.reversed(), logProbs)
            return BeamHypothesis(text: words.map(\.word).joined(separator: " "), words: words, acousticScore: finals[i].acoustic,
                                  lmScore: lmScores[i], score: finals[i].total)
        }
    }
}
