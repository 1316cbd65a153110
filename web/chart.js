/**
 * Canvas pictures of training: the loss / accuracy chart and the decision boundary of a
 * 2-input classifier. Drawing functions take plain data, so they can be called from anywhere;
 * the helpers that compute numbers (ranges, grids, colours) are pure and DOM-free.
 */

/** Line colours of the chart, and class colours of the boundary picture. Text drawn in the
 * first three (axis labels) keeps at least WCAG AA's 4.5:1 against the white chart. */
export const COLORS = {
  loss: '#2563eb',
  accuracy: '#c2410c',
  grid: '#e5e7eb',
  text: '#4b5563',
  classes: ['#2563eb', '#dc2626', '#16a34a', '#ca8a04', '#9333ea', '#0891b2', '#db2777',
    '#65a30d', '#ea580c', '#475569'],
};

/* ---- pure helpers -------------------------------------------------------------------------- */

/**
 * Ticks for an axis from 0 to at least `max`: a round step (1, 2, 2.5 or 5 times a power of
 * ten), at most `count` steps, and the decimals its labels need.
 * @param {number} max the largest value shown; not finite or <= 0 gives the axis 0..1
 * @param {number} [count] most steps wanted
 * @returns {{step: number, steps: number, top: number, decimals: number}}
 */
export function axisTicks(max, count = 5) {
  if (!(max > 0) || !Number.isFinite(max)) max = 1;
  const raw = max / count;
  const p = 10 ** Math.floor(Math.log10(raw));
  let step = 10 * p;
  for (const m of [1, 2, 2.5, 5]) {
    if (m * p >= raw * (1 - 1e-9)) {
      step = m * p;
      break;
    }
  }
  const steps = Math.max(1, Math.ceil(max / step - 1e-9));
  let decimals = Math.max(0, Math.ceil(-Math.log10(step) - 1e-9));
  if (Math.abs(step * 10 ** decimals - Math.round(step * 10 ** decimals)) > 1e-6) decimals++;
  return { step, steps, top: step * steps, decimals };
}

/**
 * The label of a tick value: plain decimals for ordinary losses, a short exponent form
 * ('2.5e+23') for large ones, never the float noise of i × step ('4.0000000000000003e+23').
 * @param {number} v a tick value, i × ticks.step
 * @param {{step: number, decimals: number, top: number}} ticks from axisTicks
 * @returns {string}
 */
export function tickLabel(v, ticks) {
  if (v === 0) return '0';
  if (ticks.top < 1e5) return v.toFixed(ticks.decimals);
  return v.toExponential(3).replace(/\.?0+e/, 'e');   // a tick's mantissa has at most 3 decimals
}

/**
 * Range of 2-D points, widened by a margin on every side.
 * @param {Float32Array} x rows × 2
 * @param {number} [margin] fraction of the larger extent added on each side
 * @returns {{x0: number, x1: number, y0: number, y1: number}}
 */
export function pointRange(x, margin = 0.1) {
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (let i = 0; i < x.length; i += 2) {
    x0 = Math.min(x0, x[i]);
    x1 = Math.max(x1, x[i]);
    y0 = Math.min(y0, x[i + 1]);
    y1 = Math.max(y1, x[i + 1]);
  }
  if (!Number.isFinite(x0)) return { x0: -1, x1: 1, y0: -1, y1: 1 };
  const pad = Math.max(x1 - x0, y1 - y0, 1e-6) * margin;
  return { x0: x0 - pad, x1: x1 + pad, y0: y0 - pad, y1: y1 + pad };
}

/**
 * The centres of an n × n grid of cells over a range, as network inputs. Row 0 is the top
 * (largest y), so the grid reads like an image.
 * @param {{x0: number, x1: number, y0: number, y1: number}} range
 * @param {number} n cells per side
 * @returns {Float32Array} n·n rows × 2
 */
export function gridPoints(range, n) {
  const out = new Float32Array(n * n * 2);
  for (let r = 0; r < n; r++) {
    const y = range.y1 - ((r + 0.5) * (range.y1 - range.y0)) / n;
    for (let c = 0; c < n; c++) {
      const i = 2 * (r * n + c);
      out[i] = range.x0 + ((c + 0.5) * (range.x1 - range.x0)) / n;
      out[i + 1] = y;
    }
  }
  return out;
}

/* '#rrggbb' → [r, g, b] */
function rgb(hex) {
  const v = parseInt(hex.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

/**
 * RGBA bytes colouring each row of predictions by its most likely class: a light tint of the
 * class colour, stronger the more confident the prediction.
 * @param {Float32Array} probs rows × classes
 * @param {number} classes
 * @returns {Uint8ClampedArray} 4 bytes per row
 */
export function boundaryPixels(probs, classes) {
  const rows = probs.length / classes;
  const tints = COLORS.classes.map(rgb);
  const out = new Uint8ClampedArray(rows * 4);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let k = 1; k < classes; k++) if (probs[r * classes + k] > probs[r * classes + best]) best = k;
    const p = probs[r * classes + best];
    const confidence = classes > 1 ? Math.max(0, (p - 1 / classes) / (1 - 1 / classes)) : p;
    const mix = 0.15 + 0.3 * confidence;   // share of the class colour over white
    const c = tints[best % tints.length];
    for (let j = 0; j < 3; j++) out[4 * r + j] = 255 + (c[j] - 255) * mix;
    out[4 * r + 3] = 255;
  }
  return out;
}

/* ---- canvas -------------------------------------------------------------------------------- */

/* CSS sizes of the canvases drawn so far, kept by a ResizeObserver so drawing never forces a
   layout; on a change the canvas is drawn again with its last data */
const sizes = new WeakMap();     // canvas → { w, h, redraw }
let observer = null;

function cssSize(canvas, redraw) {
  let s = sizes.get(canvas);
  if (!s) {
    s = { w: canvas.clientWidth || canvas.width, h: canvas.clientHeight || canvas.height, redraw };
    sizes.set(canvas, s);
    observer ??= typeof ResizeObserver === 'function' ? new ResizeObserver(resized) : null;
    observer?.observe(canvas);
  }
  s.redraw = redraw;
  return s;
}

function resized(entries) {
  for (const e of entries) {
    const s = sizes.get(e.target);
    const w = Math.round(e.contentRect.width);
    const h = Math.round(e.contentRect.height);
    if (!s || w === 0 || h === 0 || (w === s.w && h === s.h)) continue;
    s.w = w;
    s.h = h;
    s.redraw();
  }
}

/* match the canvas's pixels to its CSS size × devicePixelRatio; returns the CSS size */
function fit(canvas, redraw) {
  const dpr = globalThis.devicePixelRatio || 1;
  const { w, h } = cssSize(canvas, redraw);
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
  }
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return { ctx, w, h };
}

/* the indices of n points to draw on `width` pixels: every one, or an even sample of about
   two per pixel (always with the last), so long runs cost no more than short ones */
function* sample(n, width) {
  const stride = Math.max(1, Math.floor(n / (2 * width)));
  for (let i = 0; i < n; i += stride) yield i;
  if ((n - 1) % stride !== 0) yield n - 1;
}

/* a polyline of n points, point i at pixel (px(i), py(i)), sampled to the plot's width */
function line(ctx, n, px, py, width, color, dash = []) {
  if (n === 0) return;
  ctx.strokeStyle = color;
  ctx.lineWidth = 1.75;
  ctx.setLineDash(dash);
  ctx.beginPath();
  let first = true;
  for (const i of sample(n, width)) {
    if (first) ctx.moveTo(px(i), py(i));
    else ctx.lineTo(px(i), py(i));
    first = false;
  }
  ctx.stroke();
  ctx.setLineDash([]);
}

/* a dot at each of n points */
function dots(ctx, n, px, py, color) {
  ctx.fillStyle = color;
  for (let i = 0; i < n; i++) {
    ctx.beginPath();
    ctx.arc(px(i), py(i), 2.5, 0, 2 * Math.PI);
    ctx.fill();
  }
}

/* one legend entry at (x, y) */
function legend(ctx, x, y, { color, label, dashed }) {
  ctx.strokeStyle = color;
  ctx.lineWidth = 2;
  ctx.setLineDash(dashed ? [4, 3] : []);
  ctx.beginPath();
  ctx.moveTo(x, y);
  ctx.lineTo(x + 16, y);
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.fillStyle = COLORS.text;
  ctx.fillText(label, x + 20, y);
}

/* legend entries laid out in rows that fit between left and right: [{ ...entry, x, y, right }] */
function legendLayout(ctx, entries, left, right) {
  const placed = [];
  let x = left;
  let y = 12;
  for (const e of entries) {
    const width = 20 + ctx.measureText(e.label).width;
    if (x > left && x + width > right) {
      x = left;
      y += 18;
    }
    placed.push({ ...e, x, y, right: x + width });
    x += width + 10;
  }
  return placed;
}

/**
 * Draw the loss (left axis) and accuracy (right axis, 0..1) against epochs. The margins fit the
 * widest axis label, the legend wraps onto more rows when the canvas is narrow, and the canvas's
 * aria-label says what the axes show.
 * @param {HTMLCanvasElement} canvas sized by CSS; drawn at the device pixel ratio
 * @param {object} data
 * @param {{loss: number[], accuracy: number[], valLoss?: number[], valAccuracy?: number[]}} data.history
 *   one entry per finished epoch
 * @param {number} data.epochs epochs planned (the x axis' length)
 * @param {Array<{x: number, loss: number, accuracy: number}>} [data.batches] finer points
 *   inside epochs (x in epochs, fractional), drawn faintly before the epoch points
 * @returns {{width: number, height: number, lossLabels: string[], accuracyLabels: string[],
 *   xLabel: string, legend: Array<{label: string, x: number, y: number, right: number}>,
 *   left: number, right: number}} what was drawn where, in CSS pixels
 */
export function drawChart(canvas, data) {
  const { history, epochs, batches = [] } = data;
  const { ctx, w, h } = fit(canvas, () => drawChart(canvas, data));
  ctx.clearRect(0, 0, w, h);
  ctx.font = '12px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  const valLoss = history.valLoss ?? [];
  const valAccuracy = history.valAccuracy ?? [];
  let top = 0;
  for (const v of [...history.loss, ...valLoss]) if (v > top) top = v;
  for (const b of batches) if (b.loss > top) top = b.loss;
  const ticks = axisTicks(top);
  const lossLabels = Array.from({ length: ticks.steps + 1 }, (_, i) => tickLabel(i * ticks.step, ticks));
  const accuracyLabels = [0, 1, 2, 3, 4].map((i) => (i / 4).toFixed(2));
  const widest = (labels) => Math.max(...labels.map((l) => ctx.measureText(l).width));
  const entries = [
    { color: COLORS.loss, label: 'loss', dashed: false },
    { color: COLORS.accuracy, label: 'accuracy', dashed: false },
  ];
  if (valLoss.length) {
    entries.push({ color: COLORS.loss, label: 'test loss', dashed: true },
      { color: COLORS.accuracy, label: 'test accuracy', dashed: true });
  }
  const pad = { left: Math.ceil(widest(lossLabels)) + 12, right: Math.ceil(widest(accuracyLabels)) + 12, bottom: 26 };
  const placed = legendLayout(ctx, entries, pad.left, w - 4);
  pad.top = placed.at(-1).y + 14;
  const pw = Math.max(10, w - pad.left - pad.right);
  const ph = Math.max(10, h - pad.top - pad.bottom);
  const xMax = Math.max(1, epochs);
  const xLabel = `${xMax} epoch${xMax === 1 ? '' : 's'}`;
  const maxLoss = ticks.top;
  const sx = (x) => pad.left + (x / xMax) * pw;
  const sl = (v) => pad.top + ph - (Math.min(v, maxLoss) / maxLoss) * ph;
  const sa = (v) => pad.top + ph - v * ph;

  // grid lines at the loss ticks; accuracy ticks on the right
  ctx.strokeStyle = COLORS.grid;
  ctx.lineWidth = 1;
  ctx.textAlign = 'right';
  ctx.fillStyle = COLORS.loss;
  lossLabels.forEach((label, i) => {
    const y = sl(i * ticks.step);
    ctx.beginPath();
    ctx.moveTo(pad.left, y);
    ctx.lineTo(pad.left + pw, y);
    ctx.stroke();
    ctx.fillText(label, pad.left - 6, y);
  });
  ctx.textAlign = 'left';
  ctx.fillStyle = COLORS.accuracy;
  accuracyLabels.forEach((label, i) => ctx.fillText(label, pad.left + pw + 6, sa(i / 4)));
  ctx.fillStyle = COLORS.text;
  ctx.textAlign = 'left';
  ctx.fillText('0', sx(0), pad.top + ph + 14);
  ctx.textAlign = 'right';
  ctx.fillText(xLabel, pad.left + pw, pad.top + ph + 14);

  // faint batch points, then the epoch lines (an epoch's point sits at its end)
  ctx.globalAlpha = 0.35;
  const bx = (i) => sx(batches[i].x);
  line(ctx, batches.length, bx, (i) => sl(batches[i].loss), pw, COLORS.loss);
  line(ctx, batches.length, bx, (i) => sa(batches[i].accuracy), pw, COLORS.accuracy);
  ctx.globalAlpha = 1;
  const ex = (i) => sx(i + 1);
  const n = history.loss.length;
  line(ctx, n, ex, (i) => sl(history.loss[i]), pw, COLORS.loss);
  line(ctx, n, ex, (i) => sa(history.accuracy[i]), pw, COLORS.accuracy);
  line(ctx, valLoss.length, ex, (i) => sl(valLoss[i]), pw, COLORS.loss, [4, 3]);
  line(ctx, valAccuracy.length, ex, (i) => sa(valAccuracy[i]), pw, COLORS.accuracy, [4, 3]);
  if (n <= 60) {   // few epochs: mark each
    dots(ctx, n, ex, (i) => sl(history.loss[i]), COLORS.loss);
    dots(ctx, n, ex, (i) => sa(history.accuracy[i]), COLORS.accuracy);
  }

  ctx.textAlign = 'left';
  for (const e of placed) legend(ctx, e.x, e.y, e);
  canvas.setAttribute('aria-label', `Loss (left axis, 0 to ${lossLabels.at(-1)}) and accuracy (right ` +
    `axis, 0 to 1) over ${xLabel}: ${n ? `${n} finished` : 'none finished yet'}`);
  return { width: w, height: h, lossLabels, accuracyLabels, xLabel, legend: placed.map(({ label, x, y, right }) =>
    ({ label, x, y, right })), left: pad.left, right: w - pad.right };
}

/* one small canvas of n × n cells, reused between drawings */
let cells = null;
function cellCanvas(n) {
  cells ??= document.createElement('canvas');
  if (cells.width !== n) cells.width = n;
  if (cells.height !== n) cells.height = n;
  return cells;
}

/**
 * Draw a decision boundary picture: the grid of predictions as coloured cells (when given),
 * with the data points on top, coloured by their label.
 * @param {HTMLCanvasElement} canvas sized by CSS; drawn at the device pixel ratio
 * @param {object} data
 * @param {{x0: number, x1: number, y0: number, y1: number}} data.range the area shown
 * @param {Float32Array} data.points rows × 2
 * @param {ArrayLike<number>} data.labels one class per row of points
 * @param {number} data.classes
 * @param {Float32Array|null} [data.probs] n·n rows × classes predictions over
 *   gridPoints(range, n), or null for the points alone
 * @param {number} [data.n] cells per side of the grid
 */
export function drawBoundary(canvas, data) {
  const { range, points, labels, classes, probs = null, n = 64 } = data;
  const { ctx, w, h } = fit(canvas, () => drawBoundary(canvas, data));
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, w, h);
  if (probs) {
    const cells = cellCanvas(n);
    cells.getContext('2d').putImageData(new ImageData(boundaryPixels(probs, classes), n, n), 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(cells, 0, 0, w, h);
  }
  const sx = (v) => ((v - range.x0) / (range.x1 - range.x0)) * w;
  const sy = (v) => h - ((v - range.y0) / (range.y1 - range.y0)) * h;
  ctx.lineWidth = 1;
  ctx.strokeStyle = '#fff';
  for (let i = 0; i < labels.length; i++) {
    ctx.fillStyle = COLORS.classes[labels[i] % COLORS.classes.length];
    ctx.beginPath();
    ctx.arc(sx(points[2 * i]), sy(points[2 * i + 1]), 3, 0, 2 * Math.PI);
    ctx.fill();
    ctx.stroke();
  }
}
