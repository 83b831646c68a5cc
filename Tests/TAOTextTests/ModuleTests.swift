import Testing
@testable import TAOText

@Test("the module links")
func moduleLinks() {
    #expect(String(describing: TAOText.self) == "TAOText")
}
