import Foundation
import Testing
@testable import TAONLP
import TAOText

@Suite("metrics") struct MetricsTests {
    @Test("classification report on a hand-computed case; ignoreIndex references left out")
    func handComputedReport() {
        let report = ClassificationReport(
            predictions: [0, 1, 1, 1, 0, 2], references: [0, 0, 1, 1, 2, TextBatch.ignoreIndex], labelNames: ["a", "b", "c"])
        #expect(report.total == 5)
        #expect(report.accuracy == 0.6)
        #expect(report.labels[0] == PrecisionRecallF1(label: "a", precision: 0.5, recall: 0.5, f1: 0.5, support: 2))
        #expect(abs(report.labels[1].precision - 2.0 / 3.0) < 1e-12 && report.labels[1].recall == 1)
        #expect(abs(report.labels[1].f1 - 0.8) < 1e-12)
        #expect(report.labels[2].f1 == 0 && report.labels[2].precision == 0)  // never predicted: zero_division 0
        #expect(abs(report.macroAverage.f1 - 1.3 / 3) < 1e-12)
        #expect(report.microAverage.f1 == 0.6)
        #expect(report.table.contains("    accuracy                        0.6000         5"))
    }

    @Test("classification report and confusion matrix equal scikit-learn's (golden, 200 items, 5 labels)")
    func sklearnGolden() throws {
        let golden = try Golden.load().classification
        let report = ClassificationReport(predictions: golden.predictions, references: golden.references,
                                          labelNames: golden.labels)
        #expect(abs(report.accuracy - golden.accuracy) < 1e-12)
        for row in report.labels { try Golden.expectRow(row, golden.report[row.label]) }
        try Golden.expectRow(report.macroAverage, golden.report["macro avg"])
        try Golden.expectRow(report.weightedAverage, golden.report["weighted avg"])
        let matrix = ConfusionMatrix(predictions: golden.predictions, references: golden.references, labelNames: golden.labels)
        #expect(matrix.counts == golden.confusion)
    }

    @Test("confusion matrix: rows are references, written as TSV and CSV with quoting")
    func confusionMatrix() throws {
        let matrix = ConfusionMatrix(predictions: [0, 1, 1, 0], references: [0, 0, 1, 1], labelNames: ["O", ","])
        #expect(matrix.counts == [[1, 1], [1, 1]])
        #expect(matrix.text() == "reference\\predicted\tO\t,\nO\t1\t1\n,\t1\t1\n")
        #expect(matrix.text(separator: ",") == "reference\\predicted,O,\",\"\nO,1,1\n\",\",1,1\n")
        let path = try temporaryFolder() + "/confusion.tsv"
        try matrix.write(to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == matrix.text())
    }

    @Test("entity spans as seqeval: I- after O starts a span, a type change splits, B- splits")
    func spans() {
        let spans = EntitySpan.spans(in: ["B-PER", "I-PER", "O", "I-LOC", "I-LOC", "B-LOC", "I-ORG", "I-ORG"])
        #expect(spans == [EntitySpan(type: "PER", start: 0, end: 2), EntitySpan(type: "LOC", start: 3, end: 5),
                          EntitySpan(type: "LOC", start: 5, end: 6), EntitySpan(type: "ORG", start: 6, end: 8)])
        #expect(EntitySpan.spans(in: ["O", "O"]).isEmpty)
        #expect(EntitySpan.spans(in: ["B-creative-work", "I-creative-work"]) == [EntitySpan(type: "creative-work", start: 0, end: 2)])
    }

    @Test("entity F1 counts exact spans only (hand-computed)")
    func handComputedEntityF1() {
        let report = EntityReport(predictions: [["B-PER", "O", "O", "B-LOC"]], references: [["B-PER", "I-PER", "O", "B-LOC"]])
        #expect(report.microAverage.precision == 0.5 && report.microAverage.recall == 0.5 && report.f1 == 0.5)
        #expect(report.types.map(\.label) == ["LOC", "PER"])
        #expect(report.types[1].f1 == 0)
        let labels = LabelVocabulary(building: ["B-PER", "I-PER", "B-LOC"])  // O 0, B-LOC 1, B-PER 2, I-PER 3
        #expect(EntityReport(predictions: [[2, 0, 0, 1]], references: [[2, 3, 0, 1]], labels: labels) == report)
    }

    @Test("entity spans and report equal seqeval's (golden, 60 random IOB1/IOB2 sentences)")
    func seqevalGolden() throws {
        let golden = try Golden.load().entities
        for (tags, spans) in zip(golden.references, golden.spansOfFirstReferences) {
            #expect(EntitySpan.spans(in: tags) == spans)
        }
        let report = EntityReport(predictions: golden.predictions, references: golden.references)
        #expect(abs(report.f1 - golden.f1) < 1e-12)
        for row in report.types { try Golden.expectRow(row, golden.report[row.label]) }
        #expect(report.types.count == golden.report.count - 3)
        try Golden.expectRow(report.microAverage, golden.report["micro avg"])
        try Golden.expectRow(report.macroAverage, golden.report["macro avg"])
        try Golden.expectRow(report.weightedAverage, golden.report["weighted avg"])
    }

    @Test("punctuation and capitalization F1 per mark (hand-computed)")
    func punctuationReport() throws {
        func labels(_ text: [String]) -> [PunctuationCapitalizationLabel] { text.compactMap(PunctuationCapitalizationLabel.init) }
        let report = PunctuationCapitalizationReport(
            predictions: [labels(["OU", ".O", ".O"])], references: [labels(["OU", ",O", ".O"])])
        #expect(report.f1(punctuation: "O") == 1)
        #expect(report.f1(punctuation: ",") == 0)
        #expect(abs(report.f1(punctuation: ".") - 2.0 / 3.0) < 1e-12)
        #expect(report.capitalizationF1 == 1)
        #expect(report.punctuation.labels.map(\.label) == ["O", ",", ".", "?"])
    }
}

/// `Fixtures/metrics_golden.json`, made by `scripts/nlp_metrics_golden.py` with scikit-learn and seqeval.
struct Golden: Decodable {
    struct Row: Decodable {
        let precision: Double, recall: Double, f1: Double, support: Double
        enum CodingKeys: String, CodingKey { case precision, recall, f1 = "f1-score", support }
    }
    struct Classification: Decodable {
        let labels: [String], references: [Int], predictions: [Int], accuracy: Double, confusion: [[Int]]
        let report: [String: Row]
        enum CodingKeys: String, CodingKey { case labels, references, predictions, accuracy, confusion, report }
        init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            labels = try c.decode([String].self, forKey: .labels)
            references = try c.decode([Int].self, forKey: .references)
            predictions = try c.decode([Int].self, forKey: .predictions)
            accuracy = try c.decode(Double.self, forKey: .accuracy)
            confusion = try c.decode([[Int]].self, forKey: .confusion)
            // The report mixes rows with the bare "accuracy" number: keep the rows.
            let raw = try c.decode([String: RowOrNumber].self, forKey: .report)
            report = raw.compactMapValues(\.row)
        }
    }
    enum RowOrNumber: Decodable {
        case row(Row), number(Double)
        init(from decoder: Decoder) throws {
            if let number = try? decoder.singleValueContainer().decode(Double.self) { self = .number(number) } else {
                self = .row(try Row(from: decoder))
            }
        }
        var row: Row? { if case let .row(row) = self { row } else { nil } }
    }
    struct Entities: Decodable {
        let references: [[String]], predictions: [[String]], f1: Double, report: [String: Row]
        let spansOfFirstReferences: [[EntitySpan]]
        enum CodingKeys: String, CodingKey { case references, predictions, f1, report, spans = "spans_of_first_references" }
        init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            references = try c.decode([[String]].self, forKey: .references)
            predictions = try c.decode([[String]].self, forKey: .predictions)
            f1 = try c.decode(Double.self, forKey: .f1)
            report = try c.decode([String: Row].self, forKey: .report)
            // Each span is written [type, start, end).
            spansOfFirstReferences = try c.decode([[[StringOrInt]]].self, forKey: .spans).map { sentence in
                sentence.map { EntitySpan(type: $0[0].string, start: $0[1].int, end: $0[2].int) }
            }
        }
    }
    struct StringOrInt: Decodable {
        let string: String, int: Int
        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let i = try? c.decode(Int.self) { int = i; string = "" } else { string = try c.decode(String.self); int = 0 }
        }
    }
    let classification: Classification
    let entities: Entities

    static func load() throws -> Golden {
        try JSONDecoder().decode(Golden.self, from: Data(contentsOf: URL(fileURLWithPath: fixture("metrics_golden.json"))))
    }

    static func expectRow(_ row: PrecisionRecallF1, _ golden: Row?, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let golden = try #require(golden, "no golden row for \(row.label)", sourceLocation: sourceLocation)
        #expect(abs(row.precision - golden.precision) < 1e-12, "\(row.label) precision", sourceLocation: sourceLocation)
        #expect(abs(row.recall - golden.recall) < 1e-12, "\(row.label) recall", sourceLocation: sourceLocation)
        #expect(abs(row.f1 - golden.f1) < 1e-12, "\(row.label) f1", sourceLocation: sourceLocation)
        #expect(row.support == Int(golden.support), "\(row.label) support", sourceLocation: sourceLocation)
    }
}

@Test("class weights balance seen classes as NeMo's weighted_loss: total / (classes seen x count)")
func classWeights() {
    let expected: [Float] = [12.0 / 18, 12.0 / 6, 1, 12.0 / 12]
    #expect(ClassWeights.weights(counts: [6, 2, 0, 4]) == expected)
    let examples = [LabelledText(words: ["a", "b"], sequenceLabel: 1, wordLabels: [[0, 0]]),
                    LabelledText(words: ["c"], sequenceLabel: 1, wordLabels: [[1]])]
    #expect(ClassWeights.sequenceWeights(examples, classCount: 2) == [1, 1])
    let tokenExpected: [Float] = [0.75, 1.5]
    #expect(ClassWeights.tokenWeights(examples, classCount: 2) == tokenExpected)
}
