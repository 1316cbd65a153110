/**
 * What `nnwasm train` shows while it trains: a progress bar redrawn in place on a terminal
 * (stderr), one line per epoch (stdout), and, without a terminal, a plain progress line now and
 * then inside long epochs. The formatters are pure functions of numbers, so tests can check
 * them without a terminal.
 */

const REDRAW_MS = 100;         // at most 10 bar redraws a second
const PLAIN_EVERY_MS = 10_000; // without a bar: a progress line when an epoch runs this long
const ETA_AFTER_MS = 200;      // an ETA from less than this is noise
const CLEAR = '\r\x1b[K';      // back to column 0, erase to the end of the line

/**
 * A duration for people: "12 ms", "0.8 s", "12 s", "3 m 05 s", "1 h 02 m".
 * @param {number} ms
 */
export function formatDuration(ms) {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const pad = (n) => String(n).padStart(2, '0');
  if (s < 3600) return `${Math.floor(s / 60)} m ${pad(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${pad(Math.floor(s / 60) % 60)} m`;
}

/** 0.97333 → "97.33%" */
export const percent = (fraction) => `${(100 * fraction).toFixed(2)}%`;

/**
 * The line printed after an epoch.
 * @param {number} epoch from 0
 * @param {number} epochs
 * @param {{loss: number, accuracy: number, valLoss?: number, valAccuracy?: number}} logs
 * @param {number} ms how long the epoch took
 */
export function formatEpoch(epoch, epochs, logs, ms) {
  const n = String(epoch + 1).padStart(String(epochs).length);
  let line = `epoch ${n}/${epochs}  loss ${logs.loss.toFixed(4)}  accuracy ${percent(logs.accuracy)}`;
  if (logs.valLoss !== undefined) {
    line += `  val loss ${logs.valLoss.toFixed(4)}  val accuracy ${percent(logs.valAccuracy)}`;
  }
  return `${line}  ${formatDuration(ms)}`;
}

/**
 * The progress line: percentage, bar (a quarter of the terminal, at most 30 characters; none
 * under 40 columns), epoch, batch, loss and ETA. It never gets wider than `columns - 1`, since a
 * wrapped line cannot be redrawn in place: on a narrow terminal the batch, then the loss, then
 * the epoch are left out, and what still does not fit is cut.
 * @param {{done: number, total: number, epoch: number, epochs: number, batch: number,
 *   batches: number, loss: number|null, etaMs: number|null}} s batch and epoch from 1
 * @param {number} columns the terminal's width; 0 for a plain line without a bar
 */
export function formatProgress(s, columns) {
  const fraction = s.total > 0 ? Math.min(1, s.done / s.total) : 0;
  const pct = `${Math.floor(100 * fraction)}%`.padStart(4);
  const parts = { epoch: `epoch ${s.epoch}/${s.epochs}`, batch: `batch ${s.batch}/${s.batches}`,
    loss: s.loss !== null && Number.isFinite(s.loss) ? `loss ${s.loss.toFixed(4)}` : null,
    eta: `ETA ${s.etaMs === null ? '--' : formatDuration(s.etaMs)}` };
  const text = () => Object.values(parts).filter(Boolean).join('  ');
  if (!columns) return `${pct}  ${text()}`;
  // the bar's width depends on the terminal only, so it does not jump as the text changes
  const width = columns >= 40 ? Math.min(30, Math.floor(columns / 4)) : 0;
  const full = Math.floor(width * fraction);
  const head = full < width ? '>' : '';
  const bar = width ? ` [${'='.repeat(full)}${head}${' '.repeat(width - full - head.length)}] ` : '  ';
  for (const drop of ['batch', 'loss', 'epoch']) {
    if (pct.length + bar.length + text().length < columns) break;
    parts[drop] = null;
  }
  return `${pct}${bar}${text()}`.slice(0, Math.max(0, columns - 1));
}

/**
 * Follows a fit through its callbacks and writes what the user sees.
 * @param {object} o
 * @param {{write(s: string): unknown}} o.out epoch lines (stdout)
 * @param {{write(s: string): unknown, columns?: number}} o.err the bar and notes (stderr)
 * @param {'bar'|'lines'|'quiet'} o.mode bar: redrawn bar on err plus epoch lines;
 *   lines: epoch lines and a progress line every `plainEveryMs` inside long epochs; quiet: notes only
 * @param {number} o.epochs epochs of the whole session
 * @param {number} o.batches batches per epoch
 * @param {number} [o.firstEpoch] epochs already done (a resumed session)
 * @param {number} [o.firstBatch] batches already done in that epoch
 * @param {() => number} [o.now] clock in ms (tests pass a fake one)
 * @param {number} [o.plainEveryMs]
 */
export function createReporter({ out, err, mode, epochs, batches, firstEpoch = 0, firstBatch = 0,
  now = () => performance.now(), plainEveryMs = PLAIN_EVERY_MS }) {
  const total = epochs * batches;
  const startDone = firstEpoch * batches + firstBatch;
  const t0 = now();
  let done = startDone;
  let epoch = firstEpoch;       // current epoch, from 0
  let batch = firstBatch;       // batches done in it
  let lossSum = 0;
  let lossCount = 0;
  let drawn = false;            // a bar is on the screen
  let lastDraw = -Infinity;
  let lastLine = t0;            // last line printed in lines mode
  let epochStart = t0;

  const state = () => {
    const elapsed = now() - t0;
    const ran = done - startDone;
    const etaMs = ran > 0 && elapsed >= ETA_AFTER_MS ? ((total - done) * elapsed) / ran : null;
    return { done, total, epoch: Math.min(epoch + 1, epochs), epochs, batch, batches,
      loss: lossCount ? lossSum / lossCount : null, etaMs };
  };
  const clear = () => {
    if (drawn) err.write(CLEAR);
    drawn = false;
  };
  const draw = () => {
    err.write(`\r${formatProgress(state(), err.columns || 80)}\x1b[K`);
    drawn = true;
    lastDraw = now();
  };

  return {
    /** after every step: batch from 0 within the epoch, logs.loss the batch's loss */
    batch(index, logs) {
      if (logs.epoch !== epoch) {   // the first batch of a new epoch
        epoch = logs.epoch;
        lossSum = 0;
        lossCount = 0;
      }
      batch = index + 1;
      done = epoch * batches + batch;
      if (Number.isFinite(logs.loss)) {
        lossSum += logs.loss;
        lossCount++;
      }
      const t = now();
      if (mode === 'bar' && t - lastDraw >= REDRAW_MS) draw();
      if (mode === 'lines' && t - lastLine >= plainEveryMs && batch < batches) {
        out.write(`${formatProgress(state(), 0)}\n`);
        lastLine = t;
      }
    },
    /** after every epoch, from 0 */
    epoch(index, logs) {
      const t = now();
      const ms = t - epochStart;
      epoch = index + 1;
      batch = 0;
      done = epoch * batches;
      lossSum = 0;
      lossCount = 0;
      epochStart = t;
      lastLine = t;
      if (mode === 'quiet') return;
      clear();
      out.write(`${formatEpoch(index, epochs, logs, ms)}\n`);
      if (mode === 'bar' && epoch < epochs) draw();   // keep the bar under the lines
    },
    /** a note on stderr (never hidden by quiet), without breaking the bar */
    note(text) {
      clear();
      err.write(`${text}\n`);
    },
    /** take the bar off the screen */
    end() { clear(); },
    /** where training is: epoch and batch from 1, for messages */
    where() { return { epoch: Math.min(epoch + 1, epochs), batch, batches, epochs }; },
  };
}
