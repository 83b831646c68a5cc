import Foundation

/// Beam-search settings tuned for one speech model and its LM: `alpha` scales the LM's natural-log score, `beta`
/// is the bonus per word, `tokenMinLogp` the log-probability below which a label is not tried in a frame. A model
/// carries them when `export` is given `decoding.alpha`, `decoding.beta` or `decoding.token_min_logp` (e.g. from
/// `evaluate`'s grid search on validation data); evaluate, infer and `tao serve` use them where a spec or request
/// sets none.
public struct TunedDecoding: Codable, Equatable, Sendable {
    public var alpha: Double
    public var beta: Double
    public var tokenMinLogp: Double

    /// What decoding uses when neither the spec nor the model says otherwise.
    public static let standard = TunedDecoding(alpha: 0.5, beta: 1.0, tokenMinLogp: -5)

    /// These settings with each value that is given replacing this one's.
    func replacing(alpha: Double?, beta: Double?, tokenMinLogp: Double?) -> TunedDecoding {
        TunedDecoding(alpha: alpha ?? self.alpha, beta: beta ?? self.beta, tokenMinLogp: tokenMinLogp ?? self.tokenMinLogp)
    }

    /// The archive member a speech model keeps its tuned settings in.
    static let member = "tuned_decoding.json"

    func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return try encoder.encode(self)
    }

    /// The settings in `archive`, nil when it carries none.
    static func read(from archive: ModelArchive, name: String) throws -> TunedDecoding? {
        guard let data = archive[member] else { return nil }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(TunedDecoding.self, from: data)
        } catch {
            throw ArchiveError.damaged(path: name, reason: "\(member) is not {\"alpha\", \"beta\", \"token_min_logp\"} with numbers; "
                                  + "export the model that train or finetune wrote again, giving decoding.alpha, decoding.beta and decoding.token_min_logp")
        }
    }
}
