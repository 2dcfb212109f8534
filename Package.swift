// swift-tools-version:6.1
import PackageDescription

// The target graph is drawn in docs/DESIGN.md ("Target graph"); Tests/conformance/module-graph.py,
// run by .ci/test, fails when an arrow here is not allowed there or an import is not declared.

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Lineup",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "lineup", targets: ["lineup"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-openapi-generator.git", from: "1.14.3"),
        .package(url: "https://github.com/apple/swift-openapi-runtime.git", from: "1.13.4"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-openapi-hummingbird.git", from: "2.1.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        // Domain types and the rules every layer shares: ids, items, users, events, the label
        // policy, half-life decay, RFC 3339, JSON strings, the feature schema, seeded randomness.
        .target(name: "LineupCore", swiftSettings: swiftSettings),
        // A/B statistics: distributions, tests, intervals (Wilson, delta method), Bayesian odds.
        .target(name: "LineupStatistics", swiftSettings: swiftSettings),
        // <cblas.h> from libblas-dev; Debian's alternatives pick netlib or OpenBLAS at run time.
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", providers: [.apt(["libblas-dev"])]),
        // Stage 1: the embedding matrix, exact cosine top-K through BLAS, user vectors, content embeddings.
        .target(name: "LineupRetrieval", dependencies: ["CBLAS", "LineupCore"], swiftSettings: swiftSettings),
        // Stage 2's model: boosted-tree forests in XGBoost's JSON format, batch scoring, TreeSHAP.
        .target(name: "LineupRanking", swiftSettings: swiftSettings),
        // Offline ranking metrics as scikit-learn computes them: NDCG@K, AUC, MRR, Recall@K.
        .target(name: "LineupEvaluation", swiftSettings: swiftSettings),
        // Gradient boosting on histograms: trains the forests stage 2 serves, written as XGBoost JSON.
        .target(name: "LineupTraining", dependencies: ["LineupCore", "LineupRanking", "LineupEvaluation"], swiftSettings: swiftSettings),
        // Layout exploration: Thompson sampling, evidence and its decay, propensities, off-policy estimates.
        .target(name: "LineupBandit", dependencies: ["LineupCore"], swiftSettings: swiftSettings),
        // The storage seam: the store protocols and the records they carry; no rules, no database.
        .target(name: "LineupStore", dependencies: ["LineupCore"], swiftSettings: swiftSettings),
        // The embedded default store: SQLite through GRDB, WAL, append-only migrations.
        .target(
            name: "LineupSQLite",
            dependencies: ["LineupCore", "LineupStore", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        // The store for several replicas on one database: PostgreSQL through postgres-nio.
        .target(
            name: "LineupPostgres",
            dependencies: [
                "LineupCore", "LineupStore", .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The model registry: the models directory (or the store's models), versions and cards, the model serving stage 2.
        .target(
            name: "LineupModels",
            dependencies: ["LineupCore", "LineupRanking", "LineupStore", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        // The request path: catalog, users, events, rank (retrieval, features, model, controls),
        // layouts, experiment assignment, the impression log's writer.
        .target(
            name: "LineupEngine",
            dependencies: [
                "LineupCore", "LineupStore", "LineupRetrieval", "LineupRanking", "LineupBandit", "LineupModels",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Offline work over any store: evaluation and replay, layout off-policy reports,
        // experiment analysis, training jobs and model cards.
        .target(
            name: "LineupAnalysis",
            dependencies: [
                "LineupCore", "LineupStore", "LineupRanking", "LineupEvaluation", "LineupTraining", "LineupBandit",
                "LineupStatistics", "LineupModels", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Types and routing generated from openapi.yaml at build time.
        .target(
            name: "LineupAPI",
            dependencies: ["LineupCore", .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime")],
            swiftSettings: swiftSettings,
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),
        // The web side, built into the binary: lineup.js (the client SDK), the demo dashboard
        // and the operator console. Files in Assets/, embedded by the EmbedAssets plugin.
        .target(
            name: "LineupWeb", exclude: ["Assets"], swiftSettings: swiftSettings, plugins: ["EmbedAssets"]
        ),
        .executableTarget(name: "AssetEmbedder", swiftSettings: swiftSettings),
        .plugin(name: "EmbedAssets", capability: .buildTool(), dependencies: ["AssetEmbedder"], path: "Sources/EmbedAssets"),
        // The Hummingbird application: handlers, auth, problem+json errors, metrics, and the
        // background services in its service group. Knows no database.
        .target(
            name: "LineupServer",
            dependencies: [
                "LineupCore", "LineupStore", "LineupEngine", "LineupAnalysis", "LineupModels", "LineupAPI", "LineupEvaluation",
                "LineupRanking", "LineupBandit", "LineupStatistics", "LineupWeb",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // A deterministic synthetic world: BI widgets, users with latent tastes, a position-biased click model.
        .target(name: "LineupSimulator", dependencies: ["LineupCore"], swiftSettings: swiftSettings),
        // The command line and the composition root: reads the settings, opens the store they
        // name, builds the engine and the analysis and hands them to the server.
        .executableTarget(
            name: "lineup",
            dependencies: [
                "LineupCore", "LineupStore", "LineupSQLite", "LineupPostgres", "LineupModels", "LineupEngine", "LineupAnalysis",
                "LineupServer", "LineupSimulator", "LineupBandit", "LineupRetrieval", "LineupRanking", "LineupEvaluation",
                "LineupTraining", "LineupStatistics", "LineupWeb",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The store conformance suite: written once against `any Store`, run by every backend's tests.
        .target(
            name: "LineupStoreConformance",
            dependencies: ["LineupCore", "LineupStore"],
            path: "Tests/LineupStoreConformance",
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "LineupCoreTests", dependencies: ["LineupCore"], swiftSettings: swiftSettings),
        .testTarget(name: "LineupAPITests", dependencies: ["LineupAPI", "LineupCore"], swiftSettings: swiftSettings),
        .testTarget(name: "LineupRetrievalTests", dependencies: ["LineupRetrieval", "LineupCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "LineupSQLiteTests",
            dependencies: ["LineupCore", "LineupStore", "LineupSQLite", "LineupStoreConformance"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "LineupStoreTests", dependencies: ["LineupStore"], swiftSettings: swiftSettings),
        .testTarget(name: "LineupWebTests", dependencies: ["LineupWeb"], swiftSettings: swiftSettings),
        .testTarget(
            name: "LineupPostgresTests",
            dependencies: [
                "LineupCore", "LineupStore", "LineupPostgres", "LineupStoreConformance", "LineupEngine", "LineupModels",
                .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LineupEngineTests",
            dependencies: [
                "LineupCore", "LineupStore", "LineupSQLite", "LineupEngine", "LineupModels", "LineupRetrieval", "LineupRanking",
                "LineupBandit",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LineupAnalysisTests",
            dependencies: [
                "LineupCore", "LineupStore", "LineupSQLite", "LineupEngine", "LineupAnalysis", "LineupModels", "LineupRanking",
                "LineupTraining", "LineupBandit",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LineupServerTests",
            dependencies: [
                "LineupCore", "LineupServer", "LineupEngine", "LineupAnalysis", "LineupModels", "LineupSQLite", "LineupAPI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "lineupTests",
            dependencies: [
                "lineup", "LineupCore", "LineupAnalysis", "LineupEvaluation", "LineupModels",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LineupRankingTests",
            dependencies: ["LineupRanking", "LineupCore"],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LineupTrainingTests",
            dependencies: ["LineupTraining", "LineupRanking", "LineupCore"],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LineupEvaluationTests",
            dependencies: ["LineupEvaluation", "LineupCore"],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "LineupSimulatorTests", dependencies: ["LineupCore", "LineupSimulator"], swiftSettings: swiftSettings),
        .testTarget(
            name: "LineupBanditTests",
            dependencies: ["LineupCore", "LineupBandit"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LineupStatisticsTests",
            dependencies: ["LineupStatistics", "LineupCore"],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
    ]
)
