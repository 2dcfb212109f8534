/// A setting that cannot be used, with where it came from.
struct SettingsError: Error, CustomStringConvertible {
    var source: String
    var key: String?
    var reason: String

    var description: String {
        if let key { "\(source): '\(key)' \(reason)" } else { "\(source) \(reason)" }
    }
}
