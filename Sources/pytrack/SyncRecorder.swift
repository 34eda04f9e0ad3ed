import PyTrackHub
import PyTrackStore

/// The one place sync outcomes reach the database (PyTrackHub knows nothing of the store): each
/// outcome's sync state, commit, content key, files and source; compute's columns and stored results
/// are never touched.
enum SyncRecorder {
    static func recording(into db: PyTrackDatabase, source: String) -> (CheckpointOutcome) throws -> Void {
        { o in
            try db.recordSync(SyncRecord(model: o.repo, step: o.step, revision: o.revision, commit: o.commit,
                                         weightSHA256: o.weightSHA256, files: o.files, state: o.state,
                                         detail: o.detail, source: source))
        }
    }
}
