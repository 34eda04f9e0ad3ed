/// Namespace marker for the PyTrackCompute module; real types live in their own files.
public enum PyTrackComputeModule {}
