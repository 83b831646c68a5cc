import Foundation

/// One NLP request as the inference worker sees it: the task, the texts (the query of analyze_intent), and how
/// many labels per text or token it wants back.
struct TextRequest: Sendable {
    let task: TextTask
    let texts: [String]
    var topN = 1
}

/// A text request's answer, one entry per text of the request.
enum TextAnswer: Sendable {
    case labels([[TextLabel]])
    case tokens([[TokenLabels]])
    case intents([IntentAnalysis])
    case texts([String])
}

extension TextModel {
    /// Answers requests of one task with few calls of the model over all their texts (batched forward passes), then
    /// hands each request the results of its own texts. The texts go in chunks of about `chunkCharacters`, and
    /// before each chunk the texts of requests no longer `wanted` (their client left, or their deadline passed) are
    /// dropped: a long request stops within a chunk of being abandoned instead of holding the worker to its end.
    /// Labels are computed for the largest `topN` asked and cut to each request's. When a call fails, its requests
    /// are tried alone, so a request that cannot be answered fails only itself.
    func answer(_ requests: [TextRequest], wanted: (Int) -> Bool = { _ in true },
                chunkCharacters: Int = 4096) -> [Result<TextAnswer, Error>] {
        guard let task = requests.first?.task else { return [] }
        precondition(requests.allSatisfy { $0.task == task }, "TextModel.answer: one task per batch")
        let topN = requests.map(\.topN).max() ?? 1
        var answered = requests.map { [TextResult?](repeating: nil, count: $0.texts.count) }
        var failures = [Error?](repeating: nil, count: requests.count)
        for chunk in chunks(of: requests, characters: chunkCharacters) {
            let live = chunk.filter { failures[$0.request] == nil && wanted($0.request) }
            guard !live.isEmpty else { continue }
            do {
                for (place, result) in zip(live, try modelResults(of: live.map { requests[$0.request].texts[$0.text] }, task: task, topN: topN)) {
                    answered[place.request][place.text] = result
                }
            } catch {
                // Each request of the failed call alone: only the one that fails by itself fails.
                for owner in Set(live.map(\.request)) {
                    let own = live.filter { $0.request == owner }
                    do {
                        for (place, result) in zip(own, try modelResults(of: own.map { requests[owner].texts[$0.text] }, task: task, topN: topN)) {
                            answered[owner][place.text] = result
                        }
                    } catch { failures[owner] = error }
                }
            }
        }
        return requests.indices.map { index in
            if let failure = failures[index] { return .failure(failure) }
            let done = answered[index].compactMap { $0 }
            guard done.count == requests[index].texts.count else { return .failure(ServerError.cancelled("the request was abandoned")) }
            return .success(TextResult.answer(done, task: task, topN: requests[index].topN))
        }
    }

    /// The requests' texts in order, as (request, text) places, cut into runs of about `characters` characters.
    private func chunks(of requests: [TextRequest], characters: Int) -> [[(request: Int, text: Int)]] {
        var chunks: [[(request: Int, text: Int)]] = [[]]
        var size = 0
        for (request, texts) in requests.map(\.texts).enumerated() {
            for (text, value) in texts.enumerated() {
                if size > 0, size + value.count > characters { chunks.append([]); size = 0 }
                chunks[chunks.count - 1].append((request, text))
                size += value.count
            }
        }
        return chunks
    }

    /// One call of the model for `texts`: one result per text.
    private func modelResults(of texts: [String], task: TextTask, topN: Int) throws -> [TextResult] {
        switch task {
        case .classifyText: try checked(classifyText(texts, topN: topN), count: texts.count).map(TextResult.labels)
        case .classifyTokens: try checked(classifyTokens(texts, topN: topN), count: texts.count).map(TextResult.tokens)
        case .analyzeIntent: try checked(analyzeIntent(texts), count: texts.count).map(TextResult.intent)
        case .punctuateText: try checked(punctuate(texts), count: texts.count).map(TextResult.text)
        }
    }

    /// `results` if it has one entry per text, else an internal error naming the model.
    private func checked<Element>(_ results: [Element], count: Int) throws -> [Element] {
        guard results.count == count else {
            throw ServerError.internalError("model '\(name)' gave \(results.count) results for \(count) texts")
        }
        return results
    }
}

/// What the model gave for one text.
private enum TextResult {
    case labels([TextLabel])
    case tokens([TokenLabels])
    case intent(IntentAnalysis)
    case text(String)

    /// A request's answer from its texts' results, labels cut to its `topN`.
    static func answer(_ results: [TextResult], task: TextTask, topN: Int) -> TextAnswer {
        switch task {
        case .classifyText:
            .labels(results.map { if case let .labels(labels) = $0 { Array(labels.prefix(topN)) } else { [] } })
        case .classifyTokens:
            .tokens(results.map { result in
                guard case let .tokens(tokens) = result else { return [] }
                return tokens.map { token in
                    var cut = token
                    cut.labels = Array(token.labels.prefix(topN))
                    return cut
                }
            })
        case .analyzeIntent:
            .intents(results.compactMap { if case let .intent(analysis) = $0 { analysis } else { nil } })
        case .punctuateText:
            .texts(results.map { if case let .text(text) = $0 { text } else { "" } })
        }
    }
}
