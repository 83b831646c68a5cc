import Foundation

/// tao's own folder: `$TAO_HOME`, `~/.tao` when unset. It holds the run registry and `pretrained/` encoders.
public enum TAOHome {
    /// The folder (not created here).
    public static func url(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let taoHome = environment["TAO_HOME"], !taoHome.isEmpty {
            return URL(fileURLWithPath: (taoHome as NSString).expandingTildeInPath, isDirectory: true)
        }
        let userHome = environment["HOME"].map { URL(fileURLWithPath: $0, isDirectory: true) }
            ?? FileManager.default.homeDirectoryForCurrentUser
        return userHome.appendingPathComponent(".tao", isDirectory: true)
    }
}
