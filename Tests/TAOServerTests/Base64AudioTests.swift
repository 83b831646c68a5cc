import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import TAOServer

@Suite("JSON audio is strict standard base64: whitespace allowed, nothing else dropped")
struct Base64AudioTests {
    @Test("standard base64 with line breaks and without padding decodes")
    func standard() throws {
        #expect(try OfflineRecognition.decodeBase64("AAEC\n/+8=\r\n") == [0, 1, 2, 255, 239])
        #expect(try OfflineRecognition.decodeBase64(" AAEC /+8 ") == [0, 1, 2, 255, 239])
    }

    @Test("every length and padding decodes as Foundation's base64 does, for 0 to 40 bytes")
    func matchesFoundation() throws {
        var rng = SystemRandomNumberGenerator()
        for length in 0...40 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let text = Data(bytes).base64EncodedString(options: .lineLength64Characters)
            #expect(try OfflineRecognition.decodeBase64(text) == bytes, "\(text)")
            #expect(try OfflineRecognition.decodeBase64(text.replacingOccurrences(of: "=", with: "")) == bytes, "\(text) without padding")
        }
    }

    @Test("junk, URL-safe characters, a lone trailing character and misplaced padding are errors",
          arguments: ["AAAA!!!!", "AAEC_-8=", "AAECA", "AA=A", "AAAA=", "AAA==", "AA===", "=", "AAEC\u{e9}"])
    func rejected(text: String) {
        #expect(throws: ServerError.self) { try OfflineRecognition.decodeBase64(text) }
    }

    @Test("an error names the first character outside the alphabet and its offset")
    func namesOffset() {
        #expect(throws: ServerError.invalidArgument("request body: 'audio' is not standard base64: '-' at offset 6 "
                                                    + "(use A-Z, a-z, 0-9, '+' and '/'; URL-safe '-' and '_' are not accepted)")) {
            try OfflineRecognition.decodeBase64("AAEC /-8=")
        }
    }

    @Test("URL-safe base64 audio gets a 400 saying 'audio' is not standard base64")
    func urlSafeRequest() async throws {
        let urlSafe = Data(try fixtureBytes("cards_001.wav").prefix(3000)).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        #expect(urlSafe.contains("-") || urlSafe.contains("_"))
        try await sharedService.makeApplication().test(.router) { client in
            let body = try JSONSerialization.data(withJSONObject: ["audio": urlSafe])
            try await client.execute(uri: "/v1/asr:recognize", method: .post, headers: [.contentType: "application/json"],
                                     body: ByteBuffer(bytes: body)) { response in
                let message = errorObject(response.body)["message"] as? String ?? ""
                #expect(response.status == .badRequest && message.contains("'audio' is not standard base64"), "\(message)")
            }
        }
    }
}
