import ArgumentParser

/// `pytrack compute` (being built; see the issue for it).
struct Compute: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "compute", abstract: "Not built yet.")
    func run() async throws { throw ValidationError("pytrack compute is not built yet") }
}
