import Foundation
import LineupCore

extension Simulator {
    /// A session stops looking at further widgets after an hour.
    static let sessionLimit = 3_600.0
    /// Engagements are rarely longer than twenty minutes.
    static let dwellLimit = 1_200.0
    /// Room kept before the deadline for a last engagement's clicks (they take under 30 seconds).
    static let closingMargin = 60.0
    static let pinThreshold = 0.6
    static let pinProbability = 0.05
    static let hideThreshold = 0.12
    static let hideProbability = 0.02
    static let unpinProbability = 0.03
    static let unhideProbability = 0.02

    /// The user's reactions to `shown`, a cascade down the screen:
    ///
    /// - position p (0-based) is looked at with probability (1/(p+1))^η — position bias, the
    ///   reason a learner must not take the logged clicks at face value — and emits `view`;
    /// - a looked-at widget is engaged with its true attractiveness: `open` or `click`, perhaps
    ///   `drilldown`, `filter_change`, `export`, then `dwell` with the seconds spent, longer for
    ///   liked widgets (time moves on by that much before the user looks further down);
    /// - rarely, a loved widget is pinned, a disliked one hidden, an old pin dropped (`unpin`) or
    ///   a hidden widget restored from the menu (`unhide`).
    ///
    /// Widgets unknown to this world are looked at but never engaged. Nothing happens after
    /// `deadline` seconds (the user closes the dashboard, a dwell is cut short).
    func react(
        user u: Int?,
        userId: String,
        shown: [Item],
        startMilliseconds: Int64,
        deadline: Double = .infinity,
        sessionId: String,
        eventPrefix: String,
        requestId: String?,
        context: [String: String],
        layoutFactor: Double = 1,
        controls: inout UserControls,
        using rng: inout SeededGenerator,
        into events: inout [Event]
    ) {
        var serial = 0
        func emit(_ type: EventType, _ itemId: String, at seconds: Double, value: Double? = nil) {
            let time = Date(timeIntervalSince1970: Double(startMilliseconds + Int64((seconds * 1_000).rounded())) / 1_000)
            events.append(Event(
                eventId: eventPrefix + String(serial), userId: userId, sessionId: sessionId, itemId: itemId,
                type: type, value: value, timestamp: time, requestId: requestId, context: context, receivedAt: time
            ))
            serial += 1
        }

        let limit = min(Self.sessionLimit, deadline)
        guard limit > Self.closingMargin else { return }
        var clock = 0.0
        if !controls.hidden.isEmpty && rng.nextBool(probability: Self.unhideProbability) {
            clock += 1 + 2 * rng.nextUnit()
            emit(.unhide, controls.hidden.remove(at: rng.nextInt(below: controls.hidden.count)), at: clock)
        }

        let decay = configuration.examinationDecay
        for (position, item) in shown.enumerated() {
            clock += 0.4 + 1.2 * rng.nextUnit()
            if clock > limit - Self.closingMargin { break }
            let examination = decay == 0 ? 1 : pow(1 / Double(position + 1), decay)
            guard rng.nextUnit() < examination else { continue }
            emit(.view, item.id, at: clock)

            let pinned = controls.pinned.firstIndex(of: item.id)
            if let pinned, rng.nextBool(probability: Self.unpinProbability) {
                clock += 1 + 2 * rng.nextUnit()
                controls.pinned.remove(at: pinned)
                emit(.unpin, item.id, at: clock)
                continue
            }
            let hidden = controls.hidden.contains(item.id)
            var appeal = 0.0
            if !hidden, let u, let i = itemIndex[item.id] {
                appeal = min(1, attractiveness(item: i, user: u) * layoutFactor)
            }

            if rng.nextUnit() < appeal {
                clock += 1 + 3 * rng.nextUnit()
                let opened = clock
                emit(rng.nextBool(probability: 0.6) ? .open : .click, item.id, at: opened)
                var elapsed = 0.0
                if rng.nextBool(probability: 0.15 + 0.35 * appeal) {
                    elapsed += 2 + 8 * rng.nextUnit()
                    emit(.drilldown, item.id, at: opened + elapsed)
                }
                if rng.nextBool(probability: 0.1 + 0.25 * appeal) {
                    elapsed += 2 + 6 * rng.nextUnit()
                    emit(.filterChange, item.id, at: opened + elapsed)
                }
                if rng.nextBool(probability: (item.type == "table" ? 0.12 : 0.03) + 0.05 * appeal) {
                    elapsed += 1 + 3 * rng.nextUnit()
                    emit(.export, item.id, at: opened + elapsed)
                }
                let typical = (6 + 60 * appeal) * exp(0.7 * rng.nextGaussian())
                let dwell = (min(max(typical, elapsed + 1), Self.dwellLimit, limit - opened) * 10).rounded() / 10
                clock = opened + dwell
                emit(.dwell, item.id, at: clock, value: dwell)
                if pinned == nil && appeal >= Self.pinThreshold && rng.nextBool(probability: Self.pinProbability) {
                    clock += 1 + 2 * rng.nextUnit()
                    controls.pinned.append(item.id)
                    emit(.pin, item.id, at: clock)
                }
            } else if !hidden && pinned == nil && appeal < Self.hideThreshold
                && rng.nextBool(probability: Self.hideProbability) {
                clock += 1 + 2 * rng.nextUnit()
                controls.hidden.append(item.id)
                emit(.hide, item.id, at: clock)
            }
        }
    }

    /// The events of `session` when the screen shows `shown` (cut to `session.capacity`).
    ///
    /// The reactions are seeded by the session itself, so simulating a session again with the
    /// same order gives the same events (`replay` draws others). `controls` carries the user's
    /// pins and hides across sessions and is updated by them.
    /// - Parameter requestId: the rank response that produced `shown`, copied into every event
    ///   so outcomes can be attributed to it; nil for history that Lineup did not serve.
    /// - Parameter layout: the layout the dashboard was shown in (`LayoutTaste`); nil
    ///   leaves engagement as the widgets alone make it.
    public func simulate(
        _ session: Session, shown: [Item], requestId: String? = nil, layout: String? = nil, controls: inout UserControls
    ) -> [Event] {
        var rng = SeededGenerator(seed: session.outcomeSeed)
        return react(to: session, shown: shown, requestId: requestId, layout: layout, controls: &controls, using: &rng)
    }

    /// The events of `session` under another draw of the user's reactions: the same order,
    /// pins, hides, layout and end of day, a different roll of the dice (`replay` picks which).
    ///
    /// Averaging many replays gives what the click model expects of an order, everything
    /// included: the session's clock that long dwells run down, pins and hides. `controls`
    /// are read, not updated: a replay is a might-have-been.
    public func replay(
        _ session: Session, shown: [Item], layout: String? = nil, controls: UserControls, replay: UInt64
    ) -> [Event] {
        var rng = SeededGenerator(seed: SeededGenerator.mix(session.outcomeSeed, SeededGenerator.Stream.replay.rawValue, replay))
        var controls = controls
        return react(to: session, shown: shown, requestId: nil, layout: layout, controls: &controls, using: &rng)
    }

    func react(
        to session: Session, shown: [Item], requestId: String?, layout: String?, controls: inout UserControls,
        using rng: inout SeededGenerator
    ) -> [Event] {
        var events: [Event] = []
        react(
            user: session.userIndex, userId: session.user.id, shown: Array(shown.prefix(session.capacity)),
            startMilliseconds: Self.milliseconds(session.start), deadline: session.deadline, sessionId: session.id,
            eventPrefix: session.eventPrefix, requestId: requestId,
            context: ["device": session.device, "dashboard": session.dashboard.id],
            layoutFactor: layout.map { LayoutTaste.factor(layout: $0, device: session.device, role: session.user.role) } ?? 1,
            controls: &controls, using: &rng, into: &events
        )
        return events
    }

    /// The events of `session` for a user without pins or hides.
    public func simulate(_ session: Session, shown: [Item], requestId: String? = nil) -> [Event] {
        var controls = UserControls()
        return simulate(session, shown: shown, requestId: requestId, controls: &controls)
    }

    /// The events of an ad-hoc session: `user` opens a screen showing `shown`, in that order, at `start`.
    ///
    /// For experiments outside the planned traffic (position-bias checks, counterfactual
    /// replays). Event ids are `<sessionId>-<k>`: unique as long as session ids are.
    public func simulateSession(
        user: User,
        shown: [Item],
        at start: Date,
        sessionId: String,
        requestId: String? = nil,
        controls: inout UserControls,
        using rng: inout SeededGenerator
    ) -> [Event] {
        let u = userIndex[user.id]
        let device = u.map { personas[$0].device } ?? "desktop"
        var events: [Event] = []
        react(
            user: u, userId: user.id, shown: shown, startMilliseconds: Self.milliseconds(start),
            sessionId: sessionId, eventPrefix: sessionId + "-", requestId: requestId,
            context: ["device": device], controls: &controls, using: &rng, into: &events
        )
        return events
    }

    /// `simulateSession(user:shown:at:sessionId:requestId:controls:using:)` for a user without pins or hides.
    public func simulateSession(
        user: User, shown: [Item], at start: Date, sessionId: String, requestId: String? = nil,
        using rng: inout SeededGenerator
    ) -> [Event] {
        var controls = UserControls()
        return simulateSession(
            user: user, shown: shown, at: start, sessionId: sessionId, requestId: requestId,
            controls: &controls, using: &rng
        )
    }

    static func milliseconds(_ date: Date) -> Int64 {
        let value = (date.timeIntervalSince1970 * 1_000).rounded()
        guard !value.isNaN else { return 0 }
        return Int64(min(max(value, -9.0e15), 9.0e15))
    }
}
