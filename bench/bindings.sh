#!/bin/sh
# bench/bindings.sh - the bindings' call overhead per optimize, side by side in one run:
# C (build/bench/bench_threads --per-call), Python (bindings/python) and Go
# (bindings/go, go test -bench), each timing the same work: optimize of a spec on a
# catalog, both loaded once, the result's JSON written and (Python, Go) decoded into
# the language's values, the result freed.  Two cases: tests/data/cli/spot.yaml on its
# 3-offer catalog, where the solve is short and the binding's own cost shows, and
# examples/spec.yaml on the built-in catalog (1,576 offers).  Best of five runs of N
# calls (SCALE, the second argument, multiplies N).  Run from the repository root after
# make (bench/run.sh calls it).  On a loaded machine single runs vary 2-3x: compare the
# columns of one run, never figures of different runs.
BUILD=${1:-build}
SCALE=${2:-1}
ROOT=$PWD
have_go=
if command -v go >/dev/null 2>&1; then
  have_go=1
  mkdir -p "$BUILD/pkgconfig"
  sed -e "s|@PREFIX@|$ROOT|" -e "s|@LIBDIR@|$ROOT/$BUILD|" -e "s|@INCLUDEDIR@|$ROOT/include|" \
      -e "s|@VERSION@|$("$BUILD/gpuarb" --version | sed -n 's/^gpuarb \([0-9.]*\).*/\1/p')|" \
      gpuarb.pc.in > "$BUILD/pkgconfig/gpuarb.pc"
fi
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f (%+.1f us)", a / b, a - b }'; }
one() {  # SPEC CATALOG LABEL N
  N=$(( $4 * SCALE ))
  c=$("$BUILD/bench/bench_threads" --per-call "$N" "$1" "$2") || { echo "C run failed"; return 1; }
  py=$(GPUARB_LIB="$BUILD/libgpuarb.so.0" PYTHONPATH=bindings/python python3 -c '
import sys, time, gpuarb
with gpuarb.Context() as ctx:
    spec = ctx.load_spec(sys.argv[1])
    cat = ctx.load_catalog(sys.argv[2])
    best = 1e300
    for rep in range(5):
        t = time.perf_counter()
        for i in range(int(sys.argv[3])):
            with ctx.optimize(spec, cat) as r:
                r.to_dict()
        best = min(best, (time.perf_counter() - t) / int(sys.argv[3]) * 1e6)
print("%.1f" % best)' "$1" "$2" "$N" 2>/dev/null) || py=
  go=
  if [ -n "$have_go" ]; then
    go=$(cd bindings/go && BENCH_SPEC="$ROOT/$1" BENCH_CATALOG="$(case $2 in builtin) echo builtin;; *) echo "$ROOT/$2";; esac)" \
         PKG_CONFIG_PATH="$ROOT/$BUILD/pkgconfig" LD_LIBRARY_PATH="$ROOT/$BUILD" \
         GOCACHE="$ROOT/$BUILD/go-cache" GOFLAGS=-mod=mod \
         go test -run '^$' -bench Optimize -benchtime "${N}x" -count 5 . 2>/dev/null |
         awk '/^BenchmarkOptimize/ { ns = $3 + 0; if (best == "" || ns < best) best = ns }
              END { if (best != "") printf "%.1f", best / 1000 }')
  fi
  printf '  %-34s %10s %10s %10s   %-22s %s\n' "$3" "$c" "${py:-skipped}" "${go:-skipped}" \
    "$([ -n "$py" ] && ratio "$py" "$c")" "$([ -n "$go" ] && ratio "$go" "$c")"
}
echo "microseconds per optimize (spec and catalog loaded once; best of 5 runs of N calls), one run:"
printf '  %-34s %10s %10s %10s   %-22s %s\n' case C Python Go "Python/C" "Go/C"
one tests/data/cli/spot.yaml tests/data/cli/cat3.csv "spot.yaml, 3 offers, N=2000" 2000
one examples/spec.yaml builtin "examples/spec.yaml, 1,576 offers, N=200" 200
