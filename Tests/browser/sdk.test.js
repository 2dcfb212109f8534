// Unit tests of lineup.js, run in a real browser by sdk.test.html. A small runner of its own
// (no framework, nothing from a network) and fakes for everything with time or I/O in it:
// fetch, sendBeacon, the clock and its timers, the document, IntersectionObserver. Timers
// only fire when a test advances the fake clock, so backoff tests are instant and exact.
//
// When the run ends, window.__sdkTests = { done, passed, failed, failures: [{ name, message }] }
// and the page lists every test with its outcome.

import { Lineup, LineupError, uuidv7, uuidv7Generator } from '../../Sources/LineupWeb/Assets/sdk/lineup.js';

// MARK: Runner

/** @type {{ name: string, body: () => unknown }[]} */
const tests = [];
let checks = 0;

function test(name, body) {
    tests.push({ name, body });
}

function fail(message) {
    throw new Error(message);
}

function show(value) {
    try {
        return JSON.stringify(value);
    } catch {
        return String(value);
    }
}

function deepEqual(a, b) {
    if (Object.is(a, b)) return true;
    if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
    if (Array.isArray(a) !== Array.isArray(b)) return false;
    const keysA = Object.keys(a);
    const keysB = Object.keys(b);
    if (keysA.length !== keysB.length) return false;
    return keysA.every((key) => Object.prototype.hasOwnProperty.call(b, key) && deepEqual(a[key], b[key]));
}

function equal(actual, expected, what) {
    checks += 1;
    if (!deepEqual(actual, expected)) fail(`${what}: expected ${show(expected)}, got ${show(actual)}`);
}

function ok(condition, what) {
    checks += 1;
    if (!condition) fail(what);
}

/** Runs body, which must throw an instance of type; returns the error. */
function throws(body, type, what) {
    checks += 1;
    try {
        body();
    } catch (error) {
        if (!(error instanceof type)) fail(`${what}: threw ${error}, not a ${type.name}`);
        return error;
    }
    return fail(`${what}: did not throw`);
}

/** Awaits promise, which must reject; returns the reason. */
async function rejects(promise, what) {
    checks += 1;
    try {
        await promise;
    } catch (error) {
        return error;
    }
    return fail(`${what}: did not reject`);
}

function withTimeout(promise, ms) {
    return Promise.race([
        promise,
        new Promise((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms)),
    ]);
}

async function run() {
    const failures = [];
    const list = document.getElementById('results');
    let passed = 0;
    for (const { name, body } of tests) {
        checks = 0;
        let message = null;
        try {
            await withTimeout(Promise.resolve().then(body), 10000);
            if (checks === 0) message = 'asserted nothing';
        } catch (error) {
            message = error instanceof Error ? error.message : String(error);
        }
        const item = document.createElement('li');
        if (message === null) {
            passed += 1;
            item.textContent = `PASS ${name} (${checks} checks)`;
            item.style.color = 'green';
        } else {
            failures.push({ name, message });
            item.textContent = `FAIL ${name}: ${message}`;
            item.style.color = 'firebrick';
        }
        list.append(item);
    }
    const summary = `${passed} passed, ${failures.length} failed`;
    document.getElementById('summary').textContent = summary;
    console.log(summary);
    window.__sdkTests = { done: true, passed, failed: failures.length, failures };
}

// MARK: Fakes

/** One real task turn: the fakes answer with settled promises, so one turn runs their chains out. */
function nextTask() {
    return new Promise((resolve) => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => {
            channel.port1.close();
            resolve();
        };
        channel.port2.postMessage(null);
    });
}

async function settle() {
    await nextTask();
    await nextTask();
}

const T0 = Date.UTC(2026, 10, 22, 9, 30, 0, 250); // 2026-11-22T09:30:00.250Z

/** Time that moves only when a test advances it; timers fire in order as it passes them. */
class FakeClock {
    constructor(start = T0) {
        this.time = start;
        this.timers = [];
        this.nextId = 1;
        this.now = () => this.time;
        this.setTimeout = (callback, ms) => {
            const id = this.nextId++;
            this.timers.push({ id, at: this.time + Math.max(0, ms), callback });
            return id;
        };
        this.clearTimeout = (id) => {
            this.timers = this.timers.filter((timer) => timer.id !== id);
        };
    }

    async advance(ms) {
        const end = this.time + ms;
        await settle();
        for (;;) {
            const due = this.timers.filter((timer) => timer.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
            if (!due) break;
            this.timers = this.timers.filter((timer) => timer !== due);
            this.time = due.at;
            due.callback();
            await settle();
        }
        this.time = end;
    }
}

/** A fetch answer as the SDK reads it (status, headers, text). */
function answer(status, body = '', headers = {}, statusText = '') {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    return {
        ok: status >= 200 && status < 300,
        status,
        statusText,
        headers: new Headers(headers),
        text: () => Promise.resolve(text),
        json: () => Promise.resolve(JSON.parse(text)),
    };
}

function problem(status, detail, field) {
    const body = { type: 'about:blank', title: `Status ${status}`, status, detail };
    if (field !== undefined) body.field = field;
    return body;
}

function accepted(call) {
    return answer(200, { stored: call.body.events.length, duplicates: 0 });
}

/** Answers in turn, the last one again for every later call; an Error is a network failure. */
function inTurn(...answers) {
    return (call, index) => {
        const next = answers[Math.min(index, answers.length - 1)];
        return typeof next === 'function' ? next(call) : next;
    };
}

function fakeServer(clock, script = accepted) {
    const calls = [];
    const fetch = (url, init) => {
        const call = {
            url, method: init.method, headers: init.headers, keepalive: init.keepalive === true,
            text: init.body, body: JSON.parse(init.body), at: clock.time,
        };
        calls.push(call);
        const outcome = script(call, calls.length - 1);
        return outcome instanceof Error ? Promise.reject(outcome) : Promise.resolve(outcome);
    };
    return { fetch, calls, events: () => calls.filter((call) => call.url.endsWith('/v1/events')) };
}

function fakeBeacon(result = true) {
    const calls = [];
    const sendBeacon = (url, data) => {
        calls.push({ url, data });
        return result;
    };
    return { sendBeacon, calls };
}

async function beaconBody(call) {
    return JSON.parse(await call.data.text());
}

class FakeDocument extends EventTarget {
    constructor() {
        super();
        this.visibilityState = 'visible';
        this.defaultView = new EventTarget();
    }

    hide() {
        this.visibilityState = 'hidden';
        this.dispatchEvent(new Event('visibilitychange'));
    }

    show() {
        this.visibilityState = 'visible';
        this.dispatchEvent(new Event('visibilitychange'));
    }

    pagehide() {
        this.visibilityState = 'hidden';
        this.defaultView.dispatchEvent(new Event('pagehide'));
    }
}

function fakeIntersectionObservers() {
    const made = [];
    class FakeIntersectionObserver {
        constructor(callback, options) {
            this.callback = callback;
            this.options = options;
            this.targets = new Set();
            made.push(this);
        }
        observe(target) { this.targets.add(target); }
        unobserve(target) { this.targets.delete(target); }
        disconnect() { this.targets.clear(); }
        /** What the browser would report when `ratio` of target is on screen. */
        report(target, ratio) {
            this.callback([{ target, isIntersecting: ratio > 0, intersectionRatio: ratio }], this);
        }
    }
    return { IntersectionObserver: FakeIntersectionObserver, made };
}

/** A seeded PRNG (mulberry32), for randomness that is the same on every run. */
function seeded(seed) {
    let state = seed >>> 0;
    return () => {
        state = (state + 0x6d2b79f5) >>> 0;
        let t = state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
    };
}

/** A Lineup on fakes; random() is 0.5, so a retry waits exactly ¾ of its delay ceiling. */
function setup({ script, beaconResult = true, ...options } = {}) {
    const clock = new FakeClock();
    const server = fakeServer(clock, script);
    const beacon = fakeBeacon(beaconResult);
    const page = new FakeDocument();
    const observers = fakeIntersectionObservers();
    const errors = [];
    const lineup = new Lineup({
        userId: 'u-00001',
        fetch: server.fetch,
        sendBeacon: beacon.sendBeacon,
        now: clock.now,
        random: () => 0.5,
        setTimeout: clock.setTimeout,
        clearTimeout: clock.clearTimeout,
        document: page,
        IntersectionObserver: observers.IntersectionObserver,
        onError: (error) => errors.push(error),
        ...options,
    });
    return { lineup, clock, server, beacon, page, observers, errors };
}

function gaps(calls) {
    return calls.slice(1).map((call, index) => call.at - calls[index].at);
}

function sentEvents(calls) {
    return calls.flatMap((call) => call.body.events);
}

// MARK: UUIDv7

const UUIDV7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function uuidMillis(id) {
    return parseInt(id.replace(/-/g, '').slice(0, 12), 16);
}

function checkBits(id) {
    const hex = id.replace(/-/g, '');
    return hex.length === 32 && parseInt(hex[12], 16) === 7 && parseInt(hex[16], 16) >> 2 === 0b10;
}

test('uuidv7: format, version 7 and variant 10, by the system clock', () => {
    const before = Date.now();
    const ids = Array.from({ length: 1000 }, () => uuidv7());
    const after = Date.now();
    ok(ids.every((id) => UUIDV7.test(id)), `every id has the UUIDv7 form, e.g. ${ids[0]}`);
    ok(ids.every(checkBits), 'version nibble 7 and variant bits 10');
    ok(ids.every((id) => uuidMillis(id) >= before && uuidMillis(id) <= after), 'timestamp bits lie within the call');
    ok(ids.every((id, index) => index === 0 || id > ids[index - 1]), 'strictly increasing');
});

test('uuidv7: the timestamp bits are the clock (RFC 9562 example time)', () => {
    // RFC 9562 appendix A.6: 017F22E2-79B0-7CC3-98C4-DC0C0C07398F is 2022-02-22T19:22:22Z.
    const ms = Date.UTC(2022, 1, 22, 19, 22, 22);
    equal(ms, 0x017f22e279b0, 'the example time');
    const id = uuidv7Generator({ now: () => ms, random: seeded(1) })();
    ok(id.startsWith('017f22e2-79b0-7'), `${id} starts with the example's time and version`);
    equal(uuidMillis(id), ms, 'timestamp bits');
});

test('uuidv7: 10,000 ids in one millisecond increase strictly and keep the clock', () => {
    const next = uuidv7Generator({ now: () => T0, random: seeded(7) });
    const ids = Array.from({ length: 10000 }, next);
    ok(ids.every((id) => UUIDV7.test(id) && checkBits(id)), 'all well-formed');
    const firstOutOfOrder = ids.findIndex((id, index) => index > 0 && !(id > ids[index - 1]));
    equal(firstOutOfOrder, -1, 'index of the first id not greater than the one before');
    equal(new Set(ids).size, 10000, 'distinct ids');
    ok(ids.every((id) => uuidMillis(id) === T0), 'every timestamp is the fake millisecond');
});

test('uuidv7: increasing across milliseconds, timestamp bits equal the clock each time', () => {
    let time = T0;
    const next = uuidv7Generator({ now: () => time, random: seeded(11) });
    const ids = [];
    const times = [];
    for (let index = 0; index < 5000; index += 1) {
        if (index % 7 === 0) time += 1 + (index % 3); // steps of 1–3 ms, several ids per ms
        ids.push(next());
        times.push(time);
    }
    ok(ids.every((id, index) => index === 0 || id > ids[index - 1]), 'strictly increasing');
    ok(ids.every((id, index) => uuidMillis(id) === times[index]), 'timestamp bits equal the clock');
});

test('uuidv7: still increasing when the clock steps back', () => {
    let time = T0;
    const next = uuidv7Generator({ now: () => time, random: seeded(3) });
    const a = next();
    time = T0 - 5000;
    const b = next();
    const c = next();
    ok(a < b && b < c, `${a} < ${b} < ${c}`);
    equal(uuidMillis(c), T0, 'the timestamp holds at the latest time seen');
});

test('uuidv7: two makers in the same millisecond make different ids', () => {
    const one = uuidv7Generator({ now: () => T0, random: seeded(1) })();
    const two = uuidv7Generator({ now: () => T0, random: seeded(2) })();
    ok(one !== two, `${one} differs from ${two}`);
    equal(uuidMillis(one), uuidMillis(two), 'same timestamp');
});

// MARK: Events: shape

const EVENT_MEMBERS = ['event_id', 'user_id', 'session_id', 'item_id', 'type', 'value', 'timestamp', 'request_id', 'context'];
const REQUIRED_MEMBERS = ['event_id', 'user_id', 'item_id', 'type', 'timestamp'];

test('events: the payload is an EventBatch of openapi.yaml Events', async () => {
    const { lineup, server } = setup({ sessionId: 's-1' });
    const first = lineup.track('click', 'w-1', { requestId: 'r-1', value: 2, context: { device: 'desktop', tab: 'kpis' } });
    const second = lineup.track('open', 'w-2', { userId: 'u-00002', sessionId: 's-2' });
    await lineup.flush();
    const posts = server.events();
    equal(posts.length, 1, 'POSTs');
    equal(posts[0].url, '/v1/events', 'same-origin URL');
    equal(posts[0].method, 'POST', 'method');
    equal(posts[0].headers['Content-Type'], 'application/json', 'Content-Type');
    equal(Object.keys(posts[0].body), ['events'], 'the batch has only events');
    const [a, b] = posts[0].body.events;
    equal(a, {
        event_id: first, user_id: 'u-00001', session_id: 's-1', item_id: 'w-1', type: 'click', value: 2,
        timestamp: '2026-11-22T09:30:00.250Z', request_id: 'r-1', context: { device: 'desktop', tab: 'kpis' },
    }, 'first event');
    equal(b, {
        event_id: second, user_id: 'u-00002', session_id: 's-2', item_id: 'w-2', type: 'open',
        timestamp: '2026-11-22T09:30:00.250Z',
    }, 'second event: optional members left out, never null');
    for (const event of [a, b]) {
        ok(Object.keys(event).every((key) => EVENT_MEMBERS.includes(key)), `only Event members: ${Object.keys(event)}`);
        ok(REQUIRED_MEMBERS.every((key) => key in event), 'all required members');
        ok(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(event.timestamp), 'RFC 3339, milliseconds, UTC');
        ok(UUIDV7.test(event.event_id) && uuidMillis(event.event_id) === T0, 'event_id is a UUIDv7 of the clock');
    }
    ok(first < second, 'ids increase in tracking order');
});

test('events: every helper sends its type', async () => {
    const { lineup, server } = setup({ batchSize: 100 });
    lineup.view('w-1');
    lineup.open('w-1');
    lineup.click('w-1');
    lineup.drilldown('w-1');
    lineup.filterChange('w-1');
    lineup.export('w-1');
    lineup.pin('w-1');
    lineup.unpin('w-1');
    lineup.hide('w-1');
    lineup.unhide('w-1');
    lineup.dwell('w-1', 4.25, { requestId: 'r-9' });
    await lineup.flush();
    const events = sentEvents(server.events());
    equal(events.map((event) => event.type),
        ['view', 'open', 'click', 'drilldown', 'filter_change', 'export', 'pin', 'unpin', 'hide', 'unhide', 'dwell'], 'types');
    equal(events[10].value, 4.25, 'dwell value is the seconds');
    equal(events[10].request_id, 'r-9', 'dwell request_id');
});

test('events: each carries the request_id it is given, and none when not', async () => {
    const { lineup, server } = setup();
    lineup.click('w-1', { requestId: '0190d1c2-0000-7000-8000-000000000001' });
    lineup.click('w-2', { requestId: '0190d1c2-0000-7000-8000-000000000002' });
    lineup.click('w-3');
    await lineup.flush();
    const events = sentEvents(server.events());
    equal(events.map((event) => event.request_id),
        ['0190d1c2-0000-7000-8000-000000000001', '0190d1c2-0000-7000-8000-000000000002', undefined], 'request_id per event');
    ok(!('request_id' in events[2]), 'no request_id member without one');
});

test('events: what the server would refuse throws at track() and is not queued', async () => {
    const { lineup, server } = setup();
    throws(() => lineup.track('like', 'w-1'), TypeError, 'unknown type');
    throws(() => lineup.track('click', ''), TypeError, 'empty itemId');
    throws(() => lineup.track('click', undefined), TypeError, 'no itemId');
    throws(() => lineup.track('click', 42), TypeError, 'a number for itemId');
    throws(() => lineup.track('click', 'w-1', { requestId: '' }), TypeError, 'empty requestId');
    throws(() => lineup.track('click', 'w'.repeat(129)), RangeError, '129-byte itemId');
    throws(() => lineup.track('click', 'é'.repeat(65)), RangeError, '130 bytes of UTF-8 in 65 characters');
    throws(() => lineup.track('click', 'w-\u0085'), TypeError, 'a C1 control character');
    throws(() => lineup.track('dwell', 'w-1', { value: NaN }), TypeError, 'NaN value');
    throws(() => lineup.track('dwell', 'w-1', { value: Infinity }), TypeError, 'infinite value');
    throws(() => lineup.track('click', 'w-1', { context: { rows: 10 } }), TypeError, 'a context value that is not a string');
    const wide = Object.fromEntries(Array.from({ length: 33 }, (_, index) => [`k${index}`, 'v']));
    throws(() => lineup.track('click', 'w-1', { context: wide }), RangeError, '33 context entries');
    throws(() => lineup.track('click', 'w-1', { context: { device: 'd'.repeat(65) } }), RangeError, 'device over 64');
    const anonymous = setup({ userId: null });
    throws(() => anonymous.lineup.click('w-1'), TypeError, 'no userId anywhere');
    equal(anonymous.lineup.click('w-1', { userId: 'u-00003' }).length, 36, 'a per-call userId suffices');
    await lineup.flush();
    equal(server.events().length, 0, 'nothing was queued');
});

test('options: out-of-range settings throw', () => {
    for (const batchSize of [0, 1001, 2.5]) {
        throws(() => new Lineup({ batchSize, document: null }), RangeError, `batchSize ${batchSize}`);
    }
    throws(() => new Lineup({ maxRetries: -1, document: null }), RangeError, 'maxRetries -1');
    throws(() => new Lineup({ retryBaseMs: 500, retryMaxMs: 100, document: null }), RangeError, 'retryMaxMs below retryBaseMs');
});

// MARK: Events: batching

test('batching: 45 events at batchSize 20 are 3 POSTs, the last after flushIntervalMs', async () => {
    const { lineup, server, clock } = setup({ batchSize: 20, flushIntervalMs: 1000 });
    const ids = Array.from({ length: 45 }, (_, index) => lineup.view(`w-${index}`));
    await settle();
    equal(server.events().map((call) => call.body.events.length), [20, 20], 'full batches leave at once');
    await clock.advance(999);
    equal(server.events().length, 2, 'the rest waits for the interval');
    await clock.advance(1);
    equal(server.events().map((call) => call.body.events.length), [20, 20, 5], 'ceil(45 / 20) POSTs');
    equal(server.events()[2].at, T0 + 1000, 'the last POST at the interval');
    equal(sentEvents(server.events()).map((event) => event.event_id), ids, 'every event once, in order');
    ok(ids.every((id, index) => index === 0 || id > ids[index - 1]), 'ids increase within the millisecond');
});

test('batching: the interval runs from the oldest queued event', async () => {
    const { lineup, server, clock } = setup({ flushIntervalMs: 1000 });
    lineup.click('w-1');
    await clock.advance(600);
    lineup.click('w-2');
    await clock.advance(399);
    equal(server.events().length, 0, 'nothing before 1000 ms');
    await clock.advance(1);
    equal(server.events().length, 1, 'one POST at 1000 ms');
    equal(server.events()[0].body.events.map((event) => event.item_id), ['w-1', 'w-2'], 'both events in it');
    await clock.advance(500);
    lineup.click('w-3');
    await clock.advance(999);
    equal(server.events().length, 1, 'the next event waits its own interval');
    await clock.advance(1);
    equal(server.events().length, 2, 'sent 1000 ms after it was tracked');
    equal(server.events()[1].at, T0 + 2500, 'at 2500 ms');
});

test('batching: ceil(N / batchSize) POSTs for several N', async () => {
    for (const [count, batchSize] of [[1, 1], [7, 3], [20, 20], [21, 20], [1000, 1000], [1001, 1000]]) {
        const { lineup, server } = setup({ batchSize });
        for (let index = 0; index < count; index += 1) lineup.click(`w-${index}`);
        await lineup.flush();
        const sizes = server.events().map((call) => call.body.events.length);
        equal(sizes.length, Math.ceil(count / batchSize), `POSTs for ${count} events at batchSize ${batchSize}`);
        ok(sizes.every((size) => size <= batchSize), 'no POST over batchSize');
        equal(sizes.reduce((a, b) => a + b, 0), count, 'every event sent');
    }
});

test('flush: sends now and resolves once the answer is in; an empty flush sends nothing', async () => {
    const { lineup, server } = setup();
    await lineup.flush();
    equal(server.events().length, 0, 'nothing to send');
    lineup.click('w-1');
    lineup.click('w-2');
    let resolved = false;
    const flushed = lineup.flush().then(() => { resolved = true; });
    equal(server.events().length, 1, 'POST started at once');
    await flushed;
    ok(resolved, 'flush resolved');
    equal(server.events()[0].body.events.length, 2, 'both events');
});

// MARK: Events: retries

const FAILING = () => answer(503, problem(503, 'The database cannot be reached.'), { 'Content-Type': 'application/problem+json' });

test('retry: 429 without Retry-After backs off, with the same event ids', async () => {
    const { lineup, server, clock, errors } = setup({ script: inTurn(answer(429, problem(429, 'Slow down.')), answer(429, problem(429, 'Slow down.')), accepted) });
    const id = lineup.click('w-1');
    let resolved = false;
    lineup.flush().then(() => { resolved = true; });
    await clock.advance(60000);
    const posts = server.events();
    equal(posts.length, 3, 'two refusals and a success');
    equal(gaps(posts), [187.5, 375], 'delays: ¾ of 250 and of 500 ms');
    ok(posts.every((call) => call.text === posts[0].text), 'the same body every time');
    equal(posts.map((call) => call.body.events[0].event_id), [id, id, id], 'the same event id every time');
    ok(resolved, 'flush resolved once sent');
    equal(errors.length, 0, 'no error');
});

test('retry: 429 with Retry-After waits that long', async () => {
    const { lineup, server, clock, errors } = setup({ script: inTurn(answer(429, problem(429, 'Slow down.'), { 'Retry-After': '3' }), accepted) });
    lineup.click('w-1');
    lineup.flush();
    await clock.advance(2999);
    equal(server.events().length, 1, 'not before 3 s');
    await clock.advance(1);
    equal(server.events().length, 2, 'retried at 3 s');
    equal(gaps(server.events()), [3000], 'the delay');
    equal(errors.length, 0, 'no error');
});

test('retry: 503 with Retry-After, then success', async () => {
    const { lineup, server, clock, errors } = setup({
        script: inTurn(answer(503, problem(503, 'The database cannot be reached.'), { 'Retry-After': '2' }), accepted),
    });
    const ids = [lineup.click('w-1'), lineup.click('w-2')];
    await clock.advance(1000); // the flush interval sends them
    await clock.advance(60000);
    const posts = server.events();
    equal(posts.length, 2, 'one retry');
    equal(gaps(posts), [2000], 'after Retry-After: 2');
    equal(posts[1].body.events.map((event) => event.event_id), ids, 'the same ids');
    equal(errors.length, 0, 'no error');
});

test('retry: a Retry-After above retryMaxMs, or as an HTTP date, is obeyed', async () => {
    const long = setup({ retryMaxMs: 30000, script: inTurn(answer(503, '', { 'Retry-After': '60' }), accepted) });
    long.lineup.click('w-1');
    long.lineup.flush();
    await long.clock.advance(120000);
    equal(gaps(long.server.events()), [60000], 'the server knows when it is back');
    const dated = setup({ script: inTurn(answer(503, '', { 'Retry-After': new Date(T0 + 5000).toUTCString() }), accepted) });
    dated.lineup.click('w-1');
    dated.lineup.flush();
    await dated.clock.advance(60000);
    equal(gaps(dated.server.events()), [4750], 'until the date (whole seconds: 5 s less the 250 ms past it)');
});

test('retry: network errors are retried with the same ids', async () => {
    const { lineup, server, clock, errors } = setup({ script: inTurn(new TypeError('Failed to fetch'), new TypeError('Failed to fetch'), accepted) });
    const id = lineup.click('w-1');
    lineup.flush();
    await clock.advance(60000);
    const posts = server.events();
    equal(posts.length, 3, 'attempts');
    equal(gaps(posts), [187.5, 375], 'delays');
    equal(posts.map((call) => call.body.events[0].event_id), [id, id, id], 'ids');
    equal(errors.length, 0, 'no error');
});

test('retry: delays double up to the cap, then onError after maxRetries', async () => {
    const { lineup, server, clock, errors } = setup({ maxRetries: 8, retryBaseMs: 250, retryMaxMs: 30000, script: FAILING });
    const ids = [lineup.click('w-1'), lineup.click('w-2')];
    let resolved = false;
    lineup.flush().then(() => { resolved = true; });
    await clock.advance(10 * 60000);
    const posts = server.events();
    equal(posts.length, 9, 'the first attempt and 8 retries');
    // Ceilings 250·2^(n-1) capped at 30000; random() = 0.5 waits ¾ of each.
    equal(gaps(posts), [187.5, 375, 750, 1500, 3000, 6000, 12000, 22500], 'delays grow, the last one capped');
    ok(posts.every((call) => call.text === posts[0].text), 'the same body on every attempt');
    equal(errors.length, 1, 'one error for the batch');
    const error = errors[0];
    ok(error instanceof LineupError, 'a LineupError');
    equal(error.status, 503, 'status of the last answer');
    ok(error.detail.includes('after 8 retries') && error.detail.includes('The database cannot be reached.'), `detail: ${error.detail}`);
    equal(error.events.map((event) => event.event_id), ids, 'the lost events ride along');
    ok(resolved, 'flush resolved once given to onError');
});

test('retry: jittered delays stay between half and all of their ceiling, never shrink, never pass the cap', async () => {
    const { lineup, server, clock, errors } = setup({
        maxRetries: 12, retryBaseMs: 100, retryMaxMs: 1000, random: seeded(42), script: FAILING,
    });
    lineup.click('w-1');
    lineup.flush();
    await clock.advance(60000);
    const delays = gaps(server.events());
    equal(delays.length, 12, 'retries');
    const ceilings = delays.map((_, index) => Math.min(1000, 100 * 2 ** index));
    ok(delays.every((delay, index) => delay >= ceilings[index] / 2 && delay <= ceilings[index]), `within [ceiling/2, ceiling]: ${delays}`);
    ok(delays.every((delay, index) => index < 4 || delay <= 1000), 'capped at retryMaxMs');
    ok(new Set(delays.slice(4)).size > 1, 'jitter varies the capped delays');
    equal(errors.length, 1, 'given up');
});

test('retry: a 400 is not retried and reaches onError with the problem', async () => {
    const refusal = problem(400, 'lies 400 s in the future; at most 300 s is allowed', 'events[0].timestamp');
    const { lineup, server, clock, errors } = setup({ script: () => answer(400, refusal, { 'Content-Type': 'application/problem+json' }) });
    const id = lineup.click('w-1');
    await lineup.flush();
    await clock.advance(60000);
    equal(server.events().length, 1, 'a single attempt');
    equal(errors.length, 1, 'onError once');
    equal(errors[0].status, 400, 'status');
    equal(errors[0].detail, refusal.detail, 'the problem detail');
    equal(errors[0].field, 'events[0].timestamp', 'field');
    equal(errors[0].problem, refusal, 'problem');
    equal(errors[0].events.map((event) => event.event_id), [id], 'events');
});

test('retry: other 4xx (401, 403, 413) are not retried either', async () => {
    for (const status of [401, 403, 413]) {
        const { lineup, server, clock, errors } = setup({ script: () => answer(status, problem(status, `refused ${status}`)) });
        lineup.click('w-1');
        await lineup.flush();
        await clock.advance(60000);
        equal(server.events().length, 1, `${status}: one attempt`);
        equal(errors.map((error) => [error.status, error.detail]), [[status, `refused ${status}`]], `${status}: onError`);
    }
});

test('retry: an onError that throws does not stop the next batch', async () => {
    const { lineup, server } = setup({ onError: () => { throw new Error('dashboard bug'); }, script: inTurn(answer(400, problem(400, 'no')), accepted) });
    const original = console.error;
    const logged = [];
    console.error = (...args) => logged.push(args);
    try {
        lineup.click('w-1');
        await lineup.flush();
        lineup.click('w-2');
        await lineup.flush();
    } finally {
        console.error = original;
    }
    equal(server.events().length, 2, 'both batches tried');
    equal(logged.length, 1, 'the throw was logged');
});

// MARK: Events: page hide

test('hide: without a token, queued events leave by beacon as application/json', async () => {
    const { lineup, server, beacon, page, clock } = setup();
    const ids = [lineup.click('w-1', { requestId: 'r-1' }), lineup.view('w-2'), lineup.dwell('w-2', 3)];
    page.hide();
    equal(beacon.calls.length, 1, 'one beacon');
    equal(beacon.calls[0].url, '/v1/events', 'beacon URL');
    ok(beacon.calls[0].data instanceof Blob, 'a Blob');
    equal(beacon.calls[0].data.type, 'application/json', 'Blob type');
    const body = await beaconBody(beacon.calls[0]);
    equal(body.events.map((event) => event.event_id), ids, 'the queued events');
    equal(body.events[0].request_id, 'r-1', 'request_id kept');
    await clock.advance(5000);
    equal(server.events().length, 0, 'no fetch: the flush timer was stopped');
    await lineup.flush();
    equal(server.events().length, 0, 'nothing left to flush');
});

test('hide: pagehide also sends by beacon, and a second hide sends nothing twice', async () => {
    const { lineup, beacon, page } = setup();
    const id = lineup.click('w-1');
    page.pagehide();
    page.hide();
    equal(beacon.calls.length, 1, 'one beacon');
    equal((await beaconBody(beacon.calls[0])).events.map((event) => event.event_id), [id], 'the event');
});

test('hide: with a token, fetch with keepalive and the Authorization header', async () => {
    const { lineup, server, beacon, page } = setup({ token: 'client-token' });
    const id = lineup.click('w-1');
    page.hide();
    await settle();
    equal(beacon.calls.length, 0, 'no beacon: it cannot carry the header');
    const posts = server.events();
    equal(posts.length, 1, 'one POST');
    equal(posts[0].keepalive, true, 'keepalive');
    equal(posts[0].headers.Authorization, 'Bearer client-token', 'Authorization');
    equal(posts[0].body.events.map((event) => event.event_id), [id], 'the event');
});

test('hide: a beacon the browser refuses falls back to fetch keepalive', async () => {
    const { lineup, server, beacon, page, errors } = setup({ beaconResult: false });
    const id = lineup.click('w-1');
    page.hide();
    await settle();
    equal(beacon.calls.length, 1, 'beacon tried');
    equal(server.events().length, 1, 'then fetch');
    equal(server.events()[0].keepalive, true, 'with keepalive');
    ok(!('Authorization' in server.events()[0].headers), 'no Authorization without a token');
    equal(server.events()[0].body.events[0].event_id, id, 'the event');
    equal(errors.length, 0, 'no error');
});

test('hide: bodies over 64 KiB are split, every part under the limit', async () => {
    const { lineup, beacon, page } = setup({ batchSize: 100 });
    const context = Object.fromEntries(Array.from({ length: 20 }, (_, index) => [`key${index}`, 'x'.repeat(200)]));
    const ids = Array.from({ length: 60 }, (_, index) => lineup.view(`w-${index}`, { context }));
    page.hide();
    ok(beacon.calls.length >= 3, `several beacons: ${beacon.calls.length}`);
    ok(beacon.calls.every((call) => call.data.size < 64 * 1024), `sizes ${beacon.calls.map((call) => call.data.size)}`);
    const bodies = await Promise.all(beacon.calls.map(beaconBody));
    equal(bodies.flatMap((body) => body.events.map((event) => event.event_id)), ids, 'every event once, in order');
});

test('hide: a batch waiting to retry gets a beacon copy and still retries', async () => {
    const { lineup, server, beacon, page, clock, errors } = setup({ script: inTurn(FAILING, accepted) });
    const id = lineup.click('w-1');
    lineup.flush();
    await settle();
    equal(server.events().length, 1, 'first attempt refused');
    page.hide();
    equal(beacon.calls.length, 1, 'a copy by beacon');
    equal((await beaconBody(beacon.calls[0])).events[0].event_id, id, 'with the same id');
    await clock.advance(1000);
    equal(server.events().length, 2, 'the retry still happens (the server drops the duplicate)');
    equal(server.events()[1].body.events[0].event_id, id, 'same id');
    equal(errors.length, 0, 'no error');
});

test('hide: an event tracked while the page is hidden leaves at once by beacon', async () => {
    const { lineup, server, beacon, page, clock } = setup();
    page.hide();
    const id = lineup.click('w-1');
    equal(beacon.calls.length, 1, 'a beacon without waiting for a timer that may never fire');
    equal((await beaconBody(beacon.calls[0])).events.map((event) => event.event_id), [id], 'the event');
    equal(clock.timers.length, 0, 'no flush timer');
    await lineup.flush();
    equal(server.events().length, 0, 'no fetch');
});

test('hide: leaving the page copies again a batch still waiting to retry', async () => {
    const { lineup, server, beacon, page } = setup({ script: FAILING });
    const id = lineup.click('w-1');
    lineup.flush();
    await settle();
    equal(server.events().length, 1, 'refused once, waiting to retry');
    page.hide();
    page.hide();
    equal(beacon.calls.length, 1, 'one copy per hiding');
    page.pagehide();
    equal(beacon.calls.length, 2, 'another as the page is left');
    equal((await beaconBody(beacon.calls[1])).events.map((event) => event.event_id), [id], 'of the waiting batch');
});

test('hide: once visible again, events go by fetch', async () => {
    const { lineup, server, beacon, page, clock } = setup();
    page.hide();
    page.show();
    lineup.click('w-1');
    await clock.advance(1000);
    equal(beacon.calls.length, 0, 'no beacon');
    equal(server.events().length, 1, 'fetched at the interval');
    equal(server.events()[0].keepalive, false, 'an ordinary request');
});

test('close: sends what is left by beacon, stops the timer, refuses new events', async () => {
    const { lineup, server, beacon, clock } = setup();
    const ids = [lineup.click('w-1'), lineup.click('w-2')];
    await lineup.close();
    equal(beacon.calls.length, 1, 'one beacon');
    equal((await beaconBody(beacon.calls[0])).events.map((event) => event.event_id), ids, 'what was queued');
    equal(clock.timers.length, 0, 'no timer left');
    await clock.advance(5000);
    equal(server.events().length, 0, 'no fetch');
    throws(() => lineup.click('w-3'), Error, 'track after close');
});

// MARK: Auth

test('auth: the bearer token on rank and events; no header without one', async () => {
    const rankAnswer = { request_id: 'r-1', ranker: 'fallback', items: [] };
    const withToken = setup({ token: 't-123', script: (call) => (call.url.endsWith('/v1/rank') ? answer(200, rankAnswer) : accepted(call)) });
    await withToken.lineup.rank({ surface: 'home' });
    withToken.lineup.click('w-1');
    await withToken.lineup.flush();
    equal(withToken.server.calls.map((call) => call.headers.Authorization), ['Bearer t-123', 'Bearer t-123'], 'Authorization');
    const without = setup({ script: (call) => (call.url.endsWith('/v1/rank') ? answer(200, rankAnswer) : accepted(call)) });
    await without.lineup.rank({ surface: 'home' });
    without.lineup.click('w-1');
    await without.lineup.flush();
    ok(without.server.calls.every((call) => !('Authorization' in call.headers)), 'no Authorization header');
});

// MARK: rank()

const RANKING = {
    request_id: '0190d1c2-3b4a-7c00-8a00-0000000000aa',
    ranker: 'two_stage',
    model_version: 'gbdt-2026-11-20',
    items: [
        { item_id: 'w-7', position: 1, score: 0.91, retrieval_score: 0.8, pinned: true, reason: 'pinned' },
        { item_id: 'w-3', position: 2, score: 0.75, retrieval_score: 0.7, pinned: false, contributions: [{ feature: 'recent_clicks', value: 0.4 }] },
    ],
    layout: { arm: 'grid-3', name: 'Three columns', params: { columns: 3 }, propensity: 0.62 },
    experiment: 'exp-1',
    variant: 'treatment',
};

test('rank: sends the RankRequest body', async () => {
    const { lineup, server } = setup({ baseUrl: 'http://lineup.test:8080/', script: () => answer(200, RANKING) });
    await lineup.rank({ surface: 'home', k: 12, candidates: ['w-1', 'w-2'], context: { device: 'desktop' }, explain: true });
    await lineup.rank({ surface: 'home', userId: 'u-00042' });
    const [full, minimal] = server.calls;
    equal(full.url, 'http://lineup.test:8080/v1/rank', 'URL, trailing slash of baseUrl dropped');
    equal(full.method, 'POST', 'method');
    equal(full.headers['Content-Type'], 'application/json', 'Content-Type');
    equal(full.body, { user_id: 'u-00001', surface: 'home', candidates: ['w-1', 'w-2'], k: 12, context: { device: 'desktop' }, explain: true }, 'full body');
    equal(minimal.body, { user_id: 'u-00042', surface: 'home' }, 'per-call userId; absent options left out');
});

test('rank: maps the answer', async () => {
    const { lineup } = setup({ script: () => answer(200, RANKING) });
    const result = await lineup.rank({ surface: 'home' });
    equal(result.requestId, RANKING.request_id, 'requestId');
    equal(result.order, ['w-7', 'w-3'], 'order');
    equal(result.items, RANKING.items, 'items as received');
    equal(result.layout, RANKING.layout, 'layout');
    equal(result.ranker, 'two_stage', 'ranker');
    equal(result.modelVersion, 'gbdt-2026-11-20', 'modelVersion');
    equal(result.experiment, 'exp-1', 'experiment');
    equal(result.variant, 'treatment', 'variant');
    equal(result.response, RANKING, 'the raw JSON');
    equal(Object.keys(result).sort(), ['experiment', 'items', 'layout', 'modelVersion', 'order', 'ranker', 'requestId', 'response', 'variant'], 'members');
});

test('rank: absent optional members become null', async () => {
    const { lineup } = setup({ script: () => answer(200, { request_id: 'r-2', ranker: 'popularity', items: [{ item_id: 'w-1', position: 1, score: 3, retrieval_score: 0, pinned: false }] }) });
    const result = await lineup.rank({ surface: 'home' });
    equal([result.layout, result.modelVersion, result.experiment, result.variant], [null, null, null, null], 'nulls');
    equal(result.order, ['w-1'], 'order');
});

test('rank: a problem+json answer rejects with a LineupError carrying status, detail and field', async () => {
    const refusal = problem(400, 'must be between 1 and 1000', 'k');
    const { lineup } = setup({ script: () => answer(400, refusal, { 'Content-Type': 'application/problem+json' }) });
    const error = await rejects(lineup.rank({ surface: 'home', k: 0 }), 'rank');
    ok(error instanceof LineupError && error instanceof Error, 'a LineupError');
    equal(error.name, 'LineupError', 'name');
    equal([error.status, error.detail, error.field], [400, 'must be between 1 and 1000', 'k'], 'status, detail, field');
    equal(error.problem, refusal, 'problem');
    equal(error.message, 'must be between 1 and 1000', 'message');
});

test('rank: a problem without field, a body that is not JSON, a network error', async () => {
    const unavailable = setup({ script: () => answer(503, problem(503, 'The database cannot be reached.'), { 'Retry-After': '2' }) });
    const a = await rejects(unavailable.lineup.rank({ surface: 'home' }), '503');
    equal([a.status, a.detail, a.field], [503, 'The database cannot be reached.', null], '503');
    equal(unavailable.server.calls.length, 1, 'rank is not retried');
    const proxy = setup({ script: () => answer(502, '<html>Bad Gateway</html>', { 'Content-Type': 'text/html' }, 'Bad Gateway') });
    const b = await rejects(proxy.lineup.rank({ surface: 'home' }), '502');
    equal([b.status, b.detail, b.field, b.problem], [502, '502 Bad Gateway', null, null], '502 from a proxy');
    const offline = setup({ script: () => new TypeError('Failed to fetch') });
    const c = await rejects(offline.lineup.rank({ surface: 'home' }), 'network');
    ok(c instanceof LineupError, 'a LineupError');
    equal([c.status, c.field, c.problem], [0, null, null], 'status 0');
    ok(/network error/i.test(c.detail) && c.detail.includes('Failed to fetch'), `detail says so: ${c.detail}`);
});

// MARK: observe()

test('observe: one view after 1 s at 50% or more, with request_id and context', async () => {
    const { lineup, server, clock, observers } = setup();
    const element = document.createElement('div');
    lineup.observe(element, 'w-1', { requestId: 'r-1', context: { device: 'desktop' } });
    const observer = observers.made[0];
    ok(observer.targets.has(element), 'observed');
    ok(observer.options.threshold.includes(0.5), `threshold at 50%: ${observer.options.threshold}`);
    observer.report(element, 0.6);
    await clock.advance(999);
    await lineup.flush();
    equal(server.events().length, 0, 'no view before 1 s');
    await clock.advance(1);
    await lineup.flush();
    const events = sentEvents(server.events());
    equal(events.map((event) => [event.type, event.item_id, event.request_id]), [['view', 'w-1', 'r-1']], 'one view');
    equal(events[0].context, { device: 'desktop' }, 'context');
    equal(events[0].timestamp, new Date(T0 + 1000).toISOString(), 'timestamped when the second was up');
});

test('observe: a dwell with the visible seconds when it leaves; one view per (requestId, itemId)', async () => {
    const { lineup, server, clock, observers } = setup();
    const element = document.createElement('div');
    lineup.observe(element, 'w-1', { requestId: 'r-1' });
    const observer = observers.made[0];
    observer.report(element, 0.75);
    await clock.advance(3500);
    observer.report(element, 0.2);
    observer.report(element, 1);
    await clock.advance(2000);
    observer.report(element, 0);
    await lineup.flush();
    equal(sentEvents(server.events()).map((event) => [event.type, event.value, event.request_id]),
        [['view', undefined, 'r-1'], ['dwell', 3.5, 'r-1'], ['dwell', 2, 'r-1']], 'a view, then a dwell per visible spell');
    const again = document.createElement('div');
    lineup.observe(again, 'w-1', { requestId: 'r-2' });
    observer.report(again, 0.9);
    await clock.advance(1000);
    await lineup.flush();
    equal(sentEvents(server.events()).filter((event) => event.type === 'view').map((event) => event.request_id), ['r-1', 'r-2'], 'a new answer, a new view');
});

test('observe: under 50%, or under a second, is neither view nor dwell', async () => {
    const { lineup, server, clock, observers } = setup();
    const element = document.createElement('div');
    lineup.observe(element, 'w-1', { requestId: 'r-1' });
    const observer = observers.made[0];
    observer.report(element, 0.49);
    await clock.advance(5000);
    observer.report(element, 0.9);
    await clock.advance(400);
    observer.report(element, 0);
    await clock.advance(5000);
    await lineup.flush();
    equal(server.events().length, 0, 'no event');
});

test('observe: hiding the page ends the spell (dwell by beacon); showing it starts a new one', async () => {
    const { lineup, beacon, server, clock, observers, page } = setup();
    const element = document.createElement('div');
    lineup.observe(element, 'w-1', { requestId: 'r-1' });
    const observer = observers.made[0];
    observer.report(element, 0.7);
    await clock.advance(2250);
    page.hide();
    equal(sentEvents(server.events()).map((event) => [event.type, event.at]), [['view', undefined]], 'the view went at the flush interval');
    equal(beacon.calls.length, 1, 'one beacon on hide');
    const hidden = await beaconBody(beacon.calls[0]);
    equal(hidden.events.map((event) => [event.type, event.value, event.request_id]), [['dwell', 2.25, 'r-1']], 'the dwell leaves with the page');
    await clock.advance(10000);
    page.show();
    await clock.advance(1500);
    observer.report(element, 0);
    await lineup.flush();
    equal(sentEvents(server.events()).map((event) => [event.type, event.value]), [['view', undefined], ['dwell', 1.5]],
        'the hidden time does not count; no second view');
});

test('observe: stop() ends the spell with its dwell and unobserves', async () => {
    const { lineup, server, clock, observers } = setup();
    const element = document.createElement('div');
    const stop = lineup.observe(element, 'w-1');
    const observer = observers.made[0];
    observer.report(element, 0.6);
    await clock.advance(1200);
    stop();
    ok(!observer.targets.has(element), 'unobserved');
    observer.report(element, 0.9);
    await clock.advance(3000);
    await lineup.flush();
    equal(sentEvents(server.events()).map((event) => [event.type, event.value]), [['view', undefined], ['dwell', 1.2]], 'view and dwell, nothing after stop');
});

/** Waits (really) until condition() holds, for what the browser does in its own time. */
async function until(condition, what, ms = 3000) {
    const deadline = performance.now() + ms;
    while (!(await condition())) {
        if (performance.now() > deadline) fail(`${what}: not within ${ms} ms`);
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
    checks += 1;
}

test("observe: with the browser's own IntersectionObserver", async () => {
    const { lineup, server, clock } = setup({ IntersectionObserver: window.IntersectionObserver });
    const element = document.createElement('div');
    Object.assign(element.style, { position: 'fixed', top: '-60px', left: '0px', width: '100px', height: '100px' });
    document.body.append(element);
    try {
        lineup.observe(element, 'w-1', { requestId: 'r-1' });
        await new Promise((resolve) => setTimeout(resolve, 200));
        equal(clock.timers.length, 0, '40% on screen: not looked at');
        element.style.top = '-40px';
        await until(() => clock.timers.length > 0, '60% on screen starts a spell');
        await clock.advance(1500);
        element.style.top = '-1000px';
        await until(async () => {
            await lineup.flush();
            return sentEvents(server.events()).some((event) => event.type === 'dwell');
        }, 'off screen ends it');
        equal(sentEvents(server.events()).map((event) => [event.type, event.value, event.request_id]),
            [['view', undefined, 'r-1'], ['dwell', 1.5, 'r-1']], 'a view and a dwell of 1.5 s');
    } finally {
        element.remove();
        lineup.close();
    }
});

test('observe: without IntersectionObserver it throws', () => {
    const { lineup } = setup({ IntersectionObserver: null });
    throws(() => lineup.observe(document.createElement('div'), 'w-1'), Error, 'observe');
});

run();
