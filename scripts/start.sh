#!/usr/bin/env bash
# npm start: build what is missing and run the main job. Until the browser demo lands
# (WebAssembly build and web/ page), that is the native spiral training demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/native -j"$(nproc 2>/dev/null || echo 2)" --target nnwasm_spiral_demo
./build/native/nnwasm_spiral_demo
