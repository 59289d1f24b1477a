/*
 * trace.c - job traces for the simulator: the native CSV of SPEC section 6
 * (job_id,submit_s,duration_s,gpus[,gpu,gpu_milli,user,team,project]) and
 * two importers,
 * the Alibaba openb pod lists (cluster-trace-gpu-v2023) and Gavel's job
 * traces with its throughput table.  All three read through the shared CSV
 * table reader (io/csvtable.h) or the doc reader, so every bad value is an
 * error with file, line, column and column name.  Jobs are kept sorted by
 * submit time, ties in file order.  Returns GPUARB_ERR_SYNTAX / INPUT /
 * LIMIT / IO / NOMEM / ARG.
 *
 * Decisions the formats leave open:
 *   - openb: creation_time is the submit time and deletion_time minus
 *     creation_time the duration (SPEC section 6), so a pod's time pending
 *     in Alibaba's cluster counts as run time here, and pods still running
 *     at the trace's end are cut there.  Pods with num_gpu 0 are CPU pods
 *     and are left out (counted in skipped).  A pod with gpu_milli < 1000
 *     is a fractional pod: it holds gpu_milli/1000 of ONE GPU, and pods
 *     share a GPU while their shares sum to at most 1000 (the GPU-sharing
 *     model of the FGD paper); a multi-GPU pod holds whole GPUs.
 *   - Gavel: the duration is total_steps over the job's measured isolated
 *     throughput on a V100 (the reference GPU, relative speed 1) with the
 *     job's scale factor, from Gavel's simulation_throughputs.json.  A scale
 *     factor the table lacks (past 8, where it stops, or A3C and CycleGAN,
 *     measured on one GPU only) takes the largest smaller one it has,
 *     scaled linearly: the optimistic weak-scaling assumption.
 *   - The native gpu column is read but not used: the simulated pool has
 *     one node shape, and duration_s is already on the reference GPU.
 *   - team and project (native CSV only) are cost attribution labels
 *     (issue 13; attr.c); empty means none.  Neither importer maps any
 *     column to them: openb pods carry no owner (qos is a service class,
 *     not a team) and Gavel's jobs no user at all, so imported jobs are
 *     unlabelled and their cost lands in the unlabelled row.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "io/csvtable.h"
#include "io/doc.h"
#include "sim/sim.h"

/* ---- building a trace ---- */

typedef struct tb {
    gpuarb_trace *tr;
    size_t cap;
    ga_strbuf ids;
    ga_strbuf labels;   /* starts with "" so that offset 0 means none */
} tb;

/* A label's offset in b->labels (0 for none); the previous job's label is
 * reused when equal (traces list a team's jobs in runs). */
static uint32_t tb_label(tb *b, const char *s, size_t n, uint32_t prev, int *err)
{
    if (n == 0)
        return 0;
    if (prev && strlen(b->labels.s + prev) == n && memcmp(b->labels.s + prev, s, n) == 0)
        return prev;
    if (b->labels.len > UINT32_MAX - n - 1) {
        *err = 1;
        return 0;
    }
    uint32_t off = (uint32_t)b->labels.len;
    ga_sb_putn(&b->labels, s, n);
    ga_sb_putc(&b->labels, '\0');
    if (b->labels.oom)
        *err = 1;
    return off;
}

static gpuarb_status tb_add(gpuarb_ctx *ctx, tb *b, const char *id, size_t idlen, double submit,
                            double dur, int32_t gpus, int32_t milli, int32_t line)
{
    gpuarb_trace *tr = b->tr;
    if (tr->n >= GA_SIM_MAX_JOBS)
        return ga_error(ctx, GPUARB_ERR_LIMIT, NULL, line, 0, NULL,
                        "a trace may hold at most %d jobs", GA_SIM_MAX_JOBS);
    if (ga_grow((void **)&tr->jobs, &b->cap, tr->n + 1, sizeof *tr->jobs))
        return ga_nomem(ctx);
    if (b->ids.len > UINT32_MAX - idlen - 1)
        return ga_error(ctx, GPUARB_ERR_LIMIT, NULL, line, 0, NULL, "job ids too long in total");
    ga_job *j = &tr->jobs[tr->n++];
    j->submit = submit;
    j->dur = dur;
    j->gpus = gpus;
    j->milli = milli;
    j->id_off = (uint32_t)b->ids.len;
    j->line = line;
    j->team_off = j->project_off = 0;
    ga_sb_putn(&b->ids, id, idlen);
    ga_sb_putc(&b->ids, '\0');
    return b->ids.oom ? ga_nomem(ctx) : GPUARB_OK;
}

static int cmp_job(const void *pa, const void *pb)
{
    const ga_job *a = pa, *b = pb;
    if (a->submit != b->submit)
        return a->submit < b->submit ? -1 : 1;
    /* file order: id offsets grow with it */
    return a->id_off < b->id_off ? -1 : a->id_off > b->id_off;
}

/* Give the last job added its team and project labels. */
static gpuarb_status tb_set_labels(gpuarb_ctx *ctx, tb *b, const char *team, size_t tn,
                                   const char *project, size_t pn)
{
    gpuarb_trace *tr = b->tr;
    ga_job *j = &tr->jobs[tr->n - 1];
    const ga_job *prev = tr->n > 1 ? &tr->jobs[tr->n - 2] : NULL;
    int err = 0;
    j->team_off = tb_label(b, team, tn, prev ? prev->team_off : 0, &err);
    j->project_off = tb_label(b, project, pn, prev ? prev->project_off : 0, &err);
    if (err)
        return b->labels.oom ? ga_nomem(ctx)
                             : ga_error(ctx, GPUARB_ERR_LIMIT, NULL, j->line, 0, NULL,
                                        "team and project labels too long in total");
    tr->has_labels |= (j->team_off | j->project_off) != 0;
    return GPUARB_OK;
}

static gpuarb_status tb_finish(gpuarb_ctx *ctx, tb *b, gpuarb_trace **out)
{
    gpuarb_trace *tr = b->tr;
    tr->labels_len = b->labels.len;
    tr->labels = ga_sb_take(&b->labels);
    if (!tr->labels)
        return ga_nomem(ctx);
    tr->ids_len = b->ids.len;
    tr->ids = ga_sb_take(&b->ids);
    if (!tr->ids) {
        tr->ids = ga_calloc(1, 1);
        if (!tr->ids)
            return ga_nomem(ctx);
    }
    if (tr->n > 1)
        qsort(tr->jobs, tr->n, sizeof *tr->jobs, cmp_job);
    *out = tr;
    b->tr = NULL;
    return GPUARB_OK;
}

static void tb_free(tb *b)
{
    gpuarb_trace_free(b->tr);
    ga_sb_free(&b->ids);
    ga_sb_free(&b->labels);
}

static gpuarb_status tb_init(gpuarb_ctx *ctx, tb *b)
{
    memset(b, 0, sizeof *b);
    ga_sb_init(&b->ids);
    ga_sb_init(&b->labels);
    ga_sb_putc(&b->labels, '\0');
    b->tr = ga_calloc(1, sizeof *b->tr);
    if (b->tr && !b->labels.oom)
        return GPUARB_OK;
    tb_free(b);
    b->tr = NULL;
    return ga_nomem(ctx);
}


/* ---- native CSV ---- */

enum { N_ID, N_SUBMIT, N_DUR, N_GPUS, N_GPU, N_MILLI, N_USER, N_TEAM, N_PROJECT };
static const ga_tab_col NATIVE_COLS[] = {
    {"job_id", GA_TAB_STRING, GA_TAB_COLUMN | GA_TAB_VALUE, 0, 0, 0, 0},
    {"submit_s", GA_TAB_NUMBER, GA_TAB_COLUMN | GA_TAB_VALUE, 0, 0, 0, 1e12},
    {"duration_s", GA_TAB_NUMBER, GA_TAB_COLUMN | GA_TAB_VALUE, 0, 0, 0, 1e12},
    {"gpus", GA_TAB_INTEGER, GA_TAB_COLUMN | GA_TAB_VALUE, 0, 1, GA_SIM_MAX_JOB_GPUS, 0},
    {"gpu", GA_TAB_STRING, 0, 0, 0, 0, 0},
    {"gpu_milli", GA_TAB_INTEGER, 0, 0, 1, 1000, 0},
    {"user", GA_TAB_STRING, 0, 0, 0, 0, 0},
    {"team", GA_TAB_STRING, 0, 0, 0, 0, 0},
    {"project", GA_TAB_STRING, 0, 0, 0, 0, 0},
    {NULL, 0, 0, 0, 0, 0, 0}};

static gpuarb_status parse_native(gpuarb_ctx *ctx, const char *text, size_t len,
                                  const char *source, tb *b)
{
    ga_tab t;
    ga_tab_init(&t, ctx, text, len, source, NATIVE_COLS, GA_TAB_COMMENTS);
    int empty = 0, got = 0;
    gpuarb_status st = ga_tab_header(&t, &empty);
    if (!st && empty)
        st = ga_error(ctx, GPUARB_ERR_INPUT, source, 1, 1, NULL,
                      "empty trace: expected the header job_id,submit_s,duration_s,gpus");
    while (!st && !(st = ga_tab_next(&t, &got)) && got) {
        double submit = 0, dur = 0;
        int64_t gpus = 0, milli = 1000;
        ga_tab_field id = ga_tab_get(&t, N_ID);
        if ((st = ga_tab_num(&t, N_SUBMIT, 0, &submit)) || (st = ga_tab_num(&t, N_DUR, 0, &dur)) ||
            (st = ga_tab_int(&t, N_GPUS, 0, &gpus)) ||
            (st = ga_tab_int(&t, N_MILLI, 1000, &milli)))
            break;
        if (milli < 1000 && gpus != 1) {
            ga_tab_field f = ga_tab_get(&t, N_MILLI);
            st = ga_tab_fail(&t, &f,
                             "a fractional share (gpu_milli < 1000) is for one GPU; this job "
                             "asks for %lld GPUs",
                             (long long)gpus);
            break;
        }
        st = tb_add(ctx, b, id.s, id.n, submit, dur, (int32_t)gpus, (int32_t)milli,
                    ga_tab_row_line(&t));
        ga_tab_field team = ga_tab_get(&t, N_TEAM), project = ga_tab_get(&t, N_PROJECT);
        if (!st)
            st = tb_set_labels(ctx, b, team.s, team.n, project.s, project.n);
    }
    ga_tab_free(&t);
    return st;
}

/* ---- Alibaba openb pod list ---- */

enum { O_NAME, O_NGPU, O_MILLI, O_CREATE, O_DELETE };
static const ga_tab_col OPENB_COLS[] = {
    {"name", GA_TAB_STRING, GA_TAB_COLUMN | GA_TAB_VALUE, 0, 0, 0, 0},
    {"num_gpu", GA_TAB_INTEGER, GA_TAB_COLUMN | GA_TAB_VALUE, 0, 0, GA_SIM_MAX_JOB_GPUS, 0},
    {"gpu_milli", GA_TAB_INTEGER, GA_TAB_COLUMN, 0, 0, 1000, 0},
    {"creation_time", GA_TAB_NUMBER, GA_TAB_COLUMN | GA_TAB_VALUE, 0, 0, 0, 1e12},
    {"deletion_time", GA_TAB_NUMBER, GA_TAB_COLUMN | GA_TAB_VALUE, 0, 0, 0, 1e12},
    {NULL, 0, 0, 0, 0, 0, 0}};

static gpuarb_status parse_openb(gpuarb_ctx *ctx, const char *text, size_t len,
                                 const char *source, tb *b)
{
    ga_tab t;
    ga_tab_init(&t, ctx, text, len, source, OPENB_COLS, GA_TAB_COMMENTS);
    int empty = 0, got = 0;
    gpuarb_status st = ga_tab_header(&t, &empty);
    if (!st && empty)
        st = ga_error(ctx, GPUARB_ERR_INPUT, source, 1, 1, NULL,
                      "empty pod list: expected a header with name,num_gpu,gpu_milli,"
                      "creation_time,deletion_time");
    while (!st && !(st = ga_tab_next(&t, &got)) && got) {
        int64_t ngpu = 0, milli = 0;
        double c = 0, d = 0;
        if ((st = ga_tab_int(&t, O_NGPU, 0, &ngpu)) || (st = ga_tab_int(&t, O_MILLI, 0, &milli)) ||
            (st = ga_tab_num(&t, O_CREATE, 0, &c)) || (st = ga_tab_num(&t, O_DELETE, 0, &d)))
            break;
        if (ngpu == 0) {
            b->tr->skipped++;
            continue;
        }
        if (d < c) {
            ga_tab_field f = ga_tab_get(&t, O_DELETE);
            st = ga_tab_fail(&t, &f, "the pod is deleted (%.17g) before it is created (%.17g)", d,
                             c);
            break;
        }
        /* multi-GPU pods hold whole GPUs; gpu_milli 0 on a GPU pod means whole */
        int32_t m = ngpu == 1 && milli > 0 && milli < 1000 ? (int32_t)milli : 1000;
        ga_tab_field name = ga_tab_get(&t, O_NAME);
        st = tb_add(ctx, b, name.s, name.n, c, d - c, (int32_t)ngpu, m, ga_tab_row_line(&t));
    }
    ga_tab_free(&t);
    return st;
}

/* ---- Gavel ---- */

/* Gavel's throughput table: "('JOB TYPE', SF)" -> steps/s on a V100. */
typedef struct thr_entry {
    const char *key;   /* borrowed from the doc */
    double v;
} thr_entry;

static gpuarb_status gavel_table(gpuarb_ctx *ctx, const ga_doc *doc, const ga_doc_node **v100)
{
    const ga_doc_node *root = doc->root;
    if (!root || root->kind != GA_DOC_MAP)
        return ga_error(ctx, GPUARB_ERR_INPUT, doc->source, root ? root->line : 1,
                        root ? root->col : 1, NULL,
                        "expected Gavel's throughput table, a mapping of worker types");
    const ga_doc_node *m = ga_doc_get(root, "v100");
    if (!m || m->kind != GA_DOC_MAP)
        return ga_error(ctx, GPUARB_ERR_INPUT, doc->source, root->line, root->col, "v100",
                        "the throughput table has no 'v100' mapping (the reference GPU)");
    *v100 = m;
    return GPUARB_OK;
}

/* Isolated throughput of (type, sf) on a V100: the table's entry for sf,
 * else the largest smaller scale factor it has (8, 4, 2, 1) scaled
 * linearly to sf; 0 when the table knows the job type at no scale. */
static double gavel_thr(const ga_doc_node *v100, const char *type, size_t tlen, int64_t sf)
{
    static const int64_t LOOK[] = {0, 8, 4, 2, 1};
    if (tlen > 400)
        return 0;
    for (size_t k = 0; k < sizeof LOOK / sizeof *LOOK; k++) {
        int64_t look = k == 0 ? sf : LOOK[k];
        if (look > sf || (k > 0 && look == sf))
            continue;
        char key[512];
        ga_snprintf_c(key, sizeof key, "('%.*s', %lld)", (int)tlen, type, (long long)look);
        const ga_doc_node *e = ga_doc_get(v100, key);
        if (!e || e->kind != GA_DOC_MAP)
            continue;
        const ga_doc_node *iso = ga_doc_get(e, "null");
        if (!iso || iso->kind != GA_DOC_NUMBER || !(iso->number > 0))
            continue;
        return iso->number * (double)sf / (double)look;
    }
    return 0;
}

static gpuarb_status parse_gavel(gpuarb_ctx *ctx, const char *text, size_t len,
                                 const char *source, const ga_doc_node *v100, tb *b)
{
    /* tab-separated, no quoting: split each line by hand */
    size_t pos = 0;
    int32_t line = 0;
    gpuarb_status st = GPUARB_OK;
    while (!st && pos < len) {
        size_t e = pos;
        while (e < len && text[e] != '\n')
            e++;
        line++;
        size_t le = e;
        if (le > pos && text[le - 1] == '\r')
            le--;
        const char *f[12];
        size_t fl[12];
        int nf = 0;
        size_t s = pos;
        for (size_t k = pos; k <= le; k++) {
            if (k == le || text[k] == '\t') {
                if (nf < 12) {
                    f[nf] = text + s;
                    fl[nf] = k - s;
                }
                nf++;
                s = k + 1;
            }
        }
        int blank = le == pos;
        pos = e + 1;
        if (blank)
            continue;
        int i_steps, i_arr, i_sf;
        if (nf == 7) {          /* msr traces */
            i_steps = 4, i_arr = 5, i_sf = 6;
        } else if (nf == 10) {  /* physical-cluster traces */
            i_steps = 5, i_sf = 6, i_arr = 9;
        } else {
            st = ga_error(ctx, GPUARB_ERR_SYNTAX, source, line, 1, NULL,
                          "expected a Gavel trace line of 7 or 10 tab-separated fields, found %d",
                          nf);
            break;
        }
        double steps, arr;
        int64_t sf;
        int col_steps = 1, col_arr = 1, col_sf = 1;
        for (int k = 0; k < i_steps; k++)
            col_steps += (int)fl[k] + 1;
        for (int k = 0; k < i_arr; k++)
            col_arr += (int)fl[k] + 1;
        for (int k = 0; k < i_sf; k++)
            col_sf += (int)fl[k] + 1;
        if (ga_parse_double(f[i_steps], fl[i_steps], &steps) || !(steps >= 0)) {
            st = ga_error(ctx, GPUARB_ERR_INPUT, source, line, col_steps, "total_steps",
                          "expected a number of steps >= 0");
            break;
        }
        if (ga_parse_double(f[i_arr], fl[i_arr], &arr) || !(arr >= 0) || arr > 1e12) {
            st = ga_error(ctx, GPUARB_ERR_INPUT, source, line, col_arr, "arrival_time",
                          "expected an arrival time in seconds, 0 <= t <= 1e12");
            break;
        }
        if (ga_parse_int64(f[i_sf], fl[i_sf], &sf) || sf < 1 || sf > GA_SIM_MAX_JOB_GPUS) {
            st = ga_error(ctx, GPUARB_ERR_INPUT, source, line, col_sf, "scale_factor",
                          "expected a whole number of GPUs, 1 to %d", GA_SIM_MAX_JOB_GPUS);
            break;
        }
        double thr = gavel_thr(v100, f[0], fl[0], sf);
        if (!(thr > 0)) {
            st = ga_error(ctx, GPUARB_ERR_INPUT, source, line, 1, "job_type",
                          "no V100 throughput for '%.*s' on %lld GPU%s in the throughput table",
                          (int)(fl[0] > 100 ? 100 : fl[0]), f[0], (long long)sf,
                          sf == 1 ? "" : "s");
            break;
        }
        char id[32];
        int idn = ga_snprintf_c(id, sizeof id, "gavel-%d", line);
        st = tb_add(ctx, b, id, (size_t)idn, arr, steps / thr, (int32_t)sf, 1000, line);
    }
    if (!st && b->tr->n == 0)
        st = ga_error(ctx, GPUARB_ERR_INPUT, source, 1, 1, NULL, "the Gavel trace has no jobs");
    return st;
}

/* ---- public ---- */

static gpuarb_status parse_any(gpuarb_ctx *ctx, const char *text, size_t len, const char *source,
                               int32_t format, const char *thr_text, size_t thr_len,
                               const char *thr_source, gpuarb_trace **out)
{
    tb b;
    gpuarb_status st = tb_init(ctx, &b);
    ga_doc doc = {0};
    if (st)
        return st;
    if (format == GPUARB_TRACE_NATIVE) {
        st = parse_native(ctx, text, len, source, &b);
    } else if (format == GPUARB_TRACE_OPENB) {
        st = parse_openb(ctx, text, len, source, &b);
    } else {
        const ga_doc_node *v100 = NULL;
        st = ga_doc_parse_json(ctx, thr_text, thr_len, thr_source, &doc);
        if (!st)
            st = gavel_table(ctx, &doc, &v100);
        if (!st)
            st = parse_gavel(ctx, text, len, source, v100, &b);
    }
    if (!st)
        st = tb_finish(ctx, &b, out);
    ga_doc_free(&doc);
    tb_free(&b);
    return st;
}

static gpuarb_status check_format(gpuarb_ctx *ctx, int32_t format, int have_thr)
{
    if (format < GPUARB_TRACE_NATIVE || format > GPUARB_TRACE_GAVEL)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                        "trace format %d: expected native (0), openb (1) or gavel (2)", format);
    if (format == GPUARB_TRACE_GAVEL && !have_thr)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                        "a Gavel trace needs Gavel's throughput table "
                        "(simulation_throughputs.json)");
    return GPUARB_OK;
}

gpuarb_status gpuarb_trace_parse(gpuarb_ctx *ctx, const char *text, size_t len,
                                 const char *source, int32_t format, const char *thr_text,
                                 size_t thr_len, gpuarb_trace **out)
{
    gpuarb_status st = ga_check_text(ctx, out != NULL, text, len);
    if (st)
        return st;
    *out = NULL;
    if ((st = check_format(ctx, format, thr_text != NULL)))
        return st;
    return parse_any(ctx, text ? text : "", len, source ? source : "<string>", format, thr_text,
                     thr_len, "<throughputs>", out);
}

gpuarb_status gpuarb_trace_load(gpuarb_ctx *ctx, const char *path, int32_t format,
                                const char *throughputs_path, gpuarb_trace **out)
{
    char *text = NULL, *thr = NULL;
    size_t len = 0, thr_len = 0;
    gpuarb_status st = ga_load_file(ctx, out != NULL, path, "trace", GA_SIM_MAX_FILE_BYTES, &text,
                                    &len);
    if (st)
        return st;
    *out = NULL;
    if (!(st = check_format(ctx, format, throughputs_path && *throughputs_path)) &&
        format == GPUARB_TRACE_GAVEL)
        st = ga_read_file(ctx, throughputs_path, GA_DOC_MAX_BYTES, &thr, &thr_len);
    if (!st)
        st = parse_any(ctx, text, len, path, format, thr, thr_len, throughputs_path, out);
    free(text);
    free(thr);
    return st;
}

void gpuarb_trace_free(gpuarb_trace *tr)
{
    if (!tr)
        return;
    free(tr->jobs);
    free(tr->ids);
    free(tr->labels);
    free(tr);
}

int64_t gpuarb_trace_job_count(const gpuarb_trace *tr)
{
    return tr ? (int64_t)tr->n : 0;
}

int64_t gpuarb_trace_skipped_count(const gpuarb_trace *tr)
{
    return tr ? tr->skipped : 0;
}

gpuarb_status gpuarb_trace_window(gpuarb_ctx *ctx, const gpuarb_trace *tr, double from_s,
                                  double to_s, gpuarb_trace **out)
{
    if (!out || !tr || !(from_s >= 0) || !(to_s >= from_s))
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                        "trace window: need a trace, an out pointer and 0 <= from_s <= to_s");
    *out = NULL;
    tb b;
    gpuarb_status st = tb_init(ctx, &b);
    for (size_t i = 0; !st && i < tr->n; i++) {
        const ga_job *j = &tr->jobs[i];
        if (j->submit < from_s || j->submit >= to_s)
            continue;
        const char *id = tr->ids + j->id_off;
        st = tb_add(ctx, &b, id, strlen(id), j->submit - from_s, j->dur, j->gpus, j->milli,
                    j->line);
        const char *team = ga_job_label(tr, j, 0), *project = ga_job_label(tr, j, 1);
        if (!st)
            st = tb_set_labels(ctx, &b, team ? team : "", team ? strlen(team) : 0,
                               project ? project : "", project ? strlen(project) : 0);
    }
    if (!st)
        st = tb_finish(ctx, &b, out);
    tb_free(&b);
    return st;
}

/* One CSV field, quoted when it holds a comma, quote or line break. */
static void csv_field(ga_strbuf *sb, const char *v)
{
    if (!strpbrk(v, ",\"\r\n")) {
        ga_sb_puts(sb, v);
        return;
    }
    ga_sb_putc(sb, '"');
    for (const char *p = v; *p; p++) {
        if (*p == '"')
            ga_sb_putc(sb, '"');
        ga_sb_putc(sb, *p);
    }
    ga_sb_putc(sb, '"');
}

gpuarb_status gpuarb_trace_to_csv(gpuarb_ctx *ctx, const gpuarb_trace *tr, char **out)
{
    if (!out || !tr)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "trace to CSV: NULL argument");
    *out = NULL;
    ga_strbuf sb;
    ga_sb_init(&sb);
    ga_sb_puts(&sb, tr->has_labels ? "job_id,submit_s,duration_s,gpus,gpu_milli,team,project\n"
                                   : "job_id,submit_s,duration_s,gpus,gpu_milli\n");
    char a[40], d[40];
    for (size_t i = 0; i < tr->n && !sb.oom; i++) {
        const ga_job *j = &tr->jobs[i];
        csv_field(&sb, tr->ids + j->id_off);
        ga_fmt_double(a, j->submit);
        ga_fmt_double(d, j->dur);
        ga_sb_printf(&sb, ",%s,%s,%d,%d", a, d, (int)j->gpus, (int)j->milli);
        if (tr->has_labels) {
            const char *team = ga_job_label(tr, j, 0), *project = ga_job_label(tr, j, 1);
            ga_sb_putc(&sb, ',');
            csv_field(&sb, team ? team : "");
            ga_sb_putc(&sb, ',');
            csv_field(&sb, project ? project : "");
        }
        ga_sb_putc(&sb, '\n');
    }
    if (sb.oom) {
        ga_sb_free(&sb);
        return ga_nomem(ctx);
    }
    *out = ga_sb_take(&sb);
    return *out ? GPUARB_OK : ga_nomem(ctx);
}
