import Foundation

/// A stored model (one hub repo).
public struct ModelRecord: Equatable, Sendable {
    public var name: String
    public var isDemo: Bool
    public var configJSON: String?
}
