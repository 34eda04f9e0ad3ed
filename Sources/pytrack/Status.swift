import ArgumentParser

/// `pytrack status` (being built; see the issue for it).
struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Not built yet.")
    func run() async throws { throw ValidationError("pytrack status is not built yet") }
}
