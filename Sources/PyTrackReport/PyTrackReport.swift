/// Namespace marker for the PyTrackReport module; real types live in their own files.
public enum PyTrackReportModule {}
