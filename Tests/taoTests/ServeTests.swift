import Foundation
import Testing

/// The checkout's root (the shipped model lives there).
private let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

@Test("tao serve listens on the port it prints, answers /health and exits 0 on SIGTERM")
func serveStopsOnSIGTERM() throws {
    let folder = TAOProcess.temporaryDirectory("serve")
    defer { try? FileManager.default.removeItem(at: folder) }
    let log = folder.appendingPathComponent("out.log")
    _ = FileManager.default.createFile(atPath: log.path, contents: nil)
    let output = try FileHandle(forWritingTo: log)
    let process = Process()
    process.executableURL = TAOProcess.executable
    process.arguments = ["serve", "--models", checkout.appendingPathComponent("models/citrinet_char").path, "--port", "0", "--threads", "1"]
    process.standardOutput = output
    process.standardError = output
    try process.run()
    defer { if process.isRunning { process.terminate() } }
    var url: String?
    for _ in 0..<600 where url == nil {
        Thread.sleep(forTimeInterval: 0.05)
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        if let range = text.range(of: #"http://127\.0\.0\.1:[0-9]+"#, options: .regularExpression) { url = String(text[range]) }
        if !process.isRunning { break }
    }
    let base = try #require(url, "no 'listening on' line: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
    let health = try Data(contentsOf: URL(string: base + "/health")!)
    #expect(String(decoding: health, as: UTF8.self).contains("\"status\":\"ok\""))
    kill(process.processIdentifier, SIGTERM)
    process.waitUntilExit()
    try output.close()
    #expect(process.terminationReason == .exit)
    #expect(process.terminationStatus == 0)
    #expect(((try? String(contentsOf: log, encoding: .utf8)) ?? "").contains("tao serve: stopped"))
}

@Test("tao client recognize reports a server that is not there, with exit code 1")
func clientWithoutServer() throws {
    let result = try TAOProcess.run(["client", "recognize", checkout.appendingPathComponent("audio-fixtures/cards_001.wav").path,
                                     "--url", "http://127.0.0.1:9"])
    #expect(result.status == 1)
    #expect(result.stderr.contains("is `tao serve` running there?"))
}
