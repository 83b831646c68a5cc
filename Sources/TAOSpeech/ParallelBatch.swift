import Dispatch

/// Runs `body(i)` for every item of a batch, spread over the cores. The items must write disjoint memory.
func forEachItemInParallel(_ count: Int, _ body: (Int) -> Void) {
    withoutActuallyEscaping(body) { body in
        let box = DisjointWrites(body)
        DispatchQueue.concurrentPerform(iterations: count) { box.body($0) }
    }
}

/// A closure that only writes memory no other item writes, so it may run on several threads at once.
private struct DisjointWrites: @unchecked Sendable {
    let body: (Int) -> Void
    init(_ body: @escaping (Int) -> Void) { self.body = body }
}
