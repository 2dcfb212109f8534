import ArgumentParser

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmarks that run beside their peers (see benchmarks/).",
        subcommands: [BenchRetrieval.self, BenchForest.self, BenchRank.self, BenchEval.self, BenchBandit.self]
    )
}
