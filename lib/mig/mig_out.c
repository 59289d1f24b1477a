/*
 * mig_out.c - what lib/mig puts out: the profile rows of the public API,
 * the profile table (SPEC section 5 JSON or a readable table) and a
 * placement as JSON, a table or an NVIDIA mig-parted v1 config.  JSON and
 * YAML go through the shared writer (lib/io/writer.h); tables through a
 * strbuf.  Returns GPUARB_OK, GPUARB_ERR_ARG, GPUARB_ERR_INPUT (unknown
 * model), GPUARB_ERR_NOMEM.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/gpumodel.h"
#include "io/writer.h"
#include "mig/mig.h"

int32_t gpuarb_mig_profile_count(const char *model)
{
    const ga_mig_table *t = ga_mig_table_find(model);
    return t ? t->nprofiles : -1;
}

gpuarb_status gpuarb_mig_profile_get(const char *model, int32_t i, gpuarb_mig_profile *out)
{
    const ga_mig_table *t = ga_mig_table_find(model);
    if (!t || !out || i < 0 || i >= t->nprofiles)
        return GPUARB_ERR_ARG;
    const ga_mig_profile *p = &t->profiles[i];
    out->name = p->name;
    out->id = p->id;
    out->compute_slices = p->compute;
    out->memory_slots = p->size;
    out->max_instances = p->max_instances;
    out->memory_gib = p->memory_gib;
    out->start_mask = p->starts;
    out->slots = t->slots;
    return GPUARB_OK;
}

static gpuarb_status no_table(gpuarb_ctx *ctx, const char *model)
{
    char list[256] = "";
    size_t n = 0;
    for (int32_t i = 0; i < ga_mig_table_count(); i++)
        n += (size_t)snprintf(list + n, sizeof list - n, "%s%s", i ? ", " : "",
                              ga_mig_table_at(i)->model);
    if (model && ga_gpumodel_find(model) < 0) {
        char near[128];
        ga_gpumodel_near(model, near, sizeof near);
        if (near[0])
            return ga_error(ctx, GPUARB_ERR_INPUT, NULL, 0, 0, "gpu",
                            "unknown GPU model '%.100s'; did you mean: %s?", model, near);
    }
    return ga_error(ctx, GPUARB_ERR_INPUT, NULL, 0, 0, "gpu",
                    "'%.100s' has no MIG profile table (MIG models: %s)", model ? model : "",
                    list);
}

gpuarb_status gpuarb_mig_profiles_to_text(gpuarb_ctx *ctx, const char *model, int32_t table,
                                          char **out)
{
    if (!out)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "mig profiles: out is NULL");
    *out = NULL;
    const ga_mig_table *t = ga_mig_table_find(model);
    if (!t)
        return no_table(ctx, model);
    if (table) {
        ga_strbuf b;
        ga_sb_init(&b);
        ga_sb_printf(&b, "%s: %d memory slots, %d compute slices (%s)\n\n", t->model,
                     (int)t->slots, (int)t->compute, t->note);
        ga_sb_printf(&b, "%-16s %4s %8s %6s %10s %9s  %s\n", "PROFILE", "ID", "COMPUTE",
                     "SLOTS", "MEM GIB", "INSTANCES", "PLACEMENTS");
        for (int32_t i = 0; i < t->nprofiles; i++) {
            const ga_mig_profile *p = &t->profiles[i];
            char id[16], pl[64];
            size_t w = 0;
            if (p->id >= 0)
                snprintf(id, sizeof id, "%d", (int)p->id);
            else
                snprintf(id, sizeof id, "-");
            pl[w++] = '{';
            for (int32_t s = 0; s < t->slots; s++)
                if (p->starts & (1u << s))
                    w += (size_t)snprintf(pl + w, sizeof pl - w, "%s%d", w > 1 ? "," : "",
                                          (int)s);
            snprintf(pl + w, sizeof pl - w, "}:%d", (int)p->size);
            ga_sb_printf(&b, "%-16s %4s %8d %6d %10.2f %9d  %s\n", p->name, id, (int)p->compute,
                         (int)p->size, p->memory_gib, (int)p->max_instances, pl);
        }
        if (b.oom) {
            ga_sb_free(&b);
            return ga_nomem(ctx);
        }
        *out = ga_sb_take(&b);
        return GPUARB_OK;
    }
    ga_writer w;
    ga_w_init(&w, GA_W_JSON, GA_W_SPACED);
    ga_w_obj_open(&w, GA_W_LINES);
    ga_w_kv_str(&w, "gpu", t->model);
    ga_w_kv_int(&w, "memory_slots", t->slots);
    ga_w_kv_int(&w, "compute_slices", t->compute);
    ga_w_kv_str(&w, "source", t->note);
    ga_w_key(&w, "profiles");
    ga_w_arr_open(&w, GA_W_LINES);
    for (int32_t i = 0; i < t->nprofiles; i++) {
        const ga_mig_profile *p = &t->profiles[i];
        ga_w_obj_open(&w, GA_W_INLINE);
        ga_w_kv_str(&w, "name", p->name);
        ga_w_kv_int_or_null(&w, "id", p->id >= 0, p->id);
        ga_w_kv_int(&w, "compute_slices", p->compute);
        ga_w_kv_int(&w, "memory_slots", p->size);
        ga_w_kv_num(&w, "memory_gib", p->memory_gib);
        ga_w_kv_int(&w, "max_instances", p->max_instances);
        ga_w_key(&w, "placements");
        ga_w_arr_open(&w, GA_W_INLINE);
        for (int32_t s = 0; s < t->slots; s++)
            if (p->starts & (1u << s))
                ga_w_int(&w, s);
        ga_w_arr_end(&w);
        ga_w_obj_end(&w);
    }
    ga_w_arr_end(&w);
    ga_w_obj_end(&w);
    return ga_w_finish(&w, ctx, out);
}

/* ---- placements ---- */

static const char *profile_name(const gpuarb_mig_result *r, int32_t gpu, int32_t p)
{
    return r->tables[gpu]->profiles[p].name;
}

/* place[] in the problem's request order. */
static int32_t *by_request(const gpuarb_mig_result *r)
{
    int32_t *ix = ga_mallocarray(r->nreqs + 1, sizeof *ix);
    if (ix)
        for (size_t k = 0; k < r->nreqs; k++)
            ix[r->place[k].req] = (int32_t)k;
    return ix;
}

static void write_json(const gpuarb_mig_result *r, const int32_t *ix, ga_writer *w)
{
    const gpuarb_mig_summary *s = &r->sum;
    ga_w_obj_open(w, GA_W_LINES);
    ga_w_kv_str(w, "status", s->exact ? "optimal" : "feasible");
    ga_w_kv_int(w, "requests", s->requests);
    ga_w_kv_int(w, "placed", s->placed);
    ga_w_kv_int(w, "gpus_used", s->gpus_used);
    ga_w_kv_int(w, "gpus_lower_bound", s->gpus_lower_bound);
    ga_w_key(w, "placements");
    ga_w_arr_open(w, GA_W_LINES);
    for (size_t i = 0; i < r->nreqs; i++) {
        const ga_mp_place *pl = &r->place[ix[i]];
        const ga_mp_req *q = &r->reqs[pl->req];
        if (pl->gpu < 0)
            continue;
        ga_w_obj_open(w, GA_W_INLINE);
        ga_w_kv_str(w, "request", q->name);
        ga_w_kv_str(w, "gpu", r->gpu_names[pl->gpu]);
        if (q->kind == GA_MP_MIG) {
            ga_w_kv_str(w, "profile", profile_name(r, pl->gpu, pl->profile));
            ga_w_kv_int(w, "start", pl->start);
        } else {
            ga_w_kv_num(w, "fraction", q->fraction);
            ga_w_kv_num_or_null(w, "memory_gb", q->memory_gb > 0, q->memory_gb);
        }
        ga_w_obj_end(w);
    }
    ga_w_arr_end(w);
    ga_w_key(w, "unplaced");
    ga_w_arr_open(w, GA_W_LINES);
    for (size_t i = 0; i < r->nreqs; i++) {
        const ga_mp_place *pl = &r->place[ix[i]];
        if (pl->gpu >= 0)
            continue;
        ga_w_obj_open(w, GA_W_INLINE);
        ga_w_kv_str(w, "request", r->reqs[pl->req].name);
        ga_w_kv_str(w, "reason", pl->reason);
        ga_w_obj_end(w);
    }
    ga_w_arr_end(w);
    ga_w_key(w, "moves");
    ga_w_arr_open(w, GA_W_LINES);
    for (size_t i = 0; i < r->nmoves; i++) {
        const ga_mp_move *m = &r->moves[i];
        ga_w_obj_open(w, GA_W_INLINE);
        ga_w_kv_str(w, "gpu", r->gpu_names[m->gpu]);
        ga_w_kv_str(w, "profile", profile_name(r, m->gpu, m->profile));
        ga_w_kv_int(w, "from", m->from);
        ga_w_kv_int(w, "to", m->to);
        ga_w_obj_end(w);
    }
    ga_w_arr_end(w);
    for (int pass = 0; pass < 2; pass++) {
        ga_w_key(w, pass ? "gpus_untouched" : "gpus_changed");
        ga_w_arr_open(w, GA_W_INLINE);
        for (size_t g = 0; g < r->ngpus; g++)
            if (r->changed[g] == !pass)
                ga_w_str(w, r->gpu_names[g]);
        ga_w_arr_end(w);
    }
    ga_w_kv_num(w, "solve_ms", s->solve_ms);
    ga_w_obj_end(w);
}

/* GPUs with the same MIG layout (as a multiset of profiles) share a
 * mig-parted entry. */
static int same_devices(const gpuarb_mig_result *r, size_t a, size_t b)
{
    if (r->tables[a] != r->tables[b] || (r->final_n[a] > 0) != (r->final_n[b] > 0) ||
        r->final_n[a] != r->final_n[b])
        return 0;
    if (!r->tables[a])
        return 1;
    int32_t ca[GA_MIG_MAX_PROFILES] = {0}, cb[GA_MIG_MAX_PROFILES] = {0};
    for (int32_t i = 0; i < r->final_n[a]; i++)
        ca[r->final_inst[a * GA_MIG_SLOTS * 2 + (size_t)i].profile]++;
    for (int32_t i = 0; i < r->final_n[b]; i++)
        cb[r->final_inst[b * GA_MIG_SLOTS * 2 + (size_t)i].profile]++;
    return memcmp(ca, cb, sizeof ca) == 0;
}

static gpuarb_status write_parted(gpuarb_ctx *ctx, const gpuarb_mig_result *r, char **out)
{
    char *done = ga_calloc(r->ngpus + 1, 1);
    if (!done)
        return ga_nomem(ctx);
    ga_writer w;
    ga_w_init(&w, GA_W_YAML, 0);
    ga_w_obj_begin(&w);
    ga_w_kv_str(&w, "version", "v1");
    ga_w_key(&w, "mig-configs");
    ga_w_obj_begin(&w);
    ga_w_key(&w, "gpuarb-plan");
    ga_w_arr_begin(&w);
    for (size_t g = 0; g < r->ngpus; g++) {
        if (done[g])
            continue;
        ga_w_obj_begin(&w);
        ga_w_key(&w, "devices");
        ga_w_arr_open(&w, GA_W_INLINE);
        for (size_t h = g; h < r->ngpus; h++)
            if (!done[h] && same_devices(r, g, h)) {
                done[h] = 1;
                ga_w_int(&w, (int64_t)h);
            }
        ga_w_arr_end(&w);
        ga_w_kv_bool(&w, "mig-enabled", r->final_n[g] > 0);
        if (r->final_n[g] > 0) {
            const ga_mig_table *t = r->tables[g];
            int32_t c[GA_MIG_MAX_PROFILES] = {0};
            for (int32_t i = 0; i < r->final_n[g]; i++)
                c[r->final_inst[g * GA_MIG_SLOTS * 2 + (size_t)i].profile]++;
            ga_w_key(&w, "mig-devices");
            ga_w_obj_begin(&w);
            for (int32_t p = 0; p < t->nprofiles; p++)
                if (c[p])
                    ga_w_kv_int(&w, t->profiles[p].name, c[p]);
            ga_w_obj_end(&w);
        }
        ga_w_obj_end(&w);
    }
    ga_w_arr_end(&w);
    ga_w_obj_end(&w);
    ga_w_obj_end(&w);
    free(done);
    return ga_w_finish(&w, ctx, out);
}

static gpuarb_status write_table(gpuarb_ctx *ctx, const gpuarb_mig_result *r, const int32_t *ix,
                                 char **out)
{
    const gpuarb_mig_summary *s = &r->sum;
    ga_strbuf b;
    ga_sb_init(&b);
    ga_sb_printf(&b, "status     %s; %lld of %lld requests placed on %lld GPUs (bound %lld)\n",
                 s->exact ? "optimal" : "feasible", (long long)s->placed,
                 (long long)s->requests, (long long)s->gpus_used,
                 (long long)s->gpus_lower_bound);
    ga_sb_printf(&b, "changes    %lld GPUs change, %lld untouched, %lld moves\n\n",
                 (long long)s->gpus_changed, (long long)(r->ngpus - (size_t)s->gpus_changed),
                 (long long)s->moves);
    ga_sb_printf(&b, "%-24s %-16s %-14s %s\n", "REQUEST", "GPU", "PROFILE", "START/SHARE");
    for (size_t i = 0; i < r->nreqs; i++) {
        const ga_mp_place *pl = &r->place[ix[i]];
        const ga_mp_req *q = &r->reqs[pl->req];
        if (pl->gpu < 0) {
            ga_sb_printf(&b, "%-24s %-16s %-14s %s\n", q->name, "-", "-", pl->reason);
        } else if (q->kind == GA_MP_MIG) {
            ga_sb_printf(&b, "%-24s %-16s %-14s %d\n", q->name, r->gpu_names[pl->gpu],
                         profile_name(r, pl->gpu, pl->profile), (int)pl->start);
        } else {
            ga_sb_printf(&b, "%-24s %-16s %-14s %.3f, %g GB\n", q->name, r->gpu_names[pl->gpu],
                         "share", q->fraction, q->memory_gb);
        }
    }
    for (size_t i = 0; i < r->nmoves; i++)
        ga_sb_printf(&b, "move       %s: %s from slot %d to %d\n", r->gpu_names[r->moves[i].gpu],
                     profile_name(r, r->moves[i].gpu, r->moves[i].profile),
                     (int)r->moves[i].from, (int)r->moves[i].to);
    if (b.oom) {
        ga_sb_free(&b);
        return ga_nomem(ctx);
    }
    *out = ga_sb_take(&b);
    return GPUARB_OK;
}

gpuarb_status gpuarb_mig_result_to_text(gpuarb_ctx *ctx, const gpuarb_mig_result *r,
                                        int32_t format, char **out)
{
    if (!out || !r || format < 0 || format > GPUARB_MIG_PARTED) {
        if (out)
            *out = NULL;
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "mig result: bad argument");
    }
    *out = NULL;
    if (format == GPUARB_MIG_PARTED)
        return write_parted(ctx, r, out);
    int32_t *ix = by_request(r);
    if (!ix)
        return ga_nomem(ctx);
    gpuarb_status st;
    if (format == GPUARB_MIG_TABLE) {
        st = write_table(ctx, r, ix, out);
    } else {
        ga_writer w;
        ga_w_init(&w, GA_W_JSON, GA_W_SPACED);
        write_json(r, ix, &w);
        st = ga_w_finish(&w, ctx, out);
    }
    free(ix);
    return st;
}
