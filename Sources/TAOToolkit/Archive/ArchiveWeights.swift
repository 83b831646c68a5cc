import Foundation
import TAOTensor

extension ModelArchive {
    /// Loads the weights member into `module` from memory (every name, dtype and shape checked first); a problem
    /// names `path!model_weights.safetensors`.
    func loadWeights(into module: any Module, archive path: String) throws {
        let member = try required(Self.weightsName, archive: path)
        try module.loadSafetensors(SafetensorsFile(data: member, path: path + "!" + Self.weightsName))
    }
}
