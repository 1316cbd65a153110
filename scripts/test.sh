#!/usr/bin/env bash
# npm test: build what is missing, run every C test with ctest (the slow known-result tests
# included), the fast C tests again under ASan+UBSan and under valgrind, a short fuzz of the
# loaders, the JavaScript tests, then the browser tests (Debian's chromium driven by
# playwright-core).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh --browser --tools   # --tools: clang + libFuzzer and valgrind
bash scripts/build.sh
jobs=$(nproc 2>/dev/null || echo 2)

echo "nnwasm: C tests (build/native)"
ctest --test-dir build/native --output-on-failure -j"$jobs"

echo "nnwasm: C tests under ASan+UBSan (build/sanitize)"
cmake -S . -B build/sanitize -DCMAKE_BUILD_TYPE=Debug -DNN_SANITIZE=ON -DNN_WASM=OFF >/dev/null
cmake --build build/sanitize -j"$jobs"
ctest --test-dir build/sanitize --output-on-failure -j"$jobs" -LE slow

echo "nnwasm: fast C tests under valgrind memcheck"
for t in build/native/test_*; do
  [ -x "$t" ] || continue
  [ "$(basename "$t")" = test_known_results ] && continue   # minutes under valgrind
  valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect \
    "$t" >/dev/null || { echo "nnwasm: valgrind found errors in $t" >&2; exit 1; }
done

# ---- fuzzing (scripts/fuzz.sh): every committed seed and regression file of tests/fuzz once,
# then a short bounded run of each libFuzzer harness (both at once, 10 s each) on a scratch copy
# of the seed corpus. Longer runs: npm run fuzz [-- SECONDS].
echo "nnwasm: fuzzing the loaders for 10 s each (build/fuzz)"
bash scripts/fuzz.sh 10
# ---- end of fuzzing

echo "nnwasm: JavaScript tests (node --test tests/js)"
node --test --test-concurrency="$jobs" tests/js/

echo "nnwasm: browser tests in headless Chromium (node --test tests/browser)"
node --test --test-concurrency=1 tests/browser/
