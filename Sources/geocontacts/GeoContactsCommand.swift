import ArgumentParser

@main
struct GeoContactsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "geocontacts",
        abstract: "In-memory geospatial contacts: service, import/export and queries.",
        subcommands: [
            ServeCommand.self, TokenCommand.self, DemoCommand.self, ImportCommand.self, ExportCommand.self, KnnCommand.self, NearestCommand.self,
            DescendantsCommand.self, StatsCommand.self, DefineGroupCommand.self, DefineFieldCommand.self, DurabilityProbeCommand.self,
        ]
    )
}
