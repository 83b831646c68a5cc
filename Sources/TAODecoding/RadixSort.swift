/// A value a radix sort can order: by an unsigned key whose low bits hold everything that matters.
protocol RadixSortable: BitwiseCopyable {
    var sortKey: UInt128 { get }
}

extension UInt128: RadixSortable {
    @inline(__always) var sortKey: UInt128 { self }
}

/// Least-significant-digit radix sort of packed n-gram keys over their low `bits` bits, several times faster
/// than a comparison sort for the millions of keys counting produces. Stable. The digits are as wide as each
/// other and at most 16 bits (42 bits sort in 3 passes of 14-bit digits); one read of the items counts every
/// digit, and a digit all keys share costs no pass.
enum RadixSort {
    static let maxDigitBits = 16

    static func sort<Element: RadixSortable>(_ items: inout [Element], bits: Int) {
        guard items.count > 1 else { return }
        let count = items.count
        var scratch = [Element](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
        let inScratch = items.withUnsafeMutableBufferPointer { source in
            scratch.withUnsafeMutableBufferPointer { target in sort(source, scratch: target, bits: bits) }
        }
        if inScratch { swap(&items, &scratch) }
    }

    /// Sorts `items` using `scratch` (as many elements at least); returns true when the sorted items ended in
    /// `scratch` rather than `items`.
    static func sort<Element: RadixSortable>(_ items: UnsafeMutableBufferPointer<Element>, scratch: UnsafeMutableBufferPointer<Element>,
                                             bits: Int) -> Bool {
        let count = items.count
        guard count > 1, bits > 0 else { return false }
        let passes = (bits + maxDigitBits - 1) / maxDigitBits
        let digitBits = (bits + passes - 1) / passes
        let buckets = 1 << digitBits, digitMask = buckets - 1
        var histograms = [Int](repeating: 0, count: passes * buckets)
        histograms.withUnsafeMutableBufferPointer { histogram in
            for item in items {
                let key = item.sortKey
                for pass in 0..<passes {
                    histogram[pass * buckets + Int(truncatingIfNeeded: key >> (pass * digitBits)) & digitMask] += 1
                }
            }
        }
        var source = items, target = UnsafeMutableBufferPointer(rebasing: scratch[0..<count])
        var inScratch = false
        histograms.withUnsafeMutableBufferPointer { histogram in
            for pass in 0..<passes {
                let shift = pass * digitBits
                let offsets = UnsafeMutableBufferPointer(rebasing: histogram[(pass * buckets)..<((pass + 1) * buckets)])
                // a digit every key shares does not reorder anything
                if offsets[Int(truncatingIfNeeded: source[0].sortKey >> shift) & digitMask] == count { continue }
                var total = 0
                for i in 0..<buckets { let c = offsets[i]; offsets[i] = total; total += c }
                for item in source {
                    let digit = Int(truncatingIfNeeded: item.sortKey >> shift) & digitMask
                    target[offsets[digit]] = item
                    offsets[digit] += 1
                }
                swap(&source, &target)
                inScratch.toggle()
            }
        }
        return inScratch
    }
}
