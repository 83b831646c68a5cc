import CTAOGemm
import Testing

/// The log a section's parts write, one Int32 each so parts on different threads never share a value: how often
/// each part ran at [part], the part count it was given at [maxParts + part], what a nested request got at the end.
private let maxParts = Int(TAO_POOL_MAX_PARTS)

private let recordPart: tao_pool_task = { context, part, parts in
    guard let log = context?.assumingMemoryBound(to: Int32.self) else { return }
    log[Int(part)] += 1
    log[maxParts + Int(part)] = parts
    if part == 0 {
        // The pool is taken: a task asking for it again must be told so (it then runs its work alone).
        log[2 * maxParts] += tao_pool_run(2, { _, _, _ in }, nil)
    }
}

@Test("the spinning pool runs every part of every section exactly once, and refuses a nested caller")
func spinPoolRunsEachPartOnce() {
    let log = UnsafeMutablePointer<Int32>.allocate(capacity: 2 * maxParts + 1)
    defer { log.deallocate() }
    for round in 0..<2_000 {
        let parts = 2 + round % 3
        // Half the rounds let the workers fall asleep, so waking them is exercised too.
        tao_pool_set_spin_microseconds(round % 400 < 200 ? 200 : 0)
        // Other tests running at the same time may hold the pool (every parallel op uses it): wait for a turn.
        var accepted: Int32 = 0
        for _ in 0..<100_000 where accepted == 0 {
            log.initialize(repeating: 0, count: 2 * maxParts + 1)
            accepted = tao_pool_run(Int32(parts), recordPart, log)
        }
        let runs = Array(UnsafeBufferPointer(start: log, count: maxParts))
        let partsSeen = Array(UnsafeBufferPointer(start: log + maxParts, count: parts))
        #expect(accepted == 1)
        #expect(runs.prefix(parts).allSatisfy { $0 == 1 } && runs.dropFirst(parts).allSatisfy { $0 == 0 }, "round \(round): \(runs.prefix(parts + 1))")
        #expect(partsSeen.allSatisfy { $0 == parts })
        #expect(log[2 * maxParts] == 0)
        if accepted != 1 || runs.prefix(parts).contains(where: { $0 != 1 }) { break }
    }
    tao_pool_set_spin_microseconds(200)
    #expect(tao_pool_run(1, recordPart, log) == 0)
    #expect(tao_pool_run(Int32(maxParts + 1), recordPart, log) == 0)
}
