import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import TAOServer

@Suite("Offline recognize: a WAV body sent with a raw encoding has its header checked, as a stream does")
struct WAVWithRawEncodingTests {
    @Test("a 16 kHz WAV sent as LINEAR_PCM at 8000 Hz is a 400 naming both formats with the API's names")
    func mismatch() async throws {
        let wav = try fixtureBytes("cards_001.wav")
        try await sharedService.makeApplication().test(.router) { client in
            try await client.execute(uri: "/v1/asr:recognize?encoding=LINEAR_PCM&sample_rate_hertz=8000", method: .post,
                                     body: ByteBuffer(bytes: wav)) { response in
                let message = errorObject(response.body)["message"] as? String ?? ""
                #expect(response.status == .badRequest, "\(message)")
                #expect(message.contains("request audio: the WAV header says LINEAR_PCM, 1 channels, 16000 Hz"), "\(message)")
                #expect(message.contains("the config says LINEAR_PCM, 1 channels, 8000 Hz") && !message.contains("s16"), "\(message)")
            }
            try await client.execute(uri: "/v1/asr:recognize?encoding=MULAW&sample_rate_hertz=16000", method: .post,
                                     body: ByteBuffer(bytes: wav)) { response in
                let message = errorObject(response.body)["message"] as? String ?? ""
                #expect(response.status == .badRequest && message.contains("the config says MULAW"), "\(message)")
            }
        }
    }
}
