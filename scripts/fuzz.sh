#!/usr/bin/env bash
# npm run fuzz: build the libFuzzer harnesses of the loaders (tests/fuzz) with Debian's clang
# in build/fuzz, run every committed seed and regression file once, then fuzz each harness for
# SECONDS (default 60) on a scratch copy of its seed corpus, both harnesses at once.
#
#   bash scripts/fuzz.sh [SECONDS] [--merge]    SECONDS 0: only the committed files, once
#   bash scripts/fuzz.sh --gen-corpus           rewrite tests/fuzz/corpus/ from gen_corpus.c
#
# --merge adds the inputs that reached new coverage to tests/fuzz/corpus/{model,idx}/ (commit
# them if they are worth keeping); without it the repository is never written to.
# A crash, leak, timeout or broken invariant fails the run with the input's path; make it a
# regression by copying it to tests/fuzz/regressions/{model,idx}/<what-it-found> (see
# tests/fuzz/README.md): every file there is run once on each call.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=60
merge=0
gen=0
for arg in "$@"; do
  case "$arg" in
    --merge) merge=1 ;;
    --gen-corpus) gen=1 ;;
    ''|*[!0-9]*) echo "usage: bash scripts/fuzz.sh [SECONDS] [--merge] | --gen-corpus" >&2
                 exit 2 ;;
    *) seconds=$arg ;;
  esac
done

# harness -> corpus directory and longest input (models of a few KB, IDX files of a few hundred
# bytes)
harnesses=(fuzz_model_load fuzz_idx)
declare -A dir=([fuzz_model_load]=model [fuzz_idx]=idx)
declare -A max_len=([fuzz_model_load]=8192 [fuzz_idx]=2048)

bash scripts/deps.sh --tools      # clang and libFuzzer (libclang-rt-14-dev), when missing
if ! command -v clang >/dev/null 2>&1 ||
   ! compgen -G '/usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a' >/dev/null; then
  echo "nnwasm fuzz: needs clang and libFuzzer (Debian: clang libclang-rt-14-dev)" >&2
  exit 1
fi

build=build/fuzz
echo "nnwasm fuzz: building the harnesses ($build, clang, -fsanitize=fuzzer,address,undefined)"
mkdir -p "$build/logs"
if ! { cmake -S . -B "$build" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug -DNN_FUZZ=ON \
             -DNN_WASM=OFF &&
       cmake --build "$build" -j"$(nproc 2>/dev/null || echo 2)" \
             --target "${harnesses[@]}" fuzz_gen_corpus; } >"$build/logs/build.log" 2>&1; then
  tail -n 40 "$build/logs/build.log" >&2
  echo "nnwasm fuzz: building the harnesses failed (log: $build/logs/build.log)" >&2
  exit 1
fi

if [ "$gen" = 1 ]; then
  rm -f tests/fuzz/corpus/model/* tests/fuzz/corpus/idx/*
  mkdir -p tests/fuzz/corpus/model tests/fuzz/corpus/idx
  "$build/fuzz_gen_corpus" tests/fuzz/corpus
  exit 0
fi

export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
# per input: 5 s is a hang; no single allocation over 256 MB (inputs are a few KB)
common=(-timeout=5 -rss_limit_mb=2048 -malloc_limit_mb=256)

# 1. every committed seed and regression file, once
for h in "${harnesses[@]}"; do
  files=(tests/fuzz/corpus/"${dir[$h]}"/*)
  if [ -d "tests/fuzz/regressions/${dir[$h]}" ]; then
    mapfile -t -O "${#files[@]}" files < <(find "tests/fuzz/regressions/${dir[$h]}" -type f | sort)
  fi
  log=$build/logs/$h-replay.log
  if ! "$build/$h" "${common[@]}" "${files[@]}" >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    bad=$(sed -n 's/^Running: //p' "$log" | tail -n 1)
    echo "nnwasm fuzz: $h FAILED on the committed file ${bad:-?} (log: $log)" >&2
    echo "  reproduce:  $build/$h $bad" >&2
    exit 1
  fi
  echo "nnwasm fuzz: $h: ${#files[@]} committed seed and regression files pass"
done
[ "$seconds" = 0 ] && exit 0

# 2. fuzz both harnesses at once, each on a fresh scratch copy of its seed corpus
declare -A pid
for h in "${harnesses[@]}"; do
  work=$build/work/$h
  rm -rf "$work"
  mkdir -p "$work/corpus" "$work/artifacts"
  cp tests/fuzz/corpus/"${dir[$h]}"/* "$work/corpus/"
  dict=tests/fuzz/${dir[$h]}.dict
  opts=("${common[@]}" -max_total_time="$seconds" -max_len="${max_len[$h]}"
        -artifact_prefix="$work/artifacts/" -print_final_stats=1)
  [ -f "$dict" ] && opts+=(-dict="$dict")
  "$build/$h" "${opts[@]}" "$work/corpus" >"$build/logs/$h.log" 2>&1 &
  pid[$h]=$!
done
echo "nnwasm fuzz: fuzzing ${harnesses[*]} for ${seconds} s each (logs in $build/logs)"

failed=0
for h in "${harnesses[@]}"; do
  rc=0
  wait "${pid[$h]}" || rc=$?
  log=$build/logs/$h.log
  work=$build/work/$h
  found=$(find "$work/artifacts" -type f ! -name 'slow-unit-*' | sort)
  if [ "$rc" != 0 ] || [ -n "$found" ]; then
    failed=1
    tail -n 40 "$log" >&2
    echo "nnwasm fuzz: $h FAILED (exit $rc; log: $log)" >&2
    for f in $found; do
      echo "nnwasm fuzz: $h: input that failed: $f" >&2
      echo "  reproduce:  $build/$h $f" >&2
      echo "  keep it:    cp $f tests/fuzz/regressions/${dir[$h]}/<what-it-found>" >&2
    done
    continue
  fi
  # the last status line: #runs, cov (edges), ft (features), corp (inputs/bytes), exec/s
  last=$(grep -E '^#[0-9]+' "$log" | tail -n 1 || true)
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log")
  last=$(echo "$last" | sed 's/^#[0-9]*[[:space:]]*DONE[[:space:]]*//')
  echo "nnwasm fuzz: $h ok: $runs runs in ${seconds} s, peak RSS ${rss} MB; $last"
  if [ "$merge" = 1 ]; then
    before=$(ls tests/fuzz/corpus/"${dir[$h]}" | wc -l)
    "$build/$h" -merge=1 "${common[@]}" -max_len="${max_len[$h]}" \
        tests/fuzz/corpus/"${dir[$h]}" "$work/corpus" >"$build/logs/$h-merge.log" 2>&1
    after=$(ls tests/fuzz/corpus/"${dir[$h]}" | wc -l)
    echo "nnwasm fuzz: $h: --merge added $((after - before)) inputs to tests/fuzz/corpus/${dir[$h]}"
  fi
done
exit "$failed"
