// tao-bench: release-build benchmarks. `tao-bench <area> [options]` prints one JSON object per line.
import Foundation
import TAOTensor

/// The benchmark areas, each implemented in its own file.
let areas: [String: ([String]) throws -> Void] = [
    "tensor": TensorBench.run,
    "frontend": FrontendBench.run,
    "decoding": DecodingBench.run,
    "speech": SpeechBench.run,
    "nlp": NLPBench.run,
    "serve": ServeBench.run,
]

AllocatorTuning.keepLargeBuffers()
let arguments = Array(CommandLine.arguments.dropFirst())
let requested = arguments.first ?? "all"
if requested == "--help" || requested == "-h" {
    print("usage: tao-bench [all | \(areas.keys.sorted().joined(separator: " | "))] [options]; tao-bench AREA --help lists an area's options")
    exit(0)
}
let selected = requested == "all" ? areas.keys.sorted() : [requested]
for name in selected {
    guard let run = areas[name] else {
        FileHandle.standardError.write(Data("error: unknown benchmark area '\(name)' (valid: all, \(areas.keys.sorted().joined(separator: ", ")))\n".utf8))
        exit(2)
    }
    do {
        try run(Array(arguments.dropFirst()))
    } catch let usage as BenchUsage where usage.isHelp {
        print("usage: \(usage)")
    } catch let usage as BenchUsage {
        FileHandle.standardError.write(Data("error: \(name): \(usage)\n".utf8))
        exit(2)
    } catch {
        FileHandle.standardError.write(Data("error: \(name): \(error)\n".utf8))
        exit(1)
    }
}
