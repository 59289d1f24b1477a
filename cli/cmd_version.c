/*
 * cmd_version.c - `gpuarb version`: the version the CLI was compiled
 * against, the version of the library it runs with (they differ when a
 * newer libgpuarb.so is installed under an older gpuarb), and the built-in
 * catalog's description.  Exit 0, or 2 on a usage error.
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

/* A JSON string literal of s on stdout. */
static void json_str(const char *s)
{
    putchar('"');
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == '"' || *p == '\\')
            printf("\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", stdout);
        else if (*p == '\t')
            fputs("\\t", stdout);
        else if (*p < 0x20)
            printf("\\u%04x", *p);
        else
            putchar(*p);
    }
    putchar('"');
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
    const char *info = gpuarb_catalog_builtin_info();
    if (fmt == CLI_FMT_JSON) {
        fputs("{\"cli\": ", stdout);
        json_str(CLI_VERSION);
        fputs(", \"library\": ", stdout);
        json_str(gpuarb_version_string());
        printf(", \"library_number\": %d, \"builtin_catalog\": ", (int)gpuarb_version_number());
        json_str(info);
        fputs("}\n", stdout);
    } else {
        printf("gpuarb %s (libgpuarb %s)\n", CLI_VERSION, gpuarb_version_string());
        printf("built-in catalog: %s\n", info ? info : "");
    }
    return CLI_EXIT_OK;
}
