import ArgumentParser

/// `pytrack inspect` (being built; see the issue for it).
struct Inspect: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "inspect", abstract: "Not built yet.")
    func run() async throws { throw ValidationError("pytrack inspect is not built yet") }
}
