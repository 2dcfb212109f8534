/**
 * The small synthetic chart on each demo widget (KPI with sparkline, line, stacked bars,
 * mini table, heatmap, map, funnel, gauge, notes), chosen by the widget's type. The data is
 * made up but deterministic: seeded by the widget's id, so a reload (or another browser)
 * draws the same chart for the same widget.
 *
 * Everything is built with DOM APIs and styled by classes (demo.css), because the demo page
 * runs under a Content-Security-Policy without inline style.
 *
 * @module widget-charts
 */

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * The catalog fields the charts read (a catalog item, as demo.js has it).
 * @typedef {{id: string, title: string, description?: string, type: string,
 *            attributes?: Record<string, unknown>}} Item
 */

/**
 * A small fast PRNG (mulberry32) seeded by a string hash (FNV-1a): the same id gives the
 * same numbers in every browser.
 * @param {string} seed
 * @returns {() => number} uniform in [0, 1)
 */
function random(seed) {
  let h = 2166136261;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A random walk with a drift, kept positive: believable metric history.
 * @param {() => number} next
 * @param {number} length
 * @returns {number[]}
 */
function walk(next, length) {
  const drift = (next() - 0.4) * 0.08;
  const values = [50 + next() * 50];
  for (let i = 1; i < length; i++) {
    const previous = values[i - 1];
    values.push(Math.max(5, previous * (1 + drift + (next() - 0.5) * 0.18)));
  }
  return values;
}

/**
 * An SVG element with its attributes (demo.js draws the why panel's bars with it too).
 * @param {string} tag
 * @param {Record<string, string | number>} [attributes]
 * @returns {SVGElement}
 */
export function svgElement(tag, attributes = {}) {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  return element;
}

/**
 * An SVG chart, labelled for screen readers as what it is: made-up data.
 * @param {string} kind
 * @param {string} viewBox
 * @param {boolean} stretch fill the box (lines, bars) or keep the proportions (gauge, map)
 */
function chartSvg(kind, viewBox, stretch) {
  return svgElement('svg', {
    class: `chart chart-${kind}`,
    viewBox,
    preserveAspectRatio: stretch ? 'none' : 'xMidYMid meet',
    role: 'img',
    'aria-label': `${kind} of sample data`,
    focusable: 'false',
  });
}

/**
 * The card's body, by widget type: a `div.card-visual` holding the widget's chart.
 * @param {Item} item
 * @returns {HTMLElement}
 */
export function drawWidgetChart(item) {
  const next = random(item.id);
  const figure = document.createElement('div');
  figure.className = 'card-visual';
  const description = item.description ?? '';
  switch (item.type) {
    case 'kpi': figure.append(...kpi(item, next)); break;
    case 'chart': figure.append(/line chart/i.test(description) ? lineChart(next) : stackedBars(next)); break;
    case 'table': figure.append(miniTable(item, next)); break;
    case 'heatmap': figure.append(heatmap(next)); break;
    case 'map': figure.append(tileMap(next)); break;
    case 'funnel': figure.append(funnel(next)); break;
    case 'gauge': figure.append(...gauge(next)); break;
    case 'text': figure.append(notes(item)); break;
    default: figure.append(lineChart(next));
  }
  return figure;
}

/**
 * A headline number, its change, and a sparkline of its recent history.
 * @param {Item} item
 * @param {() => number} next
 * @returns {Node[]}
 */
function kpi(item, next) {
  const values = walk(next, 24);
  const last = values[values.length - 1];
  const change = (last - values[values.length - 8]) / values[values.length - 8];
  const number = document.createElement('p');
  number.className = 'kpi-value';
  number.textContent = kpiValue(item, last, next);
  const delta = document.createElement('p');
  delta.className = `kpi-delta ${change >= 0 ? 'up' : 'down'}`;
  delta.textContent = `${change >= 0 ? '▲' : '▼'} ${Math.abs(change * 100).toFixed(1)}% vs last week`;
  const numbers = document.createElement('div');
  numbers.className = 'kpi-numbers';
  numbers.append(number, delta);
  return [numbers, polyline(values, 'sparkline', true)];
}

/**
 * Formats the synthetic headline by what the metric's name suggests it measures (first
 * rule that matches), so "API latency" reads in ms and "Win rate" as a percentage.
 * @type {Array<[RegExp, (value: number, next: () => number) => string]>}
 */
const KPI_FORMATS = [
  [/latency|response time|load time|\bp9\d\b/, (v) => `${Math.round(v * 4)} ms`],
  [/\bnps\b|net promoter/, (v) => String(Math.round(v % 80) - 10)],
  [/csat|satisfaction|score|rating|engagement/, (v) => `${(3 + (v % 20) / 10).toFixed(1)} / 5`],
  [/\broi\b|return on/, (v) => `${(1 + (v % 40) / 10).toFixed(1)}×`],
  [/runway/, (v) => `${Math.round(6 + (v % 30))} months`],
  [/aging|ageing/, (v) => `${Math.round(20 + (v % 40))} days`],
  [/frequency/, (v) => `${(1 + (v % 90) / 10).toFixed(1)} / day`],
  [/rate|ratio|share|margin|churn|percent|conversion|adoption|retention|utili[sz]ation|uptime|coverage|attainment|deflection|completion/,
    (v) => `${(v % 100).toFixed(1)}%`],
  [/revenue|\barr\b|\bmrr\b|cost|spend|burn|expenses|pipeline|bookings|price|budget|cash|deal/,
    (v, next) => new Intl.NumberFormat('en', { style: 'currency', currency: 'USD', notation: 'compact', maximumFractionDigits: 1 })
      .format(v * 1000 * (1 + next() * 9))],
  [/\btime\b|duration|length|recovery/, (v) => `${(v / 10).toFixed(1)} h`],
];

/**
 * @param {Item} item
 * @param {number} value a walk's last value, 5…~150
 * @param {() => number} next
 */
function kpiValue(item, value, next) {
  const name = `${item.title} ${item.attributes?.metric ?? ''}`.toLowerCase();
  const format = KPI_FORMATS.find(([pattern]) => pattern.test(name))?.[1];
  if (format) return format(value, next);
  return new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 }).format(value * 100 * (1 + next() * 9));
}

/**
 * A line through values scaled into a 200 × 60 box, with the area under it.
 * @param {number[]} values
 * @param {string} kind
 * @param {boolean} area
 * @param {SVGElement} [into] draw into this chart instead of a new one
 * @param {{min: number, max: number}} [range]
 */
function polyline(values, kind, area, into, range) {
  const svg = into ?? chartSvg(kind, '0 0 200 60', true);
  const min = range?.min ?? Math.min(...values);
  const max = range?.max ?? Math.max(...values);
  const span = max - min || 1;
  const points = values.map((value, i) => [
    (i / (values.length - 1)) * 200,
    56 - ((value - min) / span) * 50,
  ]);
  const line = points.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ');
  if (area) svg.append(svgElement('polygon', { class: 'chart-area', points: `0,60 ${line} 200,60` }));
  svg.append(svgElement('polyline', { class: 'chart-line', points: line, 'vector-effect': 'non-scaling-stroke' }));
  return svg;
}

/**
 * This period as a line over the previous one (dashed), as the catalog describes line charts.
 * @param {() => number} next
 */
function lineChart(next) {
  const current = walk(next, 30);
  const previous = walk(next, 30);
  const all = [...current, ...previous];
  const range = { min: Math.min(...all), max: Math.max(...all) };
  const svg = chartSvg('line chart', '0 0 200 60', true);
  for (const y of [10, 30, 50]) svg.append(svgElement('line', { class: 'chart-grid', x1: 0, x2: 200, y1: y, y2: y, 'vector-effect': 'non-scaling-stroke' }));
  polyline(previous, 'line', false, svg, range).lastElementChild?.classList.add('chart-line-previous');
  return polyline(current, 'line', true, svg, range);
}

/**
 * Stacked bars, three series, as the catalog describes its other charts.
 * @param {() => number} next
 */
function stackedBars(next) {
  const bars = 14;
  const series = [walk(next, bars), walk(next, bars), walk(next, bars)];
  const totals = Array.from({ length: bars }, (_, i) => series.reduce((sum, s) => sum + s[i], 0));
  const max = Math.max(...totals);
  const svg = chartSvg('stacked bar chart', '0 0 200 60', true);
  const slot = 200 / bars;
  for (let i = 0; i < bars; i++) {
    let top = 60;
    series.forEach((values, s) => {
      const height = (values[i] / max) * 56;
      top -= height;
      svg.append(svgElement('rect', { class: `chart-series-${s}`, x: (i * slot + slot * 0.15).toFixed(1), y: top.toFixed(2), width: (slot * 0.7).toFixed(1), height: height.toFixed(2) }));
    });
  }
  return svg;
}

/**
 * A few rows of a breakdown, as a real table (it is one), labelled by the title's "by …".
 * @param {Item} item
 * @param {() => number} next
 */
function miniTable(item, next) {
  const by = /\bby ([a-z][a-z -]*)$/i.exec(item.title)?.[1] ?? 'segment';
  const label = by.charAt(0).toUpperCase() + by.slice(1);
  const table = document.createElement('table');
  table.className = 'mini-table';
  const caption = document.createElement('caption');
  caption.className = 'visually-hidden';
  caption.textContent = 'Sample data';
  const head = table.createTHead().insertRow();
  for (const text of [label, 'Value', 'Change']) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = text;
    head.append(th);
  }
  table.prepend(caption);
  const body = table.createTBody();
  const rows = Array.from({ length: 4 }, (_, i) => ({ name: `${label} ${String.fromCharCode(65 + i)}`, value: 200 + next() * 9800, change: (next() - 0.45) * 30 }));
  rows.sort((a, b) => b.value - a.value);
  for (const row of rows) {
    const tr = body.insertRow();
    tr.insertCell().textContent = row.name;
    tr.insertCell().textContent = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 }).format(row.value);
    const change = tr.insertCell();
    change.className = row.change >= 0 ? 'up' : 'down';
    change.textContent = `${row.change >= 0 ? '+' : '−'}${Math.abs(row.change).toFixed(1)}%`;
  }
  return table;
}

/**
 * Seven rows by sixteen columns of cells in five shades.
 * @param {() => number} next
 */
function heatmap(next) {
  const rows = 7;
  const columns = 16;
  const svg = chartSvg('heatmap', `0 0 ${columns * 10} ${rows * 10}`, true);
  const phase = next() * Math.PI * 2;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      // A smooth wave plus noise, so the map has visible structure instead of static.
      const level = 0.5 + 0.3 * Math.sin(phase + c / 3 + r / 2) + (next() - 0.5) * 0.5;
      const shade = Math.max(0, Math.min(4, Math.floor(level * 5)));
      svg.append(svgElement('rect', { class: `heat-${shade}`, x: c * 10 + 0.75, y: r * 10 + 0.75, width: 8.5, height: 8.5, rx: 1.5 }));
    }
  }
  return svg;
}

/** A coarse world as tiles (X: land), for the map widgets' shaded regions. */
const WORLD = [
  '..XXXXX.....XXXXXXXX..',
  '.XXXXXXX..XXXXXXXXXXX.',
  '..XXXXX...XXXXXXXXXXXX',
  '...XXXX...XXXXXXXXXX..',
  '....XX.....XXXXX.XX...',
  '.....XX...XXXXX...X...',
  '.....XXX...XXX.....XX.',
  '......XX...XX.....XXX.',
  '......X............X..',
];

/**
 * The world's tiles, shaded by a few regional values.
 * @param {() => number} next
 */
function tileMap(next) {
  const columns = WORLD[0].length;
  const svg = chartSvg('map', `0 0 ${columns * 10} ${WORLD.length * 10}`, false);
  const regions = Array.from({ length: 6 }, () => Math.floor(next() * 5));
  WORLD.forEach((row, r) => {
    [...row].forEach((cell, c) => {
      if (cell !== 'X') return;
      // Neighbouring tiles share a region (3 bands across, 2 down), like countries do.
      const region = regions[Math.min(2, Math.floor(c / (columns / 3))) + (r < WORLD.length / 2 ? 0 : 3)];
      const shade = Math.max(0, Math.min(4, region + (next() < 0.2 ? 1 : 0)));
      svg.append(svgElement('rect', { class: `heat-${shade}`, x: c * 10 + 1, y: r * 10 + 1, width: 8, height: 8, rx: 2 }));
    });
  });
  return svg;
}

/**
 * Five stages, each keeping a share of the last, with the share kept written beside it.
 * @param {() => number} next
 */
function funnel(next) {
  const svg = chartSvg('funnel', '0 0 200 80', false);
  let width = 1;
  for (let stage = 0; stage < 5; stage++) {
    const barWidth = width * 150;
    svg.append(svgElement('rect', { class: 'chart-series-0', x: ((150 - barWidth) / 2).toFixed(1), y: stage * 16 + 1, width: barWidth.toFixed(1), height: 13, rx: 2 }));
    const label = svgElement('text', { class: 'chart-label', x: 156, y: stage * 16 + 11 });
    label.textContent = `${Math.round(width * 100)}%`;
    svg.append(label);
    width *= 0.45 + next() * 0.45;
  }
  return svg;
}

/**
 * Progress against the target: a half ring, and the share written under it.
 * @param {() => number} next
 * @returns {Node[]}
 */
function gauge(next) {
  const share = 0.55 + next() * 0.5;
  const svg = chartSvg('gauge', '0 0 120 66', false);
  const arc = 'M 10 60 A 50 50 0 0 1 110 60';
  svg.append(
    svgElement('path', { class: 'gauge-track', d: arc, pathLength: 100 }),
    svgElement('path', { class: `gauge-fill ${share >= 1 ? 'up' : ''}`, d: arc, pathLength: 100, 'stroke-dasharray': `${Math.min(share, 1) * 100} 100` }),
  );
  const value = document.createElement('p');
  value.className = 'gauge-value';
  value.textContent = `${Math.round(share * 100)}% of target`;
  return [svg, value];
}

/**
 * A notes widget is text written by people: show its description as the note.
 * @param {Item} item
 */
function notes(item) {
  const text = document.createElement('p');
  text.className = 'notes';
  text.textContent = item.description || 'No notes yet.';
  return text;
}
