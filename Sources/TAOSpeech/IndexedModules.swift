import TAOTensor

/// Modules named by their position in a NeMo `ModuleList` (`mconv.0`, `mconv.1`, ...); positions of layers
/// without parameters (activations, dropout) are skipped, so the names match NeMo checkpoints.
final class IndexedModules: Module {
    private(set) var entries: [(index: Int, module: any Module)] = []

    /// Modules at explicit positions (e.g. `[(0, linear), (2, linear)]` with an activation at 1).
    init(_ entries: [(index: Int, module: any Module)] = []) { self.entries = entries }

    /// Modules at positions 0, 1, 2, ...
    convenience init(ordered modules: [any Module]) {
        self.init(modules.enumerated().map { ($0.offset, $0.element) })
    }

    func append(_ module: any Module, at index: Int) { entries.append((index, module)) }

    var children: [(String, any Module)] { entries.map { (String($0.index), $0.module) } }
}
