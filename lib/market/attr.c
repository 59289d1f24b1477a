/*
 * attr.c - cost attribution: a cost split over (label, cost) items summed
 * per label (team, project), for optimize results (result_write.c) and
 * simulation results alike.  Every item lands in exactly one row, the
 * unlabelled ones in a row of their own, so the rows add up to the whole.
 * Returns GPUARB_OK or GPUARB_ERR_NOMEM.
 */
#include <stdlib.h>
#include <string.h>

#include "market/market.h"

static int row_cmp(const void *a, const void *b)
{
    const ga_mk_attr_row *x = a, *y = b;
    if (!x->label || !y->label)
        return (x->label == NULL) - (y->label == NULL);
    return strcmp(x->label, y->label);
}

gpuarb_status ga_mk_attribute(gpuarb_ctx *ctx, const char *const *labels, const double *cost,
                              const double *cost2, size_t n, ga_mk_attr_row **rows,
                              size_t *nrows)
{
    *rows = NULL;
    *nrows = 0;
    ga_mk_attr_row *r = n ? ga_calloc(n, sizeof *r) : NULL;
    if (n && !r)
        return ga_nomem(ctx);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const char *l = labels && labels[i] && labels[i][0] ? labels[i] : NULL;
        size_t j = 0;
        while (j < k && !(l ? r[j].label && strcmp(r[j].label, l) == 0 : !r[j].label))
            j++;
        if (j == k) {
            r[k].label = l;
            k++;
        }
        r[j].cost += cost[i];
        r[j].cost2 += cost2 ? cost2[i] : 0;
        r[j].items++;
    }
    if (k > 1)
        qsort(r, k, sizeof *r, row_cmp);
    *rows = r;
    *nrows = k;
    return GPUARB_OK;
}
