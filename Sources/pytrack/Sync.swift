import ArgumentParser

/// `pytrack sync` (being built; see the issue for it).
struct Sync: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sync", abstract: "Not built yet.")
    func run() async throws { throw ValidationError("pytrack sync is not built yet") }
}
