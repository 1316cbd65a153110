/**
 * A tiny protobuf wire-format writer and reader: just what onnx.js needs. No schema compiler;
 * callers name the field numbers themselves (onnx.js quotes them from onnx.proto).
 *
 * Wire format: a message is a run of fields, each a key varint (field number · 8 + wire type)
 * then a value: 0 varint, 1 fixed64 (8 bytes), 2 length-delimited (a varint length, then
 * bytes: strings, nested messages, packed repeated numbers), 5 fixed32 (4 bytes). Numbers are
 * little-endian; negative int64 varints take 10 bytes (two's complement over 64 bits).
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/* ---- writing: every function returns the bytes of one field ------------------------------ */

/** the varint bytes of an integer (number or bigint; negatives as 64-bit two's complement) */
function varint(value) {
  let v = BigInt.asUintN(64, BigInt(value));
  const out = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v) byte |= 0x80;
    out.push(byte);
  } while (v);
  return out;
}

/** the bytes of parts joined: Uint8Arrays, nested arrays of them; null and undefined skipped */
export function concat(parts) {
  const flat = [];
  const walk = (p) => {
    if (Array.isArray(p)) p.forEach(walk);
    else if (p != null) flat.push(p);
  };
  walk(parts);
  const out = new Uint8Array(flat.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of flat) { out.set(p, at); at += p.length; }
  return out;
}

/** an int32/int64/enum/bool field */
export const varintField = (field, value) => Uint8Array.from([...varint(field * 8), ...varint(value)]);

/** a bytes field */
export const bytesField = (field, bytes) =>
  concat([Uint8Array.from([...varint(field * 8 + 2), ...varint(bytes.length)]), bytes]);

/** a string field (UTF-8) */
export const stringField = (field, text) => bytesField(field, encoder.encode(text));

/** a nested message field: parts are its fields (as for concat) */
export const messageField = (field, parts) => bytesField(field, concat(parts));

/** float32 values, little-endian, as raw bytes */
export function floatBytes(values) {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  return out;
}

/** a float field (fixed32) */
export const floatField = (field, value) => concat([Uint8Array.from(varint(field * 8 + 5)), floatBytes([value])]);

/** a packed repeated float field */
export const packedFloatsField = (field, values) => bytesField(field, floatBytes(values));

/* ---- reading ---------------------------------------------------------------------------- */

const WIRE_NAMES = ['varint', 'fixed64', 'length-delimited', 'group start', 'group end', 'fixed32'];
const wireName = (w) => WIRE_NAMES[w] ?? `wire type ${w}`;

/** the varint at bytes[pos] as a BigInt, and the position after it */
function readVarint(bytes, pos, where) {
  let v = 0n;
  for (let k = 0; k < 10; k++) {
    if (pos + k >= bytes.length) {
      throw new Error(`${where}: truncated protobuf (a field runs past the end at byte ${pos})`);
    }
    const byte = bytes[pos + k];
    v |= BigInt(byte & 0x7f) << BigInt(7 * k);
    if (!(byte & 0x80)) return [BigInt.asUintN(64, v), pos + k + 1];
  }
  throw new Error(`${where}: malformed protobuf (a varint of more than 10 bytes at byte ${pos})`);
}

/** little-endian float32 values from bytes (a multiple of 4 long) */
function readFloats(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const out = new Float32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

/**
 * One message, split into its fields at construction (nested messages are only split when
 * asked for). `where` names it in errors, e.g. 'ONNX model.graph.node[2]'. For a scalar field
 * given more than once the last value wins, as protobuf says.
 */
export class Message {
  #fields = new Map(); // field number → [{ wire, value }]: value a BigInt or a Uint8Array view

  constructor(bytes, where) {
    this.where = where;
    let pos = 0;
    while (pos < bytes.length) {
      const start = pos;
      let key;
      [key, pos] = readVarint(bytes, pos, where);
      const field = Number(key >> 3n);
      const wire = Number(key & 7n);
      let value;
      if (wire === 0) {
        [value, pos] = readVarint(bytes, pos, where);
      } else if (wire === 1 || wire === 5 || wire === 2) {
        let length = wire === 1 ? 8 : 4;
        if (wire === 2) {
          let n;
          [n, pos] = readVarint(bytes, pos, where);
          length = n > BigInt(bytes.length) ? Infinity : Number(n);
        }
        if (pos + length > bytes.length) {
          throw new Error(`${where}: truncated protobuf (a field runs past the end at byte ${start})`);
        }
        value = bytes.subarray(pos, pos + length);
        pos += length;
      }
      // groups (3, 4) are long deprecated and unused by ONNX; 6 and 7 do not exist
      if (value === undefined || field === 0) {
        throw new Error(`${where}: malformed protobuf (field ${field} with ${wireName(wire)} at byte ${start})`);
      }
      if (!this.#fields.has(field)) this.#fields.set(field, []);
      this.#fields.get(field).push({ wire, value });
    }
  }

  /** every value of a field, each checked to have one of the allowed wire types */
  #all(field, name, ...wires) {
    const all = this.#fields.get(field) ?? [];
    for (const { wire } of all) {
      if (!wires.includes(wire)) {
        throw new Error(`${this.where}.${name}: malformed protobuf (${wireName(wire)}, expected ${wireName(wires[0])})`);
      }
    }
    return all;
  }

  has(field) { return this.#fields.has(field); }

  /** an int32/int64/enum field as a number (int64 read as signed), or def */
  int(field, name, def = 0) {
    const all = this.#all(field, name, 0);
    return all.length ? Number(BigInt.asIntN(64, all[all.length - 1].value)) : def;
  }

  /** a repeated int field, packed or not */
  ints(field, name) {
    const out = [];
    for (const { wire, value } of this.#all(field, name, 0, 2)) {
      if (wire === 0) { out.push(Number(BigInt.asIntN(64, value))); continue; }
      for (let pos = 0; pos < value.length;) {
        let v;
        [v, pos] = readVarint(value, pos, `${this.where}.${name}`);
        out.push(Number(BigInt.asIntN(64, v)));
      }
    }
    return out;
  }

  /** a float field, or def */
  float(field, name, def = 0) {
    const all = this.#all(field, name, 5);
    return all.length ? readFloats(all[all.length - 1].value)[0] : def;
  }

  /** a repeated float field, packed or not */
  floats(field, name) {
    const parts = [];
    for (const { wire, value } of this.#all(field, name, 2, 5)) {
      if (wire === 2 && value.length % 4 !== 0) {
        throw new Error(`${this.where}.${name}: malformed protobuf (packed floats of ${value.length} bytes, not a multiple of 4)`);
      }
      parts.push(value);
    }
    return readFloats(concat(parts));
  }

  /** a bytes field (a view into the message), or null */
  bytes(field, name) {
    const all = this.#all(field, name, 2);
    return all.length ? all[all.length - 1].value : null;
  }

  /** a string field, or '' */
  string(field, name) {
    const b = this.bytes(field, name);
    return b ? decoder.decode(b) : '';
  }

  /** a repeated string field */
  strings(field, name) {
    return this.#all(field, name, 2).map(({ value }) => decoder.decode(value));
  }

  /** a nested message field, or null */
  message(field, name) {
    const b = this.bytes(field, name);
    return b ? new Message(b, `${this.where}.${name}`) : null;
  }

  /** a repeated message field */
  messages(field, name) {
    return this.#all(field, name, 2).map(({ value }, i) => new Message(value, `${this.where}.${name}[${i}]`));
  }
}
