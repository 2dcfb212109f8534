// The demo dashboard: asks Lineup in what order and which layout to show one demo user's
// widgets, draws them, and sends back what the person does with them (through lineup.js),
// so the next answer shows what Lineup learnt.
//
// The page runs under a strict Content-Security-Policy (no inline script or style, same
// origin only), so everything here is built with DOM APIs and styled by classes.

import { Lineup, LineupError } from '/sdk/lineup.js';
import { drawWidgetChart, svgElement } from '/demo/widget-charts.js';

/** The dashboard surface the demo world gives layouts to. */
const SURFACE = 'home';
/** How many widgets the dashboard shows. */
const WIDGET_COUNT = 12;
/** sessionStorage key of the bearer token: it lives as long as the tab, and never in the URL. */
const TOKEN_KEY = 'lineup.demo.token';
/** The demo world has 2,000 users; one page of the listing is plenty to pick from. */
const USER_PAGE = 1000;
/** The demo catalog is 300 widgets: one page holds them all. */
const ITEM_PAGE = 1000;
/** Layout columns the stylesheet has rules for; wider asks get the widest. */
const MAX_COLUMNS = 6;

/**
 * @typedef {{id: string, role?: string, team?: string}} User
 * @typedef {{id: string, title: string, description?: string, type: string, tags?: string[],
 *            attributes?: Record<string, unknown>}} Item
 * @typedef {{feature: string, value: number}} Contribution
 * @typedef {{item_id: string, position: number, score: number, retrieval_score: number,
 *            pinned: boolean, contributions?: Contribution[], reason?: string}} RankedItem
 * @typedef {{arm: string, name: string, params: Record<string, unknown>, propensity: number}} LayoutChoice
 * @typedef {{requestId: string, order: string[], items: RankedItem[], layout: LayoutChoice | null,
 *            ranker: string, modelVersion?: string | null, experiment?: string | null,
 *            variant?: string | null}} Answer
 * @typedef {'pin' | 'unpin' | 'hide' | 'open' | 'drilldown'} EventAction
 */

const elements = {
  settings: /** @type {HTMLFormElement} */ (document.getElementById('settings')),
  user: /** @type {HTMLSelectElement} */ (document.getElementById('user')),
  userInfo: /** @type {HTMLElement} */ (document.getElementById('user-info')),
  token: /** @type {HTMLInputElement} */ (document.getElementById('token')),
  rerank: /** @type {HTMLButtonElement} */ (document.getElementById('rerank')),
  problem: /** @type {HTMLElement} */ (document.getElementById('problem')),
  served: /** @type {HTMLElement} */ (document.getElementById('served')),
  status: /** @type {HTMLElement} */ (document.getElementById('status')),
  boardTitle: /** @type {HTMLElement} */ (document.getElementById('board-title')),
  widgets: /** @type {HTMLElement} */ (document.getElementById('widgets')),
};

const state = {
  /** @type {Lineup | null} */ lineup: null,
  /** The token the client and listings use now. @type {string | null} */ token: null,
  /** @type {Map<string, User>} */ users: new Map(),
  /** @type {Map<string, Item>} */ items: new Map(),
  /** @type {Answer | null} */ answer: null,
  /** Stops the view/dwell observers of the cards on screen. @type {Array<() => void>} */ observers: [],
  /** Counts rank calls, so an answer overtaken by a later call is dropped. */ rankCalls: 0,
  /** Counts event batches lineup.js gave up on (its onError calls). */ eventFailures: 0,
  /** What failed, by source, shown together in #problem. @type {Map<string, string>} */ problems: new Map(),
  /** Widgets whose "why" panel is open, kept open across re-renders. @type {Set<string>} */ whyOpen: new Set(),
};

// ---------------------------------------------------------------------------------------
// Errors

/**
 * Thrown by the page's own fetches, shaped like LineupError so one function describes both.
 */
class PageError extends Error {
  /**
   * @param {number} status 0 when the server could not be reached
   * @param {string} detail
   * @param {unknown} [problem] the problem+json body
   */
  constructor(status, detail, problem) {
    super(detail);
    this.status = status;
    this.detail = detail;
    this.problem = problem;
  }
}

const UNREACHABLE = 'The Lineup server cannot be reached. Check that it is running, then try again.';

/**
 * Did the request get no answer at all (server down, connection refused, offline)?
 * lineup.js's LineupError and this page's PageError both say so with status 0.
 * @param {unknown} error
 */
function isUnreachable(error) {
  return /** @type {{status?: number}} */ (error)?.status === 0;
}

/**
 * The sentence to show for a failed call: the problem's `detail` when the server sent one,
 * a plain "cannot be reached" when the request never got an answer.
 * @param {unknown} error
 * @returns {string}
 */
function describeError(error) {
  if (isUnreachable(error)) return UNREACHABLE;
  const e = /** @type {{status?: number, detail?: string, field?: string, message?: string,
    problem?: {detail?: string, title?: string, field?: string}}} */ (error ?? {});
  const detail = e.detail || e.problem?.detail || e.problem?.title;
  // A detail such as "is 200 bytes long" is the predicate of the field the problem names.
  const field = e.field ?? e.problem?.field;
  if (detail) return field && /^[a-z]/.test(detail) ? `${field} ${detail}` : detail;
  if (e.status) return `Lineup answered HTTP ${e.status}.`;
  return e.message || String(error);
}

/**
 * Shows (or, with a null error, clears) the problem of one source. Sources are kept apart
 * so a successful rank does not wipe, say, a failure to list the users.
 * @param {string} source what was being done ("Ranking", "Listing the users", …)
 * @param {unknown} error
 */
function setProblem(source, error) {
  if (error == null) {
    state.problems.delete(source);
  } else {
    state.problems.set(source, describeError(error));
    if (!(error instanceof LineupError) && !(error instanceof PageError)) {
      console.error(error); // a bug of the page: keep the stack for whoever debugs it
    }
  }
  const paragraphs = [...state.problems].map(([what, detail]) => {
    const paragraph = document.createElement('p');
    const strong = document.createElement('strong');
    strong.textContent = `${what} failed: `;
    paragraph.append(strong, detail);
    return paragraph;
  });
  elements.problem.replaceChildren(...paragraphs);
}

/** Something got through: whatever failed only for want of a connection is no longer true. */
function clearUnreachable() {
  for (const [source, message] of state.problems) {
    if (message === UNREACHABLE) setProblem(source, null);
  }
}

/** @param {string} text */
function setStatus(text) {
  elements.status.textContent = text;
}

// ---------------------------------------------------------------------------------------
// Talking to Lineup

/** @returns {string | null} */
function readToken() {
  try {
    return sessionStorage.getItem(TOKEN_KEY) || null;
  } catch {
    return null; // storage disabled: the field still works for this page's life
  }
}

/** @param {string} token */
function saveToken(token) {
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // storage disabled: nothing to keep it in
  }
}

/** @returns {string | null} */
function currentToken() {
  return elements.token.value.trim() || null;
}

/**
 * GETs one of the listings lineup.js does not cover (users, items), with the same token.
 * @param {string} path
 * @returns {Promise<any>}
 */
async function getJSON(path) {
  /** @type {Record<string, string>} */
  const headers = { accept: 'application/json' };
  const token = currentToken();
  if (token) headers.authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(path, { headers });
  } catch {
    throw new PageError(0, 'The Lineup server cannot be reached.');
  }
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    throw new PageError(response.status, body?.detail || body?.title || `HTTP ${response.status}`, body);
  }
  return body;
}

/**
 * A Lineup client for the chosen user and token; the previous one sends what it still
 * holds and stops.
 * @param {string} userId
 */
function connect(userId) {
  stopObservers(); // their events belong to the old client: let it send them on close
  state.lineup?.close();
  state.lineup = new Lineup({
    baseUrl: '',
    token: currentToken(),
    userId,
    // Events sent in the background (views, dwell) fail here, not at a call of ours.
    onError: (error) => {
      state.eventFailures++;
      setProblem('Sending events', error);
    },
  });
}

/**
 * Asks Lineup for the dashboard and draws it; an answer overtaken by a later request is
 * dropped, so a quick change of user cannot show the previous user's widgets. (#rerank
 * stays enabled meanwhile: disabling it would throw its keyboard focus away.)
 * @param {{focus?: {itemId: string, action: EventAction, index: number}, done?: string}} [options]
 *   focus: the control to give focus back to; done: the status line once drawn
 */
async function rank(options = {}) {
  const lineup = state.lineup;
  if (!lineup) return;
  const call = ++state.rankCalls;
  elements.widgets.setAttribute('aria-busy', 'true');
  setStatus('Ranking…');
  try {
    const answer = /** @type {Answer} */ (await lineup.rank({ surface: SURFACE, k: WIDGET_COUNT, explain: true }));
    if (call !== state.rankCalls) return;
    setProblem('Ranking', null);
    clearUnreachable();
    state.answer = answer;
    render(answer);
    setStatus(options.done ?? `${answer.order.length} widgets, ranked by ${answer.ranker}.`);
    if (options.focus) restoreFocus(options.focus);
  } catch (error) {
    if (call !== state.rankCalls) return;
    setProblem('Ranking', error);
    setStatus('');
  } finally {
    if (call === state.rankCalls) elements.widgets.setAttribute('aria-busy', 'false');
  }
}

/**
 * Sends one event for a widget with the answer's request id, and waits until it is stored:
 * pin, unpin and hide then rank again, so the dashboard shows their effect at once.
 * @param {EventAction} action
 * @param {string} itemId
 * @param {HTMLElement} card
 */
async function act(action, itemId, card) {
  const lineup = state.lineup;
  const answer = state.answer;
  if (!lineup || !answer) return;
  const title = itemTitle(itemId);
  const index = [...elements.widgets.children].indexOf(card);
  setCardBusy(card, true);
  const sent = await sendNow(lineup, () => lineup[action](itemId, { requestId: answer.requestId }), title);
  if (!sent) {
    setCardBusy(card, false);
    return;
  }
  const done = ACTION_DONE[action](title);
  setStatus(done);
  if (action === 'pin' || action === 'unpin' || action === 'hide') {
    await rank({ focus: { itemId, action, index }, done });
    // A failed rank leaves the old cards up: make this one usable again.
    if (card.isConnected) setCardBusy(card, false);
  } else {
    setCardBusy(card, false);
  }
}

/**
 * Tracks an event and flushes. lineup.js's flush() resolves once the batch is stored or
 * given up on, and reports the latter to onError rather than by rejecting; so success is
 * "no new failure reached onError meanwhile". A batch it retries (server unreachable) can
 * take a while: the status line says so instead of looking stuck.
 * @param {Lineup} lineup
 * @param {() => void} track queues the event (throws for an event the server would refuse)
 * @param {string} title the widget's, for the status line
 * @returns {Promise<boolean>} whether the event is stored
 */
async function sendNow(lineup, track, title) {
  const failuresBefore = state.eventFailures;
  const slow = setTimeout(() => setStatus(`Still sending the event for “${title}”: Lineup has not answered yet, lineup.js keeps trying.`), 3000);
  try {
    track();
    await lineup.flush();
  } catch (error) {
    setProblem('Sending events', error);
    return false;
  } finally {
    clearTimeout(slow);
  }
  if (state.eventFailures !== failuresBefore) {
    setStatus('');
    return false; // onError has shown what failed
  }
  setProblem('Sending events', null);
  clearUnreachable();
  return true;
}

/** What the status line says once an event is stored. @type {Record<EventAction, (title: string) => string>} */
const ACTION_DONE = {
  pin: (title) => `Pinned “${title}”: it now comes first.`,
  unpin: (title) => `Unpinned “${title}”.`,
  hide: (title) => `Hid “${title}”: Lineup will not show it again.`,
  open: (title) => `Opened “${title}”: the event is stored and counts as engagement.`,
  drilldown: (title) => `Drilled into “${title}”: the event is stored and counts as engagement.`,
};

/**
 * Marks a card's event buttons unavailable while its event is on the way. aria-disabled,
 * not disabled: a disabled button drops the keyboard focus, and the click handler ignores
 * a busy card's buttons anyway.
 * @param {HTMLElement} card
 * @param {boolean} busy
 */
function setCardBusy(card, busy) {
  card.setAttribute('aria-busy', String(busy));
  for (const button of card.querySelectorAll('button[data-action]:not([data-action="why"])')) {
    if (busy) button.setAttribute('aria-disabled', 'true');
    else button.removeAttribute('aria-disabled');
  }
}

/**
 * Keyboard users keep their place after a re-render: the toggled button of the same
 * widget, or, for a widget that went away, the widget now in its place.
 * @param {{itemId: string, action: EventAction, index: number}} focus
 */
function restoreFocus({ itemId, action, index }) {
  const card = findCard(itemId);
  const opposite = { pin: 'unpin', unpin: 'pin' }[action];
  if (card && opposite) {
    /** @type {HTMLElement | null} */ (card.querySelector(`button[data-action="${opposite}"]`))?.focus();
    return;
  }
  const cards = elements.widgets.children;
  const next = /** @type {HTMLElement | undefined} */ (cards[Math.min(index, cards.length - 1)]);
  const button = /** @type {HTMLElement | null | undefined} */ (next?.querySelector('button[data-action]'));
  (button ?? elements.boardTitle).focus();
}

/**
 * @param {string} itemId
 * @returns {HTMLElement | null}
 */
function findCard(itemId) {
  for (const card of elements.widgets.children) {
    if (/** @type {HTMLElement} */ (card).dataset.itemId === itemId) return /** @type {HTMLElement} */ (card);
  }
  return null;
}

function stopObservers() {
  for (const stop of state.observers) stop();
  state.observers = [];
}

// ---------------------------------------------------------------------------------------
// Users and items

/**
 * Fills the user picker from the first page of profiles. A user named in the URL but not
 * on that page (or when the listing failed) is still offered, by id: ranking needs no profile.
 * @param {string | null} wanted the `?user=` of the URL
 * @returns {Promise<string | null>} the user to show
 */
async function loadUsers(wanted) {
  try {
    const page = await getJSON(`/v1/users?limit=${USER_PAGE}`);
    state.users = new Map(page.users.map((/** @type {User} */ user) => [user.id, user]));
    setProblem('Listing the users', null);
  } catch (error) {
    state.users = new Map();
    setProblem('Listing the users', error);
  }
  const ids = [...state.users.keys()];
  if (wanted && !state.users.has(wanted)) {
    ids.unshift(wanted);
    await loadOneUser(wanted);
  }
  elements.user.replaceChildren(...ids.map((id) => new Option(userLabel(id), id)));
  elements.user.disabled = ids.length === 0;
  const chosen = wanted ?? ids[0] ?? null;
  if (chosen) elements.user.value = chosen;
  return chosen;
}

/**
 * The profile of a user beyond the first page (a link to `?user=u-01500`), for its role
 * and team. Quietly nothing when there is none: Lineup ranks users without profiles.
 * @param {string} id
 */
async function loadOneUser(id) {
  try {
    state.users.set(id, await getJSON(`/v1/users/${encodeURIComponent(id)}`));
  } catch {
    // No profile (404), or the listing's own failure already shows in #problem.
  }
}

/**
 * Reads the catalog, for the widgets' titles and types (rank answers carry ids only).
 * Without it the cards still show, titled by id.
 */
async function loadItems() {
  try {
    const page = await getJSON(`/v1/items?limit=${ITEM_PAGE}`);
    state.items = new Map(page.items.map((/** @type {Item} */ item) => [item.id, item]));
    setProblem('Reading the widget catalog', null);
  } catch (error) {
    setProblem('Reading the widget catalog', error);
  }
}

/**
 * @param {string | undefined} role
 * @returns {string} `product_manager` → `product manager`
 */
function humanize(role) {
  return (role ?? '').replaceAll('_', ' ');
}

/** @param {string} id */
function userLabel(id) {
  const user = state.users.get(id);
  if (!user) return id;
  const about = [humanize(user.role), user.team].filter(Boolean).join(', ');
  return about ? `${id} — ${about}` : id;
}

/** @param {string} id */
function showUserInfo(id) {
  const user = state.users.get(id);
  elements.userInfo.replaceChildren();
  if (!user) {
    elements.userInfo.textContent = 'No profile loaded for this user.';
    return;
  }
  elements.userInfo.append(...infoPair('Role', humanize(user.role) || 'none'), ' ', ...infoPair('Team', user.team || 'none'));
}

/**
 * @param {string} label
 * @param {string} value
 * @returns {Node[]}
 */
function infoPair(label, value) {
  const name = document.createElement('span');
  name.className = 'user-info-label';
  name.textContent = `${label} `;
  const strong = document.createElement('strong');
  strong.dataset.field = label.toLowerCase();
  strong.textContent = value;
  return [name, strong];
}

/** @param {string} itemId */
function itemTitle(itemId) {
  return state.items.get(itemId)?.title ?? itemId;
}

/**
 * Puts the chosen user in the URL, so a reload (or a shared link) shows the same person.
 * @param {string} id
 */
function rememberUser(id) {
  const url = new URL(location.href);
  url.searchParams.set('user', id);
  history.replaceState(null, '', url);
}

// ---------------------------------------------------------------------------------------
// Rendering the answer

/** @param {Answer} answer */
function render(answer) {
  stopObservers();
  applyLayout(answer.layout);
  renderServed(answer);
  const cards = answer.items.map((ranked) => buildCard(ranked, answer));
  elements.widgets.replaceChildren(...cards);
  if (cards.length === 0) elements.widgets.append(emptyNote());
  // Observe once the cards are in the document: lineup.js measures what is on screen.
  for (const card of cards) {
    const itemId = /** @type {string} */ (card.dataset.itemId);
    const stop = state.lineup?.observe(card, itemId, { requestId: answer.requestId });
    if (typeof stop === 'function') state.observers.push(stop);
  }
}

function emptyNote() {
  const note = document.createElement('p');
  note.className = 'empty';
  note.textContent = 'Lineup has no widgets to show this user: every candidate is hidden or inactive.';
  return note;
}

/**
 * The bandit's layout on #widgets: its arm and columns as data attributes, one column as
 * a list, compact density as tighter cards. The stylesheet does the rest (and stacks the
 * cards in one column on a phone, whatever the layout).
 * @param {LayoutChoice | null} layout
 */
function applyLayout(layout) {
  const widgets = elements.widgets;
  const columns = layoutColumns(layout);
  widgets.dataset.layout = layout?.arm ?? 'none';
  widgets.dataset.columns = String(columns);
  widgets.classList.toggle('layout-list', columns === 1);
  widgets.classList.toggle('layout-grid', columns !== 1);
  widgets.classList.toggle('density-compact', layout?.params?.density === 'compact');
  // The stylesheet has a rule per column count up to MAX_COLUMNS.
  widgets.dataset.gridColumns = String(Math.min(columns, MAX_COLUMNS));
}

/**
 * @param {LayoutChoice | null} layout
 * @returns {number} the layout's columns; 3 when it says none (or no layout was chosen)
 */
function layoutColumns(layout) {
  const columns = Math.floor(Number(layout?.params?.columns));
  return Number.isFinite(columns) && columns >= 1 ? columns : 3;
}

/**
 * Fills #served: each field's text for people, and its raw value in data-value for
 * scripts (the layout's arm, the propensity as a number; empty when absent).
 * @param {Answer} answer
 */
function renderServed(answer) {
  const layout = answer.layout;
  const propensity = layout && Number.isFinite(layout.propensity) ? layout.propensity : null;
  /** @type {Record<string, [string, string]>} field → [text, value] */
  const fields = {
    ranker: [answer.ranker, answer.ranker],
    model: [answer.modelVersion || 'none', answer.modelVersion || ''],
    layout: [layout ? (layout.name && layout.name !== layout.arm ? `${layout.arm} · ${layout.name}` : layout.arm) : 'none', layout?.arm ?? ''],
    propensity: [propensity === null ? 'none' : formatPercent(propensity), propensity === null ? '' : String(propensity)],
    experiment: [answer.experiment || 'none', answer.experiment || ''],
    variant: [answer.variant || 'none', answer.variant || ''],
    request: [answer.requestId, answer.requestId],
  };
  for (const [field, [text, value]] of Object.entries(fields)) {
    const element = /** @type {HTMLElement | null} */ (elements.served.querySelector(`[data-field="${field}"]`));
    if (!element) continue;
    element.textContent = text;
    element.dataset.value = value;
  }
}

/**
 * @param {number} share 0…1
 * @returns {string} `24.6%`
 */
function formatPercent(share) {
  const percent = share * 100;
  return `${percent >= 10 || percent === 0 ? percent.toFixed(1).replace(/\.0$/, '') : percent.toPrecision(2)}%`;
}

const TYPE_NAMES = /** @type {Record<string, string>} */ ({
  kpi: 'KPI', chart: 'Chart', table: 'Table', map: 'Map', text: 'Notes',
  heatmap: 'Heatmap', funnel: 'Funnel', gauge: 'Gauge',
});

/**
 * One widget: title, type, a synthetic chart, the actions, and the "why" panel.
 * @param {RankedItem} ranked
 * @param {Answer} answer
 * @returns {HTMLElement}
 */
function buildCard(ranked, answer) {
  const item = state.items.get(ranked.item_id) ?? { id: ranked.item_id, title: ranked.item_id, type: 'unknown' };
  const card = document.createElement('article');
  card.className = 'card';
  card.dataset.itemId = ranked.item_id;
  card.dataset.type = item.type;
  if (ranked.pinned) card.dataset.pinned = 'true';
  const titleId = `title-${cssSafe(ranked.item_id)}`;
  card.setAttribute('aria-labelledby', titleId);

  const why = buildWhy(ranked, answer);
  card.append(buildCardHead(ranked, item, titleId), drawWidgetChart(item), buildActions(ranked, item, why.id), why);
  if (state.whyOpen.has(ranked.item_id)) setWhyOpen(card, true);
  return card;
}

/**
 * @param {RankedItem} ranked
 * @param {Item} item
 * @param {string} titleId
 */
function buildCardHead(ranked, item, titleId) {
  const head = document.createElement('header');
  head.className = 'card-head';

  const position = document.createElement('span');
  position.className = 'card-position';
  const positionWord = document.createElement('span');
  positionWord.className = 'visually-hidden';
  positionWord.textContent = 'Position ';
  position.append(positionWord, String(ranked.position));

  const title = document.createElement('h3');
  title.className = 'card-title';
  title.id = titleId;
  title.textContent = item.title;

  const meta = document.createElement('p');
  meta.className = 'card-meta';
  const type = document.createElement('span');
  type.className = 'ui-badge card-type';
  type.textContent = TYPE_NAMES[item.type] ?? item.type;
  meta.append(type);
  if (ranked.pinned) {
    const pinned = document.createElement('span');
    pinned.className = 'ui-badge ui-badge-accent card-pinned';
    pinned.textContent = 'Pinned';
    meta.append(pinned);
  }
  const domain = item.attributes?.domain;
  if (typeof domain === 'string' && domain) {
    const where = document.createElement('span');
    where.className = 'card-domain';
    where.textContent = domainLabel(domain);
    meta.append(where);
  }

  const text = document.createElement('div');
  text.className = 'card-heading';
  text.append(title, meta);
  head.append(position, text);
  return head;
}

/**
 * @param {string} domain `operations`, `hr`
 * @returns {string} `Operations`, `HR`: short ones are acronyms
 */
function domainLabel(domain) {
  return domain.length <= 2 ? domain.toUpperCase() : domain.charAt(0).toUpperCase() + domain.slice(1);
}

/**
 * The card's actions, each a real button whose accessible name ends with the widget's
 * title (hidden visually), so "Pin" on twelve cards reads as twelve different buttons.
 * @param {RankedItem} ranked
 * @param {Item} item
 * @param {string} whyId the id of the card's "why" panel, which the "Why this?" button controls
 */
function buildActions(ranked, item, whyId) {
  const footer = document.createElement('footer');
  footer.className = 'card-foot';

  const engage = document.createElement('div');
  engage.className = 'card-actions';
  engage.append(
    actionButton('open', 'Open', item.title),
    actionButton('drilldown', 'Drill down', item.title),
  );

  const control = document.createElement('div');
  control.className = 'card-actions card-actions-end';
  const whyButton = actionButton('why', 'Why this?', item.title);
  whyButton.setAttribute('aria-expanded', 'false');
  whyButton.setAttribute('aria-controls', whyId);
  control.append(
    ranked.pinned ? actionButton('unpin', 'Unpin', item.title) : actionButton('pin', 'Pin', item.title),
    actionButton('hide', 'Not interested', item.title),
    whyButton,
  );

  footer.append(engage, control);
  return footer;
}

/**
 * @param {string} action the button's data-action
 * @param {string} label what it shows
 * @param {string} title the widget's title, appended for screen readers
 */
function actionButton(action, label, title) {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'ui-button-small card-button';
  if (action !== 'open') button.classList.add('ui-button-quiet');
  button.dataset.action = action;
  const hidden = document.createElement('span');
  hidden.className = 'visually-hidden';
  hidden.textContent = label.endsWith('?') ? ` ${title}` : `: ${title}`;
  button.append(label, hidden);
  return button;
}

/**
 * The "Why this?" panel: the answer's reason sentence and the features that moved the
 * score most. Answers from the fallback or popularity rankers have no reason; say why.
 * @param {RankedItem} ranked
 * @param {Answer} answer
 */
function buildWhy(ranked, answer) {
  const why = document.createElement('div');
  why.className = 'why';
  why.id = `why-${cssSafe(ranked.item_id)}`;
  why.hidden = true;

  const reason = document.createElement('p');
  reason.className = 'why-reason';
  reason.textContent = ranked.reason || noReason(answer.ranker);
  if (!ranked.reason) reason.classList.add('why-none');
  why.append(reason);

  const contributions = ranked.contributions ?? [];
  if (contributions.length > 0) {
    const caption = document.createElement('p');
    caption.className = 'why-caption';
    caption.textContent = 'What moved its score most:';
    const list = document.createElement('ul');
    list.className = 'why-contributions';
    const largest = Math.max(...contributions.map((c) => Math.abs(c.value)), 1e-9);
    for (const contribution of contributions) list.append(contributionRow(contribution, largest));
    why.append(caption, list);
  }

  const score = document.createElement('p');
  score.className = 'why-score';
  score.textContent = `Score ${formatNumber(ranked.score)} · retrieval ${formatNumber(ranked.retrieval_score)}${ranked.pinned ? ' · first because you pinned it' : ''}`;
  why.append(score);
  return why;
}

/**
 * @param {string} ranker
 * @returns {string} why there is no reason, in words
 */
function noReason(ranker) {
  if (ranker === 'fallback') {
    return 'No reason given: no model is active, so the fallback ranker ordered these widgets by retrieval score blended with popularity, which it does not explain.';
  }
  if (ranker === 'popularity') {
    return 'No reason given: this user opted out of personalisation, so the widgets are ordered by popularity alone.';
  }
  return 'Lineup gave no reason for this widget.';
}

/**
 * One feature's contribution: its name, its signed value, and a bar sized against the largest.
 * @param {Contribution} contribution
 * @param {number} largest
 */
function contributionRow(contribution, largest) {
  const row = document.createElement('li');
  row.className = contribution.value >= 0 ? 'up' : 'down';
  const name = document.createElement('code');
  name.className = 'why-feature';
  name.textContent = contribution.feature;
  const value = document.createElement('span');
  value.className = 'why-value';
  value.textContent = signed(contribution.value);
  row.append(name, value, bar(Math.abs(contribution.value) / largest));
  return row;
}

/**
 * A bar for a 0…1 share, drawn in SVG (a width through CSS would need an inline style).
 * @param {number} share
 */
function bar(share) {
  const svg = svgElement('svg', { class: 'why-bar', viewBox: '0 0 100 6', preserveAspectRatio: 'none', 'aria-hidden': 'true', focusable: 'false' });
  svg.append(
    svgElement('rect', { class: 'why-bar-track', x: 0, y: 0, width: 100, height: 6, rx: 3 }),
    svgElement('rect', { class: 'why-bar-fill', x: 0, y: 0, width: Math.max(2, share * 100).toFixed(1), height: 6, rx: 3 }),
  );
  return svg;
}

/** @param {number} value */
function signed(value) {
  const text = Math.abs(value).toFixed(2);
  return value >= 0 ? `+${text}` : `−${text}`;
}

/** @param {number} value */
function formatNumber(value) {
  return Number.isFinite(value) ? value.toFixed(3) : '–';
}

/**
 * Item ids become parts of element ids; keep them to characters any selector accepts.
 * @param {string} text
 */
function cssSafe(text) {
  return text.replace(/[^A-Za-z0-9_-]/g, (c) => `_${c.codePointAt(0)?.toString(16)}`);
}

// ---------------------------------------------------------------------------------------
// Wiring

/** Clicks on any card's buttons, handled once for the whole board. */
function onWidgetClick(/** @type {MouseEvent} */ event) {
  const button = /** @type {HTMLElement | null} */ (/** @type {Element} */ (event.target).closest('button[data-action]'));
  const card = /** @type {HTMLElement | null} */ (button?.closest('article.card'));
  if (!button || !card) return;
  const action = button.dataset.action;
  const itemId = /** @type {string} */ (card.dataset.itemId);
  if (action === 'why') {
    toggleWhy(button, card);
    return;
  }
  // One event at a time per card: a click while the last one is on its way is dropped.
  if (card.getAttribute('aria-busy') === 'true') return;
  if (action === 'pin' || action === 'unpin' || action === 'hide' || action === 'open' || action === 'drilldown') {
    act(action, itemId, card);
  }
}

/**
 * @param {HTMLElement} button
 * @param {HTMLElement} card
 */
function toggleWhy(button, card) {
  const open = button.getAttribute('aria-expanded') !== 'true';
  const itemId = /** @type {string} */ (card.dataset.itemId);
  if (open) state.whyOpen.add(itemId);
  else state.whyOpen.delete(itemId);
  setWhyOpen(card, open);
}

/**
 * @param {HTMLElement} card
 * @param {boolean} open
 */
function setWhyOpen(card, open) {
  card.querySelector('button[data-action="why"]')?.setAttribute('aria-expanded', String(open));
  const why = /** @type {HTMLElement | null} */ (card.querySelector('.why'));
  if (why) why.hidden = !open;
}

/** A new user: new client, remembered in the URL, ranked. */
function chooseUser(/** @type {string} */ id) {
  state.whyOpen.clear();
  rememberUser(id);
  showUserInfo(id);
  elements.boardTitle.textContent = `Widgets for ${id}`;
  connect(id);
  rank();
}

/**
 * A new token (on change, or Enter in the field): everything is read again with it, since
 * listing users and widgets needs an admin token where ranking needs a client one.
 */
async function applyToken() {
  const token = currentToken();
  if (token === state.token) return;
  state.token = token;
  saveToken(token ?? '');
  await start(elements.user.value || null);
}

/**
 * Loads users and items, then ranks for the wanted user (or the first one listed).
 * @param {string | null} wanted
 */
async function start(wanted) {
  setStatus('Loading users and widgets…');
  const [chosen] = await Promise.all([loadUsers(wanted), loadItems()]);
  if (!chosen) {
    // Nobody to rank for: say how to get someone rather than leave the board blank.
    state.rankCalls++;
    stopObservers();
    const note = document.createElement('p');
    note.className = 'empty';
    note.textContent = 'No user to show: the user list could not be read. Enter a token above, or add ?user=<id> to the address.';
    elements.widgets.replaceChildren(note);
    elements.widgets.setAttribute('aria-busy', 'false');
    setStatus('');
    return;
  }
  chooseUser(chosen);
}

function main() {
  state.token = readToken();
  elements.token.value = state.token ?? '';
  elements.user.addEventListener('change', () => chooseUser(elements.user.value));
  elements.token.addEventListener('change', applyToken);
  // The settings are a form for the password field's sake; it is never sent anywhere.
  elements.settings.addEventListener('submit', (event) => {
    event.preventDefault();
    applyToken();
  });
  elements.rerank.addEventListener('click', () => rank());
  elements.widgets.addEventListener('click', onWidgetClick);
  // Send what is still queued (views, dwell) when the person leaves.
  addEventListener('pagehide', () => {
    stopObservers();
    state.lineup?.close();
  });
  // Back from the back/forward cache the closed client is gone: start a fresh one.
  addEventListener('pageshow', (event) => {
    if (event.persisted && elements.user.value) chooseUser(elements.user.value);
  });
  start(new URL(location.href).searchParams.get('user'));
}

main();
