// lineup.js: the browser client of Lineup. It asks in what order (and in which layout) to
// show a user's widgets, and reports what the user did with them.
//
//   import { Lineup } from '/sdk/lineup.js';
//   const lineup = new Lineup({ userId: 'u-00001' });
//   const answer = await lineup.rank({ surface: 'home', k: 12 });
//   lineup.click(answer.order[0], { requestId: answer.requestId });
//
// An ES module without dependencies or build step; lineup.d.ts beside it declares the same
// API for TypeScript. No eval or new Function: Lineup's pages forbid them (CSP).
//
// Events are queued, sent in batches, and retried with the same ids until the server has
// them (it drops an id it already stored, so a retry never counts twice). A batch that
// cannot be sent reaches onError: events are never lost silently.

/** @typedef {'view'|'open'|'click'|'drilldown'|'filter_change'|'export'|'dwell'|'pin'|'unpin'|'hide'|'unhide'} EventType */

/**
 * Where an event or a request happened: `device` (desktop, mobile, tablet or your own
 * class) and any other string the dashboard tracks.
 * @typedef {{ [key: string]: string }} EventContext
 */

/**
 * One event as openapi.yaml's `Event` schema has it; optional members are left out, never null.
 * @typedef {object} LineupEvent
 * @property {string} event_id
 * @property {string} user_id
 * @property {string} [session_id]
 * @property {string} item_id
 * @property {EventType} type
 * @property {number} [value]
 * @property {string} timestamp
 * @property {string} [request_id]
 * @property {EventContext} [context]
 */

/**
 * RFC 9457 problem details, as Lineup answers a refused request.
 * @typedef {object} Problem
 * @property {string} type
 * @property {string} title
 * @property {number} status
 * @property {string} [detail]
 * @property {string} [instance]
 * @property {string} [field]
 */

/**
 * @typedef {object} LayoutChoice
 * @property {string} arm
 * @property {string} name
 * @property {{ [key: string]: unknown }} params
 * @property {number} propensity
 */

/**
 * @typedef {object} RankedItem
 * @property {string} item_id
 * @property {number} position
 * @property {number} score
 * @property {number} retrieval_score
 * @property {boolean} pinned
 * @property {{ feature: string, value: number }[]} [contributions]
 * @property {string} [reason]
 */

/**
 * The body of a 200 answer to POST /v1/rank.
 * @typedef {object} Ranking
 * @property {string} request_id
 * @property {'two_stage'|'fallback'|'popularity'} ranker
 * @property {string} [model_version]
 * @property {RankedItem[]} items
 * @property {LayoutChoice} [layout]
 * @property {string} [experiment]
 * @property {string} [variant]
 */

/**
 * What rank() resolves to.
 * @typedef {object} RankAnswer
 * @property {string} requestId
 * @property {string[]} order
 * @property {RankedItem[]} items
 * @property {LayoutChoice | null} layout
 * @property {string} ranker
 * @property {string | null} modelVersion
 * @property {string | null} experiment
 * @property {string | null} variant
 * @property {Ranking} response
 */

/**
 * @typedef {object} RankOptions
 * @property {string} surface
 * @property {number} [k]
 * @property {string[]} [candidates]
 * @property {EventContext} [context]
 * @property {boolean} [explain]
 * @property {string} [userId] Instead of the Lineup's userId.
 */

/**
 * @typedef {object} EventOptions
 * @property {string} [requestId] The `requestId` of the rank() answer this event reacts to.
 * @property {number} [value]
 * @property {EventContext} [context]
 * @property {string} [sessionId] Instead of the Lineup's sessionId.
 * @property {string} [userId] Instead of the Lineup's userId.
 */

/**
 * @typedef {object} ObserveOptions
 * @property {string} [requestId]
 * @property {EventContext} [context]
 */

/**
 * @typedef {object} LineupOptions
 * @property {string} [baseUrl] Where Lineup answers; '' (the default) is this page's origin.
 * @property {string | null} [token] A bearer token (client scope), or null for none.
 * @property {string | null} [userId] The user of rank() and of events, unless a call names another.
 * @property {string | null} [sessionId] The session_id of events, unless a call names another.
 * @property {number} [batchSize] Events per POST, 1–1000 (default 20).
 * @property {number} [flushIntervalMs] Longest wait between tracking an event and sending it (default 1000).
 * @property {number} [maxRetries] Retries of a batch before it goes to onError (default 8).
 * @property {number} [retryBaseMs] First retry's delay ceiling (default 250); it doubles each retry.
 * @property {number} [retryMaxMs] Cap of a retry's delay (default 30000), except that Retry-After is obeyed.
 * @property {(error: LineupError) => void} [onError] Gets each batch that will not be sent (default: console.error).
 * @property {(input: string, init: RequestInit) => Promise<Response>} [fetch]
 * @property {((url: string, data: Blob) => boolean) | null} [sendBeacon] null: use fetch with keepalive instead.
 * @property {() => number} [now] Milliseconds since 1970.
 * @property {() => number} [random] A number in [0, 1), like Math.random.
 * @property {(callback: () => void, ms: number) => unknown} [setTimeout]
 * @property {(id: any) => void} [clearTimeout]
 * @property {Document | null} [document] Whose visibility decides when to send by beacon.
 * @property {typeof IntersectionObserver | null} [IntersectionObserver]
 */

const EVENT_TYPES = ['view', 'open', 'click', 'drilldown', 'filter_change', 'export', 'dwell', 'pin', 'unpin', 'hide', 'unhide'];

/** A widget counts as seen when this share of it is on screen... */
const VIEW_RATIO = 0.5;
/** ...for this long without a break. */
const VIEW_MS = 1000;

/**
 * Browsers refuse keepalive requests (beacons included) whose bodies in flight add up to more
 * than 64 KiB; a page-hide body stays below with room for the headers of a few requests.
 */
const KEEPALIVE_BODY_LIMIT = 60 * 1024;

// The server's limits (openapi.yaml and its validator), checked when an event is tracked: a
// single bad event would otherwise get its whole batch refused.
const MAX_ID_BYTES = 128;
const MAX_CONTEXT_ENTRIES = 32;
const MAX_CONTEXT_KEY_BYTES = 64;
const MAX_CONTEXT_VALUE_BYTES = 256;
const MAX_DEVICE_LENGTH = 64;

const utf8 = new TextEncoder();

/** A refused or failed request: rank() rejects with one, onError gets one per lost batch. */
export class LineupError extends Error {
    /**
     * @param {object} init
     * @param {number} init.status The HTTP status, or 0 when no answer came (network error).
     * @param {string} init.detail What went wrong, in words.
     * @param {string | null} [init.field] The request field at fault, as the problem names it.
     * @param {Problem | null} [init.problem] The problem+json body, when there was one.
     * @param {LineupEvent[] | null} [init.events] For a batch of events: the events that were not sent.
     */
    constructor({ status, detail, field = null, problem = null, events = null }) {
        super(detail);
        this.name = 'LineupError';
        /** @type {number} */
        this.status = status;
        /** @type {string} */
        this.detail = detail;
        /** @type {string | null} */
        this.field = field;
        /** @type {Problem | null} */
        this.problem = problem;
        /** @type {LineupEvent[] | null} */
        this.events = events;
    }
}

// MARK: UUIDv7

/**
 * Returns a function making UUIDv7 strings (RFC 9562) that increase strictly, as strings,
 * from one call to the next, even within a millisecond or when the clock steps back.
 *
 * Layout: 48 bits of Unix milliseconds, version 7, then a 42-bit counter (the 12 bits of
 * rand_a and the first 30 of rand_b, RFC 9562 §6.2 method 1) and 32 random bits. Each new
 * millisecond seeds the counter at random below 2^41, so it has 2^41 increments of room.
 * @param {() => number} random
 * @returns {(ms: number) => string}
 */
function uuidv7Maker(random) {
    let lastMs = -1;
    let counter = 0;
    return (ms) => {
        ms = Math.floor(ms);
        if (ms > lastMs) {
            lastMs = ms;
            counter = randomBits(random, 41);
        } else {
            // Same millisecond, or the clock went back: keep the last time so order holds.
            counter += 1;
            if (counter >= 2 ** 42) {
                lastMs += 1; // RFC 9562 §6.2: on counter overflow, advance the timestamp.
                counter = randomBits(random, 41);
            }
        }
        return formatUuidv7(lastMs, counter, randomBits(random, 32));
    };
}

/**
 * @param {number} ms 48 bits
 * @param {number} counter 42 bits
 * @param {number} tail 32 bits
 */
function formatUuidv7(ms, counter, tail) {
    const time = hex(ms, 12);
    const randA = hex(Math.floor(counter / 2 ** 30), 3);
    // The variant bits 10, then the counter's low 30 bits: together 32 bits.
    const variantAndLow = hex(2 ** 31 + (counter % 2 ** 30), 8);
    return `${time.slice(0, 8)}-${time.slice(8)}-7${randA}-${variantAndLow.slice(0, 4)}-${variantAndLow.slice(4)}${hex(tail, 8)}`;
}

/** @param {number} value @param {number} digits */
function hex(value, digits) {
    return value.toString(16).padStart(digits, '0');
}

/**
 * An integer of `bits` random bits (at most 52), from a random() in [0, 1).
 * @param {() => number} random
 * @param {number} bits
 */
function randomBits(random, bits) {
    const high = bits > 26 ? bits - 26 : 0;
    const low = bits - high;
    return Math.floor(random() * 2 ** high) * 2 ** low + Math.floor(random() * 2 ** low);
}

/** Math.random's contract from the browser's cryptographic source: event ids of all users share one space. */
function cryptoRandom() {
    const crypto = globalThis.crypto;
    if (crypto && typeof crypto.getRandomValues === 'function') {
        return crypto.getRandomValues(new Uint32Array(1))[0] / 2 ** 32;
    }
    return Math.random();
}

const sharedUuidv7 = uuidv7Maker(cryptoRandom);

/**
 * A new UUIDv7 by the system clock; successive ids from this module increase strictly.
 * @returns {string}
 */
export function uuidv7() {
    return sharedUuidv7(Date.now());
}

/**
 * A UUIDv7 maker of its own, on the given clock and random source (tests use fakes).
 * @param {{ now?: () => number, random?: () => number }} [options]
 * @returns {() => string}
 */
export function uuidv7Generator(options = {}) {
    const now = options.now ?? (() => Date.now());
    const make = uuidv7Maker(options.random ?? cryptoRandom);
    return () => make(now());
}

// MARK: Lineup

/** The client of one Lineup server, for one page. */
export class Lineup {
    #baseUrl;
    #token;
    #userId;
    #sessionId;
    #batchSize;
    #flushIntervalMs;
    #maxRetries;
    #retryBaseMs;
    #retryMaxMs;
    #onError;
    #fetch;
    #sendBeacon;
    #now;
    #random;
    #setTimeout;
    #clearTimeout;
    #document;
    #IntersectionObserver;
    /** @type {(ms: number) => string} */
    #newId;

    /** @type {LineupEvent[]} Tracked, not yet in a batch. */
    #queue = [];
    /** @type {unknown} */
    #flushTimer = null;
    /** @type {Map<Batch, Promise<void>>} Batches neither sent nor given to onError yet. */
    #pending = new Map();
    #hidden = false;
    #closed = false;
    /** @type {Array<() => void>} */
    #unlisten = [];

    /** @type {IntersectionObserver | null} */
    #observer = null;
    /** @type {Map<Element, Watch>} */
    #watched = new Map();
    /** @type {Set<string>} (requestId, itemId) pairs whose view was sent. */
    #viewed = new Set();

    /** @param {LineupOptions} [options] */
    constructor(options = {}) {
        this.#baseUrl = (options.baseUrl ?? '').replace(/\/+$/, '');
        this.#token = options.token ?? null;
        this.#userId = options.userId ?? null;
        this.#sessionId = options.sessionId ?? null;
        this.#batchSize = checkedNumber('batchSize', options.batchSize ?? 20, 1, 1000, true);
        this.#flushIntervalMs = checkedNumber('flushIntervalMs', options.flushIntervalMs ?? 1000, 0, Infinity, false);
        this.#maxRetries = checkedNumber('maxRetries', options.maxRetries ?? 8, 0, Infinity, true);
        this.#retryBaseMs = checkedNumber('retryBaseMs', options.retryBaseMs ?? 250, 0, Infinity, false);
        this.#retryMaxMs = checkedNumber('retryMaxMs', options.retryMaxMs ?? 30000, this.#retryBaseMs, Infinity, false);
        this.#onError = options.onError ?? ((error) => console.error(error));
        this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
        this.#sendBeacon = options.sendBeacon !== undefined ? options.sendBeacon : browserBeacon();
        this.#now = options.now ?? (() => Date.now());
        this.#random = options.random ?? cryptoRandom;
        this.#setTimeout = options.setTimeout ?? ((callback, ms) => globalThis.setTimeout(callback, ms));
        this.#clearTimeout = options.clearTimeout ?? ((id) => globalThis.clearTimeout(id));
        this.#document = options.document !== undefined ? options.document : (globalThis.document ?? null);
        this.#IntersectionObserver = options.IntersectionObserver !== undefined
            ? options.IntersectionObserver : (globalThis.IntersectionObserver ?? null);
        // Without fakes, share the module's maker so ids of every Lineup on the page increase.
        this.#newId = options.now || options.random ? uuidv7Maker(this.#random) : sharedUuidv7;
        this.#listenToThePage();
    }

    // MARK: Ranking

    /**
     * Asks Lineup for the order of a surface's widgets. Rejects with a LineupError built
     * from the problem+json answer, or with status 0 when Lineup could not be reached.
     * @param {RankOptions} options
     * @returns {Promise<RankAnswer>}
     */
    async rank(options) {
        const { surface, k, candidates, context, explain } = options;
        const body = withoutAbsent({
            user_id: options.userId ?? this.#userId, surface, candidates, k, context, explain,
        });
        let response;
        try {
            response = await this.#fetch(this.#url('/v1/rank'), {
                method: 'POST', headers: this.#headers(), body: JSON.stringify(body),
            });
        } catch (error) {
            throw networkError(error);
        }
        if (!response.ok) throw await errorFromAnswer(response);
        /** @type {Ranking} */
        let ranking;
        try {
            ranking = JSON.parse(await response.text());
        } catch {
            throw new LineupError({ status: response.status, detail: 'The answer to /v1/rank is not JSON.' });
        }
        return rankAnswer(ranking);
    }

    // MARK: Events

    /**
     * Queues one event and returns its id. Throws a TypeError or RangeError at once for an
     * event the server would refuse, rather than let it spoil the batch it would travel in.
     * While the page is hidden, the event leaves at once, as on page hide.
     * @param {EventType} type
     * @param {string} itemId
     * @param {EventOptions} [options]
     * @returns {string} The event's event_id.
     */
    track(type, itemId, options = {}) {
        if (this.#closed) throw new Error('Lineup: closed; make a new Lineup to track more events.');
        const now = this.#now();
        const event = checkedEvent(withoutAbsent({
            event_id: this.#newId(now),
            user_id: options.userId ?? this.#userId ?? undefined,
            session_id: options.sessionId ?? this.#sessionId ?? undefined,
            item_id: itemId,
            type,
            value: options.value,
            timestamp: new Date(now).toISOString(),
            request_id: options.requestId,
            context: options.context,
        }));
        this.#queue.push(event);
        if (this.#queue.length >= this.#batchSize || this.#hidden) {
            // A hidden page's timers may never fire again: what it tracks leaves at once.
            this.#sendQueue(this.#sendMode());
        } else if (this.#flushTimer === null) {
            // Timed from the oldest queued event, so none waits longer than flushIntervalMs.
            this.#flushTimer = this.#setTimeout(() => {
                this.#flushTimer = null;
                this.#sendQueue(this.#sendMode());
            }, this.#flushIntervalMs);
        }
        return event.event_id;
    }

    /** @param {string} itemId @param {EventOptions} [options] */
    view(itemId, options) { return this.track('view', itemId, options); }
    /** @param {string} itemId @param {EventOptions} [options] */
    open(itemId, options) { return this.track('open', itemId, options); }
    /** @param {string} itemId @param {EventOptions} [options] */
    click(itemId, options) { return this.track('click', itemId, options); }
    /** @param {string} itemId @param {EventOptions} [options] */
    drilldown(itemId, options) { return this.track('drilldown', itemId, options); }
    /** @param {string} itemId @param {EventOptions} [options] */
    filterChange(itemId, options) { return this.track('filter_change', itemId, options); }
    /** @param {string} itemId @param {EventOptions} [options] */
    export(itemId, options) { return this.track('export', itemId, options); }
    /** @param {string} itemId @param {EventOptions} [options] */
    pin(itemId, options) { return this.track('pin', itemId, options); }
    /** @param {string} itemId @param {EventOptions} [options] */
    unpin(itemId, options) { return this.track('unpin', itemId, options); }
    /** @param {string} itemId @param {EventOptions} [options] */
    hide(itemId, options) { return this.track('hide', itemId, options); }
    /** @param {string} itemId @param {EventOptions} [options] */
    unhide(itemId, options) { return this.track('unhide', itemId, options); }

    /**
     * A `dwell` event whose value is the seconds the widget was looked at.
     * @param {string} itemId
     * @param {number} seconds
     * @param {EventOptions} [options]
     */
    dwell(itemId, seconds, options = {}) {
        return this.track('dwell', itemId, { ...options, value: seconds });
    }

    /**
     * Sends what is queued now. Resolves once every batch not yet settled (these and any
     * still being retried) is sent or given to onError; never rejects.
     * @returns {Promise<void>}
     */
    flush() {
        this.#sendQueue(this.#sendMode());
        return this.#settled();
    }

    /**
     * Stops the timer, the observers and the page listeners, and sends what is left as on
     * page hide. Batches being retried go on until sent or given to onError; the promise
     * resolves then. Tracking afterwards throws.
     * @returns {Promise<void>}
     */
    close() {
        if (!this.#closed) {
            for (const unlisten of this.#unlisten) unlisten();
            this.#unlisten = [];
            for (const element of [...this.#watched.keys()]) this.#unwatch(element);
            this.#observer?.disconnect();
            this.#observer = null;
            this.#sendOnHide(!this.#hidden);
            this.#closed = true;
        }
        return this.#settled();
    }

    // MARK: Observing widgets

    /**
     * Watches a widget on screen: a `view` once per (requestId, itemId) when at least half
     * of it has been visible for a second without a break, and a `dwell` with the seconds
     * it was visible when it leaves view, the page is hidden or stop() is called. A visible
     * spell shorter than a second is a glance while scrolling past: neither view nor dwell.
     * @param {Element} element
     * @param {string} itemId
     * @param {ObserveOptions} [options]
     * @returns {() => void} stop: ends the watch.
     */
    observe(element, itemId, options = {}) {
        if (this.#closed) throw new Error('Lineup: closed; make a new Lineup to observe widgets.');
        checkedIdentifier(itemId, 'itemId');
        if (options.requestId !== undefined) checkedIdentifier(options.requestId, 'requestId');
        if (options.context !== undefined) checkedContext(options.context);
        const observer = this.#intersectionObserver();
        this.#unwatch(element);
        /** @type {Watch} */
        const watch = {
            itemId, requestId: options.requestId, context: options.context,
            onScreen: false, visibleSince: null, viewTimer: null,
        };
        this.#watched.set(element, watch);
        observer.observe(element);
        return () => {
            if (this.#watched.get(element) === watch) this.#unwatch(element);
        };
    }

    #intersectionObserver() {
        if (this.#observer === null) {
            const Observer = this.#IntersectionObserver;
            if (!Observer) throw new Error('Lineup: observe() needs IntersectionObserver, which this browser lacks.');
            this.#observer = new Observer((entries) => this.#onIntersection(entries), { threshold: [0, VIEW_RATIO] });
        }
        return this.#observer;
    }

    /** @param {IntersectionObserverEntry[]} entries */
    #onIntersection(entries) {
        for (const entry of entries) {
            const watch = this.#watched.get(entry.target);
            if (!watch) continue;
            watch.onScreen = entry.isIntersecting && entry.intersectionRatio >= VIEW_RATIO;
            if (watch.onScreen) this.#startLooking(watch);
            else this.#stopLooking(watch);
        }
    }

    /**
     * A visible spell begins, unless one is going on or nobody can see the page.
     * @param {Watch} watch
     */
    #startLooking(watch) {
        if (this.#hidden || watch.visibleSince !== null) return;
        watch.visibleSince = this.#now();
        watch.viewTimer = this.#setTimeout(() => {
            watch.viewTimer = null;
            this.#countView(watch);
        }, VIEW_MS);
    }

    /** @param {Watch} watch */
    #countView(watch) {
        const key = `${watch.requestId ?? ''}\n${watch.itemId}`;
        if (this.#viewed.has(key)) return;
        this.#viewed.add(key);
        this.track('view', watch.itemId, { requestId: watch.requestId, context: watch.context });
    }

    /**
     * A visible spell ends: its dwell, if it lasted long enough to be a look.
     * @param {Watch} watch
     */
    #stopLooking(watch) {
        if (watch.visibleSince === null) return;
        if (watch.viewTimer !== null) this.#clearTimeout(watch.viewTimer);
        const milliseconds = this.#now() - watch.visibleSince;
        watch.visibleSince = null;
        watch.viewTimer = null;
        if (milliseconds >= VIEW_MS) {
            this.dwell(watch.itemId, Math.round(milliseconds) / 1000, { requestId: watch.requestId, context: watch.context });
        }
    }

    /** @param {Element} element */
    #unwatch(element) {
        const watch = this.#watched.get(element);
        if (!watch) return;
        this.#stopLooking(watch);
        this.#watched.delete(element);
        this.#observer?.unobserve(element);
    }

    // MARK: Page visibility

    #listenToThePage() {
        const page = this.#document;
        if (!page) return;
        /** @param {EventTarget | null | undefined} target @param {string} type @param {() => void} handler */
        const listen = (target, type, handler) => {
            if (!target) return;
            target.addEventListener(type, handler);
            this.#unlisten.push(() => target.removeEventListener(type, handler));
        };
        this.#hidden = page.visibilityState === 'hidden';
        listen(page, 'visibilitychange', () => {
            if (page.visibilityState === 'hidden') this.#pageHidden(false);
            else this.#pageShown();
        });
        // pagehide catches what visibilitychange misses (some navigations, older Safari), and
        // it is the last word: the page is going away now.
        listen(page.defaultView, 'pagehide', () => this.#pageHidden(true));
        listen(page.defaultView, 'pageshow', () => {
            if (page.visibilityState !== 'hidden') this.#pageShown();
        });
    }

    /** @param {boolean} leaving pagehide: the page is being left, not only hidden. */
    #pageHidden(leaving) {
        const wasVisible = !this.#hidden;
        // Close the visible spells first, so their dwells are queued and leave with the rest.
        for (const watch of this.#watched.values()) this.#stopLooking(watch);
        this.#hidden = true;
        // Copies once per hiding, and again when leaving: a batch may have failed since.
        this.#sendOnHide(wasVisible || leaving);
    }

    #pageShown() {
        this.#hidden = false;
        for (const watch of this.#watched.values()) {
            if (watch.onScreen) this.#startLooking(watch);
        }
    }

    /**
     * The page may be gone in a moment, and its timers and ordinary requests with it. What
     * is queued leaves by beacon (or keepalive fetch with a token). Batches in flight or
     * waiting to retry get a copy sent the same way, and carry on as they were if the page
     * lives on: the server drops the ids it already has.
     * @param {boolean} copyUnsettled
     */
    #sendOnHide(copyUnsettled) {
        const unsettled = copyUnsettled ? [...this.#pending.keys()] : [];
        this.#sendQueue(this.#hideMode());
        for (const batch of unsettled) {
            for (const part of splitForKeepalive(batch.events)) this.#sendCopy(part);
        }
    }

    /** @returns {Mode} How a batch leaves now: as on page hide while the page is hidden. */
    #sendMode() {
        return this.#hidden ? this.#hideMode() : 'fetch';
    }

    /** @returns {'beacon' | 'keepalive'} A beacon cannot carry an Authorization header. */
    #hideMode() {
        return this.#token === null && this.#sendBeacon ? 'beacon' : 'keepalive';
    }

    // MARK: Sending batches

    /**
     * Moves the whole queue into batches and starts sending them.
     * @param {Mode} mode
     */
    #sendQueue(mode) {
        if (this.#flushTimer !== null) {
            this.#clearTimeout(this.#flushTimer);
            this.#flushTimer = null;
        }
        const events = this.#queue;
        this.#queue = [];
        for (let start = 0; start < events.length; start += this.#batchSize) {
            const batch = events.slice(start, start + this.#batchSize);
            const parts = mode === 'fetch' ? [batch] : splitForKeepalive(batch);
            for (const part of parts) this.#deliver(part, mode);
        }
    }

    /** @param {LineupEvent[]} events @param {Mode} firstMode */
    #deliver(events, firstMode) {
        /** @type {Batch} */
        const batch = { events, body: JSON.stringify({ events }) };
        const done = this.#attempts(batch, firstMode)
            .catch((error) => this.#giveUp(batch, new LineupError({ status: 0, detail: `Lineup failed: ${String(error)}` }), null))
            .finally(() => this.#pending.delete(batch));
        this.#pending.set(batch, done);
    }

    /**
     * Sends a batch until the server has it. 429, 5xx and network errors are retried after
     * a growing delay, with the same body, so the same event ids; anything else, or the
     * last failure, goes to onError.
     * @param {Batch} batch
     * @param {Mode} firstMode
     */
    async #attempts(batch, firstMode) {
        for (let retry = 0; ; retry += 1) {
            const outcome = await this.#send(batch, retry === 0 ? firstMode : 'fetch');
            if (outcome.error === null) return;
            if (!outcome.retryable || retry >= this.#maxRetries) {
                this.#giveUp(batch, outcome.error, outcome.retryable ? retry : null);
                return;
            }
            await this.#sleep(this.#retryDelay(retry + 1, outcome.retryAfterMs));
        }
    }

    /**
     * @param {Batch} batch
     * @param {Mode} mode
     * @returns {Promise<Outcome>}
     */
    async #send(batch, mode) {
        if (mode === 'beacon' && this.#beacon(batch.body)) return { error: null, retryable: false, retryAfterMs: null };
        let response;
        try {
            response = await this.#fetch(this.#url('/v1/events'), {
                method: 'POST', headers: this.#headers(), body: batch.body, keepalive: mode !== 'fetch',
            });
        } catch (error) {
            return { error: networkError(error), retryable: true, retryAfterMs: null };
        }
        if (response.ok) return { error: null, retryable: false, retryAfterMs: null };
        return {
            error: await errorFromAnswer(response),
            retryable: response.status === 429 || response.status >= 500,
            retryAfterMs: retryAfterMs(response.headers.get('Retry-After'), this.#now()),
        };
    }

    /**
     * True when the browser took the body; false (or a throw) means it would not.
     * @param {string} body
     */
    #beacon(body) {
        if (!this.#sendBeacon) return false;
        try {
            return this.#sendBeacon(this.#url('/v1/events'), new Blob([body], { type: 'application/json' })) === true;
        } catch {
            return false;
        }
    }

    /**
     * A last-chance copy of a batch that is still on its way; its answer does not matter.
     * @param {LineupEvent[]} events
     */
    #sendCopy(events) {
        const body = JSON.stringify({ events });
        if (this.#hideMode() === 'beacon' && this.#beacon(body)) return;
        Promise.resolve()
            .then(() => this.#fetch(this.#url('/v1/events'), { method: 'POST', headers: this.#headers(), body, keepalive: true }))
            .catch(() => {});
    }

    /**
     * Exponential backoff with "equal jitter": the n-th retry waits between half and all of
     * min(retryMaxMs, retryBaseMs · 2^(n-1)), so delays never shrink and never pass the cap,
     * and pages that failed together do not retry together. A Retry-After is a floor: the
     * server knows when it will be back.
     * @param {number} retry 1 for the first retry
     * @param {number | null} retryAfter
     */
    #retryDelay(retry, retryAfter) {
        const ceiling = Math.min(this.#retryMaxMs, this.#retryBaseMs * 2 ** (retry - 1));
        const delay = ceiling / 2 + (this.#random() * ceiling) / 2;
        return retryAfter === null ? delay : Math.max(delay, retryAfter);
    }

    /** @param {number} ms @returns {Promise<void>} */
    #sleep(ms) {
        return new Promise((resolve) => { this.#setTimeout(resolve, ms); });
    }

    /**
     * @param {Batch} batch
     * @param {LineupError} error
     * @param {number | null} retries How many retries failed, for a retryable failure.
     */
    #giveUp(batch, error, retries) {
        const detail = retries === null ? error.detail
            : `Gave up on ${batch.events.length} events after ${retries} ${retries === 1 ? 'retry' : 'retries'}: ${error.detail}`;
        const lost = new LineupError({ status: error.status, detail, field: error.field, problem: error.problem, events: batch.events });
        try {
            this.#onError(lost);
        } catch (thrown) {
            console.error(thrown); // onError's own failure must not stop the other batches.
        }
    }

    /** Resolves when the batches unsettled now are settled (later ones are not waited for). @returns {Promise<void>} */
    async #settled() {
        await Promise.all([...this.#pending.values()]);
    }

    /** @param {string} path */
    #url(path) {
        return this.#baseUrl + path;
    }

    /** @returns {Record<string, string>} */
    #headers() {
        /** @type {Record<string, string>} */
        const headers = { 'Content-Type': 'application/json', Accept: 'application/json, application/problem+json' };
        if (this.#token !== null) headers.Authorization = `Bearer ${this.#token}`;
        return headers;
    }
}

/** @typedef {'fetch' | 'keepalive' | 'beacon'} Mode How an attempt travels. */
/** @typedef {{ events: LineupEvent[], body: string }} Batch */
/** @typedef {{ error: LineupError | null, retryable: boolean, retryAfterMs: number | null }} Outcome */
/**
 * @typedef {object} Watch
 * @property {string} itemId
 * @property {string} [requestId]
 * @property {EventContext} [context]
 * @property {boolean} onScreen At least VIEW_RATIO of it, by the last report.
 * @property {number | null} visibleSince When the current visible spell began.
 * @property {unknown} viewTimer
 */

// MARK: Helpers

/** @returns {((url: string, data: Blob) => boolean) | null} */
function browserBeacon() {
    const navigator = globalThis.navigator;
    if (!navigator || typeof navigator.sendBeacon !== 'function') return null;
    return (url, data) => navigator.sendBeacon(url, data);
}

/** @param {Ranking} ranking @returns {RankAnswer} */
function rankAnswer(ranking) {
    const items = ranking.items ?? [];
    return {
        requestId: ranking.request_id,
        order: items.map((item) => item.item_id),
        items,
        layout: ranking.layout ?? null,
        ranker: ranking.ranker,
        modelVersion: ranking.model_version ?? null,
        experiment: ranking.experiment ?? null,
        variant: ranking.variant ?? null,
        response: ranking,
    };
}

/**
 * The LineupError for a non-2xx answer, from its problem+json body when it has one.
 * @param {Response} response
 */
async function errorFromAnswer(response) {
    let problem = null;
    try {
        const parsed = JSON.parse(await response.text());
        if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) problem = parsed;
    } catch {
        // Not JSON (a proxy's HTML page, say): the status has to say it.
    }
    const detail = problem?.detail ?? problem?.title ?? (`${response.status} ${response.statusText ?? ''}`.trim());
    return new LineupError({ status: response.status, detail: String(detail), field: problem?.field ?? null, problem });
}

/** @param {unknown} error */
function networkError(error) {
    const reason = error instanceof Error ? error.message : String(error);
    return new LineupError({ status: 0, detail: `Network error: Lineup could not be reached (${reason}).` });
}

/**
 * Retry-After in milliseconds from now: delay-seconds or an HTTP date; null when absent or unreadable.
 * @param {string | null} header
 * @param {number} now
 */
function retryAfterMs(header, now) {
    if (header === null || header.trim() === '') return null;
    if (/^\s*\d+\s*$/.test(header)) return Number(header) * 1000;
    const date = Date.parse(header);
    return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/**
 * Splits events so that each part's body stays under the keepalive limit. An event too
 * large alone still goes alone: the browser will refuse it and the retry path takes over.
 * @param {LineupEvent[]} events
 * @returns {LineupEvent[][]}
 */
function splitForKeepalive(events) {
    const wrapper = byteLength(JSON.stringify({ events: [] }));
    /** @type {LineupEvent[][]} */
    const parts = [];
    /** @type {LineupEvent[]} */
    let part = [];
    let size = wrapper;
    for (const event of events) {
        const eventSize = byteLength(JSON.stringify(event)) + 1; // and its comma
        if (part.length > 0 && size + eventSize > KEEPALIVE_BODY_LIMIT) {
            parts.push(part);
            part = [];
            size = wrapper;
        }
        part.push(event);
        size += eventSize;
    }
    if (part.length > 0) parts.push(part);
    return parts;
}

/** @param {string} text */
function byteLength(text) {
    return utf8.encode(text).length;
}

/**
 * A copy of `object` without its undefined and null members: the API's schemas refuse
 * unknown members and nulls alike.
 * @template {Record<string, unknown>} T
 * @param {T} object
 * @returns {T}
 */
function withoutAbsent(object) {
    /** @type {Record<string, unknown>} */
    const copy = {};
    for (const [key, value] of Object.entries(object)) {
        if (value !== undefined && value !== null) copy[key] = value;
    }
    return /** @type {T} */ (copy);
}

/**
 * @param {string} name
 * @param {unknown} value
 * @param {number} min
 * @param {number} max
 * @param {boolean} integer
 * @returns {number}
 */
function checkedNumber(name, value, min, max, integer) {
    if (typeof value !== 'number' || Number.isNaN(value) || (integer && !Number.isInteger(value)) || value < min || value > max) {
        const range = max === Infinity ? `at least ${min}` : `${min}–${max}`;
        throw new RangeError(`Lineup: ${name} must be ${integer ? 'an integer' : 'a number'}, ${range}; it is ${String(value)}.`);
    }
    return value;
}

/**
 * The event as given, or a TypeError/RangeError naming the member the server would refuse.
 * @param {Record<string, unknown>} event
 * @returns {LineupEvent}
 */
function checkedEvent(event) {
    if (!EVENT_TYPES.includes(/** @type {string} */ (event.type))) {
        throw new TypeError(`Lineup: type must be one of ${EVENT_TYPES.join(', ')}; it is ${String(event.type)}.`);
    }
    if (event.user_id === undefined) {
        throw new TypeError('Lineup: no userId: give one to the Lineup or to the call.');
    }
    checkedIdentifier(event.user_id, 'userId');
    checkedIdentifier(event.item_id, 'itemId');
    if (event.session_id !== undefined) checkedIdentifier(event.session_id, 'sessionId');
    if (event.request_id !== undefined) checkedIdentifier(event.request_id, 'requestId');
    if (event.value !== undefined && (typeof event.value !== 'number' || !Number.isFinite(event.value))) {
        throw new TypeError(`Lineup: value must be a finite number; it is ${String(event.value)}.`);
    }
    if (event.context !== undefined) checkedContext(event.context);
    return /** @type {LineupEvent} */ (event);
}

/**
 * 1–128 bytes of UTF-8 without control characters (C0, DEL, C1).
 * @param {unknown} value
 * @param {string} name
 */
function checkedIdentifier(value, name) {
    if (typeof value !== 'string' || value.length === 0) {
        throw new TypeError(`Lineup: ${name} must be a non-empty string; it is ${JSON.stringify(value)}.`);
    }
    if (byteLength(value) > MAX_ID_BYTES) {
        throw new RangeError(`Lineup: ${name} is ${byteLength(value)} bytes of UTF-8; ids are at most ${MAX_ID_BYTES}.`);
    }
    if (/[\u0000-\u001f\u007f-\u009f]/.test(value)) {
        throw new TypeError(`Lineup: ${name} must not contain control characters.`);
    }
}

/** @param {unknown} context */
function checkedContext(context) {
    if (context === null || typeof context !== 'object' || Array.isArray(context)) {
        throw new TypeError('Lineup: context must be an object of strings.');
    }
    const entries = Object.entries(context);
    if (entries.length > MAX_CONTEXT_ENTRIES) {
        throw new RangeError(`Lineup: context has ${entries.length} entries; at most ${MAX_CONTEXT_ENTRIES}.`);
    }
    for (const [key, value] of entries) {
        if (key.length === 0 || byteLength(key) > MAX_CONTEXT_KEY_BYTES) {
            throw new RangeError(`Lineup: context keys are 1–${MAX_CONTEXT_KEY_BYTES} bytes; '${key}' is not.`);
        }
        if (typeof value !== 'string') {
            throw new TypeError(`Lineup: context.${key} must be a string; it is ${JSON.stringify(value)}.`);
        }
        if (byteLength(value) > MAX_CONTEXT_VALUE_BYTES || (key === 'device' && [...value].length > MAX_DEVICE_LENGTH)) {
            throw new RangeError(`Lineup: context.${key} is too long (device: ${MAX_DEVICE_LENGTH} characters, others: ${MAX_CONTEXT_VALUE_BYTES} bytes).`);
        }
    }
}
