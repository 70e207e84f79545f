#!/usr/bin/env bash
# Builds the libFuzzer harnesses (Fuzz/README.md) in .build-fuzz: every module with
# AddressSanitizer and libFuzzer's coverage instrumentation, linked with libFuzzer's driver.
# Prints the folder holding the executables.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .build-fuzz
SWIFT=${SWIFT:-swift}
resources=$("$SWIFT" -print-target-info | python3 -c 'import json,sys; print(json.load(sys.stdin)["paths"]["runtimeResourcePath"])')
driver="$resources/clang/lib/linux/libclang_rt.fuzzer_no_main-x86_64.a"
[ -f "$driver" ] || { echo "libFuzzer's driver is not in this Swift toolchain: $driver" >&2; exit 1; }
flags=(-c debug --scratch-path .build-fuzz
       -Xswiftc -sanitize=address
       -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp
       -Xlinker "$driver" -Xlinker -lstdc++)
for harness in $(ls -d Fuzz/Fuzz*/ | xargs -n1 basename | grep -v FuzzDriver); do
  if ! CONVOY_FUZZ=1 "$SWIFT" build "${flags[@]}" --product "$harness" >.build-fuzz/build.log 2>&1; then
    grep -v "Cannot export" .build-fuzz/build.log | tail -40 >&2
    echo "$harness did not build (.build-fuzz/build.log)" >&2
    exit 1
  fi
done
echo .build-fuzz/debug
