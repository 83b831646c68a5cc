import Testing
@testable import TAONLP

@Test("the module links") func moduleLinks() { #expect(String(describing: TAONLP.self) == "TAONLP") }
