// --pre-js of the wasm build of nnwasm_cnn_epoch: when a script loads the tool with require()
// (bench/cnn.mjs) instead of running it, globalThis.nnCnnEpoch holds Emscripten Module settings
// (arguments, print, wasmBinary, postRun, ...) for this run; run from the command line, nothing
// changes.
if (typeof globalThis.nnCnnEpoch === 'object' && globalThis.nnCnnEpoch) Object.assign(Module, globalThis.nnCnnEpoch);
