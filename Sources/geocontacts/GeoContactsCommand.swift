import ArgumentParser

@main
struct GeoContactsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "geocontacts",
        abstract: "In-memory geospatial contacts: service, import/export and queries.",
        subcommands: [
            ServeCommand.self, TokenCommand.self, ImportCommand.self, ExportCommand.self, NearestCommand.self,
            WithinCommand.self, InsideCommand.self, DescendantsCommand.self, AncestorsCommand.self, StatsCommand.self,
            DefineGroupCommand.self, DefineFieldCommand.self, DevCommand.self,
        ]
    )

    /// Runs the command; a failure is one line on stderr (`Error: …`) and a non-zero exit,
    /// without the usage text ArgumentParser would add (`--help` still prints it).
    static func main() async {
        do {
            var command = try await asyncParseAsRoot(nil)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .success { exit(withError: error) }  // --help, --version
            let message = self.message(for: error)
            if !message.isEmpty { printError("Error: " + message.split(separator: "\n").joined(separator: " ")) }
            exit(withError: ExitCode(code.rawValue))
        }
    }
}
