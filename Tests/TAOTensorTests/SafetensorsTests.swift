import Foundation
import Testing
@testable import TAOTensor

/// conv + BatchNorm with the names of the Python-written fixture.
private final class TinyCheckpointModel: Module {
    let conv: Conv1d, bn: BatchNorm1d
    init(outChannels: Int = 2) {
        var rng = RandomGenerator(seed: 1)
        conv = Conv1d(inChannels: 3, outChannels: outChannels, kernelSize: 3, rng: &rng)
        bn = BatchNorm1d(channels: outChannels)
    }
    var children: [(String, any Module)] { [("conv", conv), ("bn", bn)] }
}

private func temporaryURL(_ name: String) -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("tao-tensor-\(UInt64.random(in: 0..<UInt64.max))-\(name)")
}

@Test("parameters and buffers get dotted names")
func dottedNames() {
    let names = TinyCheckpointModel().stateTensors().map(\.0)
    #expect(names == ["conv.weight", "bn.weight", "bn.bias", "bn.running_mean", "bn.running_var"])
    #expect(TinyCheckpointModel().namedParameters().count == 3)
}

@Test("a file written by Python's safetensors loads by name, with its int64 buffer ignored on request")
func loadsPythonWrittenFile() throws {
    let url = try fixtureURL("python_checkpoint.safetensors")
    let file = try SafetensorsFile(contentsOf: url)
    #expect(file.metadata["writer"] == "tensor_goldens.py")
    #expect(file.entries["extra.half"]?.dtype == "F16")
    #expect(try file.integers("bn.num_batches_tracked") == [7])
    let model = TinyCheckpointModel()
    #expect(throws: TensorError.self) { try model.loadSafetensors(from: url) }
    try model.loadSafetensors(from: url, strict: false)
    #expect(model.conv.weight.scalars == (try file.tensor("conv.weight")).scalars)
    #expect(model.bn.runningVar.scalars == (try file.tensor("bn.running_var")).scalars)
}

@Test("loading names unknown keys, missing keys, wrong dtypes and wrong shapes")
func loadingChecks() throws {
    let url = try fixtureURL("python_checkpoint.safetensors")
    do {
        try TinyCheckpointModel().loadSafetensors(from: url, ignoring: { $0 == "bn.num_batches_tracked" })
        Issue.record("expected unknown keys")
    } catch let error as TensorError {
        #expect(error == .unknownKeys(path: url.path, keys: ["extra.half"]))
    }
    do {
        try TinyCheckpointModel(outChannels: 4).loadSafetensors(from: url, strict: false)
        Issue.record("expected a shape error")
    } catch let error as TensorError {
        #expect(error == .wrongShape(path: url.path, key: "conv.weight", found: [2, 3, 3], expected: [4, 3, 3]))
        #expect(error.description.contains("conv.weight"))
    }
    let file = try SafetensorsFile(contentsOf: url)
    #expect(throws: TensorError.wrongDType(path: url.path, key: "extra.half", found: "F16", expected: "F32")) {
        try file.tensor("extra.half")
    }
    let partial = temporaryURL("partial.safetensors")
    defer { try? FileManager.default.removeItem(at: partial) }
    try SafetensorsFile.write([("conv.weight", try file.tensor("conv.weight"))], to: partial)
    #expect(throws: TensorError.missingKeys(path: partial.path, keys: ["bn.weight", "bn.bias", "bn.running_mean", "bn.running_var"])) {
        try TinyCheckpointModel().loadSafetensors(from: partial)
    }
}

@Test("save then load restores every tensor exactly; truncated files are rejected")
func roundTripAndCorruption() throws {
    let source = TinyCheckpointModel(), target = TinyCheckpointModel()
    copyStrided(from: Tensor([3, 4], shape: [2]), into: source.bn.runningMean)
    target.conv.weight.pointer[0] = 42
    let url = temporaryURL("round.safetensors")
    defer { try? FileManager.default.removeItem(at: url) }
    try source.saveSafetensors(to: url, metadata: ["model": "tiny"])
    try target.loadSafetensors(from: url)
    for ((name, a), (_, b)) in zip(source.stateTensors(), target.stateTensors()) {
        #expect(a.scalars == b.scalars, "\(name)")
    }
    let bytes = try Data(contentsOf: url)
    try bytes.prefix(bytes.count - 4).write(to: url)
    #expect(throws: TensorError.self) { try SafetensorsFile(contentsOf: url) }
    try Data([1, 2, 3]).write(to: url)
    #expect(throws: TensorError.self) { try SafetensorsFile(contentsOf: url) }
}

@Test("a header shape that is negative or whose byte count overflows Int is 'not a valid safetensors file' naming the entry",
      arguments: ["[4294967296, 4294967296]", "[2305843009213693952, 1]", "[-1, -4]", "[4, -1]"])
func overflowingShape(shape: String) throws {
    let header = Data(#"{"w": {"dtype": "F32", "shape": \#(shape), "data_offsets": [0, 16]}}"#.utf8)
    let length = withUnsafeBytes(of: UInt64(header.count).littleEndian) { Data($0) }
    let url = temporaryURL("overflow.safetensors")
    defer { try? FileManager.default.removeItem(at: url) }
    try (length + header + Data(count: 16)).write(to: url)
    let error = #expect(throws: TensorError.self) { try SafetensorsFile(contentsOf: url) }
    let message = error.map { "\($0)" } ?? ""
    #expect(message.hasPrefix(url.path + ": not a valid safetensors file: entry 'w' has shape"), "\(message)")
}

@Test("a float16 save is half the size and loads back into a float32 model within float16 rounding")
func halfPrecisionRoundTrip() throws {
    let model = TinyCheckpointModel()
    var rng = RandomGenerator(seed: 5)
    for (_, tensor) in model.stateTensors() {
        let values = (0..<tensor.count).map { _ in rng.nextUniform(-3, 3) }
        tensor.pointer.update(from: values, count: values.count)
    }
    let full = temporaryURL("full.safetensors"), half = temporaryURL("half.safetensors")
    defer { for url in [full, half] { try? FileManager.default.removeItem(at: url) } }
    try model.saveSafetensors(to: full)
    try model.saveSafetensors(to: half, storage: .float16)
    let (fullFile, halfFile) = (try SafetensorsFile(contentsOf: full), try SafetensorsFile(contentsOf: half))
    for (name, entry) in halfFile.entries {
        #expect(entry.dtype == "F16" && entry.range.count * 2 == fullFile.entries[name]?.range.count, "\(name)")
    }
    let reloaded = TinyCheckpointModel()
    try reloaded.loadSafetensors(from: half)
    for ((name, original), (_, loaded)) in zip(model.stateTensors(), reloaded.stateTensors()) {
        let worst = zip(original.scalars, loaded.scalars).map { abs($0 - $1) / max(abs($0), 1e-3) }.max() ?? 0
        #expect(worst < 1e-3, "\(name): relative error \(worst)")
    }
}

@Test("an int8 save quantizes matrices per row (a quarter of the bytes) and loads back within half a step of each row's scale")
func int8RoundTrip() throws {
    var rng = RandomGenerator(seed: 9)
    let matrix = Tensor((0..<(64 * 48)).map { _ in rng.nextUniform(-2, 2) }, shape: [64, 48])
    let bias = Tensor((0..<64).map { _ in rng.nextUniform(-1, 1) }, shape: [64])
    let file = temporaryURL("int8.safetensors")
    defer { try? FileManager.default.removeItem(at: file) }
    try SafetensorsFile.write([("w", matrix), ("b", bias)], storage: .int8, to: file)
    let saved = try SafetensorsFile(contentsOf: file)
    #expect(saved.entries["w"]?.dtype == "I8" && saved.entries["w"]?.range.count == 64 * 48)
    #expect(saved.entries["b"]?.dtype == "F16")
    let loaded = try saved.widenedTensor("w")
    for row in 0..<64 {
        let values = Array(matrix.scalars[(row * 48)..<((row + 1) * 48)])
        let step = (values.map(abs).max() ?? 0) / 127
        let back = Array(loaded.scalars[(row * 48)..<((row + 1) * 48)])
        #expect(zip(values, back).allSatisfy { abs($0 - $1) <= step / 2 + 1e-6 }, "row \(row)")
    }
}
