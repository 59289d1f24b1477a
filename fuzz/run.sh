#!/bin/sh
# fuzz/run.sh - run every libFuzzer harness built by `make fuzz` for a bounded time.
#
#   sh fuzz/run.sh BUILD_DIR SECONDS [JOBS]     (make fuzz FUZZ_SECONDS=N; CI uses 60)
#
# Each harness starts from a seed corpus gathered here from the test data (the inputs
# the unit tests already know, valid and invalid) plus fuzz/seeds/<harness>/, copied
# into BUILD_DIR/corpus/<harness> (which keeps growing between runs).  JOBS harnesses
# run at once (default 2, the machine's cores).  A crash, leak, timeout or abort leaves
# its input in BUILD_DIR/artifacts/ and fails the run; turn it into a regression test
# (tests/data/invalid/... or a unit test) before fixing it.  Prints, per harness, the
# executions and the corpus size libFuzzer reports.  FUZZ_HARNESSES="a b" runs a subset.
set -u
B=${1:?build dir}
SECS=${2:-10}
JOBS=${3:-2}
HARNESSES=${FUZZ_HARNESSES:-"fuzz_spec fuzz_catalog fuzz_skypilot fuzz_bpp fuzz_pack_spec fuzz_optimize
  fuzz_forecast fuzz_sim_config fuzz_trace fuzz_trace_openb fuzz_trace_gavel fuzz_spot
  fuzz_mig_spec fuzz_share_replay"}

seeds() {
  case $1 in
  fuzz_spec) ls examples/spec.yaml examples/spec.json tests/data/valid/spec/*/spec.* \
               tests/data/invalid/spec/*/spec.* tests/data/cli/*.yaml tests/data/cli/*.json ;;
  fuzz_catalog) ls tests/data/catalog/*.csv tests/data/cli/*.csv tests/data/invalid/catalog/*/*.csv ;;
  fuzz_skypilot) ls fuzz/seeds/fuzz_skypilot/* ;;
  fuzz_optimize) ls fuzz/seeds/fuzz_optimize/* tests/data/valid/spec/*/spec.* tests/data/cli/*.yaml ;;
  fuzz_bpp) ls tests/data/cli/*.bpp tests/data/invalid/pack/bpp_*/input.bpp ;;
  fuzz_pack_spec) ls tests/data/valid/pack/*/spec.* tests/data/cli/pack.yaml \
                    tests/data/cli/unplaceable.yaml tests/data/invalid/pack/*/spec.* ;;
  fuzz_forecast|fuzz_sim_config|fuzz_trace|fuzz_trace_openb|fuzz_trace_gavel)
                  ls fuzz/seeds/$1/* ;;
  fuzz_spot) ls tests/data/spot/*.json tests/data/sim/avail*.json ;;
  fuzz_mig_spec) ls tests/data/mig/*.yaml fuzz/seeds/fuzz_mig_spec/* ;;
  fuzz_share_replay) ls fuzz/seeds/fuzz_share_replay/* ;;
  esac 2>/dev/null
}

mkdir -p "$B/corpus" "$B/artifacts" "$B/logs"
run_one() {
  h=$1
  c="$B/corpus/$h"
  mkdir -p "$c"
  for f in $(seeds "$h"); do cp "$f" "$c/seed-$(echo "$f" | tr '/' '_')"; done
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    "$B/fuzz/$h" -max_total_time="$SECS" -timeout=20 -rss_limit_mb=2560 -max_len=65536 \
    -print_final_stats=1 -artifact_prefix="$B/artifacts/$h-" "$c" > "$B/logs/$h.log" 2>&1
  echo $? > "$B/logs/$h.rc"
}

running=0
for h in $HARNESSES; do
  [ -x "$B/fuzz/$h" ] || { echo "fuzz: $B/fuzz/$h not built" >&2; exit 1; }
  run_one "$h" &
  running=$((running + 1))
  if [ "$running" -ge "$JOBS" ]; then wait; running=0; fi
done
wait

fail=0
printf '%-16s %8s %12s %10s %8s %s\n' harness seconds executions exec/s corpus result
for h in $HARNESSES; do
  log="$B/logs/$h.log"
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  secs=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  corpus=$(ls "$B/corpus/$h" | wc -l)
  rc=$(cat "$B/logs/$h.rc")
  if [ "$rc" = 0 ]; then res=clean; else res="FAILED (rc $rc; see $log and $B/artifacts/)"; fail=1; fi
  printf '%-16s %8s %12s %10s %8s %s\n' "$h" "$SECS" "${execs:-?}" "${secs:-?}" "$corpus" "$res"
done
exit $fail
