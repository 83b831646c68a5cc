import Foundation
import Testing
@testable import TAOTensor

/// URL of a committed fixture in `Fixtures/`.
func fixtureURL(_ name: String) throws -> URL {
    let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
    return try #require(Bundle.module.url(forResource: parts[0], withExtension: parts.count > 1 ? parts[1] : nil,
                                          subdirectory: "Fixtures"), "missing fixture \(name)")
}

/// A PyTorch golden file written by scripts/tensor_goldens.py.
struct Golden {
    let file: SafetensorsFile
    init(_ name: String) throws { file = try SafetensorsFile(contentsOf: fixtureURL(name)) }
    /// The tensor `name`, as a fresh contiguous tensor.
    func callAsFunction(_ name: String) throws -> Tensor { try file.tensor(name) }
}
