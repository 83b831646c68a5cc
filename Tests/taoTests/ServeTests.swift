import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// The checkout's root (the shipped model lives there).
private let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// `tao serve` on the shipped character model, its output in `folder/out.log`, and the base URL it printed.
private struct ServeProcess {
    let process = Process()
    let log: URL
    let output: FileHandle
    let base: String

    init(folder: URL, arguments: [String] = []) throws {
        log = folder.appendingPathComponent("out.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        output = try FileHandle(forWritingTo: log)
        process.executableURL = TAOProcess.executable
        process.arguments = ["serve", "--models", checkout.appendingPathComponent("models/citrinet_char").path, "--port", "0", "--threads", "1"]
            + arguments
        process.standardOutput = output
        process.standardError = output
        try process.run()
        var url: String?
        for _ in 0..<600 where url == nil {
            Thread.sleep(forTimeInterval: 0.05)
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let range = text.range(of: #"http://127\.0\.0\.1:[0-9]+"#, options: .regularExpression) { url = String(text[range]) }
            if !process.isRunning { break }
        }
        guard let url else {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            throw ServeStartError(log: (try? String(contentsOf: log, encoding: .utf8)) ?? "")
        }
        base = url
    }

    var logText: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
}

private struct ServeStartError: Error, CustomStringConvertible {
    let log: String
    var description: String { "no 'listening on' line: \(log)" }
}

@Test("tao serve listens on the port it prints, answers /health and exits 0 on SIGTERM")
func serveStopsOnSIGTERM() throws {
    let folder = TAOProcess.temporaryDirectory("serve")
    defer { try? FileManager.default.removeItem(at: folder) }
    let server = try ServeProcess(folder: folder)
    let (process, output, base) = (server.process, server.output, server.base)
    defer { if process.isRunning { process.terminate() } }
    let health = try Data(contentsOf: URL(string: base + "/health")!)
    #expect(String(decoding: health, as: UTF8.self).contains("\"status\":\"ok\""))
    kill(process.processIdentifier, SIGTERM)
    process.waitUntilExit()
    try output.close()
    #expect(process.terminationReason == .exit)
    #expect(process.terminationStatus == 0)
    #expect(server.logText.contains("tao serve: stopped"))
}

@Test("tao client recognize reports a server that is not there, with exit code 1")
func clientWithoutServer() throws {
    let result = try TAOProcess.run(["client", "recognize", checkout.appendingPathComponent("audio-fixtures/cards_001.wav").path,
                                     "--url", "http://127.0.0.1:9"])
    #expect(result.status == 1)
    #expect(result.stderr.contains("is `tao serve` running there?"))
}

@Test("tao serve exits within its grace period on SIGTERM while long recognitions are running and queued")
func serveStopsWithinGracePeriod() throws {
    let folder = TAOProcess.temporaryDirectory("serve-grace")
    defer { try? FileManager.default.removeItem(at: folder) }
    let server = try ServeProcess(folder: folder, arguments: ["--grace-period", "1"])
    let (process, output, base) = (server.process, server.output, server.base)
    defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
    // 60 s of loud noise per request: minutes of inference for a debug build on one thread.
    var state: UInt32 = 12345
    let noise = (0..<(16000 * 60)).flatMap { _ -> [UInt8] in
        state = state &* 1_103_515_245 &+ 12345
        return [UInt8(truncatingIfNeeded: state >> 16), UInt8(truncatingIfNeeded: state >> 24)]
    }
    for _ in 0..<3 {
        var request = URLRequest(url: URL(string: base + "/v1/asr:recognize?encoding=LINEAR_PCM&sample_rate_hertz=16000")!)
        request.httpMethod = "POST"
        request.timeoutInterval = 120
        URLSession.shared.uploadTask(with: request, from: Data(noise)).resume()
    }
    Thread.sleep(forTimeInterval: 2)
    let start = Date()
    kill(process.processIdentifier, SIGTERM)
    while process.isRunning && Date().timeIntervalSince(start) < 30 { Thread.sleep(forTimeInterval: 0.05) }
    let seconds = Date().timeIntervalSince(start)
    try output.close()
    #expect(!process.isRunning, "still running \(seconds) s after SIGTERM")
    #expect(seconds < 5, "took \(seconds) s to stop with a 1 s grace period")
    if !process.isRunning { #expect(process.terminationStatus == 0) }
}
