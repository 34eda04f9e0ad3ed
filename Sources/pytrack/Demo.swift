import ArgumentParser

/// `pytrack demo` (being built; see the issue for it).
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "demo", abstract: "Not built yet.")
    func run() async throws { throw ValidationError("pytrack demo is not built yet") }
}
