/// Least-significant-digit radix sort of packed n-gram keys (16-bit digits over the low `bits` bits),
/// several times faster than a comparison sort for the millions of keys counting produces.
enum RadixSort {
    static func sort(_ keys: inout [UInt128], bits: Int) {
        guard keys.count > 1 else { return }
        let digitBits = 16, buckets = 1 << 16
        var buffer = [UInt128](repeating: 0, count: keys.count)
        var counts = [Int](repeating: 0, count: buckets)
        var shift = 0
        while shift < bits {
            let skip: Bool = keys.withUnsafeBufferPointer { source in
                counts.withUnsafeMutableBufferPointer { count in
                    for i in 0..<buckets { count[i] = 0 }
                    for key in source { count[Int(truncatingIfNeeded: key >> shift) & (buckets - 1)] += 1 }
                    // a digit every key shares does not reorder anything
                    if count[Int(truncatingIfNeeded: source[0] >> shift) & (buckets - 1)] == source.count { return true }
                    var total = 0
                    for i in 0..<buckets { let c = count[i]; count[i] = total; total += c }
                    return false
                }
            }
            if !skip {
                keys.withUnsafeBufferPointer { source in
                    buffer.withUnsafeMutableBufferPointer { target in
                        counts.withUnsafeMutableBufferPointer { count in
                            for key in source {
                                let digit = Int(truncatingIfNeeded: key >> shift) & (buckets - 1)
                                target[count[digit]] = key
                                count[digit] += 1
                            }
                        }
                    }
                }
                swap(&keys, &buffer)
            }
            shift += digitBits
        }
    }
}
