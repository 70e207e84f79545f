#!/usr/bin/env bash
# Runs every libFuzzer harness built by Fuzz/build.sh for FUZZ_SECONDS each (default 300),
# FUZZ_JOBS at a time (default 1), from its committed seed corpus (Fuzz/Corpus/NAME, copied into
# .build-fuzz/corpus/NAME, which keeps what the fuzzer learns between runs) with its dictionary.
# Findings (crash-*, leak-*, timeout-*, oom-*) go to .build-fuzz/findings; logs to
# .build-fuzz/logs. Prints one line per harness (executions, libFuzzer's cov and ft, findings) and fails when
# any harness found something. FUZZ_TARGETS picks harnesses (default: all).
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-300}
jobs=${FUZZ_JOBS:-1}
bin=.build-fuzz/debug
targets=${FUZZ_TARGETS:-$(ls Fuzz/Corpus)}
mkdir -p .build-fuzz/findings .build-fuzz/logs
# libFuzzer reports crashes itself; Swift's backtracer would only slow that down.
export SWIFT_BACKTRACE=enable=no

run_one() {
  local name=$1 seconds=$2 bin=$3
  local corpus=.build-fuzz/corpus/$name dict=() maxlen=4096
  mkdir -p "$corpus" && cp -n Fuzz/Corpus/"$name"/* "$corpus"/ 2>/dev/null
  [ -f Fuzz/Dictionaries/"$name".dict ] && dict=(-dict=Fuzz/Dictionaries/"$name".dict)
  case $name in FuzzY4M|FuzzONNX|FuzzSafeTensors) maxlen=16384 ;; esac
  rm -f .build-fuzz/findings/"$name"-*
  # Every input that once crashed runs first (libFuzzer runs files given by name once each).
  if ls Fuzz/Regressions/"$name"/* >/dev/null 2>&1 && ! "$bin/$name" Fuzz/Regressions/"$name"/* >.build-fuzz/logs/"$name".regressions.log 2>&1; then
    printf '%-18s a committed regression input fails again (.build-fuzz/logs/%s.regressions.log)\n' "$name" "$name"
    return 1
  fi
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:symbolize=1} \
    "$bin/$name" "$corpus" "${dict[@]}" -max_total_time="$seconds" -max_len=$maxlen -timeout=20 -rss_limit_mb=3072 \
    -print_final_stats=1 -artifact_prefix=.build-fuzz/findings/"$name"- >.build-fuzz/logs/"$name".log 2>&1 </dev/null
  local code=$?
  local runs cov ft findings
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' .build-fuzz/logs/"$name".log | tail -1)
  cov=$(grep -o 'cov: [0-9]*' .build-fuzz/logs/"$name".log | tail -1 | cut -d' ' -f2)
  ft=$(grep -o 'ft: [0-9]*' .build-fuzz/logs/"$name".log | tail -1 | cut -d' ' -f2)
  findings=$(ls .build-fuzz/findings/"$name"-* 2>/dev/null | wc -l)
  printf '%-18s %5ss  %10s runs  cov %6s  ft %6s  corpus %5s  findings %s  (exit %s)\n' \
    "$name" "$seconds" "${runs:-?}" "${cov:-?}" "${ft:-?}" "$(ls "$corpus" | wc -l)" "$findings" "$code"
  [ "$code" = 0 ] && [ "$findings" = 0 ]
}
export -f run_one
printf '%s\n' $targets | xargs -P "$jobs" -I{} bash -c 'run_one "$@"' _ {} "$seconds" "$bin"
