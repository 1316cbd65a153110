#!/usr/bin/env bash
# npm run build: install what is missing, then build the native core, its tests and tools
# (build/native) and the two WebAssembly modules (build/wasm/nnwasm-{simd,scalar}.wasm).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
echo "nnwasm: building (build/native, build/wasm)"
cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/native -j"$(nproc 2>/dev/null || echo 2)"
for f in build/wasm/nnwasm-simd.wasm build/wasm/nnwasm-scalar.wasm; do
  [ -s "$f" ] || { echo "nnwasm: $f was not built (is emcc working?)" >&2; exit 1; }
done
