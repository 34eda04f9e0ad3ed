/// Namespace marker for the PyTrackStore module; real types live in their own files.
public enum PyTrackStoreModule {}
