import Testing
@testable import TAOServer

@Test("the module links") func moduleLinks() { #expect(String(describing: TAOServer.self) == "TAOServer") }
