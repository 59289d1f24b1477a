/* cmd_pack.c - placeholder until the pack verb lands; replaced by its owner. */
#include <stdio.h>

#include "cli.h"

int cmd_pack(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("gpuarb: pack: not built yet\n", stderr);
    return CLI_EXIT_INTERNAL;
}
