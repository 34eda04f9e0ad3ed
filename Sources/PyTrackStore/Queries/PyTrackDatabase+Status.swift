import Foundation
import GRDB
import PyTrackDomain

/// One checkpoint as `pytrack status` shows it: both lifecycles, and what compute's state is derived from.
public struct CheckpointStatus: Equatable, Sendable {
    public var model: String
    public var step: Int
    public var syncState: SyncState?
    public var syncDetail: String?
    public var computeFailure: String?
    /// Matrices stored for the checkpoint.
    public var matrices: Int
    /// Stored matrices whose metric groups are all at the required versions.
    public var currentMatrices: Int
    /// Matrices the catalog named when it was last computed (nil before any compute).
    public var expectedMatrices: Int?
    /// Content key sync last recorded, and the one the stored matrices came from.
    public var weightSHA256: String?
    public var computedSHA256: String?

    /// Derived compute state: failed > pending > stale (old versions, or content changed since) > partial > computed.
    public var computeState: ComputeState {
        if computeFailure != nil { return .failed }
        if matrices == 0 { return .pending }
        if currentMatrices < matrices { return .stale }
        if let synced = weightSHA256, synced != computedSHA256 { return .stale }
        if let expected = expectedMatrices, matrices >= expected { return .computed }
        return .partial
    }

    /// One line of detail: the compute failure, else sync's detail.
    public var detail: String? { computeFailure ?? syncDetail }
}

/// The metric-group versions a stored matrix must have to be current, per kind of matrix. The kinds'
/// group names are disjoint, so a matrix's stored groups tell its kind; a group missing from a matrix of
/// that kind makes it stale as much as an older version does.
public typealias RequiredGroups = [String: [String: Int]]

extension PyTrackDatabase {
    /// Every checkpoint (optionally of one model, or one step) with its matrices counted against `required`.
    public func checkpointStatus(model: String? = nil, step: Int? = nil, required: RequiredGroups) throws -> [CheckpointStatus] {
        try read { db in
            var values: [String] = []
            var args: [DatabaseValueConvertible?] = []
            for (kind, groups) in required.sorted(by: { $0.key < $1.key }) {
                for (grp, version) in groups.sorted(by: { $0.key < $1.key }) {
                    values.append("(?, ?, ?)")
                    args += [kind, grp, version]
                }
            }
            let requiredCTE = values.isEmpty ? "SELECT NULL AS kind, NULL AS grp, 0 AS version WHERE 0" : "VALUES " + values.joined(separator: ", ")
            let sql = """
                WITH required(kind, grp, version) AS (\(requiredCTE)),
                scope AS (SELECT c.id FROM checkpoints c JOIN models m ON m.id = c.model_id WHERE 1 = 1 \(model == nil ? "" : "AND m.name = ?") \(step == nil ? "" : "AND c.step = ?")),
                kinds AS (SELECT g.matrix_id, MIN(r.kind) AS kind FROM metric_groups g JOIN required r ON r.grp = g.grp
                          JOIN matrices x ON x.id = g.matrix_id WHERE x.checkpoint_id IN scope GROUP BY g.matrix_id),
                current AS (SELECT k.matrix_id FROM kinds k
                            WHERE (SELECT COUNT(*) FROM required r JOIN metric_groups g ON g.grp = r.grp AND g.matrix_id = k.matrix_id
                                   AND g.version >= r.version WHERE r.kind = k.kind)
                                = (SELECT COUNT(*) FROM required r WHERE r.kind = k.kind))
                SELECT m.name, c.step, c.sync_state, c.sync_detail, c.compute_failure, c.expected_matrices,
                       c.weight_sha256, c.computed_sha256,
                       (SELECT COUNT(*) FROM matrices x WHERE x.checkpoint_id = c.id) AS n,
                       (SELECT COUNT(*) FROM matrices x JOIN current k ON k.matrix_id = x.id WHERE x.checkpoint_id = c.id) AS current
                FROM checkpoints c JOIN models m ON m.id = c.model_id WHERE c.id IN scope
                ORDER BY m.name, c.step
                """
            if let model { args.append(model) }
            if let step { args.append(step) }
            return try StatusRow.fetchAll(db, sql: sql, arguments: StatementArguments(args)).map(\.status)
        }
    }
}

/// One row of `checkpointStatus`'s query.
private struct StatusRow: Decodable, FetchableRecord {
    var name: String
    var step: Int
    var syncState: String?
    var syncDetail: String?
    var computeFailure: String?
    var expectedMatrices: Int?
    var weightSHA256: String?
    var computedSHA256: String?
    var n: Int
    var current: Int

    enum CodingKeys: String, CodingKey {
        case name, step, n, current
        case syncState = "sync_state"
        case syncDetail = "sync_detail"
        case computeFailure = "compute_failure"
        case expectedMatrices = "expected_matrices"
        case weightSHA256 = "weight_sha256"
        case computedSHA256 = "computed_sha256"
    }

    var status: CheckpointStatus {
        CheckpointStatus(model: name, step: step, syncState: syncState.flatMap(SyncState.init(rawValue:)),
                         syncDetail: syncDetail, computeFailure: computeFailure, matrices: n, currentMatrices: current,
                         expectedMatrices: expectedMatrices, weightSHA256: weightSHA256, computedSHA256: computedSHA256)
    }
}
