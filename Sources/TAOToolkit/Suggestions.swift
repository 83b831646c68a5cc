import TAODecoding

/// "Did you mean" suggestions by edit distance.
public enum Suggestions {
    /// The candidate closest to `word`, if it is close enough to be a likely typo.
    /// Candidates shorter than the word by more than the accepted distance are not scored: their distance is at
    /// least the difference in length, so a long word costs no edit-distance work (it would be quadratic).
    public static func nearest(to word: String, in candidates: [String]) -> String? {
        let length = word.count, lowered = word.lowercased()
        let candidates = candidates.filter { length - $0.count <= max(2, $0.count / 3) }
        let scored = candidates.map { (candidate: $0, distance: editDistance(lowered, $0.lowercased())) }
        guard let best = scored.min(by: { $0.distance < $1.distance }) else { return nil }
        let limit = max(2, min(word.count, best.candidate.count) / 3)
        if best.distance <= limit { return best.candidate }
        // A candidate that contains the word, or the word the candidate ("speech" -> "speech_to_text").
        return candidates.first { $0.lowercased().hasPrefix(lowered) && !word.isEmpty }
    }

    /// Levenshtein distance between two strings, counted in characters.
    public static func editDistance(_ a: String, _ b: String) -> Int {
        ErrorRate.editDistance(Array(a), Array(b))
    }
}
