// swift-tools-version:6.1
import PackageDescription

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
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-openapi-generator.git", from: "1.14.3"),
        .package(url: "https://github.com/apple/swift-openapi-runtime.git", from: "1.13.4"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-openapi-hummingbird.git", from: "2.1.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // Domain types shared by every layer: items, users, events, their limits and validation.
        .target(name: "LineupCore", swiftSettings: swiftSettings),
        // <cblas.h> from libblas-dev; Debian's alternatives pick netlib or OpenBLAS at run time.
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", providers: [.apt(["libblas-dev"])]),
        // Stage 1: the embedding matrix, exact cosine top-K through BLAS, content embeddings.
        .target(name: "LineupRetrieval", dependencies: ["CBLAS", "LineupCore"], swiftSettings: swiftSettings),
        // The storage seam: protocols only, so the engine never sees a database.
        .target(name: "LineupStore", dependencies: ["LineupCore", "LineupBandit"], swiftSettings: swiftSettings),
        // The embedded default store: SQLite through GRDB, WAL, append-only migrations.
        .target(
            name: "LineupSQLite",
            dependencies: ["LineupCore", "LineupStore", "LineupBandit", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        // The request flow: validation, catalog, users, event ingestion, retrieval.
        .target(
            name: "LineupEngine",
            dependencies: [
                "LineupCore", "LineupStore", "LineupRetrieval", "LineupRanking", "LineupEvaluation", "LineupTraining", "LineupBandit",
                "LineupStatistics",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Types and routing generated from openapi.yaml at build time.
        .target(
            name: "LineupAPI",
            dependencies: [.product(name: "OpenAPIRuntime", package: "swift-openapi-runtime")],
            swiftSettings: swiftSettings,
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),
        // The Hummingbird application: handlers, auth, problem+json errors, metrics, configuration.
        .target(
            name: "LineupServer",
            dependencies: [
                "LineupCore", "LineupStore", "LineupSQLite", "LineupEngine", "LineupAPI", "LineupRetrieval", "LineupEvaluation", "LineupRanking",
                "LineupBandit", "LineupStatistics",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        // Stage 2: boosted-tree models in XGBoost's JSON format, batch scoring, TreeSHAP.
        .target(name: "LineupRanking", swiftSettings: swiftSettings),
        // Gradient boosting on histograms: trains the forests stage 2 serves, written as XGBoost JSON.
        .target(name: "LineupTraining", dependencies: ["LineupCore", "LineupRanking", "LineupEvaluation"], swiftSettings: swiftSettings),
        // Offline ranking metrics as scikit-learn computes them: NDCG@K, AUC, MRR, Recall@K.
        .target(name: "LineupEvaluation", swiftSettings: swiftSettings),
        // A deterministic synthetic world: BI widgets, users with latent tastes, a position-biased click model.
        .target(name: "LineupSimulator", dependencies: ["LineupCore"], swiftSettings: swiftSettings),
        // A/B analysis: distributions, tests, intervals, Bayesian odds, sample-ratio checks.
        .target(name: "LineupStatistics", swiftSettings: swiftSettings),
        // Layout exploration: Beta-Bernoulli Thompson sampling, propensities, off-policy estimates.
        .target(name: "LineupBandit", dependencies: ["LineupCore"], swiftSettings: swiftSettings),
        .executableTarget(
            name: "lineup",
            dependencies: [
                "LineupCore", "LineupStore", "LineupSQLite", "LineupEngine", "LineupServer", "LineupSimulator", "LineupBandit",
                "LineupRetrieval", "LineupRanking", "LineupEvaluation", "LineupTraining", "LineupStatistics",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LineupAPITests",
            dependencies: ["LineupAPI", "LineupCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LineupRetrievalTests",
            dependencies: ["LineupRetrieval", "LineupCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LineupSQLiteTests",
            dependencies: ["LineupCore", "LineupStore", "LineupSQLite"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LineupEngineTests",
            dependencies: ["LineupCore", "LineupStore", "LineupSQLite", "LineupEngine", "LineupRetrieval", "LineupRanking"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LineupServerTests",
            dependencies: [
                "LineupCore", "LineupServer", "LineupSQLite", "LineupAPI",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
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
        .testTarget(
            name: "LineupSimulatorTests",
            dependencies: ["LineupCore", "LineupSimulator"],
            swiftSettings: swiftSettings
        ),
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
