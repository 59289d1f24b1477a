/*
 * catalog_ref.c - catalog references, the one way specs and the CLI name
 * catalogs: "builtin" (the snapshot compiled into the library),
 * "skypilot:PROVIDER:PATH" (a SkyPilot vms.csv whose offers belong to
 * PROVIDER, folded to lower case) or the PATH of a native CSV; a relative
 * PATH is resolved against a base folder (the spec's, or none for the
 * current directory).  It parses a reference, with the position where it
 * was written for errors, and loads one or a list of them through
 * catalog.c's loaders, so that neither the spec reader nor the solver nor
 * the CLI parses the string or opens a file itself.  Wraps no dependency.
 * Invariants: parsing does no I/O; a parsed reference owns its strings and
 * borrows only loc.source.  Statuses: GPUARB_OK, GPUARB_ERR_INPUT (a
 * malformed reference written in a document, with its position),
 * GPUARB_ERR_ARG (a malformed reference given as an argument),
 * GPUARB_ERR_NOMEM, and the loaders' statuses (GPUARB_ERR_IO names the
 * reference's position when it has one).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "io/limits.h"

#define SKYPILOT_PREFIX "skypilot:"
#define SKYPILOT_PREFIX_LEN 9

/* base_dir + "/" + path unless path is absolute or there is no base_dir. */
static char *resolve_path(const char *base_dir, const char *path)
{
    if (!base_dir || !base_dir[0] || path[0] == '/')
        return ga_strdup(path);
    ga_strbuf b;
    ga_sb_init(&b);
    ga_sb_puts(&b, base_dir);
    if (base_dir[strlen(base_dir) - 1] != '/')
        ga_sb_putc(&b, '/');
    ga_sb_puts(&b, path);
    return ga_sb_take(&b);
}

int ga_catalog_ref_is_builtin(const char *text)
{
    return text && strcmp(text, "builtin") == 0;
}

void ga_catalog_ref_free(ga_catalog_ref *ref)
{
    if (!ref)
        return;
    free(ref->path);
    free(ref->provider);
    ref->path = ref->provider = NULL;
}

gpuarb_status ga_catalog_ref_parse(gpuarb_ctx *ctx, const char *text, const char *base_dir,
                                   const ga_loc *at, const char *key, ga_catalog_ref *out)
{
    memset(out, 0, sizeof *out);
    if (at)
        out->loc = *at;
    if (!text)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "catalog reference: NULL");
    if (ga_catalog_ref_is_builtin(text)) {
        out->builtin = 1;
        return GPUARB_OK;
    }
    const char *file = text;
    if (strncmp(text, SKYPILOT_PREFIX, SKYPILOT_PREFIX_LEN) == 0) {
        const char *prov = text + SKYPILOT_PREFIX_LEN, *colon = strchr(prov, ':');
        if (!colon || colon == prov || !colon[1]) {
            if (at)
                return ga_error(ctx, GPUARB_ERR_INPUT, at->source, at->line, at->col, key,
                                "expected skypilot:PROVIDER:PATH (a SkyPilot vms.csv), found "
                                "'%.100s'", text);
            return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                            "expected skypilot:PROVIDER:PATH (a SkyPilot vms.csv), found '%.100s'",
                            text);
        }
        if (!(out->provider = ga_strndup(prov, (size_t)(colon - prov))))
            return ga_nomem(ctx);
        for (char *p = out->provider; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p - 'A' + 'a');
        file = colon + 1;
    }
    if (!(out->path = resolve_path(base_dir, file))) {
        ga_catalog_ref_free(out);
        return ga_nomem(ctx);
    }
    return GPUARB_OK;
}

/* Append the offers ref names to cat, so that it holds at most limit
 * (earlier files of a list included); past that, the error is placed
 * where the document lists the catalog that crossed the limit.  Files are
 * read straight into cat: a list costs no copy of its offers. */
static gpuarb_status ref_load_into(gpuarb_ctx *ctx, const ga_catalog_ref *ref, size_t limit,
                                   gpuarb_catalog *cat)
{
    gpuarb_status st;
    if (ref->builtin) {
        gpuarb_catalog *b = NULL;
        if ((st = gpuarb_catalog_builtin(ctx, &b)) == GPUARB_OK)
            st = gpuarb_catalog_append(ctx, cat, b);
        gpuarb_catalog_free(b);
        return st;
    }
    int over = 0;
    st = ga_catalog_load_into(ctx, ref->path,
                              ref->provider ? GPUARB_CATALOG_SKYPILOT : GPUARB_CATALOG_NATIVE,
                              ref->provider, limit, &over, cat);
    if (over && ref->loc.line > 0) {
        char msg[GA_MSG_MAX];
        snprintf(msg, sizeof msg, "%s", gpuarb_errfull(ctx));
        return ga_error(ctx, GPUARB_ERR_LIMIT, ref->loc.source, ref->loc.line, ref->loc.col,
                        "catalog",
                        "the catalogs listed up to this one hold more than %zu offers, the "
                        "limit (%s)",
                        limit, msg);
    }
    if (st == GPUARB_ERR_IO && ref->loc.line > 0) {
        /* say where the document names the missing file */
        char msg[GA_MSG_MAX];
        snprintf(msg, sizeof msg, "%s", gpuarb_errmsg(ctx));
        st = ga_error(ctx, GPUARB_ERR_IO, ref->loc.source, ref->loc.line, ref->loc.col,
                      "catalog", "cannot read catalog '%s': %s", ref->path, msg);
    }
    return st;
}

gpuarb_status ga_catalog_ref_load(gpuarb_ctx *ctx, const ga_catalog_ref *ref,
                                  gpuarb_catalog **out)
{
    return ga_catalog_load_refs_max(ctx, ref, 1, GA_LIM_OFFERS, out);
}

gpuarb_status ga_catalog_load_refs(gpuarb_ctx *ctx, const ga_catalog_ref *refs, size_t n,
                                   gpuarb_catalog **out)
{
    return ga_catalog_load_refs_max(ctx, refs, n, GA_LIM_OFFERS, out);
}

gpuarb_status ga_catalog_load_refs_max(gpuarb_ctx *ctx, const ga_catalog_ref *refs, size_t n,
                                       size_t max_offers, gpuarb_catalog **out)
{
    max_offers = GA_MIN(max_offers, GA_LIM_OFFERS);
    *out = NULL;
    if (n == 0)
        return gpuarb_catalog_builtin(ctx, out);
    if (n == 1 && refs[0].builtin)
        return gpuarb_catalog_builtin(ctx, out);
    gpuarb_catalog *all = NULL;
    gpuarb_status st = ga_catalog_new(ctx, &all);
    /* a list that crosses the limit stops at the row that crosses it, not
     * after loading every file */
    for (size_t i = 0; !st && i < n; i++)
        st = ref_load_into(ctx, &refs[i], max_offers, all);
    if (st) {
        gpuarb_catalog_free(all);
        return st;
    }
    *out = all;
    return GPUARB_OK;
}

gpuarb_status gpuarb_catalog_load_ref(gpuarb_ctx *ctx, const char *ref, const char *base_dir,
                                      const char *skypilot_provider, gpuarb_catalog **out)
{
    if (!out)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                        "gpuarb_catalog_load_ref: NULL argument");
    *out = NULL;
    ga_catalog_ref r;
    gpuarb_status st = ga_catalog_ref_parse(ctx, ref, base_dir, NULL, NULL, &r);
    if (st)
        return st;
    if (skypilot_provider && !r.builtin && !r.provider &&
        !(r.provider = ga_strdup(skypilot_provider))) {
        ga_catalog_ref_free(&r);
        return ga_nomem(ctx);
    }
    st = ga_catalog_ref_load(ctx, &r, out);
    ga_catalog_ref_free(&r);
    return st;
}
