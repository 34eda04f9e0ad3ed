import PyTrackCompute

/// `pytrack plan --json`: the plan, shard by shard.
struct PlanDocument: Codable {
    struct Shard: Codable {
        var shard: Int
        var bytes: Int
        var units: [PlannedUnit]
    }
    var shards: Int
    var steps: String
    var units: Int
    var listedUnits: Int
    var missingFrom: String?
    var totalBytes: Int
    var imbalance: Double
    var assignment: [Shard]

    init(plan: ShardPlan, spec: String, missingFrom: String?, listed: Int) {
        let loads = plan.loads
        shards = plan.shards.count
        steps = spec
        units = plan.shards.reduce(0) { $0 + $1.count }
        listedUnits = listed
        self.missingFrom = missingFrom
        totalBytes = loads.reduce(0, +)
        imbalance = plan.imbalance
        assignment = plan.shards.enumerated().map { Shard(shard: $0.offset, bytes: loads[$0.offset], units: $0.element) }
    }

    enum CodingKeys: String, CodingKey {
        case shards, steps, units, imbalance, assignment
        case listedUnits = "listed_units", missingFrom = "missing_from", totalBytes = "total_bytes"
    }
}
