import Dispatch

/// Shares numbered chunks of work across the cores.
enum Parallel {
    /// Runs `body` for every chunk in 0..<count, on every core when `parallel`, and returns
    /// when all are done. Chunks must write disjoint memory: that is the promise that lets
    /// the non-`Sendable` body (it holds unsafe pointers into the trainer's arrays) cross
    /// threads.
    static func run(_ count: Int, parallel: Bool, _ body: (Int) -> Void) {
        guard parallel, count > 1 else {
            for chunk in 0..<count { body(chunk) }
            return
        }
        withoutActuallyEscaping(body) { body in
            let shared = Unchecked(body: body)
            DispatchQueue.concurrentPerform(iterations: count) { shared.body($0) }
        }
    }

    private struct Unchecked: @unchecked Sendable {
        let body: (Int) -> Void
    }
}
