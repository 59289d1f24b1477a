/*
 * test_export.c - gpuarb_result_export: plans as Kubernetes, Kueue and
 * SkyPilot YAML.
 *
 * Every document of the output is parsed back with our YAML reader and
 * checked against what those projects document for the fields we write:
 *   - batch/v1 Job: spec.template.spec.restartPolicy must be Never or
 *     OnFailure; completionMode Indexed needs completions; parallelism.
 *   - apps/v1 Deployment: spec.selector.matchLabels must match the template's
 *     labels, replicas.
 *   - metadata.name a DNS-1123 label (<= 63, [a-z0-9-], alphanumeric ends),
 *     label values <= 63 of [A-Za-z0-9-_.].
 *   - extended resources (nvidia.com/gpu): integer, requests == limits.
 *   - kueue.x-k8s.io/v1beta1: ResourceFlavor spec.nodeLabels; ClusterQueue
 *     spec.resourceGroups[].coveredResources and flavors[].resources[]
 *     (name, nominalQuota), at most 16 flavors, every flavor named exists;
 *     LocalQueue spec.clusterQueue.
 *   - SkyPilot task: name, num_nodes, resources with cloud, region, zone,
 *     instance_type, accelerators "NAME:COUNT", use_spot (a boolean).
 * The numbers come from the plan (its allocation rows, through the public
 * accessors) and, for the totals, from examples/spec.yaml by hand:
 * 16 + 8 + 12 = 36 GPUs.  tests/cli.sh parses the CLI's output with PyYAML,
 * an independent parser.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/doc.h"
#include "testutil.h"

#define MAX_DOCS 64

typedef struct docs {
    ga_doc d[MAX_DOCS];
    size_t n;
} docs;

/* Split at "---" lines and parse every document. */
static void parse_docs(gpuarb_ctx *ctx, const char *text, docs *out)
{
    memset(out, 0, sizeof *out);
    const char *p = text;
    for (;;) {
        const char *end = strstr(p, "\n---\n");
        size_t len = end ? (size_t)(end - p) + 1 : strlen(p);
        assert_true(out->n < MAX_DOCS);
        gpuarb_status st = ga_doc_parse_yaml(ctx, p, len, "export", &out->d[out->n]);
        if (st != GPUARB_OK)
            fprintf(stderr, "%s\n", gpuarb_errfull(ctx));
        assert_int_equal(st, GPUARB_OK);
        assert_non_null(out->d[out->n].root);
        out->n++;
        if (!end)
            break;
        p = end + 5;
    }
}

static void free_docs(docs *d)
{
    for (size_t i = 0; i < d->n; i++)
        ga_doc_free(&d->d[i]);
}

static const ga_doc_node *at(const ga_doc_node *n, const char *path)
{
    char key[128];
    while (n && *path) {
        const char *dot = strchr(path, '/');
        size_t len = dot ? (size_t)(dot - path) : strlen(path);
        assert_true(len < sizeof key);
        memcpy(key, path, len);
        key[len] = '\0';
        if (n->kind == GA_DOC_SEQ) {
            size_t i = (size_t)atoi(key);
            n = i < n->n ? n->items[i] : NULL;
        } else {
            n = n->kind == GA_DOC_MAP ? ga_doc_get(n, key) : NULL;
        }
        path += len + (dot ? 1 : 0);
    }
    return n;
}

static const char *str_at(const ga_doc_node *n, const char *path)
{
    const ga_doc_node *v = at(n, path);
    if (!v || v->kind != GA_DOC_STRING)
        fail_msg("%s: not a string", path);
    return v->str;
}

static int64_t int_at(const ga_doc_node *n, const char *path)
{
    const ga_doc_node *v = at(n, path);
    if (!v || v->kind != GA_DOC_NUMBER || !v->is_integer)
        fail_msg("%s: not an integer", path);
    return (int64_t)v->number;
}

static int dns_label_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 63 || s[0] == '-' || s[n - 1] == '-')
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
            return 0;
    return 1;
}

static gpuarb_result *solve(gpuarb_ctx *ctx, const char *path, gpuarb_spec **spec)
{
    gpuarb_result *res = NULL;
    assert_int_equal(gpuarb_spec_load(ctx, path, spec), GPUARB_OK);
    assert_int_equal(gpuarb_optimize(ctx, *spec, NULL, NULL, &res), GPUARB_OK);
    return res;
}

static char *export(gpuarb_ctx *ctx, const gpuarb_result *res, const gpuarb_spec *spec,
                    int32_t format)
{
    gpuarb_export_opts o;
    gpuarb_export_opts_init(&o);
    o.format = format;
    char *text = NULL;
    gpuarb_status st = gpuarb_result_export(ctx, res, spec, &o, &text);
    if (st != GPUARB_OK)
        fprintf(stderr, "%s\n", gpuarb_errfull(ctx));
    assert_int_equal(st, GPUARB_OK);
    return text;
}

/* One manifest per allocation, each pinned to its row. */
static void k8s_manifests_follow_the_plan(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    gpuarb_spec *spec = NULL;
    gpuarb_result *res = solve(ctx, "examples/spec.yaml", &spec);
    char *text = export(ctx, res, spec, GPUARB_EXPORT_K8S);
    docs d;
    parse_docs(ctx, text, &d);
    int32_t n = gpuarb_result_allocation_count(res);
    assert_int_equal(d.n, n);
    int64_t gpus = 0;
    int jobs = 0, spot_rows = 0;
    for (int32_t i = 0; i < n; i++) {
        gpuarb_allocation a;
        assert_int_equal(gpuarb_result_allocation(res, i, &a), GPUARB_OK);
        const ga_doc_node *m = d.d[i].root;
        const char *kind = str_at(m, "kind");
        /* examples/spec.yaml: llm-pretrain is the one gang (same_region: true) */
        int gang = strcmp(a.workload, "llm-pretrain") == 0;
        assert_string_equal(kind, gang ? "Job" : "Deployment");
        assert_string_equal(str_at(m, "apiVersion"), gang ? "batch/v1" : "apps/v1");
        assert_true(dns_label_ok(str_at(m, "metadata/name")));
        assert_string_equal(str_at(m, "metadata/namespace"), "default");
        if (gang) {
            jobs++;
            assert_int_equal(int_at(m, "spec/completions"), a.count);
            assert_int_equal(int_at(m, "spec/parallelism"), a.count);
            assert_string_equal(str_at(m, "spec/completionMode"), "Indexed");
            const char *rp = str_at(m, "spec/template/spec/restartPolicy");
            assert_true(strcmp(rp, "Never") == 0 || strcmp(rp, "OnFailure") == 0);
        } else {
            assert_int_equal(int_at(m, "spec/replicas"), a.count);
            const ga_doc_node *sel = at(m, "spec/selector/matchLabels");
            assert_non_null(sel);
            for (size_t k = 0; k < sel->n; k++) {
                const ga_doc_node *lab = at(m, "spec/template/metadata/labels");
                const ga_doc_node *v = ga_doc_get(lab, sel->keys[k]);
                assert_non_null(v);
                assert_string_equal(v->str, sel->items[k]->str);
            }
        }
        const ga_doc_node *ns = at(m, "spec/template/spec/nodeSelector");
        assert_string_equal(ga_doc_get(ns, "node.kubernetes.io/instance-type")->str,
                            a.instance_type);
        assert_string_equal(ga_doc_get(ns, "topology.kubernetes.io/region")->str, a.region);
        if (a.zone[0])
            assert_string_equal(ga_doc_get(ns, "topology.kubernetes.io/zone")->str, a.zone);
        else
            assert_null(ga_doc_get(ns, "topology.kubernetes.io/zone"));
        const ga_doc_node *c = at(m, "spec/template/spec/containers/0/resources");
        const ga_doc_node *req = ga_doc_get(ga_doc_get(c, "requests"), "nvidia.com/gpu");
        const ga_doc_node *lim = ga_doc_get(ga_doc_get(c, "limits"), "nvidia.com/gpu");
        assert_true(req && req->is_integer && lim && lim->is_integer);
        assert_int_equal((int64_t)req->number, a.gpus_per_instance);
        assert_int_equal((int64_t)lim->number, a.gpus_per_instance);
        gpus += (int64_t)a.count * (int64_t)req->number;
        /* spot: a toleration of the provider's spot taint (aws: EKS's label) */
        const ga_doc_node *tol = at(m, "spec/template/spec/tolerations");
        int spot_tol = 0;
        for (size_t k = 0; tol && k < tol->n; k++)
            if (strcmp(str_at(tol->items[k], "key"), "eks.amazonaws.com/capacityType") == 0 &&
                strcmp(str_at(tol->items[k], "value"), "SPOT") == 0)
                spot_tol = 1;
        if (a.spot) {
            spot_rows++;
            assert_string_equal(a.provider, "aws");
            assert_int_equal(spot_tol, 1);
            assert_string_equal(ga_doc_get(ns, "eks.amazonaws.com/capacityType")->str, "SPOT");
        } else {
            assert_int_equal(spot_tol, 0);
        }
    }
    assert_int_equal(gpus, 16 + 8 + 12); /* examples/spec.yaml's workloads */
    assert_int_equal(jobs, 1);
    assert_int_equal(spot_rows, 1); /* the README's plan: finetune on aws spot */
    free_docs(&d);
    gpuarb_free(text);

    /* with a queue name, every object is submitted to Kueue's LocalQueue */
    gpuarb_export_opts o;
    gpuarb_export_opts_init(&o);
    o.queue = "gpus";
    assert_int_equal(gpuarb_result_export(ctx, res, spec, &o, &text), GPUARB_OK);
    parse_docs(ctx, text, &d);
    assert_int_equal(d.n, n);
    for (size_t i = 0; i < d.n; i++)
        assert_string_equal(ga_doc_get(at(d.d[i].root, "metadata/labels"),
                                       "kueue.x-k8s.io/queue-name")->str, "gpus");
    free_docs(&d);
    gpuarb_free(text);
    /* ... and without one, none is */
    text = export(ctx, res, spec, GPUARB_EXPORT_K8S);
    assert_null(strstr(text, "kueue.x-k8s.io/queue-name"));
    gpuarb_free(text);

    /* without the spec, every workload is a Job */
    text = export(ctx, res, NULL, GPUARB_EXPORT_K8S);
    parse_docs(ctx, text, &d);
    for (size_t i = 0; i < d.n; i++)
        assert_string_equal(str_at(d.d[i].root, "kind"), "Job");
    free_docs(&d);
    gpuarb_free(text);
    gpuarb_result_free(res);
    gpuarb_spec_free(spec);
}

/* The ClusterQueue's quotas are the plan's GPUs, flavor by flavor. */
static void kueue_quotas_equal_the_plan(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    gpuarb_spec *spec = NULL;
    gpuarb_result *res = solve(ctx, "examples/spec.yaml", &spec);
    char *text = export(ctx, res, spec, GPUARB_EXPORT_KUEUE);
    docs d;
    parse_docs(ctx, text, &d);
    const ga_doc_node *cq = NULL, *lq = NULL;
    size_t flavors = 0;
    for (size_t i = 0; i < d.n; i++) {
        const ga_doc_node *m = d.d[i].root;
        assert_string_equal(str_at(m, "apiVersion"), "kueue.x-k8s.io/v1beta1");
        const char *kind = str_at(m, "kind");
        assert_true(dns_label_ok(str_at(m, "metadata/name")));
        if (strcmp(kind, "ResourceFlavor") == 0) {
            flavors++;
            assert_non_null(ga_doc_get(at(m, "spec/nodeLabels"), "node.kubernetes.io/instance-type"));
        } else if (strcmp(kind, "ClusterQueue") == 0) {
            cq = m;
        } else {
            assert_string_equal(kind, "LocalQueue");
            lq = m;
        }
    }
    assert_non_null(cq);
    assert_non_null(lq);
    assert_string_equal(str_at(lq, "spec/clusterQueue"), str_at(cq, "metadata/name"));
    assert_int_equal(at(cq, "spec/resourceGroups")->n, 1);
    assert_string_equal(str_at(cq, "spec/resourceGroups/0/coveredResources/0"), "nvidia.com/gpu");
    const ga_doc_node *fl = at(cq, "spec/resourceGroups/0/flavors");
    assert_int_equal(fl->n, flavors);
    assert_true(fl->n <= 16);
    int64_t total = 0;
    for (size_t f = 0; f < fl->n; f++) {
        const char *name = str_at(fl->items[f], "name");
        /* the flavor exists, and its quota is the GPUs of the rows it covers */
        const ga_doc_node *flavor = NULL;
        for (size_t i = 0; i < d.n; i++)
            if (strcmp(str_at(d.d[i].root, "kind"), "ResourceFlavor") == 0 &&
                strcmp(str_at(d.d[i].root, "metadata/name"), name) == 0)
                flavor = d.d[i].root;
        assert_non_null(flavor);
        const char *itype = ga_doc_get(at(flavor, "spec/nodeLabels"),
                                       "node.kubernetes.io/instance-type")->str;
        int spot = ga_doc_get(at(flavor, "spec/nodeLabels"), "eks.amazonaws.com/capacityType") !=
                   NULL;
        int64_t want = 0;
        for (int32_t i = 0; i < gpuarb_result_allocation_count(res); i++) {
            gpuarb_allocation a;
            assert_int_equal(gpuarb_result_allocation(res, i, &a), GPUARB_OK);
            if (strcmp(a.instance_type, itype) == 0 && a.spot == spot)
                want += (int64_t)a.count * a.gpus_per_instance;
        }
        assert_string_equal(str_at(fl->items[f], "resources/0/name"), "nvidia.com/gpu");
        assert_int_equal(int_at(fl->items[f], "resources/0/nominalQuota"), want);
        total += want;
    }
    assert_int_equal(total, 36);
    free_docs(&d);
    gpuarb_free(text);
    gpuarb_result_free(res);
    gpuarb_spec_free(spec);
}

static void skypilot_tasks_pin_the_offer(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    gpuarb_spec *spec = NULL;
    gpuarb_result *res = solve(ctx, "examples/spec.yaml", &spec);
    char *text = export(ctx, res, spec, GPUARB_EXPORT_SKYPILOT);
    docs d;
    parse_docs(ctx, text, &d);
    assert_int_equal(d.n, gpuarb_result_allocation_count(res));
    static const char *const keys[] = {"cloud",        "region",   "zone",
                                       "instance_type", "accelerators", "use_spot"};
    for (size_t i = 0; i < d.n; i++) {
        gpuarb_allocation a;
        assert_int_equal(gpuarb_result_allocation(res, (int32_t)i, &a), GPUARB_OK);
        const ga_doc_node *t = d.d[i].root;
        assert_int_equal(int_at(t, "num_nodes"), a.count);
        const ga_doc_node *r = at(t, "resources");
        for (size_t k = 0; k < r->n; k++) {
            int known = 0;
            for (size_t j = 0; j < sizeof keys / sizeof keys[0]; j++)
                known |= strcmp(r->keys[k], keys[j]) == 0;
            assert_true(known);
        }
        assert_string_equal(str_at(r, "cloud"), a.provider);
        assert_string_equal(str_at(r, "region"), a.region);
        assert_string_equal(str_at(r, "instance_type"), a.instance_type);
        char acc[64];
        snprintf(acc, sizeof acc, "%s:%d", a.gpu, (int)a.gpus_per_instance);
        assert_string_equal(str_at(r, "accelerators"), acc);
        const ga_doc_node *us = at(r, "use_spot");
        assert_true(us && us->kind == GA_DOC_BOOL);
        assert_int_equal(us->boolean, a.spot);
    }
    free_docs(&d);
    gpuarb_free(text);
    gpuarb_result_free(res);
    gpuarb_spec_free(spec);
}

static void no_plan_and_bad_names_are_errors(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    gpuarb_spec *spec = NULL;
    gpuarb_result *res = solve(ctx, "tests/data/cli/infeasible.yaml", &spec);
    char *text = (char *)1;
    assert_int_equal(gpuarb_result_export(ctx, res, spec, NULL, &text), GPUARB_ERR_INPUT);
    assert_null(text);
    assert_non_null(strstr(gpuarb_errmsg(ctx), "infeasible"));
    gpuarb_result_free(res);
    gpuarb_spec_free(spec);

    /* an instance type that is not a label value: the message names it */
    static const char csv[] =
        "provider,region,zone,instance_type,gpu,gpu_count,price_hour\n"
        "acme,eu-1,,gpu box/8 (a100),A100,8,10\n";
    static const char yaml[] = "version: 1\nworkloads:\n  - {name: w, gpus: 8}\n";
    gpuarb_catalog *cat = NULL;
    assert_int_equal(gpuarb_catalog_parse(ctx, csv, sizeof csv - 1, "c.csv",
                                          GPUARB_CATALOG_NATIVE, NULL, &cat),
                     GPUARB_OK);
    assert_int_equal(gpuarb_spec_parse(ctx, yaml, sizeof yaml - 1, NULL, NULL, &spec), GPUARB_OK);
    assert_int_equal(gpuarb_optimize(ctx, spec, cat, NULL, &res), GPUARB_OK);
    assert_int_equal(gpuarb_result_export(ctx, res, spec, NULL, &text), GPUARB_ERR_INPUT);
    assert_non_null(strstr(gpuarb_errmsg(ctx), "'gpu box/8 (a100)'"));
    /* SkyPilot has no label rule: the same plan exports */
    text = export(ctx, res, spec, GPUARB_EXPORT_SKYPILOT);
    assert_non_null(strstr(text, "instance_type: gpu box/8 (a100)"));
    gpuarb_free(text);

    gpuarb_export_opts o;
    gpuarb_export_opts_init(&o);
    o.k8s_namespace = "Team_A";
    assert_int_equal(gpuarb_result_export(ctx, res, spec, &o, &text), GPUARB_ERR_ARG);
    assert_non_null(strstr(gpuarb_errmsg(ctx), "'team-a'"));
    gpuarb_export_opts_init(&o);
    o.format = 3;
    assert_int_equal(gpuarb_result_export(ctx, res, spec, &o, &text), GPUARB_ERR_ARG);
    gpuarb_export_opts_init(&o);
    o.size--;
    assert_int_equal(gpuarb_result_export(ctx, res, spec, &o, &text), GPUARB_ERR_ARG);
    assert_int_equal(gpuarb_result_export(ctx, NULL, spec, NULL, &text), GPUARB_ERR_ARG);
    gpuarb_result_free(res);
    gpuarb_spec_free(spec);
    gpuarb_catalog_free(cat);
}

/* Long, odd workload names still make DNS-1123 names, unique per row. */
static void names_are_dns_labels(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    static const char yaml[] =
        "version: 1\ncatalog: tests/data/cli/cat3.csv\nworkloads:\n"
        "  - {name: \"Über_Training JOB -- with a very long name that goes on and on and on\", "
        "gpus: 8}\n"
        "  - {name: \"__\", gpus: 8}\n";
    gpuarb_spec *spec = NULL;
    gpuarb_result *res = NULL;
    assert_int_equal(gpuarb_spec_parse(ctx, yaml, sizeof yaml - 1, NULL, NULL, &spec), GPUARB_OK);
    assert_int_equal(gpuarb_optimize(ctx, spec, NULL, NULL, &res), GPUARB_OK);
    char *text = export(ctx, res, spec, GPUARB_EXPORT_K8S);
    docs d;
    parse_docs(ctx, text, &d);
    assert_true(d.n >= 2);
    /* folded by hand: lower case, runs of other bytes one '-', cut at 52, "-<row>" */
    assert_string_equal(str_at(d.d[0].root, "metadata/name"),
                        "ber-training-job-with-a-very-long-name-that-goes-on-0");
    assert_string_equal(str_at(d.d[1].root, "metadata/name"), "w-1");
    for (size_t i = 0; i < d.n; i++) {
        const char *name = str_at(d.d[i].root, "metadata/name");
        assert_true(dns_label_ok(name));
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(name, str_at(d.d[j].root, "metadata/name"));
    }
    free_docs(&d);
    gpuarb_free(text);
    gpuarb_result_free(res);
    gpuarb_spec_free(spec);
}

/* ---- MIG placements as pods (gpuarb_mig_result_export, issue 12) ----
 * By hand from NVIDIA's H100 table (nvidia-smi mig -lgipp): 4g.40gb may
 * start at slot 0 only and takes slots 0-3, so three 1g.10gb go to 4, 5, 6
 * on the same GPU; 7g.80gb then fits nowhere; the 0.5 share goes to the L4,
 * which has no MIG.  The H100 is named "node-a/0", so its pods select node
 * node-a; the L4's name says no node. */
static const char mig_yaml[] =
    "gpus:\n"
    "  - {name: node-a/0, model: H100}\n"
    "  - {name: solo, model: L4}\n"
    "requests:\n"
    "  - {name: small, profile: 1g.10gb, count: 3}\n"
    "  - {name: big, profile: 4g.40gb}\n"
    "  - {name: nb, fraction: 0.5, memory_gb: 8}\n"
    "  - {name: huge, profile: 7g.80gb}\n";

static int64_t resource(const ga_doc_node *pod, const char *name)
{
    const ga_doc_node *lim = at(pod, "spec/containers/0/resources/limits");
    assert_non_null(lim);
    assert_int_equal(lim->kind, GA_DOC_MAP);
    assert_int_equal(lim->n, 1); /* one extended resource, nothing else */
    const ga_doc_node *v = ga_doc_get(lim, name);
    if (!v || v->kind != GA_DOC_NUMBER || !v->is_integer)
        fail_msg("limits: no integer %s", name);
    return (int64_t)v->number;
}

static void mig_pods_request_mig_resources(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    gpuarb_mig_problem *p = NULL;
    gpuarb_mig_result *r = NULL;
    assert_int_equal(gpuarb_mig_spec_parse(ctx, mig_yaml, sizeof mig_yaml - 1, "m", &p),
                     GPUARB_OK);
    assert_int_equal(gpuarb_mig_place(ctx, p, &r), GPUARB_OK);
    gpuarb_export_opts o;
    gpuarb_export_opts_init(&o);
    o.k8s_namespace = "ml";
    o.queue = "team-a";
    char *text = NULL;
    assert_int_equal(gpuarb_mig_result_export(ctx, r, &o, &text), GPUARB_OK);
    assert_non_null(strstr(text, "# unplaced: huge ("));
    docs d;
    parse_docs(ctx, text, &d);
    assert_int_equal(d.n, 5);
    static const char *const req[5] = {"small#0", "small#1", "small#2", "big", "nb"};
    static const char *const res[5] = {"nvidia.com/mig-1g.10gb", "nvidia.com/mig-1g.10gb",
                                       "nvidia.com/mig-1g.10gb", "nvidia.com/mig-4g.40gb",
                                       "nvidia.com/gpu"};
    static const char *const start[4] = {"4", "5", "6", "0"};
    for (size_t i = 0; i < d.n; i++) {
        const ga_doc_node *pod = d.d[i].root;
        assert_string_equal(str_at(pod, "apiVersion"), "v1");
        assert_string_equal(str_at(pod, "kind"), "Pod");
        assert_string_equal(str_at(pod, "metadata/namespace"), "ml");
        assert_true(dns_label_ok(str_at(pod, "metadata/name")));
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(str_at(pod, "metadata/name"),
                                    str_at(d.d[j].root, "metadata/name"));
        const ga_doc_node *lab = at(pod, "metadata/labels");
        assert_string_equal(ga_doc_get(lab, "kueue.x-k8s.io/queue-name")->str, "team-a");
        const ga_doc_node *ann = at(pod, "metadata/annotations");
        assert_string_equal(ga_doc_get(ann, "gpuarb.io/request")->str, req[i]);
        assert_int_equal(resource(pod, res[i]), 1);
        assert_true(dns_label_ok(str_at(pod, "spec/containers/0/name")));
        const char *rp = str_at(pod, "spec/restartPolicy");
        assert_true(strcmp(rp, "Never") == 0 || strcmp(rp, "OnFailure") == 0);
        const ga_doc_node *sel = at(pod, "spec/nodeSelector");
        if (i < 4) {
            assert_string_equal(ga_doc_get(ann, "gpuarb.io/gpu")->str, "node-a/0");
            assert_string_equal(ga_doc_get(ann, "gpuarb.io/mig-start")->str, start[i]);
            assert_non_null(sel);
            assert_string_equal(ga_doc_get(sel, "kubernetes.io/hostname")->str, "node-a");
        } else {
            assert_string_equal(ga_doc_get(ann, "gpuarb.io/gpu")->str, "solo");
            assert_string_equal(ga_doc_get(ann, "gpuarb.io/gpu-fraction")->str, "0.5");
            assert_null(sel);
        }
    }
    free_docs(&d);
    gpuarb_free(text);

    /* only k8s; a bad namespace; a node name that is no label value */
    o.format = GPUARB_EXPORT_KUEUE;
    assert_int_equal(gpuarb_mig_result_export(ctx, r, &o, &text), GPUARB_ERR_ARG);
    assert_null(text);
    o.format = GPUARB_EXPORT_K8S;
    o.k8s_namespace = "Bad NS";
    assert_int_equal(gpuarb_mig_result_export(ctx, r, &o, &text), GPUARB_ERR_ARG);
    gpuarb_mig_result_free(r);
    gpuarb_mig_problem_free(p);
    static const char bad[] = "gpus:\n  - {name: \"-x-/0\", model: A100-80GB}\n"
                              "requests:\n  - {name: a, profile: 1g.10gb}\n";
    assert_int_equal(gpuarb_mig_spec_parse(ctx, bad, sizeof bad - 1, "b", &p), GPUARB_OK);
    assert_int_equal(gpuarb_mig_place(ctx, p, &r), GPUARB_OK);
    assert_int_equal(gpuarb_mig_result_export(ctx, r, NULL, &text), GPUARB_ERR_INPUT);
    assert_non_null(strstr(gpuarb_errmsg(ctx), "-x-"));
    gpuarb_mig_result_free(r);
    gpuarb_mig_problem_free(p);
}

/* Names are free text: a newline in a request's name must not end the comment
 * line naming it (the documents must still parse), and a node part longer than
 * a label's 63 characters is an error, not a silently dropped selector. */
static void mig_pods_survive_odd_names(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    static const char yaml[] = "gpus:\n  - {name: \"n1/0\", model: H100}\n"
                               "requests:\n  - {name: \"a\\nb: c\", profile: 7g.80gb}\n"
                               "  - {name: \"d\\ne: f\", profile: 7g.80gb}\n";
    gpuarb_mig_problem *p = NULL;
    gpuarb_mig_result *r = NULL;
    char *text = NULL;
    assert_int_equal(gpuarb_mig_spec_parse(ctx, yaml, sizeof yaml - 1, "m", &p), GPUARB_OK);
    assert_int_equal(gpuarb_mig_place(ctx, p, &r), GPUARB_OK);
    assert_int_equal(gpuarb_mig_result_export(ctx, r, NULL, &text), GPUARB_OK);
    docs d;
    parse_docs(ctx, text, &d); /* one placed, one unplaced: both names in comments */
    assert_int_equal(d.n, 1);
    /* a Pod has apiVersion, kind, metadata and spec, nothing else: a name that
     * broke out of its comment would add keys ("b", "e") */
    assert_int_equal(d.d[0].root->kind, GA_DOC_MAP);
    assert_int_equal(d.d[0].root->n, 4);
    assert_string_equal(ga_doc_get(at(d.d[0].root, "metadata/annotations"),
                                   "gpuarb.io/request")->str, "a\nb: c");
    free_docs(&d);
    gpuarb_free(text);
    gpuarb_mig_result_free(r);
    gpuarb_mig_problem_free(p);

    char big[512];
    snprintf(big, sizeof big, "gpus:\n  - {name: \"%064d/0\", model: H100}\n"
                              "requests:\n  - {name: a, profile: 1g.10gb}\n", 7);
    assert_int_equal(gpuarb_mig_spec_parse(ctx, big, strlen(big), "m", &p), GPUARB_OK);
    assert_int_equal(gpuarb_mig_place(ctx, p, &r), GPUARB_OK);
    assert_int_equal(gpuarb_mig_result_export(ctx, r, NULL, &text), GPUARB_ERR_INPUT);
    assert_null(text);
    gpuarb_mig_result_free(r);
    gpuarb_mig_problem_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TU_TEST(k8s_manifests_follow_the_plan),   TU_TEST(kueue_quotas_equal_the_plan),
        TU_TEST(skypilot_tasks_pin_the_offer),    TU_TEST(no_plan_and_bad_names_are_errors),
        TU_TEST(names_are_dns_labels),            TU_TEST(mig_pods_request_mig_resources),
        TU_TEST(mig_pods_survive_odd_names),
    };
    return cmocka_run_group_tests_name("export", tests, NULL, NULL);
}
