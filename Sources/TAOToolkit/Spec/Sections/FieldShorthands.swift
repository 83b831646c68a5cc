/// Short constructors for schema fields, so a block reads like the YAML it describes.
extension SpecField {
    static func int(_ name: String, _ value: Int?, _ doc: String, nullable: Bool = false, in bounds: SpecBounds? = nil) -> SpecField {
        SpecField(name, .int, value.map(SpecValue.int) ?? .null, nullable: nullable, bounds: bounds, doc: doc)
    }

    static func float(_ name: String, _ value: Double?, _ doc: String, nullable: Bool = false, in bounds: SpecBounds? = nil) -> SpecField {
        SpecField(name, .float, value.map(SpecValue.float) ?? .null, nullable: nullable, bounds: bounds, doc: doc)
    }

    static func bool(_ name: String, _ value: Bool, _ doc: String) -> SpecField {
        SpecField(name, .bool, .bool(value), doc: doc)
    }

    static func string(_ name: String, _ value: String?, _ doc: String, nullable: Bool = false) -> SpecField {
        SpecField(name, .string, value.map(SpecValue.string) ?? .null, nullable: nullable, doc: doc)
    }

    static func choice(_ name: String, _ names: [String], _ value: String?, _ doc: String, nullable: Bool = false) -> SpecField {
        SpecField(name, .choice(names), value.map(SpecValue.string) ?? .null, nullable: nullable, doc: doc)
    }

    /// A key the user must set (`???` in the written spec).
    static func required(_ name: String, _ type: SpecType, _ doc: String) -> SpecField {
        SpecField(name, type, .missing, doc: doc)
    }

    /// A key whose default is another key's value (`${model.sample_rate}`).
    static func reference(_ name: String, _ type: SpecType, _ target: String, _ doc: String) -> SpecField {
        SpecField(name, type, .string("${\(target)}"), doc: doc)
    }

    static func floats(_ name: String, _ values: [Double]?, _ doc: String, nullable: Bool = false, in bounds: SpecBounds? = nil) -> SpecField {
        SpecField(name, .list(.float), values.map { .list($0.map(SpecValue.float)) } ?? .null, nullable: nullable, bounds: bounds, doc: doc)
    }

    static func ints(_ name: String, _ values: [Int]?, _ doc: String, in bounds: SpecBounds? = nil) -> SpecField {
        SpecField(name, .list(.int), values.map { .list($0.map(SpecValue.int)) } ?? .null, bounds: bounds, doc: doc)
    }

    static func strings(_ name: String, _ values: [String]?, _ doc: String) -> SpecField {
        SpecField(name, .list(.string), values.map { .list($0.map(SpecValue.string)) } ?? .null, doc: doc)
    }
}
