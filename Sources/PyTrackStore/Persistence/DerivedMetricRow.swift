import GRDB
import PyTrackDomain

/// A row of `derived_metrics`. Only read as a record: it is written by an upsert on the `derived_key`
/// expression index (`saveDerived`).
struct DerivedMetricRow: Codable, Equatable, Sendable, FetchableRecord, TableRecord {
    static let databaseTableName = "derived_metrics"

    var id: Int64
    var modelID: Int64
    /// The standard twin, for dedup_* rows.
    var otherModelID: Int64?
    var step: Int
    var layer: Int?
    var matrix: String
    var metric: String
    var value: Double?
    var version: Int

    enum CodingKeys: String, CodingKey {
        case id
        case modelID = "model_id"
        case otherModelID = "other_model_id"
        case step, layer, matrix, metric, value, version
    }

    enum Columns {
        static let step = Column(CodingKeys.step)
        static let layer = Column(CodingKeys.layer)
        static let matrix = Column(CodingKeys.matrix)
        static let metric = Column(CodingKeys.metric)
    }

    /// `derived_metrics` has two foreign keys to `models`, so each association names its own.
    static let model = belongsTo(ModelRow.self, key: "model", using: ForeignKey([CodingKeys.modelID.stringValue]))
    static let otherModel = belongsTo(ModelRow.self, key: "otherModel", using: ForeignKey([CodingKeys.otherModelID.stringValue]))
}

/// A derived row with its model and (for comparisons) its other model.
struct DerivedMetricWithModels: Decodable, Sendable, FetchableRecord {
    var derived: DerivedMetricRow
    var model: ModelRow
    var otherModel: ModelRow?

    var metric: DerivedMetric {
        DerivedMetric(model: model.name, otherModel: otherModel?.name, step: derived.step, layer: derived.layer,
                      matrix: derived.matrix, metric: derived.metric, value: derived.value, version: derived.version)
    }
}

extension DerivableRequest<DerivedMetricRow> {
    /// Rows of the model of that name.
    func filter(model name: String) -> Self { joining(required: DerivedMetricRow.model.filter(name: name)) }

    func filter(metric: String) -> Self { filter(DerivedMetricRow.Columns.metric == metric) }

    /// By step, metric, matrix, layer.
    func orderByStep() -> Self {
        order(DerivedMetricRow.Columns.step, DerivedMetricRow.Columns.metric, DerivedMetricRow.Columns.matrix,
              DerivedMetricRow.Columns.layer)
    }
}

extension QueryInterfaceRequest<DerivedMetricRow> {
    /// Each row with its model's and other model's rows.
    func withModels() -> QueryInterfaceRequest<DerivedMetricWithModels> {
        including(required: DerivedMetricRow.model).including(optional: DerivedMetricRow.otherModel)
            .asRequest(of: DerivedMetricWithModels.self)
    }
}
