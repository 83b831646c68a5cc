import Foundation
import TAOAudio

/// The front end a speech spec describes, for `tao audio features`: the `model.preprocessor` block of a
/// speech_to_text (or, when it has `model.tokenizer`, a speech_to_text_citrinet) training spec, with
/// `preprocessor.key=value` overrides, through the same checks as every spec.
public enum FrontendSpec {
    public static func preprocessor(specFile: URL?, overrides: [String]) throws -> PreprocessorConfig {
        var task = TaskName.speechToText
        if let specFile, let text = try? String(contentsOf: specFile, encoding: .utf8),
           text.range(of: #"(?m)^\s+tokenizer:"#, options: .regularExpression) != nil {
            task = .speechToTextCitrinet
        }
        guard let schema = DefaultSpecs.schema(task, .train) else { preconditionFailure("\(task) has a train spec") }
        let paths = overrides.map { $0.hasPrefix("preprocessor.") ? "model." + $0 : $0 }
        var resolver = SpecResolver(schema: schema)
        if let specFile {
            let text: String
            do { text = try String(contentsOf: specFile, encoding: .utf8) } catch {
                throw SpecError.unreadable(path: specFile.path, reason: FileManager.default.fileExists(atPath: specFile.path) ? "not UTF-8 text" : "no such file")
            }
            resolver.apply(file: try RawNode.parse(yaml: text, path: specFile.path))
        }
        for override in paths { resolver.apply(override: override) }
        let spec = ResolvedSpec(unchecked: try resolver.finish(requireAll: false), schema: schema)
        return try spec.decode(PreprocessorSpec.self, at: "model.preprocessor").config
    }
}
