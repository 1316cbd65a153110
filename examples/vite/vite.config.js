// `npx vite` serves this app while you edit it; `npx vite build` writes it to dist/.
// Vite follows nnwasm's `new URL('...', import.meta.url)` references to its .wasm files and its
// worker script and copies them into the build: nothing to configure for that.
import { defineConfig } from 'vite';

export default defineConfig({
  base: './', // relative URLs, so dist/ works from any folder of any static server
  // bundle the worker as an ES module, so the format readers nnwasm imports only when they are
  // used (.npz, TensorFlow.js, ONNX) stay separate files instead of being inlined into it
  worker: { format: 'es' },
});
