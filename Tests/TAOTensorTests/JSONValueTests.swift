import Foundation
import Testing
import TAOTensor

@Test("JSON booleans are told from the numbers 0 and 1; integer lists refuse booleans, fractions and strings")
func jsonBooleansAndNumbers() throws {
    let object = try #require(try JSONSerialization.jsonObject(
        with: Data(#"{"yes": true, "one": 1, "half": 0.5, "shape": [2, 3], "bad": [2, true], "frac": [1.5], "text": ["2"]}"#.utf8))
        as? [String: Any])
    #expect(JSONValue.isBoolean(object["yes"] as Any) && !JSONValue.isBoolean(object["one"] as Any))
    #expect(JSONValue.number(object["yes"]) == nil && JSONValue.number(object["one"]) == 1 && JSONValue.number(object["half"]) == 0.5)
    #expect(JSONValue.number(nil) == nil)
    #expect(JSONValue.integers(object["shape"]) == [2, 3])
    #expect(JSONValue.integers(object["bad"]) == nil && JSONValue.integers(object["frac"]) == nil && JSONValue.integers(object["text"]) == nil)
}
