import ArgumentParser
import Foundation
import LineupAnalysis
import LineupCore

/// An experiment's analysis from the configured database: what an experimenter reads
/// before deciding.
struct AB: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ab",
        abstract: "Analyse an A/B experiment from the impression log: rates, lifts, tests, Bayesian odds, sample ratio.",
        discussion: """
            Per variant: users exposed, requests, engaged requests and the engagement rate per \
            request (95% Wilson interval), the rate with users as the unit (delta method), \
            NDCG@5. Against the control: absolute and relative lift with 95% intervals with \
            users as the unit (delta method), the pooled two-proportion z-test (requests as \
            independent: too narrow when users return), Welch's t-test on per-user rates, the \
            chance to beat the control and the expected loss (exact Beta(1, 1) posteriors of \
            the counts divided by each arm's design effect). A sample-ratio mismatch \
            (chi-square p < 0.001) is printed first and loudly.
            """
    )

    @OptionGroup var options: SettingsOptions

    @Argument(help: "The experiment's id.")
    var experiment: String

    @Flag(help: "Print JSON (what GET /v1/experiments/{id}/analysis returns) instead of tables.")
    var json = false

    @Option(help: "Also write a self-contained HTML page (interval bars, lifts, SRM verdict) to this file.")
    var html: String?

    func run() async throws {
        let runtime = try await Runtime.open(settings: try options.settings(), existing: true)
        let analysis: ExperimentAnalysis
        do {
            analysis = try await runtime.analysis.analyzeExperiment(id: experiment)
        } catch let error as ServiceError {
            throw ValidationError("\(error)")
        }
        if let html {
            do {
                try ExperimentReport(analysis: analysis).html.write(toFile: html, atomically: true, encoding: .utf8)
            } catch {
                throw ValidationError("--html \(html) cannot be written: \(error.localizedDescription)")
            }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.keyEncodingStrategy = .convertToSnakeCase
            Console.line(String(decoding: try encoder.encode(analysis), as: UTF8.self))
        } else {
            Console.line(ExperimentReport(analysis: analysis).text)
        }
    }
}
