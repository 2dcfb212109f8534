import Foundation

extension Server {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        /// Bearer tokens for frontends (events, rank).
        public var clientTokens: [String]
        /// Bearer tokens for operators (everything).
        public var adminTokens: [String]
        /// Largest request body accepted, in bytes. A 10,000-item batch with 64-dimensional
        /// embeddings is about 10 MiB.
        public var maxBodyBytes: Int
        /// How often layout decisions whose window closed are settled and the banks redrawn.
        public var settlingInterval: Duration = .seconds(5)
        /// How often a replica reads what the others wrote when no notification woke it
        /// first (a store several replicas share only).
        public var followInterval: Duration = .milliseconds(250)
        /// Scheduled retraining from the log; nil: none.
        public var retraining: Retraining?
        /// Origins whose pages may call the API from the browser (`https://dash.example.com`),
        /// or `*` for any; none by default (same origin only). lineup.js itself may be
        /// imported from any origin.
        public var corsOrigins: [String] = []
        /// Whether `/demo` serves the demo dashboard (`serve --demo`, or `demo_ui`).
        public var demoUI = false
        /// Serve the pages and lineup.js from this directory instead of the copies built in
        /// (for working on them without rebuilding); nil: the built-in ones.
        public var webAssetsDirectory: String?

        /// Retrain every `interval` on the last `window` seconds of the log, activating the
        /// new model only if it beats the serving one.
        public struct Retraining: Sendable, Equatable {
            public var interval: Duration
            public var window: TimeInterval
            /// Correct for position bias (unbiased LambdaMART); on, as for any training from the log.
            public var unbiased: Bool

            public init(interval: Duration, window: TimeInterval, unbiased: Bool = true) {
                self.interval = interval
                self.window = window
                self.unbiased = unbiased
            }
        }

        public init(
            host: String = "127.0.0.1",
            port: Int = 8080,
            clientTokens: [String] = [],
            adminTokens: [String] = [],
            maxBodyBytes: Int = 64 << 20,
            retraining: Retraining? = nil
        ) {
            self.host = host
            self.port = port
            self.clientTokens = clientTokens
            self.adminTokens = adminTokens
            self.maxBodyBytes = maxBodyBytes
            self.retraining = retraining
        }

        var isAuthenticated: Bool { !clientTokens.isEmpty || !adminTokens.isEmpty }

        var isLoopback: Bool {
            host == "localhost" || host == "::1" || host.hasPrefix("127.")
        }
    }
}
