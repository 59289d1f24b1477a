/* fuzz_trace_openb.c - the Alibaba openb pod-list importer under libFuzzer:
 * the trace harness with the openb format (make fuzz). */
#define FUZZ_TRACE_FORMAT GPUARB_TRACE_OPENB
#include "fuzz_trace.c"
