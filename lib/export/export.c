/*
 * export.c - a plan written for the engines that run clusters: Kubernetes
 * (batch/v1 Job, apps/v1 Deployment), Kueue (kueue.x-k8s.io/v1beta1
 * ResourceFlavor, ClusterQueue, LocalQueue) and SkyPilot (task YAML).  It
 * owns the mapping from allocation rows to those objects and nothing else:
 * it reads a finished result through the public accessors and, when given,
 * the spec it was solved from (for the gang flag); every document goes
 * through the shared YAML writer (io/writer.h), one writer per document,
 * joined by "---" lines, each preceded by a comment naming the allocation.
 *
 * Choices (documented in libgpuarb(3), EXPORT):
 *   - One object per allocation row, because a row is the unit that has one
 *     instance type, region, zone and market to pin; names are the workload
 *     folded to a DNS-1123 label plus "-<row>", so they are unique and
 *     stable for a given plan.
 *   - k8s: a gang (same_region) is a Job, Indexed, parallelism = completions
 *     = instances, so its pods run together and finish; independent
 *     replicas are a Deployment with replicas = instances, kept running and
 *     rescheduled when a spot node goes away.  Without the spec: Jobs.
 *     One pod per instance, requesting (and limited to) the instance's GPUs.
 *   - k8s with a queue name: every object carries Kueue's queue-name label,
 *     so Kueue admits it against the quotas --format kueue writes.
 *   - Spot: the provider's own node label and taint where it has one (GKE
 *     cloud.google.com/gke-spot, AKS kubernetes.azure.com/scalesetpriority,
 *     EKS eks.amazonaws.com/capacityType, whose taint EKS spot node groups
 *     are commonly given), gpuarb.io/market elsewhere.
 * Invariants: label values are checked against Kubernetes' rule (63
 * characters, alphanumerics and -_. inside, alphanumeric at both ends)
 * before anything is written; Kueue's 16-flavor bound per resource group is
 * checked.  Statuses: GPUARB_OK, GPUARB_ERR_ARG, GPUARB_ERR_INPUT,
 * GPUARB_ERR_LIMIT, GPUARB_ERR_NOMEM (and what the writer latches).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc/spec.h"
#include "base/internal.h"
#include "base/strbuf.h"
#include "io/writer.h"
#include "mig/mig.h"

#define DEFAULT_NAMESPACE "default"
#define DEFAULT_IMAGE "nvidia/cuda:12.4.1-base-ubuntu22.04"
#define DEFAULT_QUEUE "gpuarb"
#define KUEUE_MAX_FLAVORS 16 /* ClusterQueue.spec.resourceGroups[].flavors maxItems */
#define LABEL_MAX 63

void gpuarb_export_opts_init(gpuarb_export_opts *opts)
{
    if (!opts)
        return;
    memset(opts, 0, sizeof *opts);
    opts->size = sizeof *opts;
    opts->format = GPUARB_EXPORT_K8S;
}

/* Kubernetes' label value rule: empty, or up to 63 characters of
 * [A-Za-z0-9-_.] beginning and ending with an alphanumeric. */
static int label_value_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0)
        return 1;
    if (n > LABEL_MAX)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && ((i == 0 || i == n - 1) || (c != '-' && c != '_' && c != '.')))
            return 0;
    }
    return 1;
}

/* A DNS-1123 label from s: lower case, runs of anything else one '-', no '-'
 * at either end, at most max characters; "w" when nothing is left.  buf has
 * room for max + 1. */
static void dns_label(char *buf, size_t max, const char *s)
{
    size_t n = 0;
    int dash = 0;
    for (; *s && n < max; s++) {
        char c = *s;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            if (dash && n > 0) {
                if (n + 2 > max)
                    break; /* no room for the dash and what follows it */
                buf[n++] = '-';
            }
            dash = 0;
            buf[n++] = c;
        } else {
            dash = 1;
        }
    }
    while (n > 0 && buf[n - 1] == '-')
        n--;
    if (n == 0)
        buf[n++] = 'w';
    buf[n] = '\0';
}

/* The object name of row i: the workload's label (at most 52 characters)
 * and "-<i>" (i < 2^31: at most 10 digits), so at most 63. */
static void row_name(char *buf, size_t cap, const char *workload, int32_t i)
{
    char base[53];
    dns_label(base, 52, workload);
    snprintf(buf, cap, "%s-%d", base, (int)i);
}

typedef struct spot_style {
    const char *label, *value;   /* the node label spot nodes carry */
    const char *taint, *tvalue;  /* the taint they carry (NULL: none by default) */
} spot_style;

static spot_style spot_for(const char *provider)
{
    if (strcmp(provider, "gcp") == 0)
        return (spot_style){"cloud.google.com/gke-spot", "true", "cloud.google.com/gke-spot",
                            "true"};
    if (strcmp(provider, "azure") == 0)
        return (spot_style){"kubernetes.azure.com/scalesetpriority", "spot",
                            "kubernetes.azure.com/scalesetpriority", "spot"};
    if (strcmp(provider, "aws") == 0)
        return (spot_style){"eks.amazonaws.com/capacityType", "SPOT",
                            "eks.amazonaws.com/capacityType", "SPOT"};
    return (spot_style){"gpuarb.io/market", "spot", "gpuarb.io/market", "spot"};
}

static void toleration(ga_writer *w, const char *key, const char *op, const char *value)
{
    ga_w_obj_begin(w);
    ga_w_kv_str(w, "key", key);
    ga_w_kv_str(w, "operator", op);
    if (value)
        ga_w_kv_str(w, "value", value);
    ga_w_kv_str(w, "effect", "NoSchedule");
    ga_w_obj_end(w);
}

/* The nodeSelector / nodeLabels of a row: instance type, region, zone,
 * and the market label for spot. */
static void node_labels(ga_writer *w, const gpuarb_allocation *a, int with_place)
{
    ga_w_obj_begin(w);
    ga_w_kv_str(w, "node.kubernetes.io/instance-type", a->instance_type);
    if (with_place) {
        ga_w_kv_str(w, "topology.kubernetes.io/region", a->region);
        if (a->zone && a->zone[0])
            ga_w_kv_str(w, "topology.kubernetes.io/zone", a->zone);
    }
    if (a->spot) {
        spot_style sp = spot_for(a->provider);
        ga_w_kv_str(w, sp.label, sp.value);
    }
    ga_w_obj_end(w);
}

/* Tolerations of a row's pods or flavor: GPU nodes' nvidia.com/gpu taint
 * (GKE and the GPU operator's node pools set it), and the spot taint. */
static void tolerations(ga_writer *w, const gpuarb_allocation *a, int gpu)
{
    ga_w_arr_begin(w);
    if (gpu)
        toleration(w, "nvidia.com/gpu", "Exists", NULL);
    if (a->spot) {
        spot_style sp = spot_for(a->provider);
        if (sp.taint)
            toleration(w, sp.taint, "Equal", sp.tvalue);
    }
    ga_w_arr_end(w);
}

static void metadata(ga_writer *w, const char *name, const char *ns, const char *app,
                     const char *queue_label)
{
    ga_w_key(w, "metadata");
    ga_w_obj_begin(w);
    ga_w_kv_str(w, "name", name);
    if (ns)
        ga_w_kv_str(w, "namespace", ns);
    ga_w_key(w, "labels");
    ga_w_obj_begin(w);
    if (app)
        ga_w_kv_str(w, "app.kubernetes.io/name", app);
    ga_w_kv_str(w, "app.kubernetes.io/managed-by", "gpuarb");
    if (queue_label)
        ga_w_kv_str(w, "kueue.x-k8s.io/queue-name", queue_label);
    ga_w_obj_end(w);
    ga_w_obj_end(w);
}

/* The pod template of row a (name: the object's name, also the selector). */
static void pod_template(ga_writer *w, const gpuarb_allocation *a, const char *name,
                         const char *app, const char *image, int job)
{
    ga_w_key(w, "template");
    ga_w_obj_begin(w);
    ga_w_key(w, "metadata");
    ga_w_obj_begin(w);
    ga_w_key(w, "labels");
    ga_w_obj_begin(w);
    ga_w_kv_str(w, "app.kubernetes.io/name", app);
    ga_w_kv_str(w, "gpuarb.io/allocation", name);
    ga_w_obj_end(w);
    ga_w_obj_end(w);
    ga_w_key(w, "spec");
    ga_w_obj_begin(w);
    if (job)
        ga_w_kv_str(w, "restartPolicy", "Never");
    ga_w_key(w, "nodeSelector");
    node_labels(w, a, 1);
    ga_w_key(w, "tolerations");
    tolerations(w, a, 1);
    ga_w_key(w, "containers");
    ga_w_arr_begin(w);
    ga_w_obj_begin(w);
    ga_w_kv_str(w, "name", app);
    ga_w_kv_str(w, "image", image);
    ga_w_key(w, "resources");
    ga_w_obj_begin(w);
    ga_w_key(w, "requests");
    ga_w_obj_begin(w);
    ga_w_kv_int(w, "nvidia.com/gpu", a->gpus_per_instance);
    ga_w_obj_end(w);
    ga_w_key(w, "limits");
    ga_w_obj_begin(w);
    ga_w_kv_int(w, "nvidia.com/gpu", a->gpus_per_instance);
    ga_w_obj_end(w);
    ga_w_obj_end(w);
    ga_w_obj_end(w);
    ga_w_arr_end(w);
    ga_w_obj_end(w);
    ga_w_obj_end(w);
}

static int is_gang(const gpuarb_spec *spec, const char *workload)
{
    if (!spec)
        return 1;
    for (size_t i = 0; i < spec->n_w; i++)
        if (strcmp(spec->w[i].name, workload) == 0)
            return spec->w[i].same_region != 0;
    return 1;
}

/* Append one finished document (with its comment line) to the stream. */
static gpuarb_status add_doc(gpuarb_ctx *ctx, ga_strbuf *all, ga_writer *w, const char *comment)
{
    char *text = NULL;
    gpuarb_status st = ga_w_finish(w, ctx, &text);
    if (st != GPUARB_OK)
        return st;
    if (all->len)
        ga_sb_puts(all, "---\n");
    ga_sb_printf(all, "# %s\n", comment);
    ga_sb_puts(all, text);
    gpuarb_free(text);
    return all->oom ? ga_nomem(ctx) : GPUARB_OK;
}

static void describe(char *buf, size_t cap, int32_t i, const gpuarb_allocation *a)
{
    snprintf(buf, cap, "allocation %d: %s, %d x %s (%d x %s) on %s %s%s%s, %s", (int)i,
             a->workload, (int)a->count, a->instance_type, (int)a->gpus_per_instance, a->gpu,
             a->provider, a->region, a->zone && a->zone[0] ? "/" : "", a->zone ? a->zone : "",
             a->spot ? "spot" : "on demand");
}

static gpuarb_status export_k8s(gpuarb_ctx *ctx, const gpuarb_result *res,
                                const gpuarb_spec *spec, const char *ns, const char *image,
                                const char *queue_label, ga_strbuf *all)
{
    int32_t n = gpuarb_result_allocation_count(res);
    for (int32_t i = 0; i < n; i++) {
        gpuarb_allocation a;
        gpuarb_status st = gpuarb_result_allocation(res, i, &a);
        if (st != GPUARB_OK)
            return st;
        char name[80], app[64], comment[512];
        row_name(name, sizeof name, a.workload, i);
        dns_label(app, LABEL_MAX, a.workload);
        int job = is_gang(spec, a.workload);
        ga_writer w;
        ga_w_init(&w, GA_W_YAML, 0);
        ga_w_obj_begin(&w);
        ga_w_kv_str(&w, "apiVersion", job ? "batch/v1" : "apps/v1");
        ga_w_kv_str(&w, "kind", job ? "Job" : "Deployment");
        metadata(&w, name, ns, app, queue_label);
        ga_w_key(&w, "spec");
        ga_w_obj_begin(&w);
        if (job) {
            ga_w_kv_str(&w, "completionMode", "Indexed");
            ga_w_kv_int(&w, "completions", a.count);
            ga_w_kv_int(&w, "parallelism", a.count);
            /* a gang's pod lost to a spot interruption restarts from its checkpoint */
            ga_w_kv_int(&w, "backoffLimit", a.spot ? 6 : 0);
        } else {
            ga_w_kv_int(&w, "replicas", a.count);
            ga_w_key(&w, "selector");
            ga_w_obj_begin(&w);
            ga_w_key(&w, "matchLabels");
            ga_w_obj_begin(&w);
            ga_w_kv_str(&w, "gpuarb.io/allocation", name);
            ga_w_obj_end(&w);
            ga_w_obj_end(&w);
        }
        pod_template(&w, &a, name, app, image, job);
        ga_w_obj_end(&w);
        ga_w_obj_end(&w);
        describe(comment, sizeof comment, i, &a);
        if ((st = add_doc(ctx, all, &w, comment)) != GPUARB_OK)
            return st;
    }
    return GPUARB_OK;
}

typedef struct flavor {
    char name[64];
    int32_t row;   /* first row of the flavor */
    int64_t gpus;  /* nominal quota */
} flavor;

static gpuarb_status export_kueue(gpuarb_ctx *ctx, const gpuarb_result *res, const char *ns,
                                  const char *queue, ga_strbuf *all)
{
    flavor fl[KUEUE_MAX_FLAVORS];
    size_t nf = 0;
    int32_t n = gpuarb_result_allocation_count(res);
    gpuarb_status st;
    for (int32_t i = 0; i < n; i++) {
        gpuarb_allocation a;
        if ((st = gpuarb_result_allocation(res, i, &a)) != GPUARB_OK)
            return st;
        char key[200], name[64];
        snprintf(key, sizeof key, "%s-%s-%s", a.provider, a.instance_type,
                 a.spot ? "spot" : "ondemand");
        dns_label(name, LABEL_MAX, key);
        size_t f = 0;
        while (f < nf && strcmp(fl[f].name, name) != 0)
            f++;
        if (f == nf) {
            if (nf == KUEUE_MAX_FLAVORS)
                return ga_error(ctx, GPUARB_ERR_LIMIT, NULL, 0, 0, NULL,
                                "the plan uses more than %d (provider, instance type, market) "
                                "flavors, Kueue's bound per resource group",
                                KUEUE_MAX_FLAVORS);
            memcpy(fl[nf].name, name, sizeof name);
            fl[nf].row = i;
            fl[nf].gpus = 0;
            nf++;
        }
        fl[f].gpus += (int64_t)a.count * a.gpus_per_instance;
    }
    for (size_t f = 0; f < nf; f++) {
        gpuarb_allocation a;
        if ((st = gpuarb_result_allocation(res, fl[f].row, &a)) != GPUARB_OK)
            return st;
        ga_writer w;
        ga_w_init(&w, GA_W_YAML, 0);
        ga_w_obj_begin(&w);
        ga_w_kv_str(&w, "apiVersion", "kueue.x-k8s.io/v1beta1");
        ga_w_kv_str(&w, "kind", "ResourceFlavor");
        metadata(&w, fl[f].name, NULL, NULL, NULL);
        ga_w_key(&w, "spec");
        ga_w_obj_begin(&w);
        ga_w_key(&w, "nodeLabels");
        node_labels(&w, &a, 0);
        if (a.spot && spot_for(a.provider).taint) {
            spot_style sp = spot_for(a.provider);
            ga_w_key(&w, "nodeTaints");
            ga_w_arr_begin(&w);
            ga_w_obj_begin(&w);
            ga_w_kv_str(&w, "key", sp.taint);
            ga_w_kv_str(&w, "value", sp.tvalue);
            ga_w_kv_str(&w, "effect", "NoSchedule");
            ga_w_obj_end(&w);
            ga_w_arr_end(&w);
            /* workloads admitted on this flavor get the toleration injected */
            ga_w_key(&w, "tolerations");
            ga_w_arr_begin(&w);
            toleration(&w, sp.taint, "Equal", sp.tvalue);
            ga_w_arr_end(&w);
        }
        ga_w_obj_end(&w);
        ga_w_obj_end(&w);
        char comment[256];
        snprintf(comment, sizeof comment, "flavor %zu: %s %s, %s", f, a.provider,
                 a.instance_type, a.spot ? "spot" : "on demand");
        if ((st = add_doc(ctx, all, &w, comment)) != GPUARB_OK)
            return st;
    }
    ga_writer w;
    ga_w_init(&w, GA_W_YAML, 0);
    ga_w_obj_begin(&w);
    ga_w_kv_str(&w, "apiVersion", "kueue.x-k8s.io/v1beta1");
    ga_w_kv_str(&w, "kind", "ClusterQueue");
    metadata(&w, queue, NULL, NULL, NULL);
    ga_w_key(&w, "spec");
    ga_w_obj_begin(&w);
    ga_w_key(&w, "namespaceSelector");
    ga_w_obj_begin(&w);
    ga_w_obj_end(&w);
    ga_w_key(&w, "resourceGroups");
    ga_w_arr_begin(&w);
    if (nf) {
        ga_w_obj_begin(&w);
        ga_w_key(&w, "coveredResources");
        ga_w_arr_begin(&w);
        ga_w_str(&w, "nvidia.com/gpu");
        ga_w_arr_end(&w);
        ga_w_key(&w, "flavors");
        ga_w_arr_begin(&w);
        for (size_t f = 0; f < nf; f++) {
            ga_w_obj_begin(&w);
            ga_w_kv_str(&w, "name", fl[f].name);
            ga_w_key(&w, "resources");
            ga_w_arr_begin(&w);
            ga_w_obj_begin(&w);
            ga_w_kv_str(&w, "name", "nvidia.com/gpu");
            ga_w_kv_int(&w, "nominalQuota", fl[f].gpus);
            ga_w_obj_end(&w);
            ga_w_arr_end(&w);
            ga_w_obj_end(&w);
        }
        ga_w_arr_end(&w);
        ga_w_obj_end(&w);
    }
    ga_w_arr_end(&w);
    ga_w_obj_end(&w);
    ga_w_obj_end(&w);
    if ((st = add_doc(ctx, all, &w, "the plan's GPUs as nominal quotas")) != GPUARB_OK)
        return st;
    ga_w_init(&w, GA_W_YAML, 0);
    ga_w_obj_begin(&w);
    ga_w_kv_str(&w, "apiVersion", "kueue.x-k8s.io/v1beta1");
    ga_w_kv_str(&w, "kind", "LocalQueue");
    metadata(&w, queue, ns, NULL, NULL);
    ga_w_key(&w, "spec");
    ga_w_obj_begin(&w);
    ga_w_kv_str(&w, "clusterQueue", queue);
    ga_w_obj_end(&w);
    ga_w_obj_end(&w);
    return add_doc(ctx, all, &w, "submit with the label kueue.x-k8s.io/queue-name");
}

static gpuarb_status export_skypilot(gpuarb_ctx *ctx, const gpuarb_result *res, ga_strbuf *all)
{
    int32_t n = gpuarb_result_allocation_count(res);
    for (int32_t i = 0; i < n; i++) {
        gpuarb_allocation a;
        gpuarb_status st = gpuarb_result_allocation(res, i, &a);
        if (st != GPUARB_OK)
            return st;
        char name[80], acc[128], comment[512];
        row_name(name, sizeof name, a.workload, i);
        snprintf(acc, sizeof acc, "%s:%d", a.gpu, (int)a.gpus_per_instance);
        ga_writer w;
        ga_w_init(&w, GA_W_YAML, 0);
        ga_w_obj_begin(&w);
        ga_w_kv_str(&w, "name", name);
        ga_w_kv_int(&w, "num_nodes", a.count);
        ga_w_key(&w, "resources");
        ga_w_obj_begin(&w);
        ga_w_kv_str(&w, "cloud", a.provider);
        ga_w_kv_str(&w, "region", a.region);
        if (a.zone && a.zone[0])
            ga_w_kv_str(&w, "zone", a.zone);
        ga_w_kv_str(&w, "instance_type", a.instance_type);
        ga_w_kv_str(&w, "accelerators", acc);
        ga_w_kv_bool(&w, "use_spot", a.spot);
        ga_w_obj_end(&w);
        ga_w_obj_end(&w);
        describe(comment, sizeof comment, i, &a);
        if ((st = add_doc(ctx, all, &w, comment)) != GPUARB_OK)
            return st;
    }
    return GPUARB_OK;
}

/* Every value that becomes a label must be one; say which is not. */
static gpuarb_status check_labels(gpuarb_ctx *ctx, const gpuarb_result *res)
{
    int32_t n = gpuarb_result_allocation_count(res);
    for (int32_t i = 0; i < n; i++) {
        gpuarb_allocation a;
        gpuarb_status st = gpuarb_result_allocation(res, i, &a);
        if (st != GPUARB_OK)
            return st;
        const char *what[3] = {"instance type", "region", "zone"};
        const char *val[3] = {a.instance_type, a.region, a.zone ? a.zone : ""};
        for (int k = 0; k < 3; k++)
            if (!label_value_ok(val[k]))
                return ga_error(ctx, GPUARB_ERR_INPUT, NULL, 0, 0, NULL,
                                "allocation %d (%s): the %s '%s' is not a valid Kubernetes "
                                "label value (at most 63 characters of A-Z a-z 0-9 - _ ., "
                                "alphanumeric at both ends)",
                                (int)i, a.workload, what[k], val[k]);
    }
    return GPUARB_OK;
}

/* The caller's options over the defaults, size-checked (fn names the
 * public function in the message). */
static gpuarb_status copy_opts(gpuarb_ctx *ctx, const char *fn, const gpuarb_export_opts *opts,
                               gpuarb_export_opts *o)
{
    gpuarb_export_opts_init(o);
    if (!opts)
        return GPUARB_OK;
    if (opts->size < sizeof *o)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                        "%s: opts->size %u is below %zu (call gpuarb_export_opts_init)", fn,
                        (unsigned)opts->size, sizeof *o);
    memcpy(o, opts, sizeof *o);
    return GPUARB_OK;
}

/* The namespace and a queue name given must be DNS-1123 labels as they
 * are, and the image not empty. */
static gpuarb_status check_names(gpuarb_ctx *ctx, const char *ns, const char *queue,
                                 const char *image)
{
    char tmp[LABEL_MAX + 1];
    dns_label(tmp, LABEL_MAX, ns);
    if (strcmp(tmp, ns) != 0)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                        "namespace '%s' is not a DNS-1123 label ('%s' would be)", ns, tmp);
    if (queue) {
        dns_label(tmp, LABEL_MAX, queue);
        if (strcmp(tmp, queue) != 0)
            return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                            "queue name '%s' is not a DNS-1123 label ('%s' would be)", queue,
                            tmp);
    }
    if (!image[0])
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "the container image is empty");
    return GPUARB_OK;
}

gpuarb_status gpuarb_result_export(gpuarb_ctx *ctx, const gpuarb_result *res,
                                   const gpuarb_spec *spec, const gpuarb_export_opts *opts,
                                   char **out)
{
    if (out)
        *out = NULL;
    if (!res || !out)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                        "gpuarb_result_export: NULL argument");
    gpuarb_export_opts o;
    gpuarb_status st = copy_opts(ctx, "gpuarb_result_export", opts, &o);
    if (st != GPUARB_OK)
        return st;
    if (o.format < GPUARB_EXPORT_K8S || o.format > GPUARB_EXPORT_SKYPILOT)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                        "gpuarb_result_export: unknown format %d", (int)o.format);
    const char *ns = o.k8s_namespace ? o.k8s_namespace : DEFAULT_NAMESPACE;
    const char *image = o.image ? o.image : DEFAULT_IMAGE;
    const char *queue = o.queue ? o.queue : DEFAULT_QUEUE;
    if ((st = check_names(ctx, ns, queue, image)) != GPUARB_OK)
        return st;

    gpuarb_plan_summary sum;
    memset(&sum, 0, sizeof sum);
    sum.size = sizeof sum;
    st = gpuarb_result_summary(res, &sum);
    if (st != GPUARB_OK)
        return st;
    if (sum.status != GPUARB_SOLVE_OPTIMAL && sum.status != GPUARB_SOLVE_FEASIBLE)
        return ga_error(ctx, GPUARB_ERR_INPUT, NULL, 0, 0, NULL,
                        "the result has no plan to export (it is %s)",
                        sum.status == GPUARB_SOLVE_INFEASIBLE ? "infeasible"
                                                              : "a time limit without a plan");
    if (o.format != GPUARB_EXPORT_SKYPILOT && (st = check_labels(ctx, res)) != GPUARB_OK)
        return st;

    ga_strbuf all;
    ga_sb_init(&all);
    switch (o.format) {
    case GPUARB_EXPORT_K8S: st = export_k8s(ctx, res, spec, ns, image, o.queue, &all); break;
    case GPUARB_EXPORT_KUEUE: st = export_kueue(ctx, res, ns, queue, &all); break;
    default: st = export_skypilot(ctx, res, &all); break;
    }
    if (st == GPUARB_OK && all.len == 0)
        ga_sb_puts(&all, "# the plan has no allocations\n");
    if (st == GPUARB_OK) {
        *out = ga_sb_take(&all);
        if (!*out)
            st = ga_nomem(ctx);
    }
    ga_sb_free(&all);
    return st;
}

/* ---- MIG placements as Kubernetes pods (issue 12) --------------------------
 * One v1 Pod per placed request of a mig place result, read from the
 * result's own arrays (mig/mig.h) in the problem's request order.  MIG
 * instances are asked for by the device plugin's mixed-strategy resource
 * name, nvidia.com/mig-<profile>; a time-sliced share by nvidia.com/gpu (a
 * replica of a shared GPU).  The node is known only when the GPU's name says
 * it ("NODE/..."). */

/* The length of the node part of a GPU name "NODE/rest" (0: no '/', or
 * nothing before it); copied into buf (cap bytes) when it fits. */
static size_t gpu_node(char *buf, size_t cap, const char *gpu)
{
    const char *slash = strrchr(gpu, '/');
    size_t n = slash ? (size_t)(slash - gpu) : 0;
    if (n > 0 && n < cap) {
        memcpy(buf, gpu, n);
        buf[n] = '\0';
    }
    return n;
}

/* A comment line's text: names may hold any bytes, a newline would end the
 * comment and break the YAML, so control characters become '?'. */
static void comment_text(char *buf, size_t cap, const char *req, const char *gpu)
{
    if (gpu)
        snprintf(buf, cap, "request %s on GPU %s", req, gpu);
    else
        snprintf(buf, cap, "%s", req);
    for (char *c = buf; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            *c = '?';
}

static void mig_pod(ga_writer *w, const gpuarb_mig_result *r, const ga_mp_place *pl,
                    const char *name, const char *ns, const char *image, const char *queue,
                    const char *node)
{
    const ga_mp_req *q = &r->reqs[pl->req];
    char app[LABEL_MAX + 1], res[96], num[32];
    dns_label(app, LABEL_MAX, q->name);
    ga_w_obj_begin(w);
    ga_w_kv_str(w, "apiVersion", "v1");
    ga_w_kv_str(w, "kind", "Pod");
    ga_w_key(w, "metadata");
    ga_w_obj_begin(w);
    ga_w_kv_str(w, "name", name);
    ga_w_kv_str(w, "namespace", ns);
    ga_w_key(w, "labels");
    ga_w_obj_begin(w);
    ga_w_kv_str(w, "app.kubernetes.io/name", app);
    ga_w_kv_str(w, "app.kubernetes.io/managed-by", "gpuarb");
    if (queue)
        ga_w_kv_str(w, "kueue.x-k8s.io/queue-name", queue);
    ga_w_obj_end(w);
    ga_w_key(w, "annotations");
    ga_w_obj_begin(w);
    ga_w_kv_str(w, "gpuarb.io/request", q->name);
    ga_w_kv_str(w, "gpuarb.io/gpu", r->gpu_names[pl->gpu]);
    if (q->kind == GA_MP_MIG) {
        snprintf(num, sizeof num, "%d", (int)pl->start);
        ga_w_kv_str(w, "gpuarb.io/mig-start", num); /* annotation values are strings */
        snprintf(res, sizeof res, "nvidia.com/mig-%s",
                 r->tables[pl->gpu]->profiles[pl->profile].name);
    } else {
        snprintf(num, sizeof num, "%.17g", q->fraction);
        ga_w_kv_str(w, "gpuarb.io/gpu-fraction", num);
        if (q->memory_gb > 0) {
            snprintf(num, sizeof num, "%.17g", q->memory_gb);
            ga_w_kv_str(w, "gpuarb.io/gpu-memory-gb", num);
        }
        snprintf(res, sizeof res, "nvidia.com/gpu");
    }
    ga_w_obj_end(w);
    ga_w_obj_end(w);
    ga_w_key(w, "spec");
    ga_w_obj_begin(w);
    ga_w_kv_str(w, "restartPolicy", "Never");
    if (node) {
        ga_w_key(w, "nodeSelector");
        ga_w_obj_begin(w);
        ga_w_kv_str(w, "kubernetes.io/hostname", node);
        ga_w_obj_end(w);
    }
    ga_w_key(w, "containers");
    ga_w_arr_begin(w);
    ga_w_obj_begin(w);
    ga_w_kv_str(w, "name", app);
    ga_w_kv_str(w, "image", image);
    ga_w_key(w, "resources");
    ga_w_obj_begin(w);
    /* extended resources: requests must equal limits; limits alone imply them */
    ga_w_key(w, "limits");
    ga_w_obj_begin(w);
    ga_w_kv_int(w, res, 1);
    ga_w_obj_end(w);
    ga_w_obj_end(w);
    ga_w_obj_end(w);
    ga_w_arr_end(w);
    ga_w_obj_end(w);
    ga_w_obj_end(w);
}

gpuarb_status gpuarb_mig_result_export(gpuarb_ctx *ctx, const gpuarb_mig_result *r,
                                       const gpuarb_export_opts *opts, char **out)
{
    if (out)
        *out = NULL;
    if (!r || !out)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                        "gpuarb_mig_result_export: NULL argument");
    gpuarb_export_opts o;
    gpuarb_status st = copy_opts(ctx, "gpuarb_mig_result_export", opts, &o);
    if (st != GPUARB_OK)
        return st;
    if (o.format != GPUARB_EXPORT_K8S)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                        "gpuarb_mig_result_export: MIG placements export as k8s only "
                        "(format %d)", (int)o.format);
    const char *ns = o.k8s_namespace ? o.k8s_namespace : DEFAULT_NAMESPACE;
    const char *image = o.image ? o.image : DEFAULT_IMAGE;
    if ((st = check_names(ctx, ns, o.queue, image)) != GPUARB_OK)
        return st;
    char node[LABEL_MAX + 1];
    for (size_t k = 0; k < r->nreqs; k++) { /* every node name must be a label value */
        const char *g = r->place[k].gpu >= 0 ? r->gpu_names[r->place[k].gpu] : NULL;
        size_t n = g ? gpu_node(node, sizeof node, g) : 0;
        if (n > LABEL_MAX || (n > 0 && !label_value_ok(node)))
            return ga_error(ctx, GPUARB_ERR_INPUT, NULL, 0, 0, NULL,
                            "GPU '%.200s': the node '%.*s' is not a valid Kubernetes label "
                            "value (at most 63 characters of A-Z a-z 0-9 - _ ., alphanumeric "
                            "at both ends)",
                            g, (int)(n > 200 ? 200 : n), g);
    }
    int32_t *ix = ga_mallocarray(r->nreqs + 1, sizeof *ix); /* place[] by request order */
    if (!ix)
        return ga_nomem(ctx);
    for (size_t k = 0; k < r->nreqs; k++)
        ix[r->place[k].req] = (int32_t)k;
    ga_strbuf all;
    ga_sb_init(&all);
    for (size_t i = 0; i < r->nreqs; i++) {
        const ga_mp_place *pl = &r->place[ix[i]];
        if (pl->gpu < 0) {
            char text[256];
            comment_text(text, sizeof text, r->reqs[pl->req].name, NULL);
            ga_sb_printf(&all, "# unplaced: %s (%s)\n", text, pl->reason);
        }
    }
    st = all.oom ? ga_nomem(ctx) : GPUARB_OK;
    ga_strbuf docs;
    ga_sb_init(&docs);
    for (size_t i = 0; i < r->nreqs && st == GPUARB_OK; i++) {
        const ga_mp_place *pl = &r->place[ix[i]];
        if (pl->gpu < 0)
            continue;
        char name[80], comment[512];
        row_name(name, sizeof name, r->reqs[pl->req].name, (int32_t)i);
        int has_node = gpu_node(node, sizeof node, r->gpu_names[pl->gpu]) > 0;
        ga_writer w;
        ga_w_init(&w, GA_W_YAML, 0);
        mig_pod(&w, r, pl, name, ns, image, o.queue, has_node ? node : NULL);
        comment_text(comment, sizeof comment, r->reqs[pl->req].name, r->gpu_names[pl->gpu]);
        st = add_doc(ctx, &docs, &w, comment);
    }
    if (st == GPUARB_OK && docs.len == 0)
        ga_sb_puts(&all, "# nothing placed\n");
    if (st == GPUARB_OK)
        ga_sb_putn(&all, docs.s ? docs.s : "", docs.len);
    if (st == GPUARB_OK && (all.oom || !(*out = ga_sb_take(&all))))
        st = ga_nomem(ctx);
    ga_sb_free(&docs);
    ga_sb_free(&all);
    free(ix);
    return st;
}
