/* cmd_catalog.c - placeholder until the catalog verb lands; replaced by its owner. */
#include <stdio.h>

#include "cli.h"

int cmd_catalog(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("gpuarb: catalog: not built yet\n", stderr);
    return CLI_EXIT_INTERNAL;
}
