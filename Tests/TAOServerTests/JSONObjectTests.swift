import Foundation
import Testing
@testable import TAOServer

@Suite("JSONObject's type and range messages say what is wrong with the value")
struct JSONObjectTests {
    /// The message of the error reading `sample_rate_hertz` from `json` (a JSON object's text).
    func intError(_ json: String) -> String {
        do {
            let object = try JSONObject(parsing: Data(json.utf8), name: "config")
            _ = try object.int("sample_rate_hertz", in: 0...384_000)
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test("a boolean where a number is expected is reported as a boolean")
    func booleanIsNamed() throws {
        #expect(intError(#"{"sample_rate_hertz": true}"#) == "config.sample_rate_hertz: expected an integer, got true")
        let object = try JSONObject(parsing: Data(#"{"boost": false}"#.utf8), name: "c")
        #expect(throws: ServerError.invalidArgument("c.boost: expected a number, got false")) { try object.double("boost") }
    }

    @Test("a whole number too large is out of range, not 'not an integer'", arguments: [
        #"{"sample_rate_hertz": 1e15}"#, #"{"sample_rate_hertz": 123456789012345678901234567890}"#,
        #"{"sample_rate_hertz": "99999999999999999999"}"#, #"{"sample_rate_hertz": 500000}"#,
    ])
    func tooLarge(json: String) {
        let message = intError(json)
        #expect(message.contains("is out of range 0...384000"), "\(message)")
    }

    @Test("fractions and text are still not integers", arguments: [#"{"sample_rate_hertz": 16000.5}"#, #"{"sample_rate_hertz": "abc"}"#])
    func notInteger(json: String) {
        #expect(intError(json).contains("expected an integer"), "\(intError(json))")
    }
}
