import Testing
import TAOAudio
@testable import TAOServer

@Test("Riva's endpointing fields are read with their defaults for 0 and errors for bad values")
func endpointingConfigFromJSON() throws {
    let config = try EndpointingConfig(json: JSONObject(["stop_history": 900, "start_threshold": 0.5, "stop_threshold": 0], path: "e"))
    #expect(config.stopHistory == 900 && config.startThreshold == 0.5 && config.stopThreshold == EndpointingConfig().stopThreshold)
    #expect(throws: ServerError.self) { try EndpointingConfig(json: JSONObject(["stop_histroy": 900], path: "e")) }
    #expect(throws: ServerError.self) { try EndpointingConfig(json: JSONObject(["start_threshold": 2], path: "e")) }
    #expect(throws: ServerError.self) { try EndpointingConfig(json: JSONObject(["stop_history": 5], path: "e")) }
}
