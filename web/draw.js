/**
 * The drawing pad and the preprocessing that turns its pixels into an MNIST-like digit.
 *
 * Preprocessing follows how MNIST was made: take the bounding box of the ink, scale it with
 * area averaging (anti-aliased grey levels) so its longer side is 20 px, keeping the aspect
 * ratio, then place it in a 28×28 frame so that the ink's centre of mass sits at (14, 14) in
 * pixel-index coordinates. The result is 784 floats, row-major, 0 = background, 1 = ink.
 *
 * Every function here except createPen is pure and DOM-free, so tests can import this module
 * in Node and feed it ImageData-like objects: `{ width, height, data }` with `data` holding
 * RGBA bytes. Ink is bright on dark (white strokes on black, or on transparent).
 */

/** Side of the model's input image. */
export const FRAME = 28;
/** Longer side of the digit's box inside the frame. */
export const BOX = 20;
/** Ink level above which a pixel counts for the bounding box. */
export const INK_THRESHOLD = 0.1;

/* ---- preprocessing (pure) ------------------------------------------------------------------ */

/**
 * Ink level of every pixel: brightness times opacity, in 0..1.
 * @param {{width: number, height: number, data: ArrayLike<number>}} image RGBA bytes
 * @returns {Float32Array} width × height levels, row-major
 */
export function inkLevels(image) {
  const { width, height, data } = image;
  const ink = new Float32Array(width * height);
  for (let i = 0, p = 0; i < ink.length; i++, p += 4) {
    const bright = Math.max(data[p], data[p + 1], data[p + 2]);
    ink[i] = (bright * data[p + 3]) / (255 * 255);
  }
  return ink;
}

/**
 * Bounding box of the pixels whose level is above a threshold.
 * @param {Float32Array} values width × height levels
 * @param {number} width
 * @param {number} height
 * @param {number} [threshold] levels above this count as ink
 * @returns {{x: number, y: number, width: number, height: number} | null} null when blank
 */
export function inkBounds(values, width, height, threshold = INK_THRESHOLD) {
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (values[row + x] > threshold) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        y1 = y;
      }
    }
  }
  if (x1 < 0) return null;
  return { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

/* for each of n target cells over `length` source pixels from `start`: the source pixels it
   covers and the fraction of the cell each one fills (area averaging along one axis) */
function areaWeights(start, length, n) {
  const step = length / n;
  const end = start + length;
  const cells = [];
  for (let j = 0; j < n; j++) {
    const a = start + j * step;
    const b = Math.min(a + step, end);
    const taps = [];
    for (let i = Math.floor(a); i < Math.min(Math.ceil(b - 1e-9), end); i++) {
      const overlap = Math.min(b, i + 1) - Math.max(a, i);
      if (overlap > 0) taps.push([i, overlap / step]);
    }
    cells.push(taps);
  }
  return cells;
}

/**
 * Resample a box of an image to targetWidth × targetHeight by area averaging: each target
 * pixel is the mean of the source area it covers, so edges get anti-aliased grey levels.
 * @param {Float32Array} values width × height levels
 * @param {number} width
 * @param {{x: number, y: number, width: number, height: number}} box the source area
 * @param {number} targetWidth
 * @param {number} targetHeight
 * @returns {Float32Array} targetWidth × targetHeight levels
 */
export function resampleArea(values, width, box, targetWidth, targetHeight) {
  const cols = areaWeights(box.x, box.width, targetWidth);
  const rows = areaWeights(box.y, box.height, targetHeight);
  // horizontal pass over the box's rows: box.height × targetWidth
  const tmp = new Float32Array(box.height * targetWidth);
  for (let y = 0; y < box.height; y++) {
    const src = (box.y + y) * width;
    for (let j = 0; j < targetWidth; j++) {
      let sum = 0;
      for (const [i, w] of cols[j]) sum += values[src + i] * w;
      tmp[y * targetWidth + j] = sum;
    }
  }
  // vertical pass: targetHeight × targetWidth
  const out = new Float32Array(targetWidth * targetHeight);
  for (let k = 0; k < targetHeight; k++) {
    for (const [i, w] of rows[k]) {
      const src = (i - box.y) * targetWidth;
      for (let j = 0; j < targetWidth; j++) out[k * targetWidth + j] += tmp[src + j] * w;
    }
  }
  return out;
}

/**
 * Centre of mass of the levels, in pixel-index coordinates (pixel (0, 0) is at (0, 0)).
 * @param {Float32Array} values width × height levels
 * @param {number} width
 * @param {number} height
 * @returns {{x: number, y: number} | null} null when every level is 0
 */
export function centerOfMass(values, width, height) {
  let sum = 0;
  let sx = 0;
  let sy = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = values[y * width + x];
      sum += v;
      sx += v * x;
      sy += v * y;
    }
  }
  return sum > 0 ? { x: sx / sum, y: sy / sum } : null;
}

/* offset placing an image of `size` so its centre of mass `com` lands on `centre`, keeping
   it inside a frame of `frame` pixels */
function placement(com, size, frame, centre) {
  const offset = Math.round(centre - com);
  return Math.min(Math.max(offset, 0), frame - size);
}

/**
 * Turn a drawing into the model's input, as MNIST digits were made: bounding box of the ink,
 * scaled so its longer side is 20 px (aspect kept, area-averaged), placed in a 28×28 frame with
 * its centre of mass at (14, 14), clamped so the ink stays inside.
 * @param {{width: number, height: number, data: ArrayLike<number>}} image RGBA bytes, bright
 *   ink on a dark or transparent background
 * @param {{threshold?: number}} [options] ink level counted for the bounding box
 * @returns {Float32Array} 784 values in 0..1, row-major, 1 = ink; all 0 when nothing is drawn
 */
export function preprocess(image, options = {}) {
  const out = new Float32Array(FRAME * FRAME);
  const ink = inkLevels(image);
  const box = inkBounds(ink, image.width, image.height, options.threshold ?? INK_THRESHOLD);
  if (!box) return out;
  const scale = BOX / Math.max(box.width, box.height);
  const w = Math.min(BOX, Math.max(1, Math.round(box.width * scale)));
  const h = Math.min(BOX, Math.max(1, Math.round(box.height * scale)));
  const digit = resampleArea(ink, image.width, box, w, h);
  const com = centerOfMass(digit, w, h);
  if (!com) return out;
  const ox = placement(com.x, w, FRAME, FRAME / 2);
  const oy = placement(com.y, h, FRAME, FRAME / 2);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      out[(oy + y) * FRAME + ox + x] = Math.min(1, Math.max(0, digit[y * w + x]));
    }
  }
  return out;
}

/** Below this probability the page says it is not sure rather than name a digit. */
export const SURE = 0.7;
/** Ink whose longer side is under this share of the pad is a dot, not a digit. */
export const MIN_EXTENT = 0.15;
/** Ink this many times wider than tall is a dash: no MNIST digit is that wide. */
export const MAX_ASPECT = 2.5;

/**
 * What to say about a drawing: the digit, or why the page is not sure. The network always
 * names some digit, even for a dot or a dash it was never trained on, often at 90% and more;
 * the shape of the ink (from inkBounds, on the pad) and the network's own doubt catch those.
 * @param {ArrayLike<number>} probs the network's 10 probabilities
 * @param {{width: number, height: number}} box the ink's bounding box on the pad
 * @param {number} pad the pad's side, in the same pixels as box
 * @returns {{digit: number, probability: number, sure: boolean, why: string}} why: '' when sure
 */
export function readDigit(probs, box, pad) {
  let digit = 0;
  for (let k = 1; k < probs.length; k++) if (probs[k] > probs[digit]) digit = k;
  const probability = probs[digit];
  let why = '';
  if (!Number.isFinite(probability)) why = 'This model gives no usable answer: its outputs are not numbers.';
  else if (Math.max(box.width, box.height) < MIN_EXTENT * pad) why = 'Not sure: too small to read. Draw the digit larger.';
  else if (box.width > MAX_ASPECT * box.height) why = 'Not sure: this looks like a dash, not a digit.';
  else if (!(probability >= SURE)) why = `Not sure: it might be ${digit} (${(probability * 100).toFixed(0)}%).`;
  return { digit, probability, sure: why === '', why };
}

/**
 * The bounding box of the ink of an RGBA image, or null when nothing is drawn.
 * @param {{width: number, height: number, data: ArrayLike<number>}} image
 */
export function inkBox(image, threshold = INK_THRESHOLD) {
  return inkBounds(inkLevels(image), image.width, image.height, threshold);
}

/**
 * True when no value is above 0 (nothing drawn).
 * @param {ArrayLike<number>} x
 * @returns {boolean}
 */
export function isBlank(x) {
  for (let i = 0; i < x.length; i++) if (x[i] > 0) return false;
  return true;
}

/**
 * RGBA bytes showing levels as grey (1 = white), e.g. for a preview ImageData.
 * @param {ArrayLike<number>} x levels in 0..1
 * @returns {Uint8ClampedArray} 4 bytes per level, opaque
 */
export function toRgba(x) {
  const rgba = new Uint8ClampedArray(x.length * 4);
  for (let i = 0; i < x.length; i++) {
    const v = Math.round(x[i] * 255);
    rgba[4 * i] = v;
    rgba[4 * i + 1] = v;
    rgba[4 * i + 2] = v;
    rgba[4 * i + 3] = 255;
  }
  return rgba;
}

/* ---- the drawing pad (DOM) ----------------------------------------------------------------- */

/**
 * Make a canvas a drawing pad: white round strokes on black, from mouse, pen or touch
 * (pointer events with pointer capture). The canvas needs `touch-action: none` in CSS.
 * @param {HTMLCanvasElement} canvas
 * @param {{lineWidth?: number, onChange?: () => void}} [options] lineWidth in canvas pixels
 *   for a 280-pixel-wide canvas (scaled with the canvas); onChange after every change
 * @returns {{clear: () => void, context: CanvasRenderingContext2D}}
 */
export function createPen(canvas, options = {}) {
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  const changed = options.onChange ?? (() => {});
  let active = null;   // pointerId of the stroke being drawn
  let last = null;

  const clear = () => {
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
  };
  const point = (e) => {
    const r = canvas.getBoundingClientRect();
    return {
      x: ((e.clientX - r.left) * canvas.width) / r.width,
      y: ((e.clientY - r.top) * canvas.height) / r.height,
    };
  };
  const stroke = (from, to) => {
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = ((options.lineWidth ?? 20) * canvas.width) / 280;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo(from.x, from.y);
    ctx.lineTo(to.x, to.y);
    ctx.stroke();
  };

  canvas.addEventListener('pointerdown', (e) => {
    if (active !== null || (e.pointerType === 'mouse' && e.button !== 0)) return;
    e.preventDefault();
    active = e.pointerId;
    canvas.setPointerCapture?.(e.pointerId);
    last = point(e);
    stroke(last, last);   // a tap leaves a dot
    changed();
  });
  canvas.addEventListener('pointermove', (e) => {
    if (e.pointerId !== active) return;
    const events = e.getCoalescedEvents?.() ?? [];
    for (const c of events.length ? events : [e]) {
      const p = point(c);
      stroke(last, p);
      last = p;
    }
    changed();
  });
  const end = (e) => {
    if (e.pointerId !== active) return;
    active = null;
    last = null;
    if (canvas.hasPointerCapture?.(e.pointerId)) canvas.releasePointerCapture(e.pointerId);
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);

  clear();
  return { clear, context: ctx };
}
