import Foundation
import LineupCore
import LineupStore
import Testing

@testable import LineupEngine

/// Every event is applied once, in log order, however the batches come back.
@Suite struct LogCursorTests {
    static func batch(_ sequences: ClosedRange<Int64>) -> [LoggedEvent] {
        sequences.map { sequence in
            LoggedEvent(sequence: sequence, event: Event(
                eventId: "e\(sequence)", userId: "u", itemId: "w", type: .open,
                timestamp: Date(timeIntervalSince1970: Double(sequence)),
                receivedAt: Date(timeIntervalSince1970: Double(sequence))))
        }
    }

    /// Applies what the cursor hands over and records the sequences.
    final class Applied: @unchecked Sendable {
        var sequences: [Int64] = []
        func apply(_ logged: [LoggedEvent]) { sequences += logged.map(\.sequence) }
    }

    @Test func aBatchThatOvertookItsPredecessorWaitsForIt() {
        var cursor = LogCursor()
        let applied = Applied()
        let r1 = cursor.take(Self.batch(1...3), apply: applied.apply)
        #expect(r1)
        let r2 = cursor.take(Self.batch(7...9), apply: applied.apply)
        #expect(!r2)
        let r3 = cursor.take(Self.batch(10...10), apply: applied.apply)
        #expect(!r3)
        #expect(cursor.nextEarly == 7)
        #expect(applied.sequences == [1, 2, 3])
        let r4 = cursor.take(Self.batch(4...6), apply: applied.apply)
        #expect(r4)
        #expect(applied.sequences == Array(1...10))
        #expect(cursor.position == 10 && cursor.nextEarly == nil)
    }

    /// A page read from the store may cover a waiting batch, wholly or in part: what it
    /// covered is not applied twice.
    @Test func aPageFromTheStoreAndWaitingBatchesApplyEachEventOnce() {
        var cursor = LogCursor()
        let applied = Applied()
        let r5 = cursor.take(Self.batch(5...8), apply: applied.apply)
        #expect(!r5)
        let r6 = cursor.take(Self.batch(12...14), apply: applied.apply)
        #expect(!r6)
        let r7 = cursor.takePage(Self.batch(1...6), apply: applied.apply)
        #expect(r7 == 6)
        #expect(applied.sequences == Array(1...8))
        #expect(cursor.nextEarly == 12)
        // The gap's events as the store holds them: 9 was erased.
        let r8 = cursor.takePage(Self.batch(10...13), apply: applied.apply)
        #expect(r8 == 4)
        #expect(applied.sequences == Array(1...8) + Array(10...14))
        #expect(cursor.position == 14 && cursor.nextEarly == nil)
        // Already applied: nothing happens.
        let r9 = cursor.take(Self.batch(3...4), apply: applied.apply)
        #expect(r9)
        let r10 = cursor.takePage(Self.batch(1...14), apply: applied.apply)
        #expect(r10 == 0)
        #expect(applied.sequences.count == 13)
    }
}
