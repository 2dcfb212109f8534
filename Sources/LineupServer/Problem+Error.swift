import Foundation
import HTTPTypes
import Hummingbird
import LineupAnalysis
import LineupCore
import LineupEngine
import LineupModels
import LineupStore
import OpenAPIRuntime

extension Problem {
    /// The problem to answer for any error a request raised. A client mistake becomes a 4xx
    /// naming the field; anything else is a bug in Lineup and becomes a 500.
    init(from error: any Error) {
        switch error {
        case let problem as Problem:
            self = problem
        case let error as ServiceError:
            self.init(serviceError: error)
        case let error as ModelError:
            self.init(modelError: error)
        case let error as StoreUnavailable:
            self.init(unavailable: error)
        case let error as ValidationError:
            self.init(.badRequest, error.reason, field: error.field)
        case let error as DecodingError:
            self.init(decodingError: error)
        case let error as ServerError:
            self.init(serverError: error)
        case let error as any HTTPResponseError where error.status.kind == .clientError:
            self.init(error.status, Self.detail(for: error.status))
        default:
            self.init(.internalServerError, "The server failed to handle the request; this is a bug in Lineup.")
        }
    }

    private init(serviceError: ServiceError) {
        switch serviceError {
        case .invalid(let error): self.init(.badRequest, error.reason, field: error.field)
        case .notFound: self.init(.notFound, serviceError.description)
        case .conflict(let field, let reason): self.init(.conflict, reason, field: field)
        }
    }

    /// The database is down or restarting: nothing was stored, and the client should retry.
    private init(unavailable: StoreUnavailable) {
        self.init(
            .serviceUnavailable, "The database is unavailable; nothing was stored. Retry shortly. (\(unavailable.reason))",
            retryAfter: Self.retryAfterSeconds)
    }

    /// What a 503 asks clients to wait: about how long PostgreSQL takes to restart.
    static let retryAfterSeconds = 2

    private init(modelError: ModelError) {
        switch modelError {
        case .notFound: self.init(.notFound, modelError.description)
        case .rejected: self.init(.unprocessableContent, modelError.description, field: "version")
        case .versionTaken: self.init(.conflict, modelError.description, field: "version")
        case .noDirectory: self.init(.badRequest, modelError.description, field: "models_directory")
        }
    }

    /// Errors of the generated layer: the request did not match openapi.yaml.
    private init(serverError: ServerError) {
        switch serverError.underlyingError {
        case let error as ServiceError: self.init(serviceError: error)
        case let error as ModelError: self.init(modelError: error)
        case let error as StoreUnavailable: self.init(unavailable: error)
        case let error as ValidationError: self.init(.badRequest, error.reason, field: error.field)
        case let error as Problem: self = error
        case let error as DecodingError:
            self.init(decodingError: error)
            if field == "body" && serverError.request.method == .get {
                field = Self.malformedQueryParameter(in: serverError.request.path ?? "") ?? "query"
            }
        default:
            if serverError.httpStatus == .unsupportedMediaType {
                self.init(.unsupportedMediaType, serverError.causeDescription, field: "Content-Type")
            } else if serverError.httpStatus.kind == .clientError {
                self.init(serverError.httpStatus, serverError.causeDescription)
            } else {
                self.init(.internalServerError, "The server failed to handle the request; this is a bug in Lineup.")
            }
        }
    }

    /// A body or parameter that does not decode: wrong type, missing or unknown field, bad JSON.
    private init(decodingError: DecodingError) {
        switch decodingError {
        case .keyNotFound(let key, let context):
            self.init(.badRequest, "is required", field: Self.path(context.codingPath + [key]))
        case .typeMismatch(let type, let context):
            self.init(.badRequest, "has the wrong type; expected \(Self.describe(type))", field: Self.path(context.codingPath))
        case .valueNotFound(let type, let context):
            self.init(.badRequest, "must not be null; expected \(Self.describe(type))", field: Self.path(context.codingPath))
        case .dataCorrupted(let context):
            let field = Self.path(context.codingPath)
            if context.codingPath.isEmpty && context.underlyingError != nil {
                self.init(.badRequest, "is not valid JSON", field: "body")
            } else {
                self.init(.badRequest, Self.clean(context.debugDescription), field: field)
            }
        @unknown default:
            self.init(.badRequest, "could not be decoded", field: "body")
        }
    }

    /// The generated layer decodes a query parameter at its root, so its error carries no
    /// name. Lineup's query parameters are strings or integers: the culprit is the integer
    /// one whose value is not an integer.
    static func malformedQueryParameter(in path: String) -> String? {
        let stringParameters: Set = ["cursor"]
        guard let query = path.split(separator: "?", maxSplits: 1).dropFirst().first else { return nil }
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0])
            let value = parts.count > 1 ? String(parts[1]) : ""
            if !stringParameters.contains(name) && Int(value) == nil { return name.removingPercentEncoding ?? name }
        }
        return nil
    }

    /// `events[3].timestamp` from a decoder's coding path.
    static func path(_ codingPath: [any CodingKey]) -> String {
        var path = ""
        for key in codingPath {
            if let index = key.intValue {
                path += "[\(index)]"
            } else {
                path += path.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return path.isEmpty ? "body" : path
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "a boolean"
        case is Int.Type, is Int64.Type: "an integer"
        case is Double.Type, is Float.Type: "a number"
        case is [Any].Type: "an array"
        default: "an object"
        }
    }

    private static func clean(_ description: String) -> String {
        description.isEmpty ? "is invalid" : description
    }

    private static func detail(for status: HTTPResponse.Status) -> String {
        switch status {
        case .contentTooLarge: "The request body is larger than the server accepts."
        case .notFound: "There is no such resource."
        case .methodNotAllowed: "The resource does not support this method."
        default: status.reasonPhrase
        }
    }
}
