/// Namespace marker for the PyTrackModel module; real types live in their own files.
public enum PyTrackModelModule {}
