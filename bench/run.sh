#!/usr/bin/env bash
# npm run bench [-- --quick] [-- --only nnwasm,cnn,tfjs-wasm,tfjs-cpu,chromium,demo,size] [-- --no-build]
# Builds nnwasm (scripts/build.sh installs what the build needs), installs the tfjs peers when
# they are missing, then runs bench/run.mjs: one process per library, one after another.
set -euo pipefail
cd "$(dirname "$0")/.."

args=()
build=1
for a in "$@"; do
  if [ "$a" = "--no-build" ]; then build=0; else args+=("$a"); fi
done

if [ "$build" = 1 ]; then bash scripts/build.sh; fi
# the tfjs peers, and rolldown (Vite's bundler) for the size of a production build
for p in @tensorflow/tfjs-core @tensorflow/tfjs-backend-wasm @tensorflow/tfjs-backend-cpu \
         @tensorflow/tfjs-layers rolldown; do
  if [ ! -f "node_modules/$p/package.json" ]; then
    echo "bench: installing the npm dev dependencies (tfjs, vite)"
    npm install --no-audit --no-fund --loglevel=error \
      || { echo "bench: npm install failed; the npm registry must be reachable" >&2; exit 1; }
    break
  fi
done
if [ ! -x /usr/bin/chromium ] && [ -z "${CHROMIUM:-}" ]; then
  bash scripts/deps.sh --browser || echo "bench: no Chromium; the browser figures will be missing" >&2
fi
exec node bench/run.mjs ${args[@]+"${args[@]}"}
