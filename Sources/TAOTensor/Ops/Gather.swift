/// Row lookup (embedding), with its gradient.

/// Rows of `table` `[rows, width]` at `indices`, shaped `indexShape + [width]`. The gradient adds each output
/// row back into the row it came from.
public func gatherRows(_ table: Tensor, indices: [Int], indexShape: [Int]) -> Tensor {
    precondition(table.rank == 2, "gatherRows needs a [rows, width] table, got \(table.shape)")
    precondition(Shape.count(indexShape) == indices.count, "\(indices.count) indices do not fill shape \(indexShape)")
    let rows = table.shape[0], width = table.shape[1]
    precondition(indices.allSatisfy { $0 >= 0 && $0 < rows }, "an index is outside the table's \(rows) rows")
    let source = table.contiguousValues()
    let out = Tensor(uninitialized: indexShape + [width])
    for (i, index) in indices.enumerated() {
        (out.pointer + i * width).update(from: source.pointer + index * width, count: width)
    }
    return out.recording([table]) { g in
        let gradient = g.contiguousValues()
        let gradTable = Tensor(zeros: table.shape)
        for (i, index) in indices.enumerated() {
            let target = gradTable.pointer + index * width, row = gradient.pointer + i * width
            for j in 0..<width { target[j] += row[j] }
        }
        return [gradTable]
    }
}
