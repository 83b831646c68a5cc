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

    /// The words of the best path, with frame spans and confidences: each run of one label is a span, and the
    /// labels' own rules join the spans into words (`CTCLabels.words`).
    public func decode(_ logProbs: LogProbabilities) -> [DecodedWord] {
        precondition(logProbs.labels == labels.count, "log-probabilities have \(logProbs.labels) labels, the decoder \(labels.count)")
        var spans: [(label: Int, start: Int, end: Int)] = []
        for frame in 0..<logProbs.frames {
            let best = logProbs.argmax(frame)
            if let last = spans.last, last.label == best, last.end == frame {
                spans[spans.count - 1].end = frame + 1
            } else {
                spans.append((best, frame, frame + 1))
            }
        }
        return labels.words(spans, logProbs)
    }

    /// The transcript of the best path: words joined by single spaces.
    public func transcript(_ logProbs: LogProbabilities) -> String {
        decode(logProbs).map(\.word).joined(separator: " ")
    }
}
