/// A `Simulator.Configuration` that cannot describe a world, naming the setting at fault.
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    public var field: String
    public var reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { "simulator configuration \(field): \(reason)" }
}
