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

    @Test("junk, URL-safe characters and a lone trailing character are errors", arguments: ["AAAA!!!!", "AAEC_-8=", "AAECA"])
    func rejected(text: String) {
        #expect(throws: ServerError.self) { try OfflineRecognition.decodeBase64(text) }
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
