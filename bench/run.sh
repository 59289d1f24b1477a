#!/bin/sh
# Run every benchmark binary in BUILD/bench (default build/bench) and print
# its figures.  Benchmarks never pass or fail on time; they print tables.
BUILD=${1:-build}
export GPUARB_SHARED=${GPUARB_SHARED:-../shared/data}
status=0
for b in "$BUILD"/bench/bench_*; do
  [ -x "$b" ] || continue
  echo "== $(basename "$b")"
  "$b" || status=1
  echo
done
exit $status
