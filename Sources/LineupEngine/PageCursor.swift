import Foundation
import LineupCore

/// The opaque continuation token of a paged listing: the base64url of the last id served.
enum PageCursor {
    static func encode(_ lastId: String) -> String {
        Data(lastId.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ cursor: String) throws(ValidationError) -> String {
        var base64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let id = String(data: data, encoding: .utf8),
            (try? Identifier.validate(id, field: "cursor")) != nil
        else {
            throw ValidationError(field: "cursor", reason: "is not a cursor returned by this listing")
        }
        return id
    }
}
