import ArgumentParser

/// `geocontacts dev …`: the developer tools, apart from the commands a user of the service
/// needs: benchmarks, generated data, the index alone on CSV points, the crash probe.
struct DevCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev",
        abstract: "Developer tools: benchmarks, generated data, the index on CSV points (not needed to run the service).",
        subcommands: [
            BenchCommand.self, GenerateCommand.self, KnnCommand.self, ReplicaBenchCommand.self, DurabilityProbeCommand.self,
        ]
    )
}
