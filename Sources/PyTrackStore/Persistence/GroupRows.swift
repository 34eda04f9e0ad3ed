import GRDB

/// A row of `group_runs`: one run of a run group, in manifest order.
struct GroupRunRow: Codable, Equatable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "group_runs"

    var groupID: Int64
    var modelID: Int64
    /// A `RunGroup.Role` raw value.
    var role: String
    /// A `RunGroup.DataKind` raw value.
    var data: String
    var position: Int

    enum CodingKeys: String, CodingKey {
        case groupID = "group_id"
        case modelID = "model_id"
        case role
        case data
        case position
    }

    enum Columns {
        static let groupID = Column(CodingKeys.groupID)
        static let position = Column(CodingKeys.position)
    }

    /// The run (`model_id`); `group_runs` has two foreign keys to `models`, so each names its own.
    static let run = belongsTo(ModelRow.self, key: "run", using: ForeignKey([CodingKeys.modelID.stringValue]))
    /// The group's own `models` row (`group_id`).
    static let group = belongsTo(ModelRow.self, key: "group", using: ForeignKey([CodingKeys.groupID.stringValue]))
}

/// A group's run with the run's model row.
struct GroupRunWithModel: Decodable, Sendable, FetchableRecord {
    var groupRun: GroupRunRow
    var run: ModelRow
}

extension DerivableRequest<GroupRunRow> {
    /// Runs of the group whose `models` row has that id.
    func filter(groupID: Int64) -> Self { filter(GroupRunRow.Columns.groupID == groupID) }

    func orderByPosition() -> Self { order(GroupRunRow.Columns.position) }
}

extension QueryInterfaceRequest<GroupRunRow> {
    /// Each group run with its run's model row.
    func withRun() -> QueryInterfaceRequest<GroupRunWithModel> {
        including(required: GroupRunRow.run).asRequest(of: GroupRunWithModel.self)
    }
}

/// A row of `group_comparisons`: one comparison a run group asks for.
struct GroupComparisonRow: Codable, Equatable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "group_comparisons"

    var groupID: Int64
    /// A `RunGroup.Comparison` raw value.
    var comparison: String

    enum CodingKeys: String, CodingKey {
        case groupID = "group_id"
        case comparison
    }

    enum Columns {
        static let groupID = Column(CodingKeys.groupID)
        static let comparison = Column(CodingKeys.comparison)
    }
}

extension DerivableRequest<GroupComparisonRow> {
    func filter(groupID: Int64) -> Self { filter(GroupComparisonRow.Columns.groupID == groupID) }
}

extension ModelRow {
    /// A run group's runs (`group_runs.group_id`).
    static let groupRuns = hasMany(GroupRunRow.self, key: "groupRuns", using: ForeignKey([GroupRunRow.CodingKeys.groupID.stringValue]))
    /// A run group's comparisons.
    static let groupComparisons = hasMany(GroupComparisonRow.self)
}
