/// A setting that cannot be used, with where it came from.
public struct SettingsError: Error, CustomStringConvertible {
    public var source: String
    public var key: String?
    public var reason: String

    public var description: String {
        if let key { "\(source): '\(key)' \(reason)" } else { "\(source) \(reason)" }
    }
}
