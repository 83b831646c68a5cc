import Testing
@testable import TAODecoding

@Test("the module links")
func moduleLinks() {
    #expect(String(describing: TAODecoding.self) == "TAODecoding")
}
