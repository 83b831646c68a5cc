/// Row lookup (embedding), with its gradient.

/// Rows of `table` `[rows, width]` at `indices`, shaped `indices.shape + [width]`. The gradient adds each output
/// row back into the row it came from.
public func gatherRows(_ table: Tensor, _ indices: IndexTensor) -> Tensor {
    precondition(table.rank == 2, "gatherRows needs a [rows, width] table, got \(table.shape)")
    let rows = table.shape[0], width = table.shape[1]
    precondition(indices.values.allSatisfy { $0 >= 0 && Int($0) < rows }, "an index is outside the table's \(rows) rows")
    let source = table.contiguousValues()
    let out = Tensor(uninitialized: indices.shape + [width])
    for (i, index) in indices.values.enumerated() {
        (out.pointer + i * width).update(from: source.pointer + Int(index) * width, count: width)
    }
    return out.recording([table]) { g in
        let gradient = g.contiguousValues()
        let gradTable = Tensor(zeros: table.shape)
        for (i, index) in indices.values.enumerated() {
            let target = gradTable.pointer + Int(index) * width, row = gradient.pointer + i * width
            for j in 0..<width { target[j] += row[j] }
        }
        return [gradTable]
    }
}
