import ArgumentParser

@main
struct GeoContactsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "geocontacts",
        abstract: "In-memory geospatial contacts: service, import/export and queries.",
        subcommands: [DemoCommand.self, BenchCommand.self, GenerateCommand.self]
    )
}
