import ArgumentParser

@main
struct Lineup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lineup",
        abstract: "Orders dashboard widgets for each user, logs what it served, learns from what users did.",
        subcommands: [Serve.self, Demo.self, DemoTraffic.self, DemoTraining.self, DemoLoop.self, DemoBandit.self, DemoAB.self, Predict.self, Train.self, Eval.self, AB.self, Export.self, MigrateStore.self, Bench.self]
    )
}
