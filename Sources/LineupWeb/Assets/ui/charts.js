/**
 * Lineup's charts, drawn once for every page that shows them: the operator console imports
 * this module, and the HTML reports of `lineup eval --html` and `lineup ab --html` embed it
 * inline and call {@link drawCharts} on their `data-chart` placeholders.
 *
 * Every chart is an SVG element built with DOM APIs (no innerHTML, no inline style, so it
 * runs under the console's Content-Security-Policy), sized by its viewBox to the width of
 * its container. Each is `role="img"` with a `<title>` and a `<desc>` that lists its
 * numbers as text, and every mark carries its own `<title>` (a tooltip on hover).
 *
 * This file imports nothing: the reports inline it as it is.
 *
 * @module charts
 */

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Series colours, in order (the reports' palette). */
export const colours = ['#2f6fd6', '#e0803a', '#3a9e6a', '#b04fc0'];

/**
 * Named number formats, so a chart described in JSON (`"format": "percent"`) can pick one.
 * Missing and non-finite values print as an em dash.
 * @type {Record<string, (value: number | null | undefined) => string>}
 */
export const formats = {
  number: (value) => (isNumber(value) ? value.toFixed(4) : '—'),
  percent: (value) => (isNumber(value) ? `${(100 * value).toFixed(1)}%` : '—'),
  signedPercent: (value) => (isNumber(value) ? `${value >= 0 ? '+' : ''}${(100 * value).toFixed(2)}%` : '—'),
  integer: (value) => (isNumber(value) ? String(Math.round(value)) : '—'),
};

/**
 * @typedef {object} ChartOptions
 * @property {string} [title] The chart's accessible name (its `<title>`).
 * @property {string | ((value: number | null) => string)} [format] How values print: a key
 *   of {@link formats} or a function. Default `number`.
 * @property {number} [width] Width of the drawing in user units (the SVG scales to its
 *   container; a width near the container's in CSS pixels keeps the text at 12 px).
 * @property {number} [height] Height in user units.
 */

/**
 * @typedef {object} Series One line: its points share the x labels of the first series.
 * @property {string} name
 * @property {Array<[string, number | null]>} points `[x label, value]`; null leaves a gap.
 */

/**
 * Lines over shared x labels, with gridlines, a dot per point and a legend. The y axis
 * starts at 0 (the reports' metrics all live in [0, 1]) unless `fromZero` is false, which
 * fits it to the data (a validation metric moving in its third decimal).
 *
 * @param {Series[]} series
 * @param {ChartOptions & {fromZero?: boolean}} [options]
 * @returns {Element} an `<svg>`, or a paragraph when there is nothing to draw
 */
export function lineChart(series, options = {}) {
  const format = formatter(options.format);
  const width = options.width ?? 880;
  const height = options.height ?? 240;
  const [left, right, bottom, top] = [50, Math.min(40, width * 0.05), 30, 26];
  const labels = (series[0]?.points ?? []).map(([label]) => String(label));
  const values = series.flatMap((line) => line.points.map(([, value]) => value)).filter(isNumber);
  if (labels.length === 0 || values.length === 0) return empty();

  const [low, high, step] = yRange(values, options.fromZero ?? true);
  const plotHeight = height - bottom - top;
  const y = (value) => height - bottom - ((value - low) / (high - low)) * plotHeight;
  const spacing = labels.length > 1 ? (width - left - right) / (labels.length - 1) : 0;
  const x = (index) => left + index * spacing;

  const svg = frame(width, height, options.title ?? series.map((line) => line.name).join(', '),
    series.map((line) => `${line.name}: ${line.points.map(([label, value]) => `${label} ${format(value)}`).join(', ')}`).join('; '));

  // Gridlines at round values (about five), so the axis reads at a glance.
  const digits = decimals(step);
  for (let tick = 0; tick <= Math.round((high - low) / step); tick++) {
    const value = low + tick * step;
    svg.append(
      node('line', { x1: left, y1: y(value), x2: width - right, y2: y(value), stroke: 'currentColor', 'stroke-opacity': tick === 0 ? 0.45 : 0.15 }),
      node('text', { x: left - 6, y: y(value) + 4, 'text-anchor': 'end' }, value.toFixed(digits)),
    );
  }
  // As many x labels as fit (about 56 units each), evenly skipped.
  const every = Math.ceil(labels.length / Math.max(2, Math.floor((width - left - right) / 56)));
  labels.forEach((label, index) => {
    if (index % every === 0) svg.append(node('text', { x: x(index), y: height - 10, 'text-anchor': 'middle' }, shortLabel(label)));
  });

  const legendStep = Math.min(180, (width - left - 10) / series.length);
  series.forEach((line, number) => {
    const colour = colours[number % colours.length];
    // A missing value breaks the line rather than bridging the gap as if it were known.
    for (const run of runs(line.points.map(([, value], index) => (isNumber(value) ? [x(index), y(value)] : null)))) {
      svg.append(node('polyline', { fill: 'none', stroke: colour, 'stroke-width': 2, points: run.map((point) => point.join(',')).join(' ') }));
    }
    line.points.forEach(([label, value], index) => {
      if (!isNumber(value)) return;
      const dot = node('circle', { cx: x(index), cy: y(value), r: 3, fill: colour });
      dot.append(node('title', {}, `${line.name}, ${label}: ${format(value)}`));
      svg.append(dot);
    });
    svg.append(node('text', { x: left + 10 + number * legendStep, y: 14, fill: colour }, `● ${line.name}`));
  });
  return svg;
}

/**
 * @typedef {[string, number | null]} Bar `[label, value]`; null draws no bar and a dash.
 */

/**
 * Vertical bars from 0, one per label, with the value above each (when it fits).
 *
 * @param {Bar[]} bars
 * @param {ChartOptions & {caption?: string}} [options] `caption` is drawn at the top left.
 * @returns {Element} an `<svg>`, or a paragraph when there are no bars
 */
export function barChart(bars, options = {}) {
  if (bars.length === 0) return empty();
  const format = formatter(options.format);
  const width = options.width ?? 880;
  const height = options.height ?? 220;
  const bottom = 30;
  const top = options.caption ? 34 : 20;
  const slot = (width - 20) / bars.length;
  const highest = Math.max(0, ...bars.map(([, value]) => value).filter(isNumber));
  const scale = highest > 0 ? (height - bottom - top) / highest : 1;

  const svg = frame(width, height, options.title ?? options.caption ?? 'Bar chart',
    bars.map(([label, value]) => `${label}: ${format(value)}`).join(', '));
  if (options.caption) svg.append(node('text', { x: 10, y: 14 }, options.caption));
  // Labels are shown only when they fit their slot (about 7 units a character); the
  // numbers are in the description and each bar's tooltip either way.
  const fits = (text) => text.length * 7 <= slot;
  bars.forEach(([label, value], index) => {
    const x = 10 + index * slot;
    const barHeight = isNumber(value) ? Math.max(0, value) * scale : 0;
    // A few bars on a wide chart stay bars, not slabs.
    const barWidth = Math.min(slot * 0.7, 120);
    const bar = node('rect', { x: x + (slot - barWidth) / 2, y: height - bottom - barHeight, width: barWidth, height: barHeight, fill: colours[0] });
    bar.append(node('title', {}, `${label}: ${format(value)}`));
    svg.append(bar);
    if (fits(format(value))) svg.append(node('text', { x: x + slot / 2, y: height - bottom - barHeight - 4, 'text-anchor': 'middle' }, format(value)));
    if (fits(String(label)) || index % Math.ceil((String(label).length * 7) / slot) === 0) {
      svg.append(node('text', { x: x + slot / 2, y: height - 10, 'text-anchor': 'middle' }, String(label)));
    }
  });
  return svg;
}

/**
 * @typedef {object} IntervalRow
 * @property {string} name
 * @property {number} lower
 * @property {number} value The estimate, drawn as a dot.
 * @property {number} upper
 */

/**
 * One row per entry: the interval as a bar, the estimate as a dot, on a shared axis. With
 * `zero`, the axis always includes 0 and a dashed line marks it (no difference, for lifts).
 * Rows with a non-finite bound are left out.
 *
 * @param {IntervalRow[]} rows
 * @param {ChartOptions & {zero?: boolean, min?: number, max?: number}} [options] `min` and
 *   `max` bound the axis (0 and 1 for rates), which otherwise pads the data by 8%.
 * @returns {Element} an `<svg>`, or a paragraph when no row is finite
 */
export function intervalChart(rows, options = {}) {
  const format = formatter(options.format);
  const finite = rows.filter((row) => isNumber(row.lower) && isNumber(row.upper) && isNumber(row.value));
  if (finite.length === 0) return empty();
  const width = options.width ?? 880;
  const [rowHeight, top] = [36, 30];
  // Room for the longest name (about 7 units a character), within a third of the width.
  const left = Math.min(Math.max(60, 12 + 7 * Math.max(...finite.map((row) => row.name.length))), width / 3);
  const height = finite.length * rowHeight + top + 14;
  let low = Math.min(...finite.map((row) => row.lower));
  let high = Math.max(...finite.map((row) => row.upper));
  if (options.zero) [low, high] = [Math.min(low, 0), Math.max(high, 0)];
  const pad = Math.max((high - low) * 0.08, 1e-6);
  [low, high] = [Math.max(low - pad, options.min ?? -Infinity), Math.min(high + pad, options.max ?? Infinity)];
  const x = (value) => left + ((value - low) / (high - low)) * (width - left - 20);

  const describe = (row) => `${row.name}: ${format(row.value)} [${format(row.lower)}, ${format(row.upper)}]`;
  const svg = frame(width, height, options.title ?? 'Estimates with their intervals', finite.map(describe).join('; '));
  if (options.zero) {
    svg.append(node('line', { x1: x(0), y1: 4, x2: x(0), y2: height - 20, stroke: 'currentColor', 'stroke-opacity': 0.5, 'stroke-dasharray': '4 3' }));
    // Labelled unless it would run into the axis' end labels.
    if (x(0) - left > 60 && width - x(0) > 60) svg.append(node('text', { x: x(0), y: height - 6, 'text-anchor': 'middle' }, '0'));
  }
  finite.forEach((row, index) => {
    const y = index * rowHeight + top;
    // Names longer than the margin are cut; the tooltip and description keep them whole.
    const room = Math.floor((left - 8) / 7);
    const name = node('text', { x: 4, y: y + 4 }, row.name.length > room ? `${row.name.slice(0, room - 1)}…` : row.name);
    const mark = node('g', {});
    mark.append(
      node('title', {}, describe(row)),
      node('line', { x1: x(row.lower), y1: y, x2: x(row.upper), y2: y, stroke: '#3b6fb6', 'stroke-width': 6, 'stroke-linecap': 'round' }),
      node('circle', { cx: x(row.value), cy: y, r: 5, fill: 'currentColor' }),
      // The estimate in figures above its dot.
      node('text', { x: x(row.value), y: y - 10, 'text-anchor': 'middle', 'font-size': 11 }, format(row.value)),
    );
    svg.append(name, mark);
  });
  svg.append(
    node('text', { x: left, y: height - 6 }, format(low)),
    node('text', { x: width - 4, y: height - 6, 'text-anchor': 'end' }, format(high)),
  );
  return svg;
}

/**
 * The chart a JSON description asks for: `{"kind": "line", "series": […], …options}`,
 * `{"kind": "bar", "bars": […], …}` or `{"kind": "interval", "rows": […], …}`.
 *
 * @param {{kind: string} & Record<string, any>} spec
 * @returns {Element}
 */
export function chart(spec) {
  switch (spec.kind) {
    case 'line': return lineChart(spec.series ?? [], spec);
    case 'bar': return barChart(spec.bars ?? [], spec);
    case 'interval': return intervalChart(spec.rows ?? [], spec);
    default: throw new Error(`unknown chart kind ${JSON.stringify(spec.kind)}`);
  }
}

/**
 * Replaces every element under `root` that carries `data-chart` (a JSON chart description,
 * see {@link chart}) with its chart, keeping the placeholder's id and classes. A chart
 * without a `width` is drawn at its placeholder's width (300–880), so its text stays near
 * 12 px on a phone too. A placeholder whose description cannot be read says so in its
 * place instead of vanishing.
 *
 * @param {ParentNode} [root]
 * @returns {number} how many charts were drawn
 */
export function drawCharts(root = document) {
  let drawn = 0;
  for (const placeholder of root.querySelectorAll('[data-chart]')) {
    try {
      const spec = JSON.parse(placeholder.getAttribute('data-chart') ?? '');
      if (spec.width === undefined && placeholder.clientWidth > 0) spec.width = Math.max(300, Math.min(880, placeholder.clientWidth));
      const svg = chart(spec);
      if (placeholder.id) svg.id = placeholder.id;
      for (const name of placeholder.classList) svg.classList.add(name);
      placeholder.replaceWith(svg);
      drawn++;
    } catch (error) {
      placeholder.textContent = `This chart could not be drawn (${error instanceof Error ? error.message : error}).`;
    }
  }
  return drawn;
}

// Helpers.

/** @param {unknown} value @returns {value is number} */
function isNumber(value) {
  return typeof value === 'number' && Number.isFinite(value);
}

/** @param {ChartOptions['format']} format */
function formatter(format) {
  if (typeof format === 'function') return format;
  return formats[format ?? 'number'] ?? formats.number;
}

let serial = 0;

/**
 * An `<svg>` scaled to its container's width, named by a `<title>` and described by a
 * `<desc>` holding the numbers (screen readers read both; role="img" hides the marks).
 */
function frame(width, height, title, description) {
  const id = `lineup-chart-${++serial}`;
  const svg = node('svg', {
    viewBox: `0 0 ${width} ${height}`, width: '100%', role: 'img', 'aria-labelledby': `${id}-title ${id}-desc`,
    class: 'lineup-chart', fill: 'currentColor', 'font-family': 'system-ui, -apple-system, sans-serif', 'font-size': 12,
  });
  svg.append(node('title', { id: `${id}-title` }, title), node('desc', { id: `${id}-desc` }, description));
  return svg;
}

/** An SVG element with attributes (numbers rounded to 0.1 unit) and optional text. */
function node(name, attributes, text) {
  const element = document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attributes)) {
    element.setAttribute(key, typeof value === 'number' ? String(Math.round(value * 10) / 10) : value);
  }
  if (text !== undefined) element.textContent = text;
  return element;
}

/** What a chart shows when it has no data. */
function empty() {
  const paragraph = document.createElement('p');
  paragraph.className = 'lineup-chart-empty';
  paragraph.textContent = 'No data.';
  return paragraph;
}

/**
 * [low, high, step] of the y axis: ends on multiples of the tick step, from 0 (or below,
 * for negative values) or fitted to the values.
 */
function yRange(values, fromZero) {
  let lowest = Math.min(...values);
  let highest = Math.max(...values);
  if (fromZero) lowest = Math.min(0, lowest);
  if (highest - lowest < 1e-9) {
    // One value (or all equal): a band around it, or [0, 1] for zeros.
    const margin = Math.abs(highest) * 0.05 || 0.5;
    [lowest, highest] = fromZero && lowest >= 0 ? [0, highest + 2 * margin] : [lowest - margin, highest + margin];
  }
  const step = tickStep(highest - lowest);
  return [Math.floor(lowest / step + 1e-9) * step, Math.ceil(highest / step - 1e-9) * step, step];
}

/** A round step (1, 2 or 5 times a power of ten) that cuts `range` into about four. */
function tickStep(range) {
  const raw = range / 4;
  const power = 10 ** Math.floor(Math.log10(raw));
  const multiple = [1, 2, 2.5, 5, 10].find((candidate) => candidate * power >= raw * 0.999) ?? 10;
  return multiple * power;
}

/** The decimals a tick step needs (0.25 needs two, 0.2 one). */
function decimals(step) {
  let digits = 0;
  while (digits < 8 && Math.abs(Math.round(step * 10 ** digits) - step * 10 ** digits) > 1e-6) digits++;
  return digits;
}

/** A day `2026-01-05` shows as `01-05`; anything else as it is. */
function shortLabel(label) {
  return /^\d{4}-\d{2}-\d{2}$/.test(label) ? label.slice(5) : label;
}

/** Consecutive non-null entries, as separate arrays. */
function runs(points) {
  const result = [[]];
  for (const point of points) {
    if (point) result[result.length - 1].push(point);
    else if (result[result.length - 1].length > 0) result.push([]);
  }
  return result.filter((run) => run.length > 0);
}
