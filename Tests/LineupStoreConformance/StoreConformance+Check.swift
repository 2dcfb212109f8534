import LineupStore
import Testing

extension StoreConformance {
    /// One promise of the `Store` protocol, run on a store that holds nothing yet.
    ///
    /// A backend's tests hand every check to one parameterised test, so each promise is a
    /// test case of its own: a failure names the promise broken, and a new backend proves
    /// itself by running the same list unchanged.
    public struct Check: Sendable, CustomTestStringConvertible {
        public let name: String
        let body: @Sendable (any Store) async throws -> Void

        init(_ name: String, _ body: @escaping @Sendable (any Store) async throws -> Void) {
            self.name = name
            self.body = body
        }

        /// Runs the check on `store`, which must be empty: checks derive what they expect
        /// from what they write, and a record left by someone else would be counted too.
        public func run(on store: any Store) async throws {
            try await body(store)
        }

        public var testDescription: String { name }
    }
}
