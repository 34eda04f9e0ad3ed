import ArgumentParser

/// `pytrack report` (being built; see the issue for it).
struct Report: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "report", abstract: "Not built yet.")
    func run() async throws { throw ValidationError("pytrack report is not built yet") }
}
