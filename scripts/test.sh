#!/usr/bin/env bash
# npm test: build what is missing, run every C test with ctest (the slow known-result tests
# included), the fast C tests again under ASan+UBSan, then the JavaScript tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
jobs=$(nproc 2>/dev/null || echo 2)

echo "nnwasm: C tests (build/native)"
ctest --test-dir build/native --output-on-failure -j"$jobs"

echo "nnwasm: C tests under ASan+UBSan (build/sanitize)"
cmake -S . -B build/sanitize -DCMAKE_BUILD_TYPE=Debug -DNN_SANITIZE=ON -DNN_WASM=OFF >/dev/null
cmake --build build/sanitize -j"$jobs"
ctest --test-dir build/sanitize --output-on-failure -j"$jobs" -LE slow

echo "nnwasm: JavaScript tests (node --test tests/js)"
node --test --test-concurrency="$jobs" tests/js/
