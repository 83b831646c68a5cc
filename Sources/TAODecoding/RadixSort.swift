/// A value a radix sort can order: by an unsigned key whose low bits hold everything that matters.
protocol RadixSortable {
    var sortKey: UInt128 { get }
}

extension UInt128: RadixSortable {
    @inline(__always) var sortKey: UInt128 { self }
}

/// Least-significant-digit radix sort of packed n-gram keys (16-bit digits over the low `bits` bits),
/// several times faster than a comparison sort for the millions of keys counting produces. Stable.
enum RadixSort {
    static func sort<Element: RadixSortable>(_ items: inout [Element], bits: Int) {
        guard let first = items.first, items.count > 1 else { return }
        let digitBits = 16, buckets = 1 << 16
        var buffer = [Element](repeating: first, count: items.count)
        var counts = [Int](repeating: 0, count: buckets)
        var shift = 0
        while shift < bits {
            let skip: Bool = items.withUnsafeBufferPointer { source in
                counts.withUnsafeMutableBufferPointer { count in
                    for i in 0..<buckets { count[i] = 0 }
                    for item in source { count[Int(truncatingIfNeeded: item.sortKey >> shift) & (buckets - 1)] += 1 }
                    // a digit every key shares does not reorder anything
                    if count[Int(truncatingIfNeeded: source[0].sortKey >> shift) & (buckets - 1)] == source.count { return true }
                    var total = 0
                    for i in 0..<buckets { let c = count[i]; count[i] = total; total += c }
                    return false
                }
            }
            if !skip {
                items.withUnsafeBufferPointer { source in
                    buffer.withUnsafeMutableBufferPointer { target in
                        counts.withUnsafeMutableBufferPointer { count in
                            for item in source {
                                let digit = Int(truncatingIfNeeded: item.sortKey >> shift) & (buckets - 1)
                                target[count[digit]] = item
                                count[digit] += 1
                            }
                        }
                    }
                }
                swap(&items, &buffer)
            }
            shift += digitBits
        }
    }
}
