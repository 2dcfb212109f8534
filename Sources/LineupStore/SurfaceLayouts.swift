import Foundation

/// A surface's layouts and the state of its bandit.
public struct SurfaceLayouts: Sendable, Hashable {
    public var surface: String
    /// In the order they were first configured; retired ones included.
    public var arms: [LayoutArm]
    /// Exploit only: the arm with the best posterior mean, every time.
    public var frozen: Bool

    public init(surface: String, arms: [LayoutArm], frozen: Bool = false) {
        self.surface = surface
        self.arms = arms
        self.frozen = frozen
    }

    public var active: [LayoutArm] { arms.filter { !$0.retired } }
}
