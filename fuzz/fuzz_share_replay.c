/* fuzz_share_replay.c - libFuzzer harness (make fuzz) of `share replay`'s
 * openb node and pod CSV readers and the replay itself.  The input is the
 * node CSV, a form feed, then the pod CSV (no form feed: both get the same
 * bytes); they are written to two temporary files (removed at exit) because
 * the API reads paths.  Any bytes must give a status with a message, or JSON. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gpuarb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char nodes_path[64], pods_path[64];

static void remove_files(void)
{
    if (nodes_path[0])
        remove(nodes_path);
    if (pods_path[0])
        remove(pods_path);
}

static int put(char *path, const uint8_t *data, size_t n)
{
    if (!path[0]) {
        if (!nodes_path[0] && !pods_path[0])
            atexit(remove_files);
        snprintf(path, 64, "/tmp/fuzz_share_XXXXXX");
        int fd = mkstemp(path);
        if (fd < 0)
            return -1;
        close(fd);
    }
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t w = fwrite(data, 1, n, f);
    return fclose(f) == 0 && w == n ? 0 : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *ff = memchr(data, '\f', size);
    size_t nn = ff ? (size_t)(ff - data) : size;
    const uint8_t *pods = ff ? ff + 1 : data;
    size_t np = ff ? size - nn - 1 : size;
    if (put(nodes_path, data, nn) || put(pods_path, pods, np))
        return 0;
    gpuarb_ctx *ctx;
    if (gpuarb_ctx_create(&ctx) != GPUARB_OK)
        return 0;
    /* the policy from the input's length, so every one is reached */
    int32_t policy = (int32_t)(size % (GPUARB_SHARE_OFFLINE + 1));
    char *json = NULL;
    gpuarb_status st = gpuarb_share_replay(ctx, nodes_path, pods_path, policy, 42, 1.3, &json);
    if (st != GPUARB_OK && !gpuarb_errmsg(ctx)[0])
        abort();
    if (st == GPUARB_OK && (!json || json[0] != '{'))
        abort();
    gpuarb_free(json);
    gpuarb_ctx_free(ctx);
    return 0;
}
