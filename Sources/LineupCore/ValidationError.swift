/// Input that breaks one of Lineup's rules, with the path of the field at fault
/// (`events[3].timestamp`) so a client can find it.
public struct ValidationError: Error, Sendable, Hashable, CustomStringConvertible {
    public var field: String
    public var reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { "\(field): \(reason)" }
}
