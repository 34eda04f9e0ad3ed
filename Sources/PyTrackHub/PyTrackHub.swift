/// Namespace marker for the PyTrackHub module; real types live in their own files.
public enum PyTrackHubModule {}
