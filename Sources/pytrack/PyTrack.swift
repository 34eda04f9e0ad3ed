import ArgumentParser
import Foundation
import PyTrackFormats

/// The `pytrack` root command: sync -> compute -> report, plus export, inspect, demo and status.
struct PyTrack: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pytrack",
        abstract: "Track the training dynamics of the Pythia checkpoint series.",
        discussion: """
        Pipeline: sync (hub -> HF cache) -> compute (checkpoints -> db/pytrack.sqlite) -> report (Reports/).
        Example:
          pytrack sync --manifest manifests/pythia-160m.json --steps log
          pytrack compute --manifest manifests/pythia-160m.json --steps log
          pytrack report
        """,
        version: "0.1.0",
        subcommands: [Sync.self, Compute.self, Report.self, Export.self, Inspect.self, Demo.self, Status.self,
                      Plan.self, Merge.self, Slurm.self]
    )
}

/// Entry point: maps errors onto the exit-code contract (0 ok, 1 user-facing error, 2 usage error).
@main
enum PyTrackMain {
    static func main() {
        // A file size limit (RLIMIT_FSIZE) must fail the write with EFBIG and a message, not kill us.
        signal(SIGXFSZ, SIG_IGN)
        do {
            var command = try PyTrack.parseAsRoot()
            try command.run()
        } catch {
            exit(with: error)
        }
    }

    static func exit(with error: Error) -> Never {
        let code = PyTrack.exitCode(for: error)
        if code == .success {
            // --help, --version
            print(PyTrack.fullMessage(for: error))
            Foundation.exit(0)
        }
        if let exitCode = error as? ExitCode {
            Foundation.exit(exitCode.rawValue)
        }
        if code == .validationFailure || error is ValidationError || isParserError(error) {
            FileHandle.standardError.write(Data((PyTrack.fullMessage(for: error) + "\n").data(using: .utf8)!))
            Foundation.exit(2)
        }
        // One line, whatever names from the hub or from files the message holds.
        let line = TerminalText.escaped(String(describing: error))
        FileHandle.standardError.write(Data("pytrack: error: \(line)\n".utf8))
        Foundation.exit(1)
    }

    private static func isParserError(_ error: Error) -> Bool {
        // ArgumentParser reports parse failures with exit code 64 (EX_USAGE).
        PyTrack.exitCode(for: error).rawValue == 64
    }
}

/// Options shared by commands that touch the database.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "SQLite database path.")
    var db: String = "db/pytrack.sqlite"
}

/// Options shared by commands that touch the hub or the checkpoint cache.
struct HubOptions: ParsableArguments {
    @Option(name: .long, help: "Checkpoint cache (huggingface_hub layout). Default: $HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub.")
    var cache: String?

    @Option(name: .long, help: "Hub endpoint. Default: $HF_ENDPOINT, else https://huggingface.co.")
    var endpoint: String?
}
