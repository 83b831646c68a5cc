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
    /// Answers requests of one task with a single call of the model over all their texts (one batched forward
    /// pass), then hands each request the results of its own texts. Labels are computed for the largest `topN`
    /// asked and cut to each request's. When the joint call fails, each request is run alone, so a request that
    /// cannot be answered fails only itself.
    func answer(_ requests: [TextRequest]) -> [Result<TextAnswer, Error>] {
        guard let task = requests.first?.task else { return [] }
        precondition(requests.allSatisfy { $0.task == task }, "TextModel.answer: one task per batch")
        do {
            let answers = try answerJointly(requests, task: task)
            return answers.map { .success($0) }
        } catch {
            guard requests.count > 1 else { return [.failure(error)] }
            return requests.map { request in Result { try answerJointly([request], task: task)[0] } }
        }
    }

    private func answerJointly(_ requests: [TextRequest], task: TextTask) throws -> [TextAnswer] {
        let texts = requests.flatMap(\.texts)
        let topN = requests.map(\.topN).max() ?? 1
        let answers: [TextAnswer]
        switch task {
        case .classifyText:
            let labels = try checked(classifyText(texts, topN: topN), count: texts.count)
            answers = split(labels, requests).enumerated().map { index, part in .labels(part.map { Array($0.prefix(requests[index].topN)) }) }
        case .classifyTokens:
            let tokens = try checked(classifyTokens(texts, topN: topN), count: texts.count)
            answers = split(tokens, requests).enumerated().map { index, part in
                .tokens(part.map { $0.map { token in
                    var cut = token
                    cut.labels = Array(token.labels.prefix(requests[index].topN))
                    return cut
                } })
            }
        case .analyzeIntent:
            answers = split(try checked(analyzeIntent(texts), count: texts.count), requests).map { .intents($0) }
        case .punctuateText:
            answers = split(try checked(punctuate(texts), count: texts.count), requests).map { .texts($0) }
        }
        return answers
    }

    /// `results` if it has one entry per text, else an internal error naming the model.
    private func checked<Element>(_ results: [Element], count: Int) throws -> [Element] {
        guard results.count == count else {
            throw ServerError.internalError("model '\(name)' gave \(results.count) results for \(count) texts")
        }
        return results
    }

    /// `results` (one per text of all `requests`, in order) cut into each request's share.
    private func split<Element>(_ results: [Element], _ requests: [TextRequest]) -> [[Element]] {
        var start = 0
        return requests.map { request in
            defer { start += request.texts.count }
            return Array(results[start..<(start + request.texts.count)])
        }
    }
}
