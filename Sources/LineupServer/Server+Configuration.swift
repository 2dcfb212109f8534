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

        public init(
            host: String = "127.0.0.1",
            port: Int = 8080,
            clientTokens: [String] = [],
            adminTokens: [String] = [],
            maxBodyBytes: Int = 64 << 20
        ) {
            self.host = host
            self.port = port
            self.clientTokens = clientTokens
            self.adminTokens = adminTokens
            self.maxBodyBytes = maxBodyBytes
        }

        var isAuthenticated: Bool { !clientTokens.isEmpty || !adminTokens.isEmpty }

        var isLoopback: Bool {
            host == "localhost" || host == "::1" || host.hasPrefix("127.")
        }
    }
}
