/**
 * One-function feature probe: does this engine run WebAssembly SIMD?
 * The bytes are a minimal module with one function `() -> v128` whose body is
 * `i32.const 0; i8x16.splat` — one SIMD instruction. Engines without SIMD fail validation.
 */
const PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version 1
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, //       type section: () -> v128
  0x03, 0x02, 0x01, 0x00, //                         function section: one function of type 0
  0x0a, 0x08, 0x01, 0x06, 0x00, 0x41, 0x00, 0xfd, 0x0f, 0x0b, // code: i32.const 0, i8x16.splat
]);

/** @returns {boolean} true when WebAssembly SIMD (simd128) is available. */
export function simdSupported() {
  return typeof WebAssembly === 'object' && WebAssembly.validate(PROBE);
}
