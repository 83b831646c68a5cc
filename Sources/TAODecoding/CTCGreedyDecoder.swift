/// Greedy CTC decoding: the most likely label per frame, repeats collapsed, blanks dropped.
public struct CTCGreedyDecoder: Sendable {
    public let labels: CTCLabels

    public init(labels: CTCLabels) { self.labels = labels }

    /// The label ids of the best path after collapsing repeats and dropping blanks.
    public func labelIDs(_ logProbs: LogProbabilities) -> [Int] {
        precondition(logProbs.labels == labels.count, "log-probabilities have \(logProbs.labels) labels, the decoder \(labels.count)")
        var ids: [Int] = []
        var previous = -1
        for frame in 0..<logProbs.frames {
            let best = logProbs.argmax(frame)
            if best != previous && best != labels.blank { ids.append(best) }
            previous = best
        }
        return ids
    }

    /// The words of the best path, with frame spans and confidences.
    public func decode(_ logProbs: LogProbabilities) -> [DecodedWord] {
        precondition(logProbs.labels == labels.count, "log-probabilities have \(logProbs.labels) labels, the decoder \(labels.count)")
        var words: [DecodedWord] = []
        var scalars = String.UnicodeScalarView()
        var start = -1, end = -1
        func finish() {
            if !scalars.isEmpty {
                words.append(DecodedWord(word: String(scalars), startFrame: start, endFrame: end, confidence: logProbs.confidence(start, end)))
            }
            scalars = String.UnicodeScalarView()
            start = -1
        }
        var previous = -1
        for frame in 0..<logProbs.frames {
            let best = logProbs.argmax(frame)
            defer { previous = best }
            if best == labels.blank { continue }
            if best == previous { if start >= 0 { end = frame + 1 }; continue }
            let token = labels.tokens[best]
            if token.startsWord { finish() }
            if !token.scalars.isEmpty {
                if start < 0 { start = frame }
                scalars.append(contentsOf: token.scalars.compactMap(Unicode.Scalar.init))
                end = frame + 1
            }
            if token.endsWord { finish() }
        }
        finish()
        return words
    }

    /// The transcript of the best path: words joined by single spaces.
    public func transcript(_ logProbs: LogProbabilities) -> String {
        decode(logProbs).map(\.word).joined(separator: " ")
    }
}
