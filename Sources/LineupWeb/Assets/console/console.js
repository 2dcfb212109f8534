/**
 * The operator console at /console: models, training, the layout bandit, experiments and
 * offline evaluation, all read from and changed through Lineup's admin API.
 *
 * Served under a Content-Security-Policy without inline script or style, so every node is
 * built with createElement and textContent (never innerHTML with data), events are bound
 * here, and charts come from the shared module that the HTML reports embed too.
 *
 * @module console
 */

import { barChart, formats, intervalChart, lineChart } from '/ui/charts.js';

const TOKEN_KEY = 'lineup.console.token';
const JOB_KEY = 'lineup.console.trainingJob';
const POLL_MS = 500;

// ---------------------------------------------------------------------------------------
// The API

/** A failed call, carrying the RFC 9457 problem the server answered (or one made here). */
class ProblemError extends Error {
  /** @param {{detail?: string, title?: string, status?: number, field?: string}} problem */
  constructor(problem) {
    super(problem.detail || problem.title || 'The request failed.');
    this.problem = problem;
  }
}

/** The admin token of this tab ('' for a loopback server without tokens). */
function token() {
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

/**
 * Calls the admin API and answers its JSON; throws a ProblemError with the server's problem
 * when it fails, or with a sentence of its own when the server cannot be reached.
 *
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body] sent as JSON
 */
async function api(method, path, body) {
  const headers = { Accept: 'application/json, application/problem+json' };
  if (token()) headers.Authorization = `Bearer ${token()}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
  } catch {
    throw new ProblemError({ detail: `The server cannot be reached (${location.origin}). Check that Lineup is running, then reload.` });
  }
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON (a proxy's error page): the status line below says what happened.
  }
  if (!response.ok) {
    throw new ProblemError(data && typeof data === 'object' ? data : { status: response.status, detail: `${method} ${path} answered ${response.status} ${response.statusText}.` });
  }
  return data;
}

// ---------------------------------------------------------------------------------------
// DOM helpers

/**
 * An element with attributes and children. `true` sets an empty attribute; false, null and
 * undefined leave it out. Strings and numbers become text nodes; null children are skipped.
 *
 * @param {string} tag
 * @param {Record<string, string | number | boolean | null | undefined>} [attributes]
 * @param {...(Node | string | number | null | undefined | false | Array<any>)} children
 * @returns {HTMLElement}
 */
function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  element.append(...children.flat(Infinity).filter((child) => child !== null && child !== undefined && child !== false)
    .map((child) => (child instanceof Node ? child : String(child))));
  return element;
}

/** @param {string} id */
function byId(id) {
  return /** @type {HTMLElement} */ (document.getElementById(id));
}

/**
 * A table with a caption (for screen readers), a header row and body rows of cells. A
 * `stack` table becomes one card per row on a phone, each cell labelled by its column
 * (`data-label`, shown by console.css), so its buttons need no sideways scrolling.
 */
function table(caption, header, rows, rowAttributes = () => ({}), { stack = false } = {}) {
  return h('table', { class: stack ? 'data-table stack-table' : 'data-table' },
    h('caption', { class: 'visually-hidden' }, caption),
    h('thead', {}, h('tr', {}, header.map((cell) => h('th', { scope: 'col' }, cell)))),
    h('tbody', {}, rows.map((cells, index) => h('tr', rowAttributes(index), cells.map((cell, column) =>
      h(column === 0 ? 'th' : 'td', { scope: column === 0 ? 'row' : null, 'data-label': header[column] }, cell))))));
}

/** A figure of tiles: a big number over a label. */
function tiles(entries) {
  return h('dl', { class: 'tiles' }, entries.map(([label, value]) => h('div', { class: 'tile' }, h('dt', {}, label), h('dd', {}, value))));
}

const number = formats.number;
const percent = formats.percent;

/** `2026-12-03T14:16:21.605Z` as `2026-12-03 14:16 UTC`. */
function when(iso) {
  return typeof iso === 'string' && iso.length >= 16 ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : '—';
}

/** A p-value as the reports print it. */
function pValue(value) {
  return typeof value !== 'number' ? '—' : value < 1e-4 ? value.toExponential(1) : value.toFixed(4);
}

// ---------------------------------------------------------------------------------------
// The problem banner

const shownProblems = new Set();

/** Shows what a failed call said in #problem (each distinct message once). */
function showProblem(error) {
  const problem = error instanceof ProblemError ? error.problem : { detail: String(error?.message ?? error) };
  // A 400 names the request field at fault; other statuses' fields (Authorization) add nothing.
  const field = problem.status === 400 && problem.field ? ` (field: ${problem.field})` : '';
  const text = (problem.detail || problem.title || 'The request failed.') + field;
  if (!(error instanceof ProblemError)) console.error(error);
  // Without a valid token nothing loads: the token field is where to go next.
  if ((problem.status === 401 || problem.status === 403) && document.activeElement === document.body) byId('token').focus();
  if (shownProblems.has(text)) return;
  shownProblems.add(text);
  byId('problem').append(h('p', {}, text));
}

/** Empties #problem before an action, so what it shows belongs to the last one. */
function clearProblem() {
  shownProblems.clear();
  byId('problem').replaceChildren();
}

/** What a section shows in place of what failed to load. */
function notLoaded(what) {
  return h('p', { class: 'ui-status not-loaded' }, `${what} could not be loaded: see the message at the top.`);
}

// ---------------------------------------------------------------------------------------
// Charts that fit their container and redraw when it changes width

/**
 * Each chart host's drawing, by host: a WeakMap, so hosts replaced by a later render (a
 * training job redraws every poll) are forgotten with their nodes.
 * @type {WeakMap<Element, (width: number) => Element>}
 */
const chartBuilds = new WeakMap();

/** A chart host: a div the chart is drawn in, at its width once it is in the page. */
function chartHost(build) {
  const host = h('div', { class: 'chart' });
  chartBuilds.set(host, build);
  drawChart(host);
  requestAnimationFrame(() => drawChart(host));
  return host;
}

/** Draws the host's chart at the host's width (in user units, so text stays near 12 px), unless it is drawn at that width already. */
function drawChart(host) {
  const build = chartBuilds.get(host);
  if (!build) return;
  // A host not in the page yet, or in a closed <details>, has no width: draw at its
  // section's (or a common) width; it is drawn again once it has one.
  const section = host.closest('section');
  const available = host.clientWidth || (section ? section.clientWidth - 40 : 720);
  const width = Math.round(Math.max(300, Math.min(880, available)));
  if (host.dataset.width === String(width)) return;
  host.dataset.width = String(width);
  host.replaceChildren(build(width));
}

/** Redraws the charts under `root` whose width changed. */
function drawCharts(root = document) {
  for (const host of root.querySelectorAll('.chart')) drawChart(host);
}

let resizeTimer = 0;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(drawCharts, 150);
});

// ---------------------------------------------------------------------------------------
// Models

async function loadModels() {
  const body = byId('models-body');
  try {
    renderModels(await api('GET', '/v1/models'));
  } catch (error) {
    showProblem(error);
    body.replaceChildren(notLoaded('The models'));
    byId('models-status').textContent = '';
  }
}

/** @param {{active?: string, models: any[]}} list */
function renderModels(list) {
  const activeModel = list.models.find((model) => model.version === list.active);
  const activeTrained = activeModel?.metrics?.trained_at ?? '';
  byId('models-status').textContent = list.active ? `Model ${list.active} serves.` : 'The fallback order serves: no model is active.';
  /** @type {HTMLButtonElement} */ (document.querySelector('button[data-action="deactivate"]')).disabled = !list.active;
  renderExaminations(list);
  if (list.models.length === 0) {
    byId('models-body').replaceChildren(h('p', { class: 'ui-status' }, 'No model in the models directory yet: train one below.'));
    return;
  }
  const rows = list.models.map((model) => {
    const metrics = model.metrics ?? {};
    const active = model.version === list.active;
    // A model trained before the serving one is a roll back; anything else an activation.
    const verb = activeTrained && metrics.trained_at && metrics.trained_at < activeTrained ? 'Roll back' : 'Activate';
    return [
      h('span', { class: 'version' }, model.version),
      active ? h('span', { class: 'ui-badge ui-badge-accent' }, 'serving')
        : model.status === 'rejected' ? h('span', { class: 'rejected' }, h('span', { class: 'ui-badge' }, 'rejected'), ' ', model.reason ?? '')
        : h('span', { class: 'ui-badge' }, 'ready'),
      metrics.validation_metric ? `${metrics.validation_metric} ${number(metrics.validation)}` : '—',
      metrics.train_metric ? `${metrics.train_metric} ${number(metrics.train)}` : '—',
      metrics.best_round ?? '—',
      model.trees ?? '—',
      when(metrics.trained_at),
      active ? h('span', { class: 'ui-status' }, 'Serving')
        : h('button', { type: 'button', class: 'ui-button-small', 'data-action': 'activate', 'data-version': model.version },
          verb, h('span', { class: 'visually-hidden' }, ` model ${model.version}`)),
    ];
  });
  byId('models-body').replaceChildren(table('Models in the models directory',
    ['Version', 'Status', 'Validation (best round)', 'Training', 'Best round', 'Trees', 'Trained', 'Action'], rows,
    (index) => ({ 'data-version': list.models[index].version, 'data-active': list.models[index].version === list.active ? 'true' : null }),
    { stack: true }));
}

// ---------------------------------------------------------------------------------------
// Examination by position: what unbiased LambdaMART estimated (a card's position_bias)

/** What the examination chart shows, in one line. */
const EXAMINATION_HINT = 'How much users look at a widget at each position compared with the first, as unbiased LambdaMART '
  + 'estimated it from the log (t⁺ for the better widget of a pair, t⁻ for the worse): each pair counted 1/(t⁺·t⁻) in '
  + 'training, so an engagement where users seldom look weighs more.';

/**
 * A card's `position_bias` by displayed position (1-based): `[position, t⁺, t⁻]` rows, an
 * estimate of 0 (a position no pair reached) as null, the positions after the last one
 * reached left out. Null when the card has no position bias.
 *
 * @param {any} card
 * @returns {Array<[string, number | null, number | null]> | null}
 */
function examination(card) {
  const bias = card?.position_bias;
  if (!bias || !Array.isArray(bias.plus) || !Array.isArray(bias.minus)) return null;
  const estimate = (value) => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : null);
  /** @type {Array<[string, number | null, number | null]>} */
  const rows = Array.from({ length: Math.max(bias.plus.length, bias.minus.length) },
    (_, index) => [String(index + 1), estimate(bias.plus[index]), estimate(bias.minus[index])]);
  while (rows.length > 0 && rows.at(-1)[1] === null && rows.at(-1)[2] === null) rows.pop();
  return rows;
}

/** The chart of t⁺ and t⁻ against the displayed position, and its numbers in a table. */
function examinationView(rows, version) {
  if (rows.length === 0) return [h('p', { class: 'ui-status' }, 'No pair reached any position: nothing was estimated.')];
  const title = `Examination by position, ${version}`;
  return [
    chartHost((width) => lineChart([
      { name: 't⁺ better widget', points: rows.map(([position, plus]) => [position, plus]) },
      { name: 't⁻ worse widget', points: rows.map(([position, , minus]) => [position, minus]) },
    ], { title, width, height: 220 })),
    h('details', { class: 'table-details' }, h('summary', {}, 'The estimates by position'),
      h('div', { class: 'table-scroll' }, table(title, ['Position', 't⁺', 't⁻'],
        rows.map(([position, plus, minus]) => [position, number(plus), number(minus)])))),
  ];
}

/**
 * Under the models, the examination by position of every model whose card carries one, each
 * in a segment of its own: the serving model's open (else the newest's); one shown before
 * keeps the state the operator left it in.
 */
function renderExaminations(list) {
  const target = byId('models-examination');
  const estimated = list.models.map((model) => ({ model, rows: examination(model.card) })).filter(({ rows }) => rows);
  if (estimated.length === 0) {
    target.replaceChildren();
    return;
  }
  const shown = [...target.querySelectorAll('details[data-version]')];
  const wasShown = new Set(shown.map((details) => details.dataset.version));
  const wasOpen = new Set(shown.filter((details) => details.open).map((details) => details.dataset.version));
  const trained = (model) => model.card?.created_at ?? '';
  const first = estimated.find(({ model }) => model.version === list.active)?.model
    ?? estimated.reduce((newest, { model }) => (trained(model) > trained(newest) ? model : newest), estimated[0].model);
  target.replaceChildren(
    h('h3', {}, 'Examination by position'),
    h('p', { class: 'ui-hint' }, EXAMINATION_HINT),
    ...estimated.map(({ model, rows }) => {
      const reached = rows.length === 1 ? '1 position' : `${rows.length} positions`;
      const method = model.card.pair_method ? `, pairs ${model.card.pair_method}` : '';
      const open = wasShown.has(model.version) ? wasOpen.has(model.version) : model === first;
      return h('details', { class: 'segment examination', 'data-version': model.version, open },
        h('summary', {}, h('span', { class: 'version' }, model.version), model.version === list.active ? ' (serving)' : '',
          ` — ${reached}${method}`),
        examinationView(rows, model.version));
    }));
}

/** Activates a version (or, with null, the fallback order), then lists the models again. */
async function activate(version) {
  clearProblem();
  setBusy('#models button', true);
  byId('models-status').textContent = version ? `Activating ${version}…` : 'Returning to the fallback order…';
  try {
    await api('PUT', '/v1/models/active', { version });
  } catch (error) {
    showProblem(error);
  }
  await loadModels();
  setBusy('#models button', false);
  byId('models-title').focus();
}

/** Disables (or enables again) the buttons a running call must not be pressed twice. */
function setBusy(selector, busy) {
  for (const button of document.querySelectorAll(selector)) {
    if (busy) button.setAttribute('aria-disabled', 'true');
    else button.removeAttribute('aria-disabled');
  }
}

// ---------------------------------------------------------------------------------------
// Training

/** The job being followed, and what it has shown so far (rounds by number, last state). */
let job = { id: '', rounds: new Map(), timer: 0, metric: '', state: '' };

/** The TrainingRequest of the form: numbers as numbers, an empty version left to the server. */
function trainingRequest(form) {
  const data = new FormData(form);
  /** @type {Record<string, unknown>} */
  const request = { objective: data.get('objective') };
  for (const name of ['rounds', 'early_stopping_rounds', 'max_depth', 'ndcg_at']) request[name] = parseInt(String(data.get(name)), 10);
  for (const name of ['learning_rate', 'validation_share']) request[name] = parseFloat(String(data.get(name)));
  const version = String(data.get('version') ?? '').trim();
  if (version) request.version = version;
  request.activate_if_better = data.get('activate_if_better') === 'on';
  return request;
}

async function startTraining(form) {
  clearProblem();
  for (const field of form.querySelectorAll('[aria-invalid]')) field.removeAttribute('aria-invalid');
  const submit = form.querySelector('button[type="submit"]');
  submit.disabled = true;
  try {
    const request = trainingRequest(form);
    const started = await api('POST', '/v1/models/train', request);
    follow(started, request.objective === 'binary:logistic' ? 'AUC' : `ndcg@${request.ndcg_at}`);
  } catch (error) {
    showProblem(error);
    // A 400 names the field at fault: point at it.
    const field = error instanceof ProblemError && error.problem.field ? form.elements.namedItem(error.problem.field) : null;
    if (field instanceof HTMLElement) {
      field.setAttribute('aria-invalid', 'true');
      field.focus();
    }
  } finally {
    submit.disabled = false;
  }
}

/** Starts following a job: shows it and polls it until it ends. */
function follow(started, metric) {
  clearTimeout(job.timer);
  job = { id: started.job_id, rounds: new Map(), timer: 0, metric, state: '' };
  sessionStorage.setItem(JOB_KEY, started.job_id);
  showJob(started);
  if (started.state === 'running') job.timer = setTimeout(poll, POLL_MS);
}

async function poll() {
  const id = job.id;
  try {
    const current = await api('GET', `/v1/models/train/${encodeURIComponent(id)}`);
    if (id !== job.id) return; // another job was started meanwhile
    showJob(current);
    if (current.state === 'running') job.timer = setTimeout(poll, POLL_MS);
    else if (current.state === 'succeeded') await loadModels();
  } catch (error) {
    showProblem(error);
    byId('train-progress').append(h('p', {}, h('button', { type: 'button', 'data-action': 'poll-job' }, 'Check the job again')));
  }
}

/** Resumes following the job this tab started, after a reload; a job the server forgot is dropped quietly. */
async function resumeJob() {
  const id = sessionStorage.getItem(JOB_KEY);
  if (!id) return;
  try {
    const current = await api('GET', `/v1/models/train/${encodeURIComponent(id)}`);
    follow(current, '');
    if (current.state === 'succeeded') await loadModels();
  } catch (error) {
    if (error instanceof ProblemError && error.problem.status === 404) sessionStorage.removeItem(JOB_KEY);
    else showProblem(error);
  }
}

/** Renders a TrainingJob: its state, a chart of the validation metric per round, its outcome. */
function showJob(current) {
  // The job shows its last finished round; the card, once written, every round.
  if (current.progress) job.rounds.set(current.progress.round, current.progress);
  for (const round of current.card?.metrics?.rounds ?? []) job.rounds.set(round.round, round);
  const metric = current.card?.metrics?.validation ?? job.metric;
  const rounds = [...job.rounds.values()].sort((a, b) => a.round - b.round);
  const validated = rounds.some((round) => typeof round.validation === 'number');
  const name = validated ? `validation ${metric || 'metric'}` : `training ${current.card?.metrics?.train ?? 'metric'}`;
  const last = rounds.at(-1);

  const state = h('p', { class: 'job-state' },
    h('span', { class: `ui-badge job-${current.state}` }, current.state), ' ',
    'Job ', h('code', {}, current.job_id), ` (${current.trigger}), started ${when(current.started_at)}`,
    last ? `: round ${last.round} of at most ${current.rounds}, ${last.seconds.toFixed(1)} s` : current.state === 'running' ? ': preparing the data…' : '');
  const parts = [state];
  if (rounds.length > 0) {
    const points = rounds.map((round) => [String(round.round), validated ? round.validation ?? null : round.train]);
    parts.push(chartHost((width) => lineChart([{ name, points }], { title: `${name} per round`, fromZero: false, width, height: 220 })));
  }
  const result = outcome(current);
  parts.push(result);
  const estimated = current.state === 'succeeded' ? examination(current.card) : null;
  if (estimated) parts.push(h('h3', {}, 'Examination by position'), h('p', { class: 'ui-hint' }, EXAMINATION_HINT),
    ...examinationView(estimated, current.version ?? current.card.version));
  byId('train-progress').replaceChildren(...parts.filter(Boolean));
  // The progress redraws every poll; only a change of state is announced.
  if (current.state !== job.state) {
    job.state = current.state;
    byId('train-status').textContent = result ? result.textContent : `Training job ${current.job_id} is ${current.state}.`;
  }
}

/** What a finished job came to, in words. */
function outcome(current) {
  if (current.state === 'failed') return h('p', { class: 'job-outcome failed' }, `It failed: ${current.error ?? 'no reason given'}.`);
  if (current.state !== 'succeeded') return null;
  const metrics = current.card?.metrics ?? {};
  const comparison = current.card?.comparison;
  const best = typeof metrics.best_validation === 'number' ? `, validation ${metrics.validation} ${number(metrics.best_validation)} at round ${metrics.best_round}` : '';
  const against = comparison && typeof comparison.active_validation === 'number'
    ? ` What served before validates ${number(comparison.active_validation)} on the same responses${comparison.better ? ': the new model is better.' : ': the new model is not better.'}`
    : '';
  return h('p', { class: 'job-outcome succeeded' },
    `Model ${current.version} is registered${best}.${against} `,
    current.activated ? h('strong', {}, 'It was activated.') : 'It was not activated; activate it in Models when you want it to serve.');
}

// ---------------------------------------------------------------------------------------
// Layouts: surfaces, their layouts and the bandit's posteriors

/** @type {Map<string, any>} the surfaces of GET /v1/surfaces by name */
let surfaces = new Map();

async function loadSurfaces() {
  const select = /** @type {HTMLSelectElement} */ (byId('surface'));
  const previous = select.value || sessionStorage.getItem('lineup.console.surface') || '';
  try {
    const list = await api('GET', '/v1/surfaces');
    surfaces = new Map(list.surfaces.map((surface) => [surface.surface, surface]));
    if (surfaces.size === 0) {
      select.replaceChildren(h('option', { value: '' }, 'No surface has layouts'));
      select.disabled = true;
      setLayoutButtons(null);
      byId('layouts-body').replaceChildren(h('p', { class: 'ui-status' },
        'No surface has layouts yet: PUT /v1/surfaces/{surface}/layouts gives one its arms.'));
      return;
    }
    select.replaceChildren(...list.surfaces.map((surface) => h('option', { value: surface.surface }, surface.surface)));
    select.disabled = false;
    select.value = surfaces.has(previous) ? previous : surfaces.has('home') ? 'home' : list.surfaces[0].surface;
    await loadBandit(select.value);
  } catch (error) {
    showProblem(error);
    select.replaceChildren(h('option', { value: '' }, 'Surfaces not loaded'));
    select.disabled = true;
    setLayoutButtons(null);
    byId('layouts-body').replaceChildren(notLoaded('The surfaces'));
  }
}

/** Reads the surface's bandit and its off-policy figures, and shows them. */
async function loadBandit(surface) {
  sessionStorage.setItem('lineup.console.surface', surface);
  byId('layouts-status').textContent = `Loading ${surface}…`;
  const path = `/v1/surfaces/${encodeURIComponent(surface)}`;
  const [bandit, evaluation] = await Promise.allSettled([
    api('GET', `${path}/bandit`),
    api('GET', `/v1/eval/layouts?surface=${encodeURIComponent(surface)}`),
  ]);
  if (/** @type {HTMLSelectElement} */ (byId('surface')).value !== surface) return; // chosen another meanwhile
  if (evaluation.status === 'rejected') showProblem(evaluation.reason);
  if (bandit.status === 'rejected') {
    showProblem(bandit.reason);
    byId('layouts-status').textContent = '';
    setLayoutButtons(null);
    byId('layouts-body').replaceChildren(notLoaded(`The bandit of ${surface}`));
    return;
  }
  if (evaluation.status === 'fulfilled') layoutEvaluations.set(surface, evaluation.value.surfaces.find((entry) => entry.surface === surface) ?? null);
  renderBandit(bandit.value, layoutEvaluations.get(surface));
}

/**
 * The last GET /v1/eval/layouts figures per surface, shown again while a change reloads them:
 * null when the surface has no logged decision, missing when they never loaded.
 * @type {Map<string, any>}
 */
const layoutEvaluations = new Map();

function setLayoutButtons(frozen) {
  const button = (action) => /** @type {HTMLButtonElement} */ (document.querySelector(`#layouts button[data-action="${action}"]`));
  button('freeze').disabled = frozen !== false;
  button('unfreeze').disabled = frozen !== true;
  button('reset').disabled = frozen === null;
}

/** The surface's state, layouts, and per segment the arms' posteriors as a chart and a table. */
function renderBandit(state, evaluation) {
  const surface = surfaces.get(state.surface);
  if (surface) surface.frozen = state.frozen;
  setLayoutButtons(state.frozen);
  byId('layouts-status').textContent = state.frozen
    ? `${state.surface} is frozen: it serves each segment's arm with the largest posterior mean.`
    : `${state.surface} explores: each request draws its layout by Thompson sampling.`;
  const { alpha, beta } = state.prior;
  const armsEvaluated = new Map((evaluation?.arms ?? []).map((arm) => [arm.arm, arm]));

  const parts = [];
  if (surface) parts.push(layoutsTable(surface, armsEvaluated));
  parts.push(...policyEstimates(state.surface, evaluation, surface?.layouts ?? []));
  parts.push(h('h3', {}, 'Posteriors per segment'), h('p', { class: 'ui-hint' },
    `Prior Beta(${alpha}, ${beta}). A segment decides with its own posteriors from ${state.minimum_segment_evidence} settled decisions on` +
    (evaluation ? `; ${evaluation.decisions} decisions logged, ${evaluation.pending} still in their attribution window.` : '.')));
  state.segments.forEach((segment, index) => parts.push(segmentView(segment, alpha, beta, index === 0)));
  byId('layouts-body').replaceChildren(...parts);
}

/** The surface's layouts, retired ones too, with the logged decisions and reward rate per arm. */
function layoutsTable(surface, evaluated) {
  const params = (object) => Object.entries(object ?? {}).map(([key, value]) => `${key} ${typeof value === 'object' ? JSON.stringify(value) : value}`).join(', ') || '—';
  return h('div', { class: 'table-scroll' }, table(`Layouts of ${surface.surface}`,
    ['Layout', 'Name', 'Params', 'State', 'Decisions', 'Reward rate (95%)'],
    surface.layouts.map((layout) => {
      const arm = evaluated.get(layout.id);
      return [h('code', {}, layout.id), layout.name, params(layout.params), layout.retired ? 'retired' : 'active',
        arm ? `${arm.decisions} (${arm.settled} settled)` : '—',
        arm ? `${percent(arm.reward_rate.rate)} [${percent(arm.reward_rate.lower)}, ${percent(arm.reward_rate.upper)}]` : '—'];
    }), (index) => ({ 'data-layout': surface.layouts[index].id })));
}

/**
 * The off-policy estimates of GET /v1/eval/layouts for the surface: what always serving one
 * layout, choosing uniformly, or choosing greedily would have earned on the logged traffic,
 * as IPS and SNIPS with their 95% intervals (chart and table).
 *
 * @param {string} name the surface
 * @param {any} evaluation its LayoutEvaluation; null without logged decisions, undefined when not loaded
 * @param {Array<{id: string, name: string}>} layouts its layouts, for the arms' names
 */
function policyEstimates(name, evaluation, layouts) {
  const heading = h('h3', { id: 'policy-estimates-title' }, 'What other policies would have earned');
  if (evaluation === undefined) return [heading, notLoaded(`The off-policy estimates of ${name}`)];
  const settled = evaluation ? evaluation.decisions - evaluation.pending : 0;
  if (!evaluation || evaluation.policies.length === 0 || settled === 0) {
    return [heading, h('p', { class: 'ui-status' }, !evaluation || evaluation.decisions === 0
      ? `No layout decision logged on ${name} yet: there is nothing to estimate from.`
      : `All ${evaluation.decisions} layout decisions on ${name} are still in their attribution window: there is nothing settled to estimate from yet.`)];
  }
  const names = new Map([...layouts.map((layout) => [layout.id, layout.name]), ...evaluation.arms.map((arm) => [arm.arm, arm.name])]);
  // `always:<arm>`, `uniform`, `greedy`: the label, and a short name for the chart's margin.
  const describe = (policy) => {
    if (policy.startsWith('always:')) {
      const arm = policy.slice('always:'.length);
      return { label: `Always ${names.get(arm) ?? arm}`, short: arm };
    }
    if (policy === 'uniform') return { label: 'Uniform among the active layouts', short: 'uniform' };
    if (policy === 'greedy') return { label: 'Greedy per segment (what Freeze serves)', short: 'greedy' };
    return { label: policy, short: policy };
  };
  // Σw = 0 (no logged decision the policy would have made): the API answers 0 in [0, 1], i.e. nothing is known.
  const known = (estimate) => estimate.effective_sample_size > 0;
  const interval = (value, lower, upper) => `${percent(value)} [${percent(lower)}, ${percent(upper)}]`;
  const rewards = evaluation.arms.reduce((sum, arm) => sum + arm.rewards, 0);
  const rows = evaluation.policies.map(({ policy, estimate }) => ({ policy, estimate, ...describe(policy) }));
  const chartRows = rows.filter((row) => known(row.estimate)).flatMap(({ short, estimate }) => [
    { name: `${short} · IPS`, lower: estimate.ips_lower, value: estimate.ips, upper: estimate.ips_upper },
    { name: `${short} · SNIPS`, lower: estimate.snips_lower, value: estimate.snips, upper: estimate.snips_upper },
  ]);
  return [
    heading,
    h('p', { class: 'ui-hint' }, 'The reward rate each policy would have earned on this surface’s settled decisions, estimated from the propensities logged with them, without serving it.'),
    h('p', { class: 'ui-hint' },
      `As served, the surface earned ${percent(rewards / settled)} (${rewards} rewards in ${settled} settled decisions). `
      + 'Each bar is a 95% interval, the dot the estimate: IPS is unbiased but noisy, SNIPS (self-normalised) steadier; a small effective n makes an interval unreliable.'),
    chartRows.length > 0
      ? chartHost((width) => intervalChart(chartRows, { title: `Off-policy reward rate per policy, ${name} (IPS and SNIPS, 95%)`, format: 'percent', width }))
      : null,
    h('div', { class: 'table-scroll' }, table(`Off-policy estimates, ${name}`,
      ['Policy', 'IPS (95%)', 'SNIPS (95%)', 'Effective n'],
      rows.map(({ policy, estimate, label }) => [
        h('span', { class: 'policy-name' }, label, ' ', h('code', {}, policy)),
        known(estimate) ? interval(estimate.ips, estimate.ips_lower, estimate.ips_upper) : '—',
        known(estimate) ? interval(estimate.snips, estimate.snips_lower, estimate.snips_upper) : '—',
        known(estimate) ? `${Math.round(estimate.effective_sample_size)} of ${estimate.decisions}` : `none of ${estimate.decisions}`,
      ]), (index) => ({ 'data-policy': rows[index].policy }), { stack: true })),
  ];
}

/** One segment: a disclosure with the arms' posterior intervals (chart) and numbers (table). */
function segmentView(segment, alpha, beta, open) {
  const name = segment.segment === '' ? 'Whole surface' : segment.segment.split(',').join(', ');
  const settled = segment.arms.reduce((sum, arm) => sum + arm.successes + arm.failures, 0);
  const rows = segment.arms.map((arm) => {
    const [lower, upper] = betaInterval(alpha + arm.successes, beta + arm.failures);
    return { arm, lower, upper };
  });
  const chartRows = rows.map(({ arm, lower, upper }) => ({ name: arm.name || arm.arm, lower, value: arm.posterior_mean, upper }));
  return h('details', { class: 'segment', open, 'data-segment': segment.segment },
    h('summary', {}, h('span', { class: 'segment-name' }, name),
      h('span', { class: 'ui-hint' }, ` ${Math.round(settled)} settled${segment.own_evidence ? '' : ', decides with the surface’s posteriors'}`)),
    chartHost((width) => intervalChart(chartRows, { title: `Posterior reward rate per arm, ${name}`, format: 'percent', min: 0, max: 1, width })),
    h('div', { class: 'table-scroll' }, table(`Posteriors, ${name}`,
      ['Arm', 'Settled decisions', 'Successes', 'Failures', 'Posterior mean', '95% interval', 'Chance of being best'],
      rows.map(({ arm, lower, upper }) => [
        h('span', {}, arm.name, ' ', h('code', {}, arm.arm)), decimal(arm.successes + arm.failures), decimal(arm.successes), decimal(arm.failures),
        percent(arm.posterior_mean), `[${percent(lower)}, ${percent(upper)}]`, percent(arm.probability_best),
      ]))));
}

/** Counts (decayed ones have fractions) with at most one decimal. */
function decimal(value) {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

async function changeBandit(action) {
  const surface = /** @type {HTMLSelectElement} */ (byId('surface')).value;
  if (!surface) return;
  if (action === 'reset' && !window.confirm(`Forget every arm’s evidence on ${surface}? Each arm starts again from the prior; the decisions stay in the impression log.`)) return;
  clearProblem();
  setBusy('#layouts button', true);
  try {
    const path = `/v1/surfaces/${encodeURIComponent(surface)}/bandit`;
    const state = action === 'reset' ? await api('POST', `${path}/reset`) : await api('PUT', path, { frozen: action === 'freeze' });
    // The answer is the bandit now: shown at once, then read again with its figures.
    renderBandit(state, layoutEvaluations.get(state.surface));
    await loadBandit(state.surface);
  } catch (error) {
    showProblem(error);
  } finally {
    setBusy('#layouts button', false);
  }
}

// The central 95% interval of a Beta posterior: the regularized incomplete beta function by
// its continued fraction (Numerical Recipes' betacf), inverted by bisection.

function logGamma(x) {
  // Lanczos approximation (g = 7, n = 9): fifteen digits for x > 0.
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let sum = c[0];
  for (let i = 1; i < 9; i++) sum += c[i] / (x + i);
  const t = x + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(sum);
}

function betaFraction(a, b, x) {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  d = 1 / (Math.abs(d) < tiny ? tiny : d);
  let result = d;
  for (let m = 1; m <= 300; m++) {
    for (const numerator of [(m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m)), -((a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1))]) {
      d = 1 + numerator * d;
      d = 1 / (Math.abs(d) < tiny ? tiny : d);
      c = 1 + numerator / c;
      if (Math.abs(c) < tiny) c = tiny;
      result *= d * c;
    }
    if (Math.abs(d * c - 1) < 1e-12) break;
  }
  return result;
}

/** P(X ≤ x) for X ~ Beta(a, b). */
function betaCDF(x, a, b) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (front * betaFraction(a, b, x)) / a : 1 - (front * betaFraction(b, a, 1 - x)) / b;
}

/** [2.5%, 97.5%] quantiles of Beta(a, b). */
function betaInterval(a, b) {
  const quantile = (p) => {
    let [low, high] = [0, 1];
    for (let i = 0; i < 60; i++) {
      const middle = (low + high) / 2;
      if (betaCDF(middle, a, b) < p) low = middle;
      else high = middle;
    }
    return (low + high) / 2;
  };
  return [quantile(0.025), quantile(0.975)];
}

// ---------------------------------------------------------------------------------------
// Experiments

let chosenExperiment = '';

async function loadExperiments() {
  try {
    const { experiments } = await api('GET', '/v1/experiments');
    renderExperiments(experiments);
    if (experiments.length === 0) {
      byId('experiment-analysis').replaceChildren();
      return;
    }
    // Keep the one chosen; else the last running one (the one most likely being watched).
    const keep = experiments.find((experiment) => experiment.id === chosenExperiment)
      ?? experiments.findLast((experiment) => experiment.status === 'running') ?? experiments.at(-1);
    await analyse(keep.id);
  } catch (error) {
    showProblem(error);
    byId('experiments-list').replaceChildren(notLoaded('The experiments'));
  }
}

function renderExperiments(experiments) {
  if (experiments.length === 0) {
    byId('experiments-list').replaceChildren(h('p', { class: 'ui-status' }, 'No experiment yet: PUT /v1/experiments/{id} creates one.'));
    return;
  }
  const total = (experiment) => experiment.variants.reduce((sum, variant) => sum + variant.weight, 0);
  const targeting = (t) => [t.surfaces?.length ? `surfaces ${t.surfaces.join(', ')}` : '', t.roles?.length ? `roles ${t.roles.join(', ')}` : '']
    .filter(Boolean).join('; ') || 'everyone';
  byId('experiments-list').replaceChildren(table('Experiments',
    ['Experiment', 'Status', 'Variants (share)', 'Control', 'Targeting', 'Window', 'Analysis'],
    experiments.map((experiment) => [
      h('code', {}, experiment.id),
      h('span', { class: `ui-badge${experiment.status === 'running' ? ' ui-badge-accent' : ''}` }, experiment.status),
      experiment.variants.map((variant) => `${variant.id} ${percent(variant.weight / total(experiment))}`).join(', '),
      experiment.control,
      targeting(experiment.targeting ?? {}),
      `${experiment.start ? when(experiment.start) : when(experiment.created_at)} – ${experiment.stop ? when(experiment.stop) : 'open'}`,
      h('button', { type: 'button', class: 'ui-button-small', 'data-action': 'analyse', 'data-experiment': experiment.id,
        'aria-pressed': experiment.id === chosenExperiment ? 'true' : 'false' }, 'Analyse', h('span', { class: 'visually-hidden' }, ` ${experiment.id}`)),
    ]), (index) => ({ 'data-experiment': experiments[index].id }), { stack: true }));
}

async function analyse(id) {
  chosenExperiment = id;
  for (const button of document.querySelectorAll('#experiments button[data-action="analyse"]')) {
    button.setAttribute('aria-pressed', String(/** @type {HTMLElement} */ (button).dataset.experiment === id));
  }
  const target = byId('experiment-analysis');
  target.replaceChildren(h('p', { class: 'ui-status' }, `Analysing ${id}…`));
  try {
    const analysis = await api('GET', `/v1/experiments/${encodeURIComponent(id)}/analysis`);
    if (chosenExperiment === id) target.replaceChildren(...analysisView(analysis));
  } catch (error) {
    showProblem(error);
    if (chosenExperiment === id) target.replaceChildren(notLoaded(`The analysis of ${id}`));
  }
}

/** The analysis as the `lineup ab --html` page shows it: verdict, rates, lift, warnings. */
function analysisView(analysis) {
  const srm = analysis.sample_ratio;
  const users = analysis.variants.reduce((sum, variant) => sum + variant.users_exposed, 0);
  const parts = [
    h('h3', {}, `Experiment ${analysis.experiment}`),
    h('p', { class: 'lead' }, `${analysis.status}, control `, h('strong', {}, analysis.control), `, ${users} users exposed.`),
    srm.mismatch
      ? h('p', { class: 'verdict alarm', 'data-srm': 'mismatch' }, `Sample ratio mismatch: chi-square ${srm.chi_square.toFixed(2)}, p = ${pValue(srm.p_value)}. `
        + 'The users did not split as the weights say; the assignment or the logging is broken and the numbers below cannot be trusted.')
      : h('p', { class: 'verdict ok', 'data-srm': 'consistent' }, `Sample ratio consistent with the weights (chi-square ${srm.chi_square.toFixed(2)}, p = ${pValue(srm.p_value)}).`),
    h('h4', {}, 'Engagement rate per request'),
    h('p', { class: 'ui-hint' }, 'Each bar is the 95% interval with users as the unit, the dot the rate.'),
    chartHost((width) => intervalChart(
      analysis.variants.filter((variant) => variant.user_rate)
        .map((variant) => ({ name: variant.variant, lower: variant.user_rate.lower, value: variant.user_rate.ratio, upper: variant.user_rate.upper })),
      { title: 'Engagement rate per request, per variant', min: 0, max: 1, width })),
    h('div', { class: 'table-scroll' }, table('Variants',
      ['Variant', 'Weight', 'Users', 'Requests', 'Engaged', 'Rate (users as the unit, 95%)', 'Engaged widgets per request', 'NDCG@5'],
      analysis.variants.map((variant) => [
        variant.variant, variant.weight, variant.users_exposed, variant.requests, variant.engaged_requests,
        variant.user_rate ? `${number(variant.user_rate.ratio)} [${number(variant.user_rate.lower)}, ${number(variant.user_rate.upper)}]` : '—',
        variant.widgets_per_request ? `${number(variant.widgets_per_request.ratio)} ± ${number(1.96 * variant.widgets_per_request.standard_error)}` : '—',
        number(variant.ndcg_at_5),
      ]))),
  ];
  const compared = analysis.variants.filter((variant) => variant.versus_control);
  if (compared.length > 0) {
    parts.push(
      h('h4', {}, `Lift against ${analysis.control}`),
      h('p', { class: 'ui-hint' }, 'Relative lift per request with its 95% interval, users as the unit (the delta method); the dashed line marks no difference.'),
      chartHost((width) => intervalChart(
        compared.filter((variant) => typeof variant.versus_control.requests_by_user?.relative_lift === 'number').map((variant) => {
          const lift = variant.versus_control.requests_by_user;
          return { name: variant.variant, lower: lift.relative_lower, value: lift.relative_lift, upper: lift.relative_upper };
        }), { title: `Relative lift against ${analysis.control}`, zero: true, format: 'signedPercent', width })),
      h('div', { class: 'table-scroll' }, table('Comparisons with the control',
        ['Variant', 'Absolute lift', 'Relative lift', 'p (users as the unit)', 'Chance to beat', 'Expected loss'],
        compared.map((variant) => {
          const comparison = variant.versus_control;
          const lift = comparison.requests_by_user;
          return [variant.variant,
            lift ? `${number(lift.difference)} [${number(lift.lower)}, ${number(lift.upper)}]` : '—',
            lift ? `${formats.signedPercent(lift.relative_lift)} [${formats.signedPercent(lift.relative_lower)}, ${formats.signedPercent(lift.relative_upper)}]` : '—',
            lift ? pValue(lift.p_value) : '—',
            percent(comparison.chance_to_beat_control), comparison.expected_loss.toFixed(5)];
        }))));
  }
  const warnings = srm.mismatch ? analysis.warnings.slice(1) : analysis.warnings;
  if (warnings.length > 0) parts.push(h('h4', {}, 'Warnings'), h('ul', { class: 'warnings' }, warnings.map((warning) => h('li', {}, warning))));
  return parts;
}

// ---------------------------------------------------------------------------------------
// Evaluation

async function loadEvaluation() {
  const body = byId('evaluation-body');
  try {
    body.replaceChildren(...evaluationView(await api('GET', '/v1/eval')));
  } catch (error) {
    showProblem(error);
    body.replaceChildren(notLoaded('The evaluation'));
  }
}

/** The metrics as the `lineup eval --html` report shows them: tiles, per day, position bias, breakdowns. */
function evaluationView(evaluation) {
  const overall = evaluation.overall;
  if (overall.requests === 0) return [h('p', { class: 'ui-status' }, 'No logged response to evaluate yet.')];
  // The cut-off the charts show: 5 when there, else the largest (as the report chooses).
  const ks = overall.cutoffs.map((cutoff) => cutoff.k);
  const k = ks.includes(5) ? 5 : Math.max(...ks);
  const ndcg = (summary) => summary.cutoffs.find((cutoff) => cutoff.k === k)?.ndcg ?? null;
  const row = (key, summary) => [key, summary.requests, percent(summary.engagement_rate), number(ndcg(summary)), number(summary.mrr), number(summary.auc)];
  const header = (first) => [first, 'Requests', 'Engagement rate', `NDCG@${k}`, 'MRR', 'AUC'];
  const days = Object.entries(evaluation.by_day).sort(([a], [b]) => a.localeCompare(b));

  const parts = [
    h('p', { class: 'lead' }, `${overall.requests} requests, ${overall.impressions} widgets shown, ${overall.requests_with_positive} requests with an engagement.`),
    tiles([[`NDCG@${k}`, number(ndcg(overall))], ['AUC', number(overall.auc)], ['MRR', number(overall.mrr)], ['Engagement rate', percent(overall.engagement_rate)]]),
    h('h3', {}, 'Per day'),
    days.length > 1
      ? chartHost((width) => lineChart([
        { name: `NDCG@${k}`, points: days.map(([day, summary]) => [day, ndcg(summary)]) },
        { name: 'engagement rate', points: days.map(([day, summary]) => [day, summary.engagement_rate ?? null]) },
      ], { title: `NDCG@${k} and engagement rate per day`, width }))
      : h('p', {}, 'One day of data: no trend to draw yet.'),
    h('details', { class: 'table-details' }, h('summary', {}, 'The numbers per day'),
      h('div', { class: 'table-scroll' }, table('Metrics per day', header('Day'), days.map(([day, summary]) => row(day, summary))))),
    h('h3', {}, 'Position bias'),
    h('p', { class: 'ui-hint' }, 'Engagement rate of the widget shown at each position. A steep fall means users look mostly at the top: logged labels then favour whatever was shown there.'),
    chartHost((width) => barChart(overall.positions.map((position) => [String(position.position), position.engagement_rate ?? null]),
      { title: 'Engagement rate per position', format: 'percent', width })),
  ];
  for (const [name, groups] of [['ranker', evaluation.by_ranker], ['variant', evaluation.by_variant]]) {
    const sorted = Object.entries(groups).sort(([a], [b]) => a.localeCompare(b));
    if (sorted.length === 0) continue;
    parts.push(h('h3', {}, `By ${name}`),
      chartHost((width) => barChart(sorted.map(([key, summary]) => [key, ndcg(summary)]), { title: `NDCG@${k} by ${name}`, caption: `NDCG@${k}`, width })),
      h('div', { class: 'table-scroll' }, table(`Metrics by ${name}`, header(name[0].toUpperCase() + name.slice(1)), sorted.map(([key, summary]) => row(key, summary)))));
  }
  return parts;
}

// ---------------------------------------------------------------------------------------
// Wiring

/** Loads every section (again), e.g. after the token changed. */
function loadAll() {
  clearProblem();
  return Promise.allSettled([loadModels(), loadSurfaces(), loadExperiments(), loadEvaluation(), resumeJob()]);
}

/** What each `data-action` button does. */
const actions = {
  activate: (button) => activate(button.dataset.version),
  deactivate: () => activate(null),
  'reload-models': () => { clearProblem(); return loadModels(); },
  'poll-job': () => { clearProblem(); return poll(); },
  freeze: () => changeBandit('freeze'),
  unfreeze: () => changeBandit('unfreeze'),
  reset: () => changeBandit('reset'),
  analyse: (button) => { clearProblem(); return analyse(button.dataset.experiment); },
  'reload-experiments': () => { clearProblem(); return loadExperiments(); },
  'reload-evaluation': () => { clearProblem(); return loadEvaluation(); },
};

function start() {
  const field = /** @type {HTMLInputElement} */ (byId('token'));
  field.value = token();
  byId('token-form').addEventListener('submit', (event) => {
    event.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, field.value.trim());
    loadAll();
  });
  byId('train-form').addEventListener('submit', (event) => {
    event.preventDefault();
    startTraining(event.currentTarget);
  });
  byId('surface').addEventListener('change', (event) => {
    clearProblem();
    loadBandit(/** @type {HTMLSelectElement} */ (event.currentTarget).value);
  });
  // One listener for every action button, those drawn later included.
  document.addEventListener('click', (event) => {
    const button = /** @type {HTMLElement} */ (event.target).closest?.('button[data-action]');
    if (!button || button.getAttribute('aria-disabled') === 'true' || !(button.dataset.action in actions)) return;
    actions[button.dataset.action](button);
  });
  // A segment opened for the first time draws its chart at its real width (toggle does
  // not bubble: listen while it is captured).
  document.addEventListener('toggle', (event) => {
    if (event.target instanceof HTMLDetailsElement && event.target.open) drawCharts(event.target);
  }, true);
  loadAll();
}

start();
