/* fuzz_skypilot.c - the SkyPilot vms.csv importer under libFuzzer: the catalog
 * harness with the SkyPilot format (make fuzz). */
#define FUZZ_SKYPILOT 1
#include "fuzz_catalog.c"
