/*
 * cmd_version.c - `gpuarb version`: the version the CLI was compiled
 * against, the version of the library it runs with (they differ when a
 * newer libgpuarb.so is installed under an older gpuarb), and the built-in
 * catalog's description (JSON: gpuarb_version_to_json's object with a "cli"
 * field put first).  Exit 0, or 2 on a usage error.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

#define VERB "version"
#define STR2(x) #x
#define STR(x) STR2(x)
#define CLI_VERSION \
    STR(GPUARB_VERSION_MAJOR) "." STR(GPUARB_VERSION_MINOR) "." STR(GPUARB_VERSION_PATCH)

static void help(void)
{
    fputs("usage: gpuarb version [--format table|json]\n"
          "\n"
          "Print the CLI's version, the linked library's version and the built-in\n"
          "catalog's sources and dates.  JSON: {\"cli\", \"library\", \"library_number\",\n"
          "\"builtin_catalog\"}.\n",
          stdout);
}

int cmd_version(int argc, char **argv)
{
    int fmt = cli_default_format();
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            help();
            return CLI_EXIT_OK;
        }
        const char *v = NULL;
        if (strcmp(a, "--format") == 0) {
            if (i + 1 >= argc)
                return cli_usage_error(VERB, "--format needs a value");
            v = argv[++i];
        } else if (strncmp(a, "--format=", 9) == 0) {
            v = a + 9;
        } else if (a[0] == '-') {
            fprintf(stderr, "gpuarb: version: unknown option '%s'\n", a);
            fputs("Try 'gpuarb version --help'.\n", stderr);
            return CLI_EXIT_USAGE;
        } else {
            return cli_usage_error(VERB, "takes no FILE");
        }
        if (cli_parse_format(v, &fmt) != 0)
            return CLI_EXIT_USAGE;
    }
    if (fmt == CLI_FMT_JSON) {
        /* the library's object with the CLI's own field put first */
        gpuarb_ctx *ctx = cli_ctx_create(NULL);
        if (!ctx)
            return CLI_EXIT_INTERNAL;
        char *json = NULL;
        gpuarb_status st = gpuarb_version_to_json(ctx, &json);
        if (st != GPUARB_OK) {
            cli_report(ctx);
            gpuarb_ctx_free(ctx);
            return cli_exit_for_status(st);
        }
        fputs("{\"cli\": \"" CLI_VERSION "\", ", stdout);
        fputs(json + 1, stdout);
        gpuarb_free(json);
        gpuarb_ctx_free(ctx);
    } else {
        const char *info = gpuarb_catalog_builtin_info();
        printf("gpuarb %s (libgpuarb %s)\n", CLI_VERSION, gpuarb_version_string());
        printf("built-in catalog: %s\n", info ? info : "");
    }
    return CLI_EXIT_OK;
}
