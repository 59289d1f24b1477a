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
# The bindings' overhead per optimize, C vs Python vs Go (bench/bindings.sh).
if [ -x "$BUILD/bench/bench_threads" ]; then
  echo "== bindings (bench/bindings.sh)"
  sh bench/bindings.sh "$BUILD" || status=1
  echo
fi
# Allocation failures per entry point (tests/test_chaos, make test's sample of
# failure points): tried, clean answers, GPUARB_ERR_NOMEM, known bugs, other.
if [ -x "$BUILD/tests/test_chaos" ]; then
  echo "== allocation failures (tests/test_chaos)"
  "$BUILD/tests/test_chaos" 2>/dev/null | sed -n '/^allocation failures/,/^known:/p' || status=1
  echo
fi
REF=../shared/tools/refsolve.py
if [ -f "$REF" ] && command -v cbc >/dev/null 2>&1 && command -v glpsol >/dev/null 2>&1 \
   && /usr/bin/python3 -c 'import yaml' 2>/dev/null; then
  echo "== refsolve cross-check (bench/refsolve_diff.py)"
  python3 bench/refsolve_diff.py "$BUILD/gpuarb" "$REF" 150 777 || status=1
else
  echo "== refsolve cross-check skipped: needs ../shared/tools/refsolve.py, cbc, glpsol, python3-yaml"
fi
exit $status
