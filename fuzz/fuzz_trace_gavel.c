/* fuzz_trace_gavel.c - the Gavel trace importer and its throughput table
 * under libFuzzer: the trace harness with the Gavel format (make fuzz). */
#define FUZZ_TRACE_FORMAT GPUARB_TRACE_GAVEL
#include "fuzz_trace.c"
