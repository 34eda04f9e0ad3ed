/// Namespace marker for the PyTrackStats module; real types live in their own files.
public enum PyTrackStatsModule {}
