/* optimize.c - solve a spec with libgpuarb and print the plan.
 * Build: make examples, or: cc -Iinclude examples/optimize.c -Lbuild -lgpuarb -o optimize */
#include <stdio.h>

#include "gpuarb.h"

int main(int argc, char **argv)
{
    gpuarb_ctx *ctx = NULL;
    gpuarb_spec *spec = NULL;
    gpuarb_result *res = NULL;
    gpuarb_optimize_opts opts;
    gpuarb_plan_summary sum = {.size = sizeof sum, .status = GPUARB_SOLVE_INFEASIBLE};
    gpuarb_optimize_opts_init(&opts);
    if (gpuarb_ctx_create(&ctx) || gpuarb_spec_load(ctx, argc > 1 ? argv[1] : "examples/spec.yaml", &spec)
        || gpuarb_optimize(ctx, spec, NULL, &opts, &res) || gpuarb_result_summary(res, &sum)) {
        fprintf(stderr, "optimize: %s\n", gpuarb_errfull(ctx));
    } else {
        for (int32_t i = 0; i < sum.allocation_count; i++) {
            gpuarb_allocation a;
            gpuarb_result_allocation(res, i, &a);
            printf("%-13s %2d x %-22s %-7s %-16s %s\n", a.workload, a.count, a.instance_type,
                   a.provider, a.region, a.spot ? "spot" : "on-demand");
        }
        printf("total $%.2f: %.2f $/h over the horizon plus $%.2f egress\n", sum.total_cost,
               sum.cost_per_hour, sum.egress_cost);
    }
    gpuarb_result_free(res);
    gpuarb_spec_free(spec);
    gpuarb_ctx_free(ctx);
    return sum.status == GPUARB_SOLVE_OPTIMAL || sum.status == GPUARB_SOLVE_FEASIBLE ? 0 : 1;
}
