/// Namespace marker for the PyTrackFormats module; real types live in their own files.
public enum PyTrackFormatsModule {}
