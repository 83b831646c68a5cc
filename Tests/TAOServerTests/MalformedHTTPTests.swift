import Foundation
import Hummingbird
import HummingbirdTesting
import NIOHTTP1
import Testing
@testable import TAOServer
#if canImport(Glibc)
import Glibc
#endif

/// Sends `request` on a fresh TCP connection to 127.0.0.1:`port` and returns what the server answers before it
/// closes (or within 5 s).
private func rawExchange(port: Int, _ request: String) -> String {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return "" }
    defer { close(fd) }
    var timeout = timeval(tv_sec: 5, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { return "" }
    let bytes = Array(request.utf8)
    _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
    var received: [UInt8] = [], buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if count <= 0 { break }
        received += buffer[0..<count]
        if let text = String(bytes: received, encoding: .utf8), text.contains("\r\n\r\n{"), text.hasSuffix("}") { break }
    }
    return String(decoding: received, as: UTF8.self)
}

@Suite("Malformed HTTP bodies are the client's mistake: 400, not 500")
struct MalformedHTTPTests {
    @Test("NIO parser errors map to 400 INVALID_ARGUMENT; a body cut short by the client to 499 CANCELLED")
    func mapping() {
        #expect(ServiceMiddleware<BasicRequestContext>.clientMistake(.invalidChunkSize).status == "INVALID_ARGUMENT")
        #expect(ServiceMiddleware<BasicRequestContext>.clientMistake(.strictModeAssertion).httpStatus == 400)
        #expect(ServiceMiddleware<BasicRequestContext>.clientMistake(.unknown).httpStatus == 400)
        let gone = ServiceMiddleware<BasicRequestContext>.clientMistake(.invalidEOFState)
        #expect(gone.httpStatus == 499 && gone.status == "CANCELLED")
    }

    @Test("a bad chunk size gets 400 INVALID_ARGUMENT with a JSON body over a real socket", arguments: [
        "zz\r\n{}\r\n0\r\n\r\n", "-1\r\n{}\r\n0\r\n\r\n", "FFFFFFFFFFFFFFFFFF\r\n{}\r\n0\r\n\r\n",
    ])
    func badChunk(body: String) async throws {
        try await sharedService.makeApplication().test(.live) { client in
            let port = try #require(client.port)
            // Blocking socket calls run off the cooperative pool.
            let answer = await withCheckedContinuation { continuation in
                DispatchQueue.global().async {
                    continuation.resume(returning: rawExchange(port: port, "POST /v1/nlp:punctuate_text HTTP/1.1\r\nHost: x\r\n"
                                                                + "Transfer-Encoding: chunked\r\n\r\n" + body))
                }
            }
            #expect(answer.hasPrefix("HTTP/1.1 400"), "\(answer)")
            #expect(answer.contains("INVALID_ARGUMENT") && answer.contains("malformed HTTP request"), "\(answer)")
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(!String(buffer: response.body).contains("code=\"500\""))
            }
        }
    }
}
