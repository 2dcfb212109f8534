// Types of lineup.js, written by hand beside it: change both together.

export type EventType =
    | 'view' | 'open' | 'click' | 'drilldown' | 'filter_change' | 'export'
    | 'dwell' | 'pin' | 'unpin' | 'hide' | 'unhide';

/** Where an event or a request happened: `device` (desktop, mobile, tablet or your own class) and any other string. */
export type EventContext = { [key: string]: string };

/** One event as openapi.yaml's `Event` schema has it; optional members are left out, never null. */
export type LineupEvent = {
    event_id: string;
    user_id: string;
    session_id?: string;
    item_id: string;
    type: EventType;
    value?: number;
    /** RFC 3339 in UTC with milliseconds. */
    timestamp: string;
    request_id?: string;
    context?: EventContext;
};

/** RFC 9457 problem details, as Lineup answers a refused request. */
export type Problem = {
    type: string;
    title: string;
    status: number;
    detail?: string;
    instance?: string;
    field?: string;
};

export type LayoutChoice = {
    arm: string;
    name: string;
    params: { [key: string]: unknown };
    propensity: number;
};

export type RankedItem = {
    item_id: string;
    position: number;
    score: number;
    retrieval_score: number;
    pinned: boolean;
    contributions?: { feature: string; value: number }[];
    reason?: string;
};

/** The body of a 200 answer to POST /v1/rank. */
export type Ranking = {
    request_id: string;
    ranker: 'two_stage' | 'fallback' | 'popularity';
    model_version?: string;
    items: RankedItem[];
    layout?: LayoutChoice;
    experiment?: string;
    variant?: string;
};

/** What rank() resolves to. */
export type RankAnswer = {
    requestId: string;
    /** The item ids, first first. */
    order: string[];
    /** The API's RankedItem objects as received. */
    items: RankedItem[];
    layout: LayoutChoice | null;
    ranker: string;
    modelVersion: string | null;
    experiment: string | null;
    variant: string | null;
    /** The raw JSON answer. */
    response: Ranking;
};

export type RankOptions = {
    surface: string;
    k?: number;
    candidates?: string[];
    context?: EventContext;
    explain?: boolean;
    /** Instead of the Lineup's userId. */
    userId?: string;
};

export type EventOptions = {
    /** The `requestId` of the rank() answer this event reacts to. */
    requestId?: string;
    value?: number;
    context?: EventContext;
    /** Instead of the Lineup's sessionId. */
    sessionId?: string;
    /** Instead of the Lineup's userId. */
    userId?: string;
};

export type ObserveOptions = {
    requestId?: string;
    context?: EventContext;
};

export type LineupOptions = {
    /** Where Lineup answers; '' (the default) is this page's origin. */
    baseUrl?: string;
    /** A bearer token (client scope), or null for none. */
    token?: string | null;
    /** The user of rank() and of events, unless a call names another. */
    userId?: string | null;
    /** The session_id of events, unless a call names another. */
    sessionId?: string | null;
    /** Events per POST, 1–1000 (default 20). */
    batchSize?: number;
    /** Longest wait between tracking an event and sending it (default 1000). */
    flushIntervalMs?: number;
    /** Retries of a batch before it goes to onError (default 8). */
    maxRetries?: number;
    /** First retry's delay ceiling (default 250); it doubles each retry. */
    retryBaseMs?: number;
    /** Cap of a retry's delay (default 30000), except that Retry-After is obeyed. */
    retryMaxMs?: number;
    /** Gets each batch that will not be sent (default: console.error). */
    onError?: (error: LineupError) => void;
    fetch?: (input: string, init: RequestInit) => Promise<Response>;
    /** null: use fetch with keepalive instead. */
    sendBeacon?: ((url: string, data: Blob) => boolean) | null;
    /** Milliseconds since 1970. */
    now?: () => number;
    /** A number in [0, 1), like Math.random. */
    random?: () => number;
    setTimeout?: (callback: () => void, ms: number) => unknown;
    clearTimeout?: (id: any) => void;
    /** Whose visibility decides when to send by beacon. */
    document?: Document | null;
    IntersectionObserver?: typeof IntersectionObserver | null;
};

/** A refused or failed request: rank() rejects with one, onError gets one per lost batch. */
export class LineupError extends Error {
    constructor(init: {
        status: number;
        detail: string;
        field?: string | null;
        problem?: Problem | null;
        events?: LineupEvent[] | null;
    });
    /** The HTTP status, or 0 when no answer came (network error). */
    status: number;
    /** What went wrong, in words. */
    detail: string;
    /** The request field at fault, as the problem names it. */
    field: string | null;
    /** The problem+json body, when there was one. */
    problem: Problem | null;
    /** For a batch of events: the events that were not sent. */
    events: LineupEvent[] | null;
}

/** A new UUIDv7 by the system clock; successive ids from this module increase strictly. */
export function uuidv7(): string;

/** A UUIDv7 maker of its own, on the given clock and random source (tests use fakes). */
export function uuidv7Generator(options?: { now?: () => number; random?: () => number }): () => string;

/** The client of one Lineup server, for one page. */
export class Lineup {
    constructor(options?: LineupOptions);
    /**
     * Asks Lineup for the order of a surface's widgets. Rejects with a LineupError built
     * from the problem+json answer, or with status 0 when Lineup could not be reached.
     */
    rank(options: RankOptions): Promise<RankAnswer>;
    /**
     * Queues one event and returns its event_id; throws at once for an event the server would
     * refuse. While the page is hidden, the event leaves at once, as on page hide.
     */
    track(type: EventType, itemId: string, options?: EventOptions): string;
    view(itemId: string, options?: EventOptions): string;
    open(itemId: string, options?: EventOptions): string;
    click(itemId: string, options?: EventOptions): string;
    drilldown(itemId: string, options?: EventOptions): string;
    filterChange(itemId: string, options?: EventOptions): string;
    export(itemId: string, options?: EventOptions): string;
    pin(itemId: string, options?: EventOptions): string;
    unpin(itemId: string, options?: EventOptions): string;
    hide(itemId: string, options?: EventOptions): string;
    unhide(itemId: string, options?: EventOptions): string;
    /** A `dwell` event whose value is the seconds the widget was looked at. */
    dwell(itemId: string, seconds: number, options?: EventOptions): string;
    /**
     * Sends what is queued now. Resolves once every batch not yet settled is sent or given
     * to onError; never rejects.
     */
    flush(): Promise<void>;
    /**
     * Stops the timer, the observers and the page listeners, and sends what is left as on
     * page hide. Resolves when every batch is sent or given to onError. Tracking afterwards throws.
     */
    close(): Promise<void>;
    /**
     * A `view` once per (requestId, itemId) when at least half of the element has been
     * visible for a second without a break; a `dwell` with the visible seconds when it
     * leaves view, the page is hidden or stop() is called (spells under a second count for
     * neither). Returns stop.
     */
    observe(element: Element, itemId: string, options?: ObserveOptions): () => void;
    #private;
}
