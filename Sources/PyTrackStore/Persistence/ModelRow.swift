import GRDB

/// A row of the `models` table: a run (hub repo) or a run group (`is_group`). Internal to the store;
/// other targets see `ModelRecord`.
struct ModelRow: Codable, Equatable, Sendable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "models"

    /// nil until inserted.
    var id: Int64?
    var name: String
    var isDemo: Bool
    var configJSON: String?
    var isGroup: Bool

    enum CodingKeys: String, CodingKey {
        case id
        case name
        case isDemo = "is_demo"
        case configJSON = "config_json"
        case isGroup = "is_group"
    }

    enum Columns {
        static let id = Column(CodingKeys.id)
        static let name = Column(CodingKeys.name)
        static let isDemo = Column(CodingKeys.isDemo)
        static let configJSON = Column(CodingKeys.configJSON)
        static let isGroup = Column(CodingKeys.isGroup)
    }

    /// The checkpoints of a run.
    static let checkpoints = hasMany(CheckpointRow.self)

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    /// What other targets see of it.
    var record: ModelRecord { ModelRecord(name: name, isDemo: isDemo, configJSON: configJSON) }
}

extension DerivableRequest<ModelRow> {
    /// The model (run or group) of that name.
    func filter(name: String) -> Self { filter(ModelRow.Columns.name == name) }

    /// Runs only, not run groups.
    func runs() -> Self { filter(ModelRow.Columns.isGroup == false) }

    /// Run groups only.
    func groups() -> Self { filter(ModelRow.Columns.isGroup == true) }

    func orderByName() -> Self { order(ModelRow.Columns.name) }
}

extension QueryInterfaceRequest<ModelRow> {
    /// Selects the models' ids.
    func selectID() -> QueryInterfaceRequest<Int64> { select(ModelRow.Columns.id, as: Int64.self) }

    /// Selects the models' names.
    func selectName() -> QueryInterfaceRequest<String> { select(ModelRow.Columns.name, as: String.self) }
}
