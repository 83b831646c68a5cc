/// Counts open streams against the cap, and whether the server is draining (then it takes no new ones).
final class StreamSlots: Sendable {
    let limit: Int
    private let state = Locked((open: 0, draining: false))

    init(limit: Int) { self.limit = max(limit, 0) }

    /// Takes a slot, or says why not.
    func acquire() -> ServerError? {
        state.withLock { state in
            if state.draining { return .shuttingDown }
            if state.open >= limit {
                return .overloaded("too many streams: \(limit) are open, the limit (--max-streams); retry later")
            }
            state.open += 1
            return nil
        }
    }

    func release() { state.withLock { $0.open -= 1 } }

    /// Why a stream would be refused now, without taking a slot.
    var refusal: ServerError? {
        state.withLock { state in
            state.draining ? .shuttingDown : state.open >= limit ? .overloaded("too many streams: \(limit) are open, the limit (--max-streams); retry later") : nil
        }
    }

    var open: Int { state.withLock { $0.open } }
    var isDraining: Bool { state.withLock { $0.draining } }
    func startDraining() { state.withLock { $0.draining = true } }
}
