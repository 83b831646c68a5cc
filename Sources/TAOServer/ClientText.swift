/// Client-supplied text as error messages quote it: at most `limit` characters, then "…" and how much was cut, so a
/// megabyte key or value gives a short message.
func clipped(_ text: String, limit: Int = 48) -> String {
    // utf8.count is O(1) for native strings; Character counting of a huge string is not.
    guard text.utf8.count > limit else { return text }
    let kept = text.prefix(limit)
    guard kept.endIndex < text.endIndex else { return text }
    return "\(kept)… (\(text.utf8.count) bytes)"
}
