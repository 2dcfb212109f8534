/// A dashboard people open: a fixed set of widgets about one domain plus a couple of company-wide
/// highlights. A session is one user opening one dashboard; its widgets are the candidates the
/// ranking policy orders.
public struct Dashboard: Sendable, Hashable, Codable, Identifiable {
    /// `d-<domain>-<n>`, usable as the rank request's surface.
    public var id: String
    public var title: String
    /// The business domain it belongs to (`sales`, `finance`, …).
    public var domain: String
    /// Its widgets, in the editors' layout order.
    public var itemIds: [String]

    public init(id: String, title: String, domain: String, itemIds: [String]) {
        self.id = id
        self.title = title
        self.domain = domain
        self.itemIds = itemIds
    }
}
