/// What an upsert stored, and whether it created the record or replaced one.
public struct Upserted<Value: Sendable>: Sendable {
    public var value: Value
    public var created: Bool

    public init(value: Value, created: Bool) {
        self.value = value
        self.created = created
    }
}
