import ArgumentParser
import Foundation
import Testing
@testable import lineup

/// What every command of `lineup` declares: no option name twice (a second `--seed` would
/// make one of them unreachable), and the flags the README documents.
@Suite struct CommandLineTests {
    /// Every command, subcommands included.
    static func commands(under root: any ParsableCommand.Type = Lineup.self) -> [any ParsableCommand.Type] {
        [root] + root.configuration.subcommands.flatMap { commands(under: $0) }
    }

    /// The `--names` a help text lists as options: lines that start, two spaces in, with a
    /// dash, read up to the first word that is neither a name nor a `<value>` (descriptions
    /// follow, and may mention flags; wrapped ones are indented further).
    static func optionNames(inHelp help: String) -> [String] {
        help.split(separator: "\n").flatMap { line -> [String] in
            guard line.hasPrefix("  -") else { return [] }
            let words = line.split(separator: " ").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: ",")) }
            return words.prefix { $0.hasPrefix("-") || $0.hasPrefix("<") }.filter { $0.hasPrefix("--") }
        }
    }

    /// In a child process: in a debug build ArgumentParser stops the process when a command
    /// declares a name twice, and the help of every command is read for repeats as well.
    @Test func noCommandDeclaresAnOptionNameTwice() async throws {
        let result = await #expect(processExitsWith: .success, observing: [\.standardOutputContent, \.standardErrorContent]) {
            var repeated: [String] = []
            for command in CommandLineTests.commands() {
                let names = CommandLineTests.optionNames(inHelp: command.helpMessage(columns: 1_000))
                let twice = Set(names.filter { name in names.filter { $0 == name }.count > 1 })
                if !twice.isEmpty { repeated.append("\(command._commandName): \(twice.sorted().joined(separator: ", "))") }
            }
            if !repeated.isEmpty {
                FileHandle.standardError.write(Data(("declared twice: " + repeated.joined(separator: "; ") + "\n").utf8))
                exit(1)
            }
        }
        // What ArgumentParser or the check said, when the child failed.
        let said = result.map { String(decoding: $0.standardOutputContent + $0.standardErrorContent, as: UTF8.self) } ?? ""
        if result?.exitStatus != .exitCode(0) { Issue.record("\(said)") }
    }

    @Test func theDemoLoopTakesTheWorldsSeedAndTheTrainersApart() throws {
        let loop = try DemoLoop.parse(["--out", "/tmp/x", "--seed", "8", "--sampling-seed", "3"])
        #expect(loop.world.seed == 8)
        #expect(try loop.trainer.configuration(base: .init(), ranking: true).seed == 3)
        #expect(loop.trainer.arguments.suffix(2) == ["--sampling-seed", "3"], "lineup train gets the trainer's seed")
        #expect(Self.optionNames(inHelp: Train.helpMessage(columns: 1_000)).contains("--sampling-seed"))
    }

    @Test func optionNamesAreReadFromDeclarationsOnly() {
        let help = """
            OPTIONS:
              --config <config>       A JSON config file.
              --objective <objective> rank:ndcg from the log or with --group.
              -h, --help              Show help information.
                                      --data needs --out, said in a description.
            """
        #expect(Self.optionNames(inHelp: help) == ["--config", "--objective", "--help"])
    }
}
