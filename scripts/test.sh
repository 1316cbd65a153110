#!/usr/bin/env bash
# npm test: install what is missing, build the C core natively, run every C test with ctest
# (slow known-result tests included), then the fast tests again under ASan+UBSan.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh

jobs=$(nproc 2>/dev/null || echo 2)
echo "nnwasm: building the native core and tests (build/native)"
cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/native -j"$jobs"
ctest --test-dir build/native --output-on-failure -j"$jobs"

echo "nnwasm: building and running the fast tests under ASan+UBSan (build/sanitize)"
cmake -S . -B build/sanitize -DCMAKE_BUILD_TYPE=Debug -DNN_SANITIZE=ON >/dev/null
cmake --build build/sanitize -j"$jobs"
ASAN_OPTIONS=detect_leaks=1 ctest --test-dir build/sanitize --output-on-failure -j"$jobs" -LE slow
