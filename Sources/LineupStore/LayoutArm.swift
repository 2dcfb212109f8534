import Foundation
import LineupCore

/// One layout a surface can be shown in: an arm of its bandit.
public struct LayoutArm: Sendable, Hashable {
    public var id: String
    public var name: String
    /// Free parameters for the frontend (columns, density, …), returned as given.
    public var params: [String: JSONValue]
    /// A retired arm is never chosen again; its decisions and evidence stay.
    public var retired: Bool
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String, name: String, params: [String: JSONValue] = [:], retired: Bool = false, createdAt: Date,
        updatedAt: Date
    ) {
        self.id = id
        self.name = name
        self.params = params
        self.retired = retired
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
