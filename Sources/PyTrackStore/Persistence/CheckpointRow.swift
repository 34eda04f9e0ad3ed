import Foundation
import GRDB
import PyTrackDomain

/// A row of the `checkpoints` table (both lifecycles). Internal to the store; other targets see
/// `CheckpointRecord`. Only read as a record: its writes are SQL upserts (`recordSync`,
/// `recordComputeFailure`, `upsertComputed`) whose per-column rules (keep a known commit, keep sync's
/// files and source) a record save cannot express.
struct CheckpointRow: Codable, Equatable, Sendable, FetchableRecord, TableRecord {
    static let databaseTableName = "checkpoints"

    var id: Int64
    var modelID: Int64
    var step: Int
    var revision: String
    var commitSHA: String?
    var weightSHA256: String?
    var computedSHA256: String?
    /// JSON array of file names.
    var filesJSON: String?
    /// A `SyncState` raw value; NULL: never synced.
    var syncState: String?
    var syncDetail: String?
    var computeFailure: String?
    var expectedMatrices: Int?
    var source: String?
    var updatedAt: String?

    enum CodingKeys: String, CodingKey {
        case id
        case modelID = "model_id"
        case step
        case revision
        case commitSHA = "commit_sha"
        case weightSHA256 = "weight_sha256"
        case computedSHA256 = "computed_sha256"
        case filesJSON = "files_json"
        case syncState = "sync_state"
        case syncDetail = "sync_detail"
        case computeFailure = "compute_failure"
        case expectedMatrices = "expected_matrices"
        case source
        case updatedAt = "updated_at"
    }

    enum Columns {
        static let id = Column(CodingKeys.id)
        static let modelID = Column(CodingKeys.modelID)
        static let step = Column(CodingKeys.step)
    }

    /// The run it belongs to.
    static let model = belongsTo(ModelRow.self)

    /// What other targets see of it, given its model's name. Unreadable files JSON reads as no files,
    /// an unknown sync state as never synced.
    func record(model: String) -> CheckpointRecord {
        let files = filesJSON.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String] } ?? []
        return CheckpointRecord(
            model: model, step: step, revision: revision, commit: commitSHA, weightSHA256: weightSHA256,
            computedSHA256: computedSHA256, files: files, syncState: syncState.flatMap(SyncState.init(rawValue:)),
            syncDetail: syncDetail, computeFailure: computeFailure, expectedMatrices: expectedMatrices,
            source: source, updatedAt: updatedAt)
    }
}

/// A checkpoint row with its model's row (`CheckpointRow.all().withModel()`).
struct CheckpointWithModel: Decodable, Sendable, FetchableRecord {
    var checkpoint: CheckpointRow
    var model: ModelRow

    var record: CheckpointRecord { checkpoint.record(model: model.name) }
}

extension DerivableRequest<CheckpointRow> {
    /// Checkpoints of the model of that name.
    func filter(model name: String) -> Self { joining(required: CheckpointRow.model.filter(name: name)) }

    func filter(step: Int) -> Self { filter(CheckpointRow.Columns.step == step) }

    func orderByStep() -> Self { order(CheckpointRow.Columns.step) }

    /// By model name, then step.
    func orderByModelAndStep() -> Self {
        let model = TableAlias<ModelRow>()
        return joining(required: CheckpointRow.model.aliased(model))
            .order(model[ModelRow.Columns.name], CheckpointRow.Columns.step)
    }
}

extension QueryInterfaceRequest<CheckpointRow> {
    /// Each checkpoint with its model's row.
    func withModel() -> QueryInterfaceRequest<CheckpointWithModel> {
        including(required: CheckpointRow.model).asRequest(of: CheckpointWithModel.self)
    }

    /// Selects the checkpoints' ids.
    func selectID() -> QueryInterfaceRequest<Int64> { select(CheckpointRow.Columns.id, as: Int64.self) }
}
