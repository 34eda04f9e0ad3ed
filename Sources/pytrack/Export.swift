import ArgumentParser

/// `pytrack export` (being built; see the issue for it).
struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export", abstract: "Not built yet.")
    func run() async throws { throw ValidationError("pytrack export is not built yet") }
}
