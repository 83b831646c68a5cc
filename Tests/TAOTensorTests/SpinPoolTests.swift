import CTAOGemm
import Foundation
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
    // Other tests running at the same time hold the pool in turns (every parallel op uses it): a round waits up
    // to about 0.1 s for its turn and is skipped without one; most rounds must get one.
    var acceptedRounds = 0
    for round in 0..<1_000 {
        let parts = 2 + round % 3
        // Half the rounds let the workers fall asleep, so waking them is exercised too.
        tao_pool_set_spin_microseconds(round % 200 < 100 ? 200 : 0)
        var accepted: Int32 = 0
        for _ in 0..<2_000 where accepted == 0 {
            log.initialize(repeating: 0, count: 2 * maxParts + 1)
            accepted = tao_pool_run(Int32(parts), recordPart, log)
            if accepted == 0 { usleep(50) }
        }
        guard accepted == 1 else { continue }
        acceptedRounds += 1
        let runs = Array(UnsafeBufferPointer(start: log, count: maxParts))
        let partsSeen = Array(UnsafeBufferPointer(start: log + maxParts, count: parts))
        #expect(runs.prefix(parts).allSatisfy { $0 == 1 } && runs.dropFirst(parts).allSatisfy { $0 == 0 }, "round \(round): \(runs.prefix(parts + 1))")
        #expect(partsSeen.allSatisfy { $0 == parts })
        #expect(log[2 * maxParts] == 0)
        if runs.prefix(parts).contains(where: { $0 != 1 }) { break }
    }
    #expect(acceptedRounds >= 500)
    tao_pool_set_spin_microseconds(200)
    #expect(tao_pool_run(1, recordPart, log) == 0)
    #expect(tao_pool_run(Int32(maxParts + 1), recordPart, log) == 0)
}
