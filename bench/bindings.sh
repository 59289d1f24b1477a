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

# Issue 11's calls: forecast (240 values, horizon 24, auto), simulate (the hand-worked
# two-job trace on its SIM.yaml) and spot (always.json, uniform progress, 5 starts);
# C is bench_threads --per-call-api, Python and Go the bindings' same call with the
# JSON decoded.
api() {  # KIND LABEL N
  N=$(( $3 * SCALE ))
  c=$("$BUILD/bench/bench_threads" --per-call-api "$N" "$1") || { echo "C run failed"; return 1; }
  py=$(GPUARB_LIB="$BUILD/libgpuarb.so.0" PYTHONPATH=bindings/python python3 -c '
import sys, time, gpuarb
kind, n = sys.argv[1], int(sys.argv[2])
p = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4, 6, 2, 6, 4]
y = [40 + 0.25 * t + 2 * p[t % 24] for t in range(240)]
sim = ("catalog: tests/data/sim/catalog.csv\noffer: {provider: test, instance_type: n2}\n"
       "markets: [ondemand]\nprovisioning_delay_s: 100\ndecision_interval_s: 60\n"
       "min_billed_s: 0\nwait_penalty_per_gpu_hour: 1.8\nlimits: {max_nodes: 1}\n")
with gpuarb.Context() as ctx:
    if kind == "forecast":
        call = lambda: ctx.forecast(y, 24)
    elif kind == "simulate":
        cfg = ctx.parse_sim_config(sim, "sim.yaml", ".")
        tr = ctx.parse_trace("job_id,submit_s,duration_s,gpus\na,0,1000,2\nb,10,500,1\n")
        call = lambda: ctx.simulate(tr, cfg, "threshold:up=0,idle=0")
    else:
        st = ctx.load_spot_trace("tests/data/spot/always.json")
        call = lambda: ctx.spot(st, "uniform_progress", job_hours=2, deadline_hours=4,
                                restart_hours=0.5, price_ratio=3, starts=5)
    best = 1e300
    for rep in range(5):
        t = time.perf_counter()
        for i in range(n):
            call()
        best = min(best, (time.perf_counter() - t) / n * 1e6)
print("%.1f" % best)' "$1" "$N" 2>/dev/null) || py=
  go=
  if [ -n "$have_go" ]; then
    go=$(cd bindings/go && BENCH_API="$1" PKG_CONFIG_PATH="$ROOT/$BUILD/pkgconfig" \
         LD_LIBRARY_PATH="$ROOT/$BUILD" GOCACHE="$ROOT/$BUILD/go-cache" GOFLAGS=-mod=mod \
         go test -run '^$' -bench '^BenchmarkAPI$' -benchtime "${N}x" -count 5 . 2>/dev/null |
         awk '/^BenchmarkAPI/ { ns = $3 + 0; if (best == "" || ns < best) best = ns }
              END { if (best != "") printf "%.1f", best / 1000 }')
  fi
  printf '  %-34s %10s %10s %10s   %-22s %s\n' "$2" "$c" "${py:-skipped}" "${go:-skipped}" \
    "$([ -n "$py" ] && ratio "$py" "$c")" "$([ -n "$go" ] && ratio "$go" "$c")"
}
echo "microseconds per call of issue 11's APIs (inputs loaded once; best of 5 runs of N calls), same run:"
printf '  %-34s %10s %10s %10s   %-22s %s\n' case C Python Go "Python/C" "Go/C"
api forecast "forecast 240 values, h=24, N=200" 200
api simulate "simulate 2 jobs, N=2000" 2000
api spot "spot 10 ticks, 5 starts, N=5000" 5000

# Issue 12's MIG placement: mig place of the bindings' one-H100 case (three 1g.10gb and a
# 4g.40gb), the result as JSON (decoded by Python and Go), mig-parted and k8s pods;
# C is bench/bench_embed_mig.
migcall() {  # LABEL N
  N=$(( $2 * SCALE ))
  c=$("$BUILD/bench/bench_embed_mig" "$N") || { echo "C run failed"; return 1; }
  py=$(GPUARB_LIB="$BUILD/libgpuarb.so.0" PYTHONPATH=bindings/python python3 -c '
import sys, time, gpuarb
n = int(sys.argv[1])
spec = ("gpus:\n  - {name: node-a/0, model: H100}\nrequests:\n"
        "  - {name: big, profile: 4g.40gb}\n  - {name: small, profile: 1g.10gb, count: 3}\n")
with gpuarb.Context() as ctx, ctx.parse_mig(spec, "h100") as prob:
    best = 1e300
    for rep in range(5):
        t = time.perf_counter()
        for i in range(n):
            with ctx.mig_place(prob) as r:
                r.to_dict()
                r.text("mig-parted")
                r.k8s()
        best = min(best, (time.perf_counter() - t) / n * 1e6)
print("%.1f" % best)' "$N" 2>/dev/null) || py=
  go=
  if [ -n "$have_go" ]; then
    go=$(cd bindings/go && BENCH_API=mig PKG_CONFIG_PATH="$ROOT/$BUILD/pkgconfig" \
         LD_LIBRARY_PATH="$ROOT/$BUILD" GOCACHE="$ROOT/$BUILD/go-cache" GOFLAGS=-mod=mod \
         go test -run '^$' -bench '^BenchmarkAPI$' -benchtime "${N}x" -count 5 . 2>/dev/null |
         awk '/^BenchmarkAPI/ { ns = $3 + 0; if (best == "" || ns < best) best = ns }
              END { if (best != "") printf "%.1f", best / 1000 }')
  fi
  printf '  %-34s %10s %10s %10s   %-22s %s\n' "$1" "$c" "${py:-skipped}" "${go:-skipped}" \
    "$([ -n "$py" ] && ratio "$py" "$c")" "$([ -n "$go" ] && ratio "$go" "$c")"
}
if [ -x "$BUILD/bench/bench_embed_mig" ]; then
  echo "microseconds per mig place (spec parsed once; JSON, mig-parted, k8s; best of 5 runs of N), same run:"
  printf '  %-34s %10s %10s %10s   %-22s %s\n' case C Python Go "Python/C" "Go/C"
  migcall "mig place 1 H100, 4 requests, N=2000" 2000
fi
