import Foundation
#if canImport(Glibc)
import Glibc
#endif

// Raw HTTP/1.1 over TCP, for what Hummingbird's test client cannot send: malformed or slow requests, clients that
// leave.

/// Sends `request` on a fresh TCP connection to 127.0.0.1:`port` and returns what the server answers before it
/// closes (or within 5 s), off the cooperative pool (the socket calls block).
func exchange(port: Int, _ request: String) async -> String {
    await exchanges(port: port, [request]).first ?? ""
}

/// Sends `requests` one after another on one TCP connection, each after the answer to the one before (an answer
/// ends with its JSON body, or when the server closes, or after 5 s of silence) and a pause of `pause` seconds.
func exchanges(port: Int, _ requests: [String], pause: Double = 0) async -> [String] {
    // A thread of its own: on a 2-core machine Dispatch's global queue runs two blocking jobs at once, and the suites
    // running beside this one would queue behind each other past their deadlines.
    await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: rawExchanges(port: port, requests, pause: pause)) }.start()
    }
}

/// Sends `request` on a fresh TCP connection, then reads and drops what comes: true when the server closes the
/// connection within 5 s.
func serverCloses(port: Int, after request: String) async -> Bool {
    await readUntilClosed(port: port, Array(request.utf8)).closed
}

/// What the server answers `request` on a fresh TCP connection, as text, and whether it closed the connection (it is
/// read until then, or 5 s of silence).
func answerUntilClosed(port: Int, _ request: String) async -> (answer: String, closed: Bool) {
    let (received, closed) = await readUntilClosed(port: port, Array(request.utf8))
    return (String(decoding: received, as: UTF8.self), closed)
}

/// Sends `request` on a fresh TCP connection, then `afterAnswer` once the server's first bytes have come (then, with
/// `halfClose`, closes its sending side), and reads until the server closes it (`closed`) or is silent for 5 s.
func readUntilClosed(port: Int, _ request: [UInt8], afterAnswer: [UInt8] = [], halfClose: Bool = false) async
    -> (received: [UInt8], closed: Bool) {
    await withCheckedContinuation { continuation in
        Thread {
            guard let fd = connectedSocket(port: port) else { return continuation.resume(returning: ([], false)) }
            defer { close(fd) }
            func sendAll(_ bytes: [UInt8]) {
                var sent = 0
                while sent < bytes.count {
                    let count = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
                    if count <= 0 { break }
                    sent += count
                }
            }
            sendAll(request)
            var received: [UInt8] = [], buffer = [UInt8](repeating: 0, count: 4096)
            if !afterAnswer.isEmpty {
                let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if count > 0 { received += buffer[0..<count] }
                sendAll(afterAnswer)
            }
            if halfClose { shutdown(fd, Int32(SHUT_WR)) }
            while true {
                let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if count <= 0 { return continuation.resume(returning: (received, count == 0)) }
                received += buffer[0..<count]
            }
        }.start()
    }
}

/// A TCP connection to 127.0.0.1:`port` that is kept open (the caller closes it), with what the server sent within
/// `wait` seconds of `request` (nothing sent when empty): for tests that hold connections.
func heldConnection(port: Int, _ request: String = "", wait: Double = 1) async -> (socket: Int32, received: String)? {
    await withCheckedContinuation { (continuation: CheckedContinuation<(socket: Int32, received: String)?, Never>) in
        Thread {
            guard let fd = connectedSocket(port: port) else { return continuation.resume(returning: nil) }
            _ = Array(request.utf8).withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
            var timeout = timeval(tv_sec: Int(wait), tv_usec: Int((wait - wait.rounded(.down)) * 1e6))
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var received: [UInt8] = [], buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if count <= 0 { break }
                received += buffer[0..<count]
            }
            continuation.resume(returning: (fd, String(decoding: received, as: UTF8.self)))
        }.start()
    }
}

/// Sends `request` on a fresh TCP connection and closes it at once, without reading: a client that gives up.
func sendAndClose(port: Int, _ request: String) {
    guard let fd = connectedSocket(port: port) else { return }
    _ = Array(request.utf8).withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
    close(fd)
}

/// A blocking TCP socket connected to 127.0.0.1:`port`, with a 5 s receive timeout.
private func connectedSocket(port: Int) -> Int32? {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return nil }
    var timeout = timeval(tv_sec: 5, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else {
        close(fd)
        return nil
    }
    return fd
}

private func rawExchanges(port: Int, _ requests: [String], pause: Double) -> [String] {
    guard let fd = connectedSocket(port: port) else { return [] }
    defer { close(fd) }
    var answers: [String] = []
    for (index, request) in requests.enumerated() {
        if index > 0 { Thread.sleep(forTimeInterval: pause) }
        _ = Array(request.utf8).withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        var received: [UInt8] = [], buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            received += buffer[0..<count]
            if let text = String(bytes: received, encoding: .utf8), text.contains("\r\n\r\n{"), text.hasSuffix("}") { break }
        }
        answers.append(String(decoding: received, as: UTF8.self))
    }
    return answers
}

/// A client's WebSocket frame (FIN set, masked as RFC 6455 requires) with `opcode` and `payload`.
func maskedFrame(opcode: UInt8, _ payload: [UInt8]) -> [UInt8] {
    let mask: [UInt8] = [0x37, 0xFA, 0x21, 0x3D]
    var frame: [UInt8] = [0x80 | opcode]
    switch payload.count {
    case ..<126: frame.append(0x80 | UInt8(payload.count))
    case ..<65536: frame += [0x80 | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
    default: frame += [0x80 | 127] + (0..<8).reversed().map { UInt8((payload.count >> ($0 * 8)) & 0xFF) }
    }
    return frame + mask + payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
}

/// The request that opens a stream on `/v1/asr:stream`.
let streamHandshake = Array(("GET /v1/asr:stream HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                             + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").utf8)
