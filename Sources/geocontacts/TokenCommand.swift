import ArgumentParser
import GeoContactsServer
import GeoContactsSQLite

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `geocontacts token`: mints a development token with the service's signing key.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Print a signed access token (and nothing else) for the given customers and scopes.")

    @Option(name: .customLong("customer"), help: "A customer id the token may act for (repeatable).")
    var customers: [Int64]
    @Option(help: "Space-separated scopes, e.g. \"contacts:read contacts:write\".")
    var scope: String = "contacts:read"
    @OptionGroup var data: DataOptions
    @Option(help: "Lifetime in seconds.") var lifetime: Int = 86_400

    func validate() throws {
        guard !customers.isEmpty else { throw ValidationError("give at least one --customer") }
        guard lifetime > 0 else { throw ValidationError("--lifetime must be positive") }
    }

    func run() async throws {
        let key = try SigningKeyStore.load(dataDirectory: data.folder.url.path).key
        let tokens = await TokenAuthority(secret: key)
        let scopes = scope.split(separator: " ").map(String.init)
        print(try await tokens.token(subject: "cli", customers: customers, scopes: scopes, lifetime: TimeInterval(lifetime)))
    }
}
