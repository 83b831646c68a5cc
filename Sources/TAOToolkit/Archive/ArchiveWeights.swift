import Foundation
import TAOTensor

extension ModelArchive {
    /// Loads the weights member into `module` (every name, dtype and shape checked first). A problem names the
    /// archive's member, not the temporary file the weights pass through.
    func loadWeights(into module: any Module, archive path: String) throws {
        let temporary = FileManager.default.temporaryDirectory.appendingPathComponent("tao-weights-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: temporary) }
        try required(Self.weightsName, archive: path).write(to: temporary)
        do {
            try module.loadSafetensors(from: temporary)
        } catch {
            let reason = "\(error)".replacingOccurrences(of: temporary.path + ": ", with: "")
                .replacingOccurrences(of: temporary.path, with: Self.weightsName)
            throw ArchiveError.damaged(path: path, reason: "\(Self.weightsName) does not fit the model: \(reason)")
        }
    }
}
