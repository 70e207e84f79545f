#!/usr/bin/env bash
# make sanitize (docs/RELIABILITY.md): builds the tests and `convoy` with a sanitizer in a build
# folder of its own and runs tests against them, the CLI tests against that sanitized `convoy`
# (CONVOY_BIN).
#   run.sh address   AddressSanitizer (with LeakSanitizer) in .build-asan, the whole suite.
#   run.sh thread    ThreadSanitizer in .build-tsan, the tests that start threads (TSAN_TESTS, a
#                    swift test --filter pattern; see the default below).
#   run.sh hostile   AddressSanitizer in .build-asan, HostileMediaTests only, HOSTILE_COUNT damaged
#                    inputs from HOSTILE_SEED (make hostile); failing inputs are kept in
#                    .build-asan/hostile.
# Every report goes to a file in BUILD/reports (log_path), so none is lost in a child's stderr,
# and the run fails when any report file is there, even if every test passed. ThreadSanitizer
# reads Tests/Sanitizers/tsan.supp and AddressSanitizer asan.supp; each entry there names the
# library the report comes from.
# Prints the build and test times.
set -uo pipefail
cd "$(dirname "$0")/../.."
SWIFT=${SWIFT:-swift}
kind=${1:?address or thread}
# The tests that start threads: the stage pipeline and its queues, the tiled convolution and
# GEMM workers, the decoders (threaded libavcodec), training, and the CLI tests that run the whole
# pipeline in a child convoy: filter, features, train, Ctrl-C and SIGTERM.
default_tsan='ConvoyPipelineTests|ConvoyTensorTests|ConvoyNNTests|ConvoyTrainingTests|ConvoyMediaTests|ConvoyFeaturesTests|InterruptTests|FeatureTests|TrainTests|KernelEngineTests|FullHDTests|StandardStreamsTests|StreamChangeTests'
case $kind in
  address) dir=.build-asan; filter=() ;;
  thread)  dir=.build-tsan; filter=(--filter "${TSAN_TESTS:-$default_tsan}") ;;
  hostile) dir=.build-asan; filter=(--filter HostileMediaTests)
           export CONVOY_HOSTILE_SEED=${HOSTILE_SEED:-1} CONVOY_HOSTILE_CASES=${HOSTILE_COUNT:-2000}
           export CONVOY_HOSTILE_KEEP=$PWD/$dir/hostile ;;
  *) echo "run.sh: address or thread, not $kind" >&2; exit 64 ;;
esac
reports=$PWD/$dir/reports
rm -rf "$reports" && mkdir -p "$reports"
sanitizer=$kind
[ "$kind" = hostile ] && sanitizer=address

started=$(date +%s)
if ! "$SWIFT" build -c release --build-tests --sanitize="$sanitizer" --scratch-path "$dir" >"$dir/build.log" 2>&1; then
  tail -40 "$dir/build.log" >&2
  echo "sanitize: the $kind build failed ($dir/build.log)" >&2
  exit 1
fi
built=$(date +%s)
echo "sanitize $kind: built in $((built - started)) s ($dir)"

# Leaks are checked at exit in every convoy the tests start (CONVOY_CHILD_ASAN_OPTIONS, which
# ProcessRunner hands its children), not in the test runner: XCTest on Linux never frees its
# finished test cases, so every test would report them. convoy's second Ctrl-C leaves by _exit
# on purpose, which skips the check.
asan="log_path=$reports/asan:strict_string_checks=1:detect_stack_use_after_return=1:suppressions=$PWD/Tests/Sanitizers/asan.supp"
export ASAN_OPTIONS="$asan:detect_leaks=0" CONVOY_CHILD_ASAN_OPTIONS="$asan:detect_leaks=1"
export TSAN_OPTIONS="log_path=$reports/tsan:suppressions=$PWD/Tests/Sanitizers/tsan.supp:halt_on_error=0:second_deadlock_stack=1"
# A sanitizer's report is the finding; the Swift backtracer would only slow a crash down.
export SWIFT_BACKTRACE=enable=no
CONVOY_BIN=$PWD/$dir/release/convoy "$SWIFT" test -c release --skip-build --sanitize="$sanitizer" --scratch-path "$dir" \
  --parallel --num-workers 2 --disable-swift-testing --xunit-output "$dir/tests.xml" "${filter[@]}" >"$dir/test.log" 2>&1
status=$?
finished=$(date +%s)
counts=$(sed -n 's/.*<testsuite [^>]*tests="\([0-9]*\)" failures="\([0-9]*\)".*/\1 \2/p' "$dir/tests.xml" 2>/dev/null | head -1)
read -r total failed <<<"${counts:-0 0}"
found=$(ls "$reports" | wc -l)
echo "sanitize $kind: $((total - failed)) tests passed, $failed failed in $((finished - built)) s; $found report files in $reports"
for report in "$reports"/*; do
  [ -e "$report" ] || continue
  echo "--- $report"
  grep -m1 -E "^(WARNING|ERROR|SUMMARY): (Address|Thread|Leak)Sanitizer" "$report" || head -3 "$report"
done
[ "$kind" = hostile ] && grep -h "^hostile media:" "$dir/test.log"
[ "$status" = 0 ] || grep -E "error|failed" "$dir/test.log" | grep -v " passed " | tail -20
[ "$status" = 0 ] && [ "$found" = 0 ]
