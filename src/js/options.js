/**
 * Argument checks made before anything crosses into wasm: TypeError for wrong kinds,
 * RangeError for bad sizes or values, each naming the option and the value received.
 */

/** a short, readable description of a received value for messages */
export function show(v) {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'function') return 'a function';
  if (v === null || typeof v !== 'object') return String(v);
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name} of length ${v.length}`;
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  return `an object (${Object.prototype.toString.call(v).slice(8, -1)})`;
}

function distance(a, b) {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1,
        d[i - 1][j - 1] + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
    }
  }
  return d[a.length][b.length];
}

/** the known name closest to name (edit distance, case ignored), or '' when none is close */
export function closest(name, known) {
  let best = '';
  let score = Infinity;
  for (const k of known) {
    const s = distance(name, k);
    if (s < score) { best = k; score = s; }
  }
  return score <= Math.max(2, best.length / 3) ? best : '';
}

/** the closest known name, as a hint, or '' */
function hint(name, known) {
  const best = closest(name, known);
  return best ? `; did you mean ${JSON.stringify(best)}?` : '';
}

/** Reject keys of obj that are not in known, with a hint. `where` names the object. */
export function checkKeys(obj, known, where) {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
    throw new TypeError(`${where} must be an object, got ${show(obj)}`);
  }
  for (const key of Object.keys(obj)) {
    if (!known.includes(key)) {
      throw new TypeError(`unknown option ${JSON.stringify(key)} in ${where}${hint(key, known)}` +
        ` (known: ${known.join(', ')})`);
    }
  }
}

/** a name from a list; returns its index (the C enum value) */
export function enumIndex(value, names, where) {
  if (typeof value !== 'string') {
    throw new TypeError(`${where} must be one of ${names.map((n) => `'${n}'`).join(', ')}, got ${show(value)}`);
  }
  const i = names.indexOf(value);
  if (i < 0) {
    throw new RangeError(`${where} ${show(value)} is not one of ` +
      `${names.map((n) => `'${n}'`).join(', ')}${hint(value, names)}`);
  }
  return i;
}

/** a finite number within [min, max] (bounds optional, exclusive when open) */
export function number(value, where, { min = -Infinity, max = Infinity, minOpen = false,
  maxOpen = false } = {}) {
  if (typeof value !== 'number') throw new TypeError(`${where} must be a number, got ${show(value)}`);
  if (!Number.isFinite(value)) throw new RangeError(`${where} must be finite, got ${show(value)}`);
  const low = minOpen ? value <= min : value < min;
  const high = maxOpen ? value >= max : value > max;
  if (low || high) {
    throw new RangeError(`${where} must be in ${minOpen ? '(' : '['}${min}, ${max}${maxOpen ? ')' : ']'}, ` +
      `got ${show(value)}`);
  }
  return value;
}

/** an integer within [min, max] */
export function integer(value, where, min = 0, max = 2 ** 31 - 1) {
  if (typeof value !== 'number') throw new TypeError(`${where} must be an integer, got ${show(value)}`);
  if (!Number.isInteger(value)) throw new RangeError(`${where} must be an integer, got ${show(value)}`);
  if (value < min || value > max) {
    throw new RangeError(`${where} must be an integer in [${min}, ${max}], got ${show(value)}`);
  }
  return value;
}

export function boolean(value, where) {
  if (typeof value !== 'boolean') throw new TypeError(`${where} must be true or false, got ${show(value)}`);
  return value;
}

export function func(value, where) {
  if (typeof value !== 'function') throw new TypeError(`${where} must be a function, got ${show(value)}`);
  return value;
}
