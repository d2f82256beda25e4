import Testing

extension Tag {
    /// Takes seconds on its own (a million-contact chain, brute-force oracles over many
    /// queries, the built binary run many times, SIGKILL rounds). `make test` and CI run
    /// every test; the tag lets an IDE's test navigator leave these out while iterating.
    @Tag static var slow: Self
}
